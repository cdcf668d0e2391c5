-- Agency safeguarding audits: versioned audit templates (section 11, section 175/157 and the
-- adults' equivalent); cycles in which each agency answers the template, several people to a
-- return, and its senior lead signs it off; reviewers' challenge and the challenge event; and
-- themed multi-agency case audits whose panel findings join the case-review findings and whose
-- cases with current risk are escalated at once. Actions from either are the actions feature's.
-- Every table is under row-level security and audited.

-- A template: its kind and name. Its sections and standards live in versions, which never
-- change once saved; a cycle keeps the version it was opened with.
CREATE TABLE audit_templates (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  kind text NOT NULL CHECK (kind IN ('section_11', 'section_175', 'adults', 'other')),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  created_at timestamptz NOT NULL DEFAULT cascade_now(),
  UNIQUE (partnership_id, title)
);
ALTER TABLE audit_templates ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON audit_templates
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON audit_templates
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();

CREATE TABLE audit_template_versions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  template_id uuid NOT NULL REFERENCES audit_templates,
  version integer NOT NULL CHECK (version >= 1),
  -- The rating scale every standard of this version is rated on.
  scale text NOT NULL CHECK (scale IN ('four_point', 'rag')),
  note text CHECK (length(note) <= 2000),
  created_by uuid REFERENCES users,
  created_at timestamptz NOT NULL DEFAULT cascade_now(),
  UNIQUE (template_id, version)
);
ALTER TABLE audit_template_versions ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON audit_template_versions
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON audit_template_versions
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();

CREATE TABLE audit_sections (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  version_id uuid NOT NULL REFERENCES audit_template_versions,
  position integer NOT NULL CHECK (position >= 1),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  UNIQUE (version_id, position)
);
ALTER TABLE audit_sections ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON audit_sections
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON audit_sections
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();

-- A standard. `ref` is its number ("2.3"), kept from version to version while the standard
-- means the same, so one cycle's answer can be set beside the last cycle's.
CREATE TABLE audit_standards (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  version_id uuid NOT NULL REFERENCES audit_template_versions,
  section_id uuid NOT NULL REFERENCES audit_sections,
  position integer NOT NULL CHECK (position >= 1),
  ref text NOT NULL CHECK (length(ref) BETWEEN 1 AND 20),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  question text NOT NULL CHECK (length(question) BETWEEN 1 AND 2000),
  guidance text NOT NULL CHECK (length(guidance) BETWEEN 1 AND 5000),
  evidence_expected text NOT NULL CHECK (length(evidence_expected) BETWEEN 1 AND 5000),
  UNIQUE (version_id, position),
  UNIQUE (version_id, ref)
);
CREATE INDEX audit_standards_section ON audit_standards (section_id, position);
ALTER TABLE audit_standards ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON audit_standards
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON audit_standards
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();

CREATE FUNCTION cascade_audit_template_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'A version of an audit template never changes: save a new version'
    USING ERRCODE = 'check_violation';
END $$;
CREATE TRIGGER frozen BEFORE UPDATE OR DELETE ON audit_template_versions
  FOR EACH ROW EXECUTE FUNCTION cascade_audit_template_frozen();
CREATE TRIGGER frozen BEFORE UPDATE OR DELETE ON audit_sections
  FOR EACH ROW EXECUTE FUNCTION cascade_audit_template_frozen();
CREATE TRIGGER frozen BEFORE UPDATE OR DELETE ON audit_standards
  FOR EACH ROW EXECUTE FUNCTION cascade_audit_template_frozen();

