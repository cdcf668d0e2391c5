-- Evaluation (North Somerset: at booking, straight after and months on). A questionnaire is
-- built from typed questions; publishing freezes a version, and every response keeps the
-- version it answered, so a later edit never changes what past answers meant.

CREATE TABLE questionnaires (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  -- The draft the next published version will be made from.
  questions jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(questions) = 'array'),
  created_at timestamptz NOT NULL DEFAULT cascade_now(),
  updated_at timestamptz NOT NULL DEFAULT cascade_now()
);
ALTER TABLE questionnaires ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON questionnaires
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON questionnaires
  FOR EACH ROW EXECUTE FUNCTION cascade_audit('updated_at');

CREATE TABLE questionnaire_versions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  questionnaire_id uuid NOT NULL REFERENCES questionnaires,
  version integer NOT NULL CHECK (version > 0),
  questions jsonb NOT NULL CHECK (jsonb_typeof(questions) = 'array' AND jsonb_array_length(questions) > 0),
  published_by uuid REFERENCES users,
  published_at timestamptz NOT NULL DEFAULT cascade_now(),
  UNIQUE (questionnaire_id, version)
);
ALTER TABLE questionnaire_versions ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON questionnaire_versions
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON questionnaire_versions
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();
CREATE TRIGGER immutable BEFORE UPDATE OR DELETE ON questionnaire_versions
  FOR EACH ROW EXECUTE FUNCTION cascade_refuse_change();

-- A signed-in attendee's answers at one stage of one booking: once per stage.
CREATE TABLE evaluation_responses (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  version_id uuid NOT NULL REFERENCES questionnaire_versions,
  application_id uuid NOT NULL REFERENCES applications,
  stage text NOT NULL CHECK (stage IN ('at_booking', 'after_course', 'follow_up')),
  answers jsonb NOT NULL CHECK (jsonb_typeof(answers) = 'object'),
  submitted_at timestamptz NOT NULL DEFAULT cascade_now(),
  UNIQUE (application_id, stage)
);
CREATE INDEX evaluation_responses_version ON evaluation_responses (version_id);
ALTER TABLE evaluation_responses ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON evaluation_responses
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON evaluation_responses
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();
