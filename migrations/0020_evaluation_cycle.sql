-- The evaluation cycle: each course's plan names its questionnaires; attendees are invited
-- after the course and at the follow-up, reminded, and their managers told; a monthly
-- telephone sample; anonymous surveys.

-- Plans written before questionnaires existed named them in words. Each name becomes a draft
-- questionnaire of that title and the plan names it by id, so no plan loses what it said.
INSERT INTO questionnaires (partnership_id, title)
SELECT DISTINCT c.partnership_id, left(n.name, 200)
  FROM courses c,
       LATERAL (VALUES (c.evaluation_plan ->> 'atBooking'), (c.evaluation_plan ->> 'afterCourse'),
                       (c.evaluation_plan ->> 'followUp')) AS n(name)
 WHERE c.evaluation_plan IS NOT NULL AND coalesce(n.name, '') <> ''
   AND n.name !~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';

UPDATE courses c
   SET evaluation_plan = c.evaluation_plan || jsonb_build_object(
         'atBooking', (SELECT q.id FROM questionnaires q
                        WHERE q.partnership_id = c.partnership_id AND q.title = left(c.evaluation_plan ->> 'atBooking', 200)
                        ORDER BY q.created_at LIMIT 1),
         'afterCourse', (SELECT q.id FROM questionnaires q
                          WHERE q.partnership_id = c.partnership_id AND q.title = left(c.evaluation_plan ->> 'afterCourse', 200)
                          ORDER BY q.created_at LIMIT 1),
         'followUp', (SELECT q.id FROM questionnaires q
                       WHERE q.partnership_id = c.partnership_id AND q.title = left(c.evaluation_plan ->> 'followUp', 200)
                       ORDER BY q.created_at LIMIT 1))
 WHERE c.evaluation_plan IS NOT NULL;

-- At the follow-up an attendee says whether they did what their action plan said.
ALTER TABLE evaluation_responses
  ADD COLUMN plan_outcome text CHECK (plan_outcome IN ('done', 'partly', 'not_done'));
CREATE INDEX evaluation_responses_partnership ON evaluation_responses (partnership_id, stage);

-- Each after-course and follow-up invitation sent to an attendee: when, how many reminders
-- have gone, and (at the follow-up) when their line manager was told it was not returned.
-- One per booking and stage, so a job that runs twice invites no one twice.
CREATE TABLE evaluation_invitations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  application_id uuid NOT NULL REFERENCES applications,
  stage text NOT NULL CHECK (stage IN ('at_booking', 'after_course', 'follow_up')),
  questionnaire_id uuid NOT NULL REFERENCES questionnaires,
  sent_at timestamptz NOT NULL,
  reminders_sent integer NOT NULL DEFAULT 0 CHECK (reminders_sent BETWEEN 0 AND 2),
  manager_told_at timestamptz,
  UNIQUE (application_id, stage)
);
CREATE INDEX evaluation_invitations_due ON evaluation_invitations (partnership_id, stage, sent_at);
ALTER TABLE evaluation_invitations ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON evaluation_invitations
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON evaluation_invitations
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();

-- South Gloucestershire: telephone calls to a random sample of attendees. One sample a month,
-- drawn from a recorded seed so anyone can draw it again and get the same people.
CREATE TABLE telephone_samples (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  month date NOT NULL CHECK (extract(day FROM month) = 1),
  seed text NOT NULL CHECK (length(seed) BETWEEN 1 AND 100),
  population integer NOT NULL CHECK (population >= 0),
  drawn_at timestamptz NOT NULL,
  UNIQUE (partnership_id, month)
);
ALTER TABLE telephone_samples ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON telephone_samples
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON telephone_samples
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();

CREATE TABLE telephone_calls (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  sample_id uuid NOT NULL REFERENCES telephone_samples,
  application_id uuid NOT NULL REFERENCES applications,
  position integer NOT NULL CHECK (position >= 1),
  outcome text CHECK (outcome IN ('spoke', 'no_answer', 'declined', 'unreachable')),
  notes text CHECK (length(notes) <= 5000),
  called_at timestamptz,
  called_by uuid REFERENCES users,
  UNIQUE (sample_id, application_id),
  UNIQUE (sample_id, position)
);
ALTER TABLE telephone_calls ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON telephone_calls
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON telephone_calls
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();

-- Surveys anyone with the link may answer without signing in: children, young people,
-- families and adults at risk; the stakeholder consultation; learning-needs questionnaires.
CREATE TABLE surveys (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  questionnaire_id uuid NOT NULL REFERENCES questionnaires,
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  audience text NOT NULL
    CHECK (audience IN ('children_and_young_people', 'families', 'adults_at_risk', 'stakeholders', 'learning_needs')),
  -- The unguessable part of the public link.
  code text NOT NULL UNIQUE CHECK (code ~ '^[A-Za-z0-9_-]{16,64}$'),
  closes_on date NOT NULL,
  created_by uuid REFERENCES users,
  created_at timestamptz NOT NULL DEFAULT cascade_now()
);
ALTER TABLE surveys ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON surveys
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON surveys
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();

-- A survey's link leads to its partnership without signing in.
CREATE FUNCTION survey_partnership(survey_code text) RETURNS uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
  SELECT partnership_id FROM surveys WHERE code = survey_code
$$;
REVOKE ALL ON FUNCTION survey_partnership(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION survey_partnership(text) TO cascade_app;

-- Anonymous answers: nothing about who sent them, only the day. The audit trail is left out on
-- purpose, as its rows carry the request and the exact moment, which could tie an answer to a
-- visit; instead the rows can never be changed or removed.
CREATE TABLE survey_responses (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  survey_id uuid NOT NULL REFERENCES surveys,
  version_id uuid NOT NULL REFERENCES questionnaire_versions,
  answers jsonb NOT NULL CHECK (jsonb_typeof(answers) = 'object'),
  submitted_on date NOT NULL
);
CREATE INDEX survey_responses_survey ON survey_responses (survey_id);
ALTER TABLE survey_responses ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON survey_responses
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER immutable BEFORE UPDATE OR DELETE ON survey_responses
  FOR EACH ROW EXECUTE FUNCTION cascade_refuse_change();

-- The refusal names what every immutable table shares, not only invoices.
CREATE OR REPLACE FUNCTION cascade_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% are never changed once issued or given: correct them with a new record', TG_TABLE_NAME
    USING ERRCODE = 'check_violation';
END
$$;
