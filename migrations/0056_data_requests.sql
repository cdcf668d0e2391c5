-- Subject access and erasure requests (UK GDPR articles 15 and 17): each one recorded with what
-- was done and, where part was refused, the legal reason, so the partnership can show it
-- answered within the month and why it kept what it kept.
CREATE TABLE data_requests (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  person_id uuid NOT NULL REFERENCES people,
  kind text NOT NULL CHECK (kind IN ('export', 'erasure')),
  reason text CHECK (length(reason) <= 1000),
  outcome text NOT NULL CHECK (outcome IN ('exported', 'erased', 'partly-refused')),
  -- What was erased, in words: ["the person's names, email and line manager", ...].
  erased jsonb NOT NULL DEFAULT '[]',
  -- What was kept and why: [{ "record": "...", "reason": "..." }].
  refused jsonb NOT NULL DEFAULT '[]',
  requested_by uuid REFERENCES users,
  requested_by_label text,
  at timestamptz NOT NULL DEFAULT cascade_now(),
  -- An erasure always says why it was asked for.
  CHECK (kind <> 'erasure' OR reason IS NOT NULL)
);
CREATE INDEX data_requests_person ON data_requests (partnership_id, person_id, at DESC);
ALTER TABLE data_requests ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON data_requests
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON data_requests
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();

-- When a person is erased, when: the erasure is not done twice, and the record says it is erased.
ALTER TABLE people ADD COLUMN erased_at timestamptz;

-- The audit trail stays append-only, with two exceptions, each only through a function running
-- as the owner (the application role has no UPDATE on the trail): retention may take the
-- personal values out of an event once, marking it anonymised (0055), and an erasure overwrites
-- the erased person's personal values in the events about them, changing nothing else of any
-- event. Both are written here, in the one definition of the trigger.
CREATE OR REPLACE FUNCTION cascade_audit_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND current_user <> 'cascade_app'
     AND current_setting('cascade.erasing_audit_values', true) = 'on'
     AND to_jsonb(NEW) - 'before' - 'after' = to_jsonb(OLD) - 'before' - 'after' THEN
    RETURN NEW;
  END IF;
  IF TG_OP = 'UPDATE' AND current_user <> 'cascade_app'
     AND current_setting('cascade.anonymising', true) = 'on'
     AND OLD.anonymised_at IS NULL AND NEW.anonymised_at IS NOT NULL
     AND NEW.id = OLD.id AND NEW.partnership_id = OLD.partnership_id
     AND NEW.occurred_at = OLD.occurred_at AND NEW.action = OLD.action
     AND NEW.entity_type = OLD.entity_type AND NEW.entity_id IS NOT DISTINCT FROM OLD.entity_id
     AND NEW.actor_user_id IS NOT DISTINCT FROM OLD.actor_user_id THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit events are append-only';
END $$;

-- Finds the events about a record by its id, for an export and an erasure.
CREATE INDEX audit_events_entity ON audit_events (partnership_id, entity_type, entity_id);

-- The value's listed keys, each replaced by the record's value now (already erased), or by
-- '[erased]' where the record is gone.
CREATE FUNCTION cascade_erase_overlay(value jsonb, now_row jsonb, keys text[]) RETURNS jsonb
  LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN value IS NULL THEN NULL ELSE value || coalesce((
    SELECT jsonb_object_agg(k, coalesce(now_row -> k, '"[erased]"'::jsonb))
      FROM unnest(keys) k WHERE value ? k), '{}'::jsonb) END
$$;

-- In this partnership's audit events about the rows given (the erased person's record and the
-- rows that are theirs), the given columns of each table take the values the rows hold now,
-- already erased. `columns` is { table: [column, ...] }; `rows` is { table: [id, ...] }.
-- Runs as the owner so that it alone may change the trail; returns how many events it changed.
CREATE FUNCTION cascade_erase_audit_values(person uuid, columns jsonb, rows jsonb) RETURNS integer
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
  t text;
  changed integer := 0;
  n integer;
BEGIN
  IF cascade_partnership_id() IS NULL THEN RAISE EXCEPTION 'an erasure needs a partnership'; END IF;
  PERFORM set_config('cascade.erasing_audit_values', 'on', true);
  FOR t IN SELECT jsonb_object_keys(columns) LOOP
    IF to_regclass(quote_ident(t)) IS NULL THEN CONTINUE; END IF;
    EXECUTE format(
      $q$UPDATE audit_events a
            SET before = cascade_erase_overlay(a.before, c.now_row, $3),
                after = cascade_erase_overlay(a.after, c.now_row, $3)
           FROM (SELECT e.id, (SELECT to_jsonb(r) FROM %I r WHERE r.id::text = e.entity_id) AS now_row
                   FROM audit_events e
                  WHERE e.partnership_id = cascade_partnership_id() AND e.entity_type = %L
                    AND e.entity_id = ANY ($4)) c
          WHERE a.id = c.id$q$, t, t)
      USING person, columns, ARRAY(SELECT jsonb_array_elements_text(columns -> t)),
            ARRAY(SELECT jsonb_array_elements_text(coalesce(rows -> t, '[]'::jsonb)));
    GET DIAGNOSTICS n = ROW_COUNT;
    changed := changed + n;
  END LOOP;
  PERFORM set_config('cascade.erasing_audit_values', '', true);
  RETURN changed;
END $$;
REVOKE ALL ON FUNCTION cascade_erase_audit_values(uuid, jsonb, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cascade_erase_audit_values(uuid, jsonb, jsonb) TO cascade_app;

-- Whether a user holds a role in a partnership other than this one: such an account is the
-- person's in that partnership too, so an erasure here leaves it working there.
CREATE FUNCTION cascade_user_elsewhere(account uuid) RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
  SELECT EXISTS (SELECT 1 FROM memberships WHERE user_id = account AND partnership_id <> cascade_partnership_id())
      OR EXISTS (SELECT 1 FROM people WHERE user_id = account AND partnership_id <> cascade_partnership_id()
                                          AND merged_into IS NULL AND erased_at IS NULL)
$$;
REVOKE ALL ON FUNCTION cascade_user_elsewhere(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cascade_user_elsewhere(uuid) TO cascade_app;