-- A cycle: the agencies asked to answer one template version by a due date, perhaps with an
-- anonymous practitioner survey alongside.
CREATE TABLE audit_cycles (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  version_id uuid NOT NULL REFERENCES audit_template_versions,
  due_on date NOT NULL,
  opened_on date NOT NULL,
  opened_by uuid REFERENCES users,
  -- The questionnaire of the practitioner survey run alongside, if one is.
  survey_questionnaire_id uuid REFERENCES questionnaires,
  closed_at timestamptz,
  closed_by uuid REFERENCES users,
  created_at timestamptz NOT NULL DEFAULT cascade_now(),
  updated_at timestamptz NOT NULL DEFAULT cascade_now()
);
CREATE INDEX audit_cycles_opened ON audit_cycles (partnership_id, opened_on DESC, id);
ALTER TABLE audit_cycles ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON audit_cycles
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON audit_cycles
  FOR EACH ROW EXECUTE FUNCTION cascade_audit('updated_at');

-- One agency's return in a cycle. Its senior lead (one of the agency's leads) signs it off
-- and submits it; its reviewer then agrees or challenges each answer; a return is concluded once
-- no answer is left challenged.
CREATE TABLE audit_returns (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  cycle_id uuid NOT NULL REFERENCES audit_cycles ON DELETE CASCADE,
  agency_id uuid NOT NULL REFERENCES agencies,
  senior_lead_user_id uuid REFERENCES users,
  -- The member of the partnership who reviews the return and challenges its answers.
  reviewer_user_id uuid REFERENCES users,
  status text NOT NULL DEFAULT 'not_started'
    CHECK (status IN ('not_started', 'in_progress', 'submitted', 'challenge', 'concluded')),
  -- The return whose answers were taken as the starting point, when the agency chose to.
  carried_from uuid REFERENCES audit_returns,
  -- The anonymous practitioner survey for this agency, when the cycle runs one.
  survey_id uuid REFERENCES surveys,
  signed_off_by uuid REFERENCES users,
  signed_off_by_label text CHECK (length(signed_off_by_label) <= 120),
  submitted_at timestamptz,
  concluded_at timestamptz,
  reminded_before_at timestamptz,
  reminded_after_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT cascade_now(),
  UNIQUE (cycle_id, agency_id),
  CONSTRAINT audit_returns_submitted CHECK ((status IN ('submitted', 'challenge', 'concluded'))
    = (submitted_at IS NOT NULL AND signed_off_by IS NOT NULL)),
  CONSTRAINT audit_returns_concluded CHECK ((status = 'concluded') = (concluded_at IS NOT NULL))
);
CREATE INDEX audit_returns_agency ON audit_returns (agency_id, cycle_id);
CREATE INDEX audit_returns_reviewer ON audit_returns (reviewer_user_id) WHERE reviewer_user_id IS NOT NULL;
ALTER TABLE audit_returns ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON audit_returns
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON audit_returns
  FOR EACH ROW EXECUTE FUNCTION cascade_audit('updated_at', 'reminded_before_at', 'reminded_after_at');

-- The colleagues named to work on a return besides the agency's leads.
CREATE TABLE audit_return_contributors (
  partnership_id uuid NOT NULL REFERENCES partnerships,
  return_id uuid NOT NULL REFERENCES audit_returns ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users,
  added_by uuid REFERENCES users,
  added_at timestamptz NOT NULL DEFAULT cascade_now(),
  PRIMARY KEY (return_id, user_id)
);
CREATE INDEX audit_return_contributors_user ON audit_return_contributors (user_id);
ALTER TABLE audit_return_contributors ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON audit_return_contributors
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON audit_return_contributors
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();

