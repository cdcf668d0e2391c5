-- Learning products: the briefings, posters, slide sets, newsletters, guidance and recordings
-- through which learning reaches practitioners besides training. A product cites the reviews
-- and findings it comes from; once published, each change makes a new version that says what
-- changed, so what an agency disseminated can always be read as it was.

CREATE TABLE learning_products (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  type text NOT NULL CHECK (type IN ('seven_minute_briefing', 'briefing', 'one_page_briefing', 'poster', 'slides',
    'newsletter', 'guidance', 'themed_reading', 'podcast', 'video', 'other')),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  summary text NOT NULL DEFAULT '' CHECK (length(summary) <= 2000),
  -- Markdown, rendered with HTML off: what a writer types can never become markup.
  body text NOT NULL DEFAULT '' CHECK (length(body) <= 100000),
  -- [{text, url}]: recordings, national reports, the full review on the partnership's website.
  links jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(links) = 'array'),
  -- Who it is for: {workforce, sectors, tiers}, as a course's audience.
  audience jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(audience) = 'object'),
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'withdrawn')),
  visibility text NOT NULL DEFAULT 'workforce' CHECK (visibility IN ('public', 'workforce')),
  review_by date,
  -- 0 until first published; each change after that adds one.
  version integer NOT NULL DEFAULT 0 CHECK (version >= 0),
  published_at timestamptz,
  created_by uuid REFERENCES users,
  created_at timestamptz NOT NULL DEFAULT cascade_now(),
  updated_at timestamptz NOT NULL DEFAULT cascade_now(),
  search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', summary), 'B')
      || setweight(to_tsvector('english', left(body, 20000)), 'C')
  ) STORED,
  CONSTRAINT learning_products_published CHECK (status = 'draft' OR (published_at IS NOT NULL AND version >= 1))
);
-- The library: a partnership's published products, newest first.
CREATE INDEX learning_products_library ON learning_products (partnership_id, published_at DESC, id)
  WHERE status = 'published';
CREATE INDEX learning_products_search ON learning_products USING gin (search);
ALTER TABLE learning_products ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON learning_products
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON learning_products
  FOR EACH ROW EXECUTE FUNCTION cascade_audit('search', 'updated_at');

-- Each published version as it was, with what changed since the one before.
CREATE TABLE learning_product_versions (
  partnership_id uuid NOT NULL REFERENCES partnerships,
  product_id uuid NOT NULL REFERENCES learning_products ON DELETE CASCADE,
  version integer NOT NULL CHECK (version >= 1),
  snapshot jsonb NOT NULL CHECK (jsonb_typeof(snapshot) = 'object'),
  changes text NOT NULL CHECK (length(changes) BETWEEN 1 AND 2000),
  change_note text CHECK (length(change_note) <= 2000),
  by_user uuid REFERENCES users,
  by_label text CHECK (length(by_label) <= 120),
  at timestamptz NOT NULL DEFAULT cascade_now(),
  PRIMARY KEY (product_id, version)
);
ALTER TABLE learning_product_versions ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON learning_product_versions
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON learning_product_versions
  FOR EACH ROW EXECUTE FUNCTION cascade_audit('snapshot');

-- Files, kept in the database so the processes stay stateless; the audit trail records each
-- file's name, type and size, never its content. A removed file stays for the versions that had it.
CREATE TABLE learning_product_files (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  product_id uuid NOT NULL REFERENCES learning_products ON DELETE CASCADE,
  filename text NOT NULL CHECK (length(filename) BETWEEN 1 AND 255),
  content_type text NOT NULL CHECK (length(content_type) BETWEEN 1 AND 200),
  size_bytes integer NOT NULL CHECK (size_bytes BETWEEN 1 AND 20971520),
  content bytea NOT NULL,
  removed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT cascade_now()
);
CREATE INDEX learning_product_files_product ON learning_product_files (product_id, created_at);
ALTER TABLE learning_product_files ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON learning_product_files
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON learning_product_files
  FOR EACH ROW EXECUTE FUNCTION cascade_audit('content');

CREATE TABLE learning_product_themes (
  partnership_id uuid NOT NULL REFERENCES partnerships,
  product_id uuid NOT NULL REFERENCES learning_products ON DELETE CASCADE,
  theme_id uuid NOT NULL REFERENCES themes,
  PRIMARY KEY (product_id, theme_id)
);
CREATE INDEX learning_product_themes_theme ON learning_product_themes (theme_id);
ALTER TABLE learning_product_themes ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON learning_product_themes
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON learning_product_themes
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();

-- The reviews and findings a product comes from: the thread from a review to what reached practice.
CREATE TABLE learning_product_reviews (
  partnership_id uuid NOT NULL REFERENCES partnerships,
  product_id uuid NOT NULL REFERENCES learning_products ON DELETE CASCADE,
  review_id uuid NOT NULL REFERENCES reviews ON DELETE CASCADE,
  PRIMARY KEY (product_id, review_id)
);
CREATE INDEX learning_product_reviews_review ON learning_product_reviews (review_id);
ALTER TABLE learning_product_reviews ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON learning_product_reviews
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON learning_product_reviews
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();

CREATE TABLE learning_product_findings (
  partnership_id uuid NOT NULL REFERENCES partnerships,
  product_id uuid NOT NULL REFERENCES learning_products ON DELETE CASCADE,
  finding_id uuid NOT NULL REFERENCES findings ON DELETE CASCADE,
  PRIMARY KEY (product_id, finding_id)
);
CREATE INDEX learning_product_findings_finding ON learning_product_findings (finding_id);
ALTER TABLE learning_product_findings ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON learning_product_findings
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON learning_product_findings
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();

-- Products a course (or one of its sessions) gives as reading before it or as follow-up after.
CREATE TABLE course_learning_products (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  course_id uuid NOT NULL REFERENCES courses ON DELETE CASCADE,
  session_id uuid REFERENCES sessions ON DELETE CASCADE,
  product_id uuid NOT NULL REFERENCES learning_products ON DELETE CASCADE,
  purpose text NOT NULL CHECK (purpose IN ('pre_reading', 'follow_up')),
  created_at timestamptz NOT NULL DEFAULT cascade_now()
);
CREATE UNIQUE INDEX course_learning_products_once ON course_learning_products
  (course_id, coalesce(session_id, '00000000-0000-0000-0000-000000000000'::uuid), product_id, purpose);
CREATE INDEX course_learning_products_product ON course_learning_products (product_id);
ALTER TABLE course_learning_products ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON course_learning_products
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON course_learning_products
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();
