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

-- The impact view's sums, kept as answers arrive so the view reads a few thousand rows rather
-- than every answer: per session, stage, questionnaire version, question and (for a scale
-- asked per objective) objective, the sum of the scores and how many gave one. (A view of one
-- agency sums that agency's few answers directly, with the same facts.) The
-- question '' counts the responses themselves; ':plan:<outcome>' counts follow-up action
-- plans by outcome; text answers count with a sum of 0. It is derived from the responses and
-- rebuilt from them by the triggers below, so it is not audited separately.
CREATE TABLE evaluation_totals (
  partnership_id uuid NOT NULL REFERENCES partnerships,
  session_id uuid NOT NULL REFERENCES sessions,
  stage text NOT NULL,
  version_id uuid NOT NULL REFERENCES questionnaire_versions,
  question_id text NOT NULL,
  -- The objective's place from 0; -1 for a question not asked per objective.
  objective integer NOT NULL DEFAULT -1,
  total numeric NOT NULL,
  n integer NOT NULL,
  PRIMARY KEY (session_id, stage, version_id, question_id, objective)
);
ALTER TABLE evaluation_totals ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON evaluation_totals
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());

-- What one response adds to the sums.
CREATE FUNCTION cascade_evaluation_facts(answers jsonb, plan_outcome text)
  RETURNS TABLE (question_id text, objective integer, total numeric, n integer)
  LANGUAGE sql IMMUTABLE AS $$
  SELECT '', -1, 0::numeric, 1
  UNION ALL
  SELECT ':plan:' || plan_outcome, -1, 0, 1 WHERE plan_outcome IS NOT NULL
  UNION ALL
  SELECT e.key, -1, e.value::numeric, 1 FROM jsonb_each(answers) e WHERE jsonb_typeof(e.value) = 'number'
  UNION ALL
  SELECT e.key, -1, 0, 1 FROM jsonb_each(answers) e
   WHERE jsonb_typeof(e.value) = 'string' AND e.value #>> '{}' <> ''
  UNION ALL
  SELECT e.key, (x.ord - 1)::integer, x.v::numeric, 1
    FROM jsonb_each(answers) e,
         jsonb_array_elements(CASE WHEN jsonb_typeof(e.value) = 'array' THEN e.value ELSE '[]' END)
           WITH ORDINALITY AS x(v, ord)
   WHERE jsonb_typeof(x.v) = 'number'
$$;

-- Adds (sign 1) or takes away (sign -1) responses' facts under their booking's session.
CREATE FUNCTION cascade_evaluation_add(responses jsonb, sign integer) RETURNS void LANGUAGE sql AS $$
  INSERT INTO evaluation_totals AS t (partnership_id, session_id, stage, version_id, question_id, objective, total, n)
  SELECT r.partnership_id, r.session_id, r.stage, r.version_id, f.question_id, f.objective,
         sum(f.total) * sign, sum(f.n) * sign
    FROM jsonb_to_recordset(responses) AS r(partnership_id uuid, session_id uuid, stage text,
                                              version_id uuid, answers jsonb, plan_outcome text)
    CROSS JOIN LATERAL cascade_evaluation_facts(r.answers, r.plan_outcome) f
   GROUP BY 1, 2, 3, 4, 5, 6
  ON CONFLICT (session_id, stage, version_id, question_id, objective)
    DO UPDATE SET total = t.total + excluded.total, n = t.n + excluded.n
$$;

CREATE FUNCTION cascade_evaluation_responses_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM cascade_evaluation_add(
      (SELECT coalesce(jsonb_agg(to_jsonb(o) || jsonb_build_object('session_id', a.session_id)), '[]')
         FROM old_rows o JOIN applications a ON a.id = o.application_id), -1);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM cascade_evaluation_add(
      (SELECT coalesce(jsonb_agg(to_jsonb(n) || jsonb_build_object('session_id', a.session_id)), '[]')
         FROM new_rows n JOIN applications a ON a.id = n.application_id), 1);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER totals_insert AFTER INSERT ON evaluation_responses REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION cascade_evaluation_responses_changed();
CREATE TRIGGER totals_update AFTER UPDATE ON evaluation_responses REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION cascade_evaluation_responses_changed();
CREATE TRIGGER totals_delete AFTER DELETE ON evaluation_responses REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION cascade_evaluation_responses_changed();

-- A booking moved to another date takes its answers' sums with it.
CREATE FUNCTION cascade_evaluation_booking_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM cascade_evaluation_add(
    (SELECT coalesce(jsonb_agg(to_jsonb(r) || jsonb_build_object('session_id', o.session_id)), '[]')
       FROM old_rows o JOIN new_rows n ON n.id = o.id JOIN evaluation_responses r ON r.application_id = o.id
      WHERE o.session_id <> n.session_id), -1);
  PERFORM cascade_evaluation_add(
    (SELECT coalesce(jsonb_agg(to_jsonb(r) || jsonb_build_object('session_id', n.session_id)), '[]')
       FROM old_rows o JOIN new_rows n ON n.id = o.id JOIN evaluation_responses r ON r.application_id = n.id
      WHERE o.session_id <> n.session_id), 1);
  RETURN NULL;
END $$;
CREATE TRIGGER evaluation_totals AFTER UPDATE ON applications REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION cascade_evaluation_booking_moved();

-- The impact view of one agency, and the latest comments first.
CREATE INDEX applications_agency ON applications (agency_id);
CREATE INDEX evaluation_responses_latest ON evaluation_responses (partnership_id, submitted_at DESC);
