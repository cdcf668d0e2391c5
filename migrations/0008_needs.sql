-- Training needs analysis requests (North Somerset appendix one): anyone in the partnership
-- says what practice change they want and why; the L&D sub-group turns the request into a
-- proposal; the executive endorses or declines it. Endorsed needs feed the annual programme.

CREATE TABLE needs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  -- Who asked: the user (told by email at each step), and their directory record when they
  -- have one, so needs can be reported by agency. No user when recorded by the command line.
  requested_by uuid REFERENCES users,
  person_id uuid REFERENCES people,
  identified_by text NOT NULL
    CHECK (identified_by IN ('audit', 'case_review', 'national_requirement', 'other')),
  identified_other text CHECK (length(identified_other) BETWEEN 1 AND 500),
  practice_change text NOT NULL CHECK (length(practice_change) BETWEEN 1 AND 5000),
  target_audience text NOT NULL CHECK (length(target_audience) BETWEEN 1 AND 2000),
  effectiveness_measure text NOT NULL CHECK (length(effectiveness_measure) BETWEEN 1 AND 5000),
  preferred_methods text[] NOT NULL DEFAULT '{}' CHECK (preferred_methods <@ ARRAY['single_agency_training',
    'multi_agency_training', 'newsletter', 'audit_newsletter', 'briefing', 'themed_reading', 'conference',
    'guidance', 'elearning']::text[]),
  status text NOT NULL DEFAULT 'requested' CHECK (status IN ('requested', 'proposed', 'endorsed', 'declined')),
  -- The sub-group's proposal.
  recommended_method text CHECK (recommended_method IN ('single_agency_training', 'multi_agency_training',
    'newsletter', 'audit_newsletter', 'briefing', 'themed_reading', 'conference', 'guidance', 'elearning')),
  -- Half days, as whole numbers: the partnership's capacity is set in half days (North Somerset:
  -- at most the equivalent of two days a week), so the programme adds these up exactly.
  estimated_delivery_half_days integer CHECK (estimated_delivery_half_days BETWEEN 0 AND 2000),
  -- Money is whole pence.
  estimated_cost_pence integer CHECK (estimated_cost_pence BETWEEN 0 AND 100000000),
  -- The programme year it is proposed for, by the year it starts in (2026 is 2026 to 2027);
  -- the month it starts is the partnership's policy.
  financial_year integer CHECK (financial_year BETWEEN 2000 AND 2100),
  proposal_summary text CHECK (length(proposal_summary) <= 5000),
  decision_reason text CHECK (length(decision_reason) BETWEEN 1 AND 2000),
  decided_at timestamptz,
  -- The course made for an endorsed need.
  course_id uuid REFERENCES courses,
  created_at timestamptz NOT NULL DEFAULT cascade_now(),
  updated_at timestamptz NOT NULL DEFAULT cascade_now(),
  -- The rules the service checks first, held here too.
  CONSTRAINT needs_other_explained CHECK ((identified_by = 'other') = (identified_other IS NOT NULL)),
  CONSTRAINT needs_proposal_complete CHECK (status = 'requested' OR (recommended_method IS NOT NULL
    AND estimated_delivery_half_days IS NOT NULL AND estimated_cost_pence IS NOT NULL AND financial_year IS NOT NULL)),
  CONSTRAINT needs_decline_explained CHECK (status <> 'declined' OR decision_reason IS NOT NULL),
  CONSTRAINT needs_course_when_endorsed CHECK (course_id IS NULL OR status = 'endorsed')
);
CREATE INDEX needs_status ON needs (partnership_id, status, created_at DESC);
CREATE INDEX needs_requested_by ON needs (partnership_id, requested_by, created_at DESC);
CREATE INDEX needs_programme ON needs (partnership_id, financial_year) WHERE status = 'endorsed';
ALTER TABLE needs ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON needs
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON needs
  FOR EACH ROW EXECUTE FUNCTION cascade_audit('updated_at');

-- The thematic priorities a need is linked to.
CREATE TABLE need_themes (
  partnership_id uuid NOT NULL REFERENCES partnerships,
  need_id uuid NOT NULL REFERENCES needs ON DELETE CASCADE,
  theme_id uuid NOT NULL REFERENCES themes,
  PRIMARY KEY (need_id, theme_id)
);
CREATE INDEX need_themes_theme ON need_themes (theme_id);
ALTER TABLE need_themes ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON need_themes
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON need_themes
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();

-- Every move of a need from one state to another, who made it and why: the request itself
-- (from nothing), each proposal and each revision of it, and the decision.
CREATE TABLE need_transitions (
  -- In the order they happened, even when two share an instant.
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  partnership_id uuid NOT NULL REFERENCES partnerships,
  need_id uuid NOT NULL REFERENCES needs ON DELETE CASCADE,
  from_status text CHECK (from_status IN ('requested', 'proposed', 'endorsed', 'declined')),
  to_status text NOT NULL CHECK (to_status IN ('requested', 'proposed', 'endorsed', 'declined')),
  by_user uuid REFERENCES users,
  -- Who acted when no user did ('cli', 'demo-seed').
  by_label text CHECK (length(by_label) <= 120),
  reason text CHECK (length(reason) <= 2000),
  -- The proposal as it stood after this move, so each revision stays readable.
  proposal jsonb CHECK (proposal IS NULL OR jsonb_typeof(proposal) = 'object'),
  at timestamptz NOT NULL DEFAULT cascade_now()
);
CREATE INDEX need_transitions_need ON need_transitions (need_id, id);
ALTER TABLE need_transitions ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON need_transitions
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON need_transitions
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();
