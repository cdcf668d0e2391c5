-- The trainer pool: people who completed train-the-trainer are approved to deliver named
-- courses (Shropshire's pool). An approval lapses a year after the later of the training and
-- the last annual CPD questionnaire; the date is recorded now and the questionnaire comes
-- with quality assurance. Only approved trainers are put on a session, never two sessions at
-- once.

CREATE TABLE trainer_approvals (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  person_id uuid NOT NULL REFERENCES people,
  course_id uuid NOT NULL REFERENCES courses,
  -- When they completed train-the-trainer for the course.
  trained_on date NOT NULL,
  -- When they last returned the annual CPD questionnaire.
  cpd_completed_on date,
  withdrawn_at timestamptz,
  withdrawn_reason text CHECK (length(withdrawn_reason) <= 2000),
  created_at timestamptz NOT NULL DEFAULT cascade_now(),
  updated_at timestamptz NOT NULL DEFAULT cascade_now(),
  CHECK (cpd_completed_on IS NULL OR cpd_completed_on >= trained_on),
  CHECK (withdrawn_at IS NULL OR withdrawn_reason IS NOT NULL),
  UNIQUE (course_id, person_id)
);
CREATE INDEX trainer_approvals_person ON trainer_approvals (person_id);
ALTER TABLE trainer_approvals ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON trainer_approvals
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON trainer_approvals
  FOR EACH ROW EXECUTE FUNCTION cascade_audit('updated_at');

CREATE TABLE session_trainers (
  partnership_id uuid NOT NULL REFERENCES partnerships,
  session_id uuid NOT NULL REFERENCES sessions ON DELETE CASCADE,
  person_id uuid NOT NULL REFERENCES people,
  PRIMARY KEY (session_id, person_id)
);
CREATE INDEX session_trainers_person ON session_trainers (person_id);
ALTER TABLE session_trainers ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON session_trainers
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON session_trainers
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();