-- A return's answer to one standard. `version` rises with every save, so a save made against
-- an older version is refused and shown what changed, rather than overwriting a colleague.
-- The reviewer's view (agreed or challenged, with a note) and, for a challenged answer, how
-- the challenge event settled it, are kept beside it.
CREATE TABLE audit_answers (
  partnership_id uuid NOT NULL REFERENCES partnerships,
  return_id uuid NOT NULL REFERENCES audit_returns ON DELETE CASCADE,
  standard_id uuid NOT NULL REFERENCES audit_standards,
  rating text CHECK (rating IN ('outstanding', 'good', 'requires_improvement', 'inadequate', 'green', 'amber', 'red')),
  narrative text CHECK (length(narrative) <= 20000),
  version integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  updated_by uuid REFERENCES users,
  updated_by_label text CHECK (length(updated_by_label) <= 120),
  updated_at timestamptz NOT NULL DEFAULT cascade_now(),
  review text CHECK (review IN ('agreed', 'challenged')),
  review_note text CHECK (length(review_note) BETWEEN 1 AND 10000),
  reviewed_by uuid REFERENCES users,
  reviewed_at timestamptz,
  challenge_event_id uuid,
  resolution text CHECK (resolution IN ('agreed', 'revised')),
  revised_rating text CHECK (revised_rating IN ('outstanding', 'good', 'requires_improvement', 'inadequate', 'green', 'amber', 'red')),
  resolution_note text CHECK (length(resolution_note) BETWEEN 1 AND 10000),
  PRIMARY KEY (return_id, standard_id),
  CONSTRAINT audit_answers_reviewed CHECK ((review IS NULL) = (reviewed_at IS NULL)),
  CONSTRAINT audit_answers_challenge_noted CHECK (review IS DISTINCT FROM 'challenged' OR review_note IS NOT NULL),
  CONSTRAINT audit_answers_resolved CHECK (resolution IS NULL OR (review = 'challenged' AND challenge_event_id IS NOT NULL)),
  CONSTRAINT audit_answers_revised CHECK ((resolution = 'revised') = (revised_rating IS NOT NULL))
);
CREATE INDEX audit_answers_standard ON audit_answers (standard_id);
ALTER TABLE audit_answers ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON audit_answers
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON audit_answers
  FOR EACH ROW EXECUTE FUNCTION cascade_audit('updated_at');

-- Evidence files for an answer, checked by content and always sent as downloads.
CREATE TABLE audit_evidence_files (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  return_id uuid NOT NULL,
  standard_id uuid NOT NULL,
  filename text NOT NULL CHECK (length(filename) BETWEEN 1 AND 255),
  content_type text NOT NULL CHECK (length(content_type) BETWEEN 1 AND 200),
  size_bytes integer NOT NULL CHECK (size_bytes > 0),
  bytes bytea NOT NULL,
  uploaded_by uuid REFERENCES users,
  uploaded_at timestamptz NOT NULL DEFAULT cascade_now(),
  FOREIGN KEY (return_id, standard_id) REFERENCES audit_answers ON DELETE CASCADE
);
CREATE INDEX audit_evidence_files_answer ON audit_evidence_files (return_id, standard_id);
ALTER TABLE audit_evidence_files ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON audit_evidence_files
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON audit_evidence_files
  FOR EACH ROW EXECUTE FUNCTION cascade_audit('bytes');

-- A challenge event: when it was held, who came, and what was said. Challenged answers are
-- settled at one.
CREATE TABLE audit_challenge_events (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  cycle_id uuid NOT NULL REFERENCES audit_cycles ON DELETE CASCADE,
  held_on date NOT NULL,
  attendees text NOT NULL CHECK (length(attendees) BETWEEN 1 AND 5000),
  notes text CHECK (length(notes) <= 20000),
  created_by uuid REFERENCES users,
  created_at timestamptz NOT NULL DEFAULT cascade_now()
);
CREATE INDEX audit_challenge_events_cycle ON audit_challenge_events (cycle_id, held_on);
ALTER TABLE audit_challenge_events ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON audit_challenge_events
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON audit_challenge_events
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();

-- The agencies of a challenge event: the returns discussed at it.
CREATE TABLE audit_challenge_event_returns (
  partnership_id uuid NOT NULL REFERENCES partnerships,
  event_id uuid NOT NULL REFERENCES audit_challenge_events ON DELETE CASCADE,
  return_id uuid NOT NULL REFERENCES audit_returns ON DELETE CASCADE,
  PRIMARY KEY (event_id, return_id)
);
CREATE INDEX audit_challenge_event_returns_return ON audit_challenge_event_returns (return_id);
ALTER TABLE audit_challenge_event_returns ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON audit_challenge_event_returns
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON audit_challenge_event_returns
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();

