-- Retention: what has passed the period the partnership's policy keeps it for is anonymised
-- by a monthly job (names, emails and free text replaced, figures kept), and every run records
-- what it did. Anonymised rows carry the moment, so a second run finds nothing left to do.

-- The day a person left their agency, set when their status becomes 'left'. People who left
-- before this column existed count from their record's last change.
ALTER TABLE people
  ADD COLUMN left_on date,
  ADD COLUMN anonymised_at timestamptz;

CREATE FUNCTION cascade_people_left_on() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status = 'left' AND OLD.status IS DISTINCT FROM 'left' THEN
    NEW.left_on := (cascade_now() AT TIME ZONE 'Europe/London')::date;
  ELSIF NEW.status <> 'left' THEN
    NEW.left_on := NULL;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER left_on BEFORE UPDATE OF status ON people
  FOR EACH ROW EXECUTE FUNCTION cascade_people_left_on();
CREATE INDEX people_leavers ON people (partnership_id, left_on) WHERE status = 'left' AND anonymised_at IS NULL;

ALTER TABLE applications ADD COLUMN anonymised_at timestamptz;
ALTER TABLE survey_responses ADD COLUMN anonymised_at timestamptz;
ALTER TABLE audit_events ADD COLUMN anonymised_at timestamptz;
CREATE INDEX audit_events_unanonymised ON audit_events (partnership_id, occurred_at) WHERE anonymised_at IS NULL;

-- A run of the retention job in one partnership: one row per kind of record, with how many it
-- anonymised (or, in a dry run, would have).
CREATE TABLE retention_runs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  run_id uuid NOT NULL,
  ran_at timestamptz NOT NULL DEFAULT cascade_now(),
  kind text NOT NULL CHECK (kind IN ('leavers', 'applications', 'survey_answers', 'audit_trail')),
  -- Anything older than this was due.
  older_than date NOT NULL,
  anonymised integer NOT NULL CHECK (anonymised >= 0),
  dry_run boolean NOT NULL DEFAULT false,
  -- The order runs were recorded in, as two runs may share a moment of the one clock.
  recorded bigint GENERATED ALWAYS AS IDENTITY,
  UNIQUE (run_id, kind)
);
CREATE INDEX retention_runs_recent ON retention_runs (partnership_id, ran_at DESC);
ALTER TABLE retention_runs ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON retention_runs
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON retention_runs
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();

-- An audit value with its personal values taken out: ids, dates, times, figures, yes/no and
-- states stay, so the trail still says what happened to which record and when; names, emails
-- and free text become null.
CREATE FUNCTION cascade_retention_scrub(value jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN jsonb_typeof(value) = 'object' THEN (
    SELECT coalesce(jsonb_object_agg(key, CASE
      WHEN jsonb_typeof(v) IN ('number', 'boolean', 'null') THEN v
      WHEN key IN ('id', 'status', 'stage', 'kind', 'mark', 'format', 'category')
        OR key LIKE '%\_id' OR key LIKE '%\_ids' OR key LIKE '%\_at' OR key LIKE '%\_on' THEN v
      ELSE 'null'::jsonb END), '{}'::jsonb)
    FROM jsonb_each(value) AS e(key, v))
  ELSE NULL END
$$;

-- The audit trail stays append-only, with one exception: a retention function (below, running
-- as the owner) may take the personal values out of an event once. The trigger that allows it,
-- and nothing more, is written once with erasure's own exception, in 0056.

-- Takes the personal values out of the current partnership's audit events older than a moment,
-- a batch at a time; with a request id, instead the events that request wrote itself (the
-- retention job's own changes, whose before values would otherwise keep what it removed).
CREATE FUNCTION cascade_anonymise_audit_events(older_than timestamptz, written_by_request text, batch integer)
  RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
  changed integer;
BEGIN
  IF cascade_partnership_id() IS NULL THEN RETURN 0; END IF;
  PERFORM set_config('cascade.anonymising', 'on', true);
  WITH chosen AS (
    SELECT id FROM audit_events
     WHERE partnership_id = cascade_partnership_id() AND anonymised_at IS NULL
       AND CASE WHEN written_by_request IS NULL THEN occurred_at < older_than
                ELSE request_id = written_by_request AND action LIKE 'retention.%' END
     ORDER BY id LIMIT batch FOR UPDATE
  )
  UPDATE audit_events a
     SET before = cascade_retention_scrub(a.before), after = cascade_retention_scrub(a.after),
         anonymised_at = cascade_now()
    FROM chosen WHERE a.id = chosen.id;
  GET DIAGNOSTICS changed = ROW_COUNT;
  PERFORM set_config('cascade.anonymising', '', true);
  RETURN changed;
END $$;
REVOKE ALL ON FUNCTION cascade_anonymise_audit_events(timestamptz, text, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cascade_anonymise_audit_events(timestamptz, text, integer) TO cascade_app;

-- Anonymous survey answers are never changed, except that retention removes their free text
-- once, through the function below; the scores and choices stay, so results still add up.
CREATE FUNCTION cascade_survey_response_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND current_setting('cascade.anonymising', true) = 'on'
     AND current_user <> 'cascade_app'
     AND OLD.anonymised_at IS NULL AND NEW.anonymised_at IS NOT NULL
     AND NEW.id = OLD.id AND NEW.partnership_id = OLD.partnership_id AND NEW.survey_id = OLD.survey_id
     AND NEW.version_id = OLD.version_id AND NEW.submitted_on = OLD.submitted_on THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION '% are never changed once issued or given: correct them with a new record', TG_TABLE_NAME
    USING ERRCODE = 'check_violation';
END $$;
DROP TRIGGER immutable ON survey_responses;
CREATE TRIGGER immutable BEFORE UPDATE OR DELETE ON survey_responses
  FOR EACH ROW EXECUTE FUNCTION cascade_survey_response_immutable();

CREATE FUNCTION cascade_anonymise_survey_answers(older_than date, batch integer)
  RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
  changed integer;
BEGIN
  IF cascade_partnership_id() IS NULL THEN RETURN 0; END IF;
  PERFORM set_config('cascade.anonymising', 'on', true);
  WITH chosen AS (
    SELECT r.id FROM survey_responses r
     WHERE r.partnership_id = cascade_partnership_id() AND r.anonymised_at IS NULL
       AND r.submitted_on < older_than
     ORDER BY r.id LIMIT batch FOR UPDATE
  )
  UPDATE survey_responses r
     SET answers = r.answers - ARRAY(
           SELECT q ->> 'id' FROM jsonb_array_elements(v.questions) AS q
            WHERE q ->> 'kind' IN ('free_text', 'action_plan')),
         anonymised_at = cascade_now()
    FROM chosen, questionnaire_versions v
   WHERE r.id = chosen.id AND v.id = r.version_id;
  GET DIAGNOSTICS changed = ROW_COUNT;
  PERFORM set_config('cascade.anonymising', '', true);
  RETURN changed;
END $$;
REVOKE ALL ON FUNCTION cascade_anonymise_survey_answers(date, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cascade_anonymise_survey_answers(date, integer) TO cascade_app;
