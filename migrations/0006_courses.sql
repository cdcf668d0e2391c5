-- The partnership's thematic priorities, and the courses it offers. A published course has
-- learning objectives and an evaluation plan; every change to a course's content is kept
-- as a version, so learning from a review can be shown to have changed it.

CREATE TABLE themes (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
  -- The framework a theme belongs to (Norfolk groups its seven by one from case reviews).
  framework text CHECK (length(framework) <= 120),
  archived boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT cascade_now()
);
CREATE UNIQUE INDEX themes_name_key ON themes (partnership_id, lower(name));
ALTER TABLE themes ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON themes
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON themes
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();

CREATE TABLE courses (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  summary text NOT NULL DEFAULT '' CHECK (length(summary) <= 5000),
  -- Each objective describes the practice change wanted.
  objectives jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(objectives) = 'array'),
  tier text CHECK (length(tier) <= 80),
  -- Who it is for: {workforce, sectors, roles}.
  audience jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(audience) = 'object'),
  delivery_method text NOT NULL CHECK (delivery_method IN ('single_agency_training', 'multi_agency_training',
    'newsletter', 'audit_newsletter', 'briefing', 'themed_reading', 'conference', 'guidance', 'elearning')),
  duration_minutes integer CHECK (duration_minutes BETWEEN 1 AND 10080),
  -- Which questionnaires at booking, after and at follow-up, and how impact will be judged.
  evaluation_plan jsonb CHECK (jsonb_typeof(evaluation_plan) = 'object'),
  materials text NOT NULL DEFAULT '' CHECK (length(materials) <= 5000),
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published')),
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT cascade_now(),
  updated_at timestamptz NOT NULL DEFAULT cascade_now(),
  -- The rule the service checks first, held here too: nothing is published without both.
  CONSTRAINT courses_published_complete CHECK (
    status = 'draft' OR (jsonb_array_length(objectives) > 0 AND evaluation_plan IS NOT NULL)
  )
);
CREATE INDEX courses_title ON courses (partnership_id, lower(title));
ALTER TABLE courses ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON courses
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON courses
  FOR EACH ROW EXECUTE FUNCTION cascade_audit('updated_at');

CREATE TABLE course_themes (
  partnership_id uuid NOT NULL REFERENCES partnerships,
  course_id uuid NOT NULL REFERENCES courses ON DELETE CASCADE,
  theme_id uuid NOT NULL REFERENCES themes,
  PRIMARY KEY (course_id, theme_id)
);
CREATE INDEX course_themes_theme ON course_themes (theme_id);
ALTER TABLE course_themes ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON course_themes
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON course_themes
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();

-- Each version of a course's content as it was, with why it changed.
CREATE TABLE course_versions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  course_id uuid NOT NULL REFERENCES courses ON DELETE CASCADE,
  version integer NOT NULL,
  content jsonb NOT NULL,
  reason text CHECK (length(reason) <= 1000),
  changed_by uuid REFERENCES users,
  created_at timestamptz NOT NULL DEFAULT cascade_now(),
  UNIQUE (course_id, version)
);
ALTER TABLE course_versions ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON course_versions
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON course_versions
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();