ALTER TABLE audit_answers ADD CONSTRAINT audit_answers_event
  FOREIGN KEY (challenge_event_id) REFERENCES audit_challenge_events;

-- A practitioner survey run beside a cycle is one of the evaluation feature's anonymous surveys.
ALTER TABLE surveys DROP CONSTRAINT surveys_audience_check;
ALTER TABLE surveys ADD CONSTRAINT surveys_audience_check CHECK (audience IN ('children_and_young_people', 'families',
  'adults_at_risk', 'stakeholders', 'learning_needs', 'practitioners'));

-- A themed multi-agency case audit: its questions, the agencies taking part (each with its
-- named safeguarding lead for the audit), and the panel day.
CREATE TABLE case_audits (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  theme_id uuid NOT NULL REFERENCES themes,
  status text NOT NULL DEFAULT 'sampling' CHECK (status IN ('sampling', 'answering', 'panel', 'concluded')),
  -- The last day agencies answer by.
  due_on date NOT NULL,
  panel_on date,
  panel_attendees text CHECK (length(panel_attendees) BETWEEN 1 AND 5000),
  panel_summary text CHECK (length(panel_summary) BETWEEN 1 AND 20000),
  created_by uuid REFERENCES users,
  created_at timestamptz NOT NULL DEFAULT cascade_now(),
  updated_at timestamptz NOT NULL DEFAULT cascade_now()
);
CREATE INDEX case_audits_created ON case_audits (partnership_id, created_at DESC, id);
ALTER TABLE case_audits ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON case_audits
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON case_audits
  FOR EACH ROW EXECUTE FUNCTION cascade_audit('updated_at');

CREATE TABLE case_audit_questions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  case_audit_id uuid NOT NULL REFERENCES case_audits ON DELETE CASCADE,
  position integer NOT NULL CHECK (position >= 1),
  text text NOT NULL CHECK (length(text) BETWEEN 1 AND 2000),
  UNIQUE (case_audit_id, position) DEFERRABLE INITIALLY DEFERRED
);
ALTER TABLE case_audit_questions ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON case_audit_questions
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON case_audit_questions
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();

CREATE TABLE case_audit_agencies (
  partnership_id uuid NOT NULL REFERENCES partnerships,
  case_audit_id uuid NOT NULL REFERENCES case_audits ON DELETE CASCADE,
  agency_id uuid NOT NULL REFERENCES agencies,
  -- The agency's named safeguarding lead for this audit: told of escalations, and answers for them.
  lead_user_id uuid NOT NULL REFERENCES users,
  PRIMARY KEY (case_audit_id, agency_id)
);
CREATE INDEX case_audit_agencies_agency ON case_audit_agencies (agency_id);
ALTER TABLE case_audit_agencies ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON case_audit_agencies
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON case_audit_agencies
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();

-- A case in the sample, known only by each agency's own case reference: never a name or a
-- date of birth. The panel's grade and learning are kept with it.
CREATE TABLE case_audit_cases (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  case_audit_id uuid NOT NULL REFERENCES case_audits ON DELETE CASCADE,
  -- How the partnership numbers the case within the audit ("Case 3").
  position integer NOT NULL CHECK (position >= 1),
  grade text CHECK (grade IN ('outstanding', 'good', 'requires_improvement', 'inadequate')),
  learning text CHECK (length(learning) BETWEEN 1 AND 20000),
  graded_by uuid REFERENCES users,
  graded_at timestamptz,
  UNIQUE (case_audit_id, position)
);
ALTER TABLE case_audit_cases ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON case_audit_cases
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON case_audit_cases
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();

