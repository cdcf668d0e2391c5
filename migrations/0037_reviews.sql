-- Learning from case reviews (Jersey's framework; South Gloucestershire appendix A; Norfolk §9;
-- North Somerset §2-5): a review is notified and decided on, carried out and published; its
-- findings become recommendations; the board responds to each; agencies and sub-groups own
-- actions that the sub-group signs off only when the evidence shows practice changed.
-- No column is for a child's or adult's real name or date of birth: titles are anonymised.

-- The partnership's sub-groups: an action or a recommendation may be owned by one.
CREATE TABLE subgroups (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  archived boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT cascade_now()
);
CREATE UNIQUE INDEX subgroups_name_key ON subgroups (partnership_id, lower(name));
ALTER TABLE subgroups ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON subgroups
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON subgroups
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();

CREATE TABLE reviews (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  type text NOT NULL CHECK (type IN ('rapid_review', 'cspr', 'scr', 'sar', 'dhr', 'child_death_review', 'leder',
    'multi_agency_audit', 'thematic', 'national', 'other')),
  reference text NOT NULL CHECK (length(reference) BETWEEN 1 AND 60),
  -- Anonymised ("Child H"), never a real name.
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  status text NOT NULL DEFAULT 'notified' CHECK (status IN ('notified', 'decision_made', 'in_progress', 'published',
    'actions_in_progress', 'closed')),
  notified_on date NOT NULL,
  decision_on date,
  commissioned_on date,
  published_on date,
  closed_on date,
  -- 'review' goes on to be carried out; 'no_review' (a rapid review's "no local review") is
  -- recorded and nothing else follows but closing.
  decision text CHECK (decision IN ('review', 'no_review')),
  decision_reason text CHECK (length(decision_reason) BETWEEN 1 AND 5000),
  lead_reviewer text CHECK (length(lead_reviewer) BETWEEN 1 AND 200),
  summary text CHECK (length(summary) <= 20000),
  report_url text CHECK (length(report_url) <= 2000),
  created_at timestamptz NOT NULL DEFAULT cascade_now(),
  updated_at timestamptz NOT NULL DEFAULT cascade_now(),
  CONSTRAINT reviews_decided CHECK (status = 'notified' OR (decision IS NOT NULL AND decision_on IS NOT NULL)),
  CONSTRAINT reviews_closed_dated CHECK ((status = 'closed') = (closed_on IS NOT NULL))
);
CREATE UNIQUE INDEX reviews_reference_key ON reviews (partnership_id, lower(reference));
CREATE INDEX reviews_register ON reviews (partnership_id, notified_on DESC, id);
CREATE INDEX reviews_status ON reviews (partnership_id, status);
ALTER TABLE reviews ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON reviews
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON reviews
  FOR EACH ROW EXECUTE FUNCTION cascade_audit('updated_at');

-- The agencies involved: an agency lead sees an unpublished review only when theirs is one.
CREATE TABLE review_agencies (
  partnership_id uuid NOT NULL REFERENCES partnerships,
  review_id uuid NOT NULL REFERENCES reviews ON DELETE CASCADE,
  agency_id uuid NOT NULL REFERENCES agencies,
  PRIMARY KEY (review_id, agency_id)
);
CREATE INDEX review_agencies_agency ON review_agencies (agency_id);
ALTER TABLE review_agencies ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON review_agencies
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON review_agencies
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();

CREATE TABLE review_themes (
  partnership_id uuid NOT NULL REFERENCES partnerships,
  review_id uuid NOT NULL REFERENCES reviews ON DELETE CASCADE,
  theme_id uuid NOT NULL REFERENCES themes,
  PRIMARY KEY (review_id, theme_id)
);
CREATE INDEX review_themes_theme ON review_themes (theme_id);
ALTER TABLE review_themes ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON review_themes
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON review_themes
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();

-- Every move of a review from one status to another, who made it and why.
CREATE TABLE review_transitions (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  partnership_id uuid NOT NULL REFERENCES partnerships,
  review_id uuid NOT NULL REFERENCES reviews ON DELETE CASCADE,
  from_status text CHECK (from_status IN ('notified', 'decision_made', 'in_progress', 'published',
    'actions_in_progress', 'closed')),
  to_status text NOT NULL CHECK (to_status IN ('notified', 'decision_made', 'in_progress', 'published',
    'actions_in_progress', 'closed')),
  by_user uuid REFERENCES users,
  by_label text CHECK (length(by_label) <= 120),
  reason text CHECK (length(reason) <= 20000),
  at timestamptz NOT NULL DEFAULT cascade_now()
);
CREATE INDEX review_transitions_review ON review_transitions (review_id, id);
ALTER TABLE review_transitions ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON review_transitions
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON review_transitions
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();

-- What was learned.
CREATE TABLE findings (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  review_id uuid NOT NULL REFERENCES reviews ON DELETE CASCADE,
  text text NOT NULL CHECK (length(text) BETWEEN 1 AND 10000),
  created_at timestamptz NOT NULL DEFAULT cascade_now(),
  updated_at timestamptz NOT NULL DEFAULT cascade_now()
);
CREATE INDEX findings_review ON findings (review_id, created_at, id);
ALTER TABLE findings ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON findings
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON findings
  FOR EACH ROW EXECUTE FUNCTION cascade_audit('updated_at');

CREATE TABLE finding_themes (
  partnership_id uuid NOT NULL REFERENCES partnerships,
  finding_id uuid NOT NULL REFERENCES findings ON DELETE CASCADE,
  theme_id uuid NOT NULL REFERENCES themes,
  PRIMARY KEY (finding_id, theme_id)
);
CREATE INDEX finding_themes_theme ON finding_themes (theme_id);
ALTER TABLE finding_themes ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON finding_themes
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON finding_themes
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();

-- What the review asks of whom, and the board's response. A response other than acceptance
-- says why (the Care Act asks a safeguarding adults board to say why it did not act).
CREATE TABLE recommendations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  review_id uuid NOT NULL REFERENCES reviews ON DELETE CASCADE,
  text text NOT NULL CHECK (length(text) BETWEEN 1 AND 10000),
  addressed_to text NOT NULL CHECK (addressed_to IN ('partnership', 'subgroup', 'agencies', 'national')),
  subgroup_id uuid REFERENCES subgroups,
  national_body text CHECK (length(national_body) BETWEEN 1 AND 200),
  response text CHECK (response IN ('accepted', 'partially_accepted', 'not_accepted')),
  response_reason text CHECK (length(response_reason) BETWEEN 1 AND 5000),
  responded_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT cascade_now(),
  updated_at timestamptz NOT NULL DEFAULT cascade_now(),
  CONSTRAINT recommendations_subgroup CHECK ((addressed_to = 'subgroup') = (subgroup_id IS NOT NULL)),
  CONSTRAINT recommendations_national CHECK ((addressed_to = 'national') = (national_body IS NOT NULL)),
  CONSTRAINT recommendations_reasoned CHECK (response IS NULL OR response = 'accepted' OR response_reason IS NOT NULL)
);
CREATE INDEX recommendations_review ON recommendations (review_id, created_at, id);
ALTER TABLE recommendations ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON recommendations
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON recommendations
  FOR EACH ROW EXECUTE FUNCTION cascade_audit('updated_at');

CREATE TABLE recommendation_agencies (
  partnership_id uuid NOT NULL REFERENCES partnerships,
  recommendation_id uuid NOT NULL REFERENCES recommendations ON DELETE CASCADE,
  agency_id uuid NOT NULL REFERENCES agencies,
  PRIMARY KEY (recommendation_id, agency_id)
);
CREATE INDEX recommendation_agencies_agency ON recommendation_agencies (agency_id);
ALTER TABLE recommendation_agencies ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON recommendation_agencies
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON recommendation_agencies
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();