CREATE TABLE case_audit_case_refs (
  partnership_id uuid NOT NULL REFERENCES partnerships,
  case_id uuid NOT NULL REFERENCES case_audit_cases ON DELETE CASCADE,
  agency_id uuid NOT NULL REFERENCES agencies,
  reference text NOT NULL CHECK (length(reference) BETWEEN 1 AND 40),
  PRIMARY KEY (case_id, agency_id)
);
CREATE INDEX case_audit_case_refs_agency ON case_audit_case_refs (agency_id);
ALTER TABLE case_audit_case_refs ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON case_audit_case_refs
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON case_audit_case_refs
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();

-- An agency's answer to one question about one case.
CREATE TABLE case_audit_answers (
  partnership_id uuid NOT NULL REFERENCES partnerships,
  case_id uuid NOT NULL REFERENCES case_audit_cases ON DELETE CASCADE,
  question_id uuid NOT NULL REFERENCES case_audit_questions ON DELETE CASCADE,
  agency_id uuid NOT NULL REFERENCES agencies,
  answer text NOT NULL CHECK (length(answer) BETWEEN 1 AND 20000),
  updated_by uuid REFERENCES users,
  updated_at timestamptz NOT NULL DEFAULT cascade_now(),
  PRIMARY KEY (case_id, question_id, agency_id)
);
ALTER TABLE case_audit_answers ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON case_audit_answers
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON case_audit_answers
  FOR EACH ROW EXECUTE FUNCTION cascade_audit('updated_at');

-- A case found to carry current risk: recorded, the named leads of the agencies involved
-- emailed at once, and each agency's acknowledgement kept.
CREATE TABLE case_audit_escalations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  case_id uuid NOT NULL REFERENCES case_audit_cases ON DELETE CASCADE,
  reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 5000),
  raised_by uuid REFERENCES users,
  raised_by_label text CHECK (length(raised_by_label) <= 120),
  raised_at timestamptz NOT NULL DEFAULT cascade_now()
);
CREATE INDEX case_audit_escalations_case ON case_audit_escalations (case_id, raised_at);
ALTER TABLE case_audit_escalations ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON case_audit_escalations
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON case_audit_escalations
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();

CREATE TABLE case_audit_escalation_notices (
  partnership_id uuid NOT NULL REFERENCES partnerships,
  escalation_id uuid NOT NULL REFERENCES case_audit_escalations ON DELETE CASCADE,
  agency_id uuid NOT NULL REFERENCES agencies,
  lead_user_id uuid NOT NULL REFERENCES users,
  acknowledged_by uuid REFERENCES users,
  acknowledged_at timestamptz,
  acknowledgement text CHECK (length(acknowledgement) BETWEEN 1 AND 5000),
  PRIMARY KEY (escalation_id, agency_id),
  CONSTRAINT case_audit_escalation_notices_acknowledged
    CHECK ((acknowledged_at IS NULL) = (acknowledged_by IS NULL) AND (acknowledged_at IS NULL) = (acknowledgement IS NULL))
);
CREATE INDEX case_audit_escalation_notices_open ON case_audit_escalation_notices (agency_id) WHERE acknowledged_at IS NULL;
ALTER TABLE case_audit_escalation_notices ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON case_audit_escalation_notices
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON case_audit_escalation_notices
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();

-- Findings and recommendations come from a case review or, with source 'audit', from a case
-- audit's panel: the same learning, traced and acted on the same way.
ALTER TABLE findings ADD COLUMN source text NOT NULL DEFAULT 'review' CHECK (source IN ('review', 'audit'));
ALTER TABLE findings ADD COLUMN case_audit_id uuid REFERENCES case_audits ON DELETE CASCADE;
ALTER TABLE findings ADD COLUMN case_id uuid REFERENCES case_audit_cases ON DELETE SET NULL;
ALTER TABLE findings ALTER COLUMN review_id DROP NOT NULL;
ALTER TABLE findings ADD CONSTRAINT findings_source CHECK (
  (source = 'review' AND review_id IS NOT NULL AND case_audit_id IS NULL)
  OR (source = 'audit' AND case_audit_id IS NOT NULL AND review_id IS NULL));
CREATE INDEX findings_case_audit ON findings (case_audit_id, created_at, id) WHERE case_audit_id IS NOT NULL;

ALTER TABLE recommendations ADD COLUMN case_audit_id uuid REFERENCES case_audits ON DELETE CASCADE;
ALTER TABLE recommendations ADD COLUMN finding_id uuid REFERENCES findings ON DELETE SET NULL;
ALTER TABLE recommendations ALTER COLUMN review_id DROP NOT NULL;
ALTER TABLE recommendations ADD CONSTRAINT recommendations_source CHECK ((review_id IS NULL) <> (case_audit_id IS NULL));
CREATE INDEX recommendations_case_audit ON recommendations (case_audit_id, created_at, id) WHERE case_audit_id IS NOT NULL;

-- Actions from an agency's audit action plan (for a standard rated below good) and from a case
-- audit's recommendations, tracked to verification like a review's.
ALTER TABLE actions DROP CONSTRAINT actions_source_check;
ALTER TABLE actions ADD CONSTRAINT actions_source_check
  CHECK (source IN ('recommendation', 'self_assessment', 'audit_return', 'case_audit'));
ALTER TABLE actions ADD COLUMN audit_return_id uuid REFERENCES audit_returns ON DELETE CASCADE;
ALTER TABLE actions ADD COLUMN audit_standard_id uuid REFERENCES audit_standards;
ALTER TABLE actions ADD COLUMN case_audit_id uuid REFERENCES case_audits ON DELETE CASCADE;
ALTER TABLE actions ADD CONSTRAINT actions_from_audit_return CHECK (source <> 'audit_return'
  OR (audit_return_id IS NOT NULL AND owning_agency_id IS NOT NULL));
ALTER TABLE actions ADD CONSTRAINT actions_from_case_audit CHECK (source <> 'case_audit'
  OR (case_audit_id IS NOT NULL AND recommendation_id IS NOT NULL));
CREATE INDEX actions_audit_return ON actions (audit_return_id) WHERE audit_return_id IS NOT NULL;
CREATE INDEX actions_case_audit ON actions (case_audit_id) WHERE case_audit_id IS NOT NULL;

-- An agency's return (its answering part): once it is submitted, its answers' ratings and
-- narratives, and their evidence files, no longer change, whatever path a change takes; the
-- reviewer's columns and the challenge event's resolution still may. A return being deleted
-- takes its answers with it. (A new answer row is the service's to refuse: the fixtures and
-- imports write a submitted return's answers after the return.)
CREATE FUNCTION cascade_audit_answer_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  return_status text;
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF NEW.rating IS NOT DISTINCT FROM OLD.rating AND NEW.narrative IS NOT DISTINCT FROM OLD.narrative THEN
      RETURN NEW;
    END IF;
  END IF;
  SELECT status INTO return_status FROM audit_returns
   WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.return_id ELSE NEW.return_id END;
  IF return_status IS NOT NULL AND return_status NOT IN ('not_started', 'in_progress') THEN
    RAISE EXCEPTION 'This return has been submitted: its answers no longer change'
      USING ERRCODE = 'check_violation';
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER frozen BEFORE UPDATE OR DELETE ON audit_answers
  FOR EACH ROW EXECUTE FUNCTION cascade_audit_answer_frozen();
CREATE TRIGGER frozen BEFORE INSERT OR DELETE ON audit_evidence_files
  FOR EACH ROW EXECUTE FUNCTION cascade_audit_answer_frozen();

-- An escalation notice its agency has not acknowledged after one working day is sent again,
-- once, to every lead of the agency.
ALTER TABLE case_audit_escalation_notices ADD COLUMN chased_at timestamptz;
