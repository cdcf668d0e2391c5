-- Finding people quickly under row-level security. A policy's condition must hold before any
-- condition of the query whose functions are not leakproof, so such a condition cannot use
-- an index: lower() and full-text matching are not leakproof, and searched 100,000 people
-- one by one. Emails are therefore also kept lower-cased, where plain equality (leakproof)
-- uses the index, and words are matched by one function that applies the tenant scope
-- itself, from the same transaction setting the policies read.

ALTER TABLE people
  ADD COLUMN email_key text GENERATED ALWAYS AS (lower(email)) STORED,
  ADD COLUMN manager_email_key text GENERATED ALWAYS AS (lower(manager_email)) STORED;

DROP INDEX people_email_key;
CREATE UNIQUE INDEX people_email_key ON people (partnership_id, email_key) WHERE merged_into IS NULL;

-- An audit event records what happened; it need not look up its partnership and user again
-- on every write, and must not stand in the way of what it mentions.
ALTER TABLE audit_events
  DROP CONSTRAINT audit_events_partnership_id_fkey,
  DROP CONSTRAINT audit_events_actor_user_id_fkey;

-- The audit trail for tables written in bulk (a staff import writes 100,000 people in one
-- go): the same events as cascade_audit() writes, one per changed row, but written by one
-- statement per change from the transition tables rather than by a call per row.
CREATE FUNCTION cascade_audit_rows() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  left_out text[] := coalesce(TG_ARGV::text[], '{}'::text[]);
  actor text := nullif(current_setting('cascade.actor', true), '');
  action text := coalesce(nullif(current_setting('cascade.action', true), ''), lower(TG_OP));
  request text := nullif(current_setting('cascade.request_id', true), '');
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO audit_events (partnership_id, actor_user_id, actor_label, action, entity_type, entity_id, before, after, request_id)
    SELECT (a ->> 'partnership_id')::uuid, cascade_user_id(), actor, action, TG_TABLE_NAME, a ->> 'id', NULL, a, request
      FROM (SELECT to_jsonb(n) - left_out AS a FROM new_rows n) changed;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO audit_events (partnership_id, actor_user_id, actor_label, action, entity_type, entity_id, before, after, request_id)
    SELECT (a ->> 'partnership_id')::uuid, cascade_user_id(), actor, action, TG_TABLE_NAME, a ->> 'id', b, a, request
      FROM (SELECT to_jsonb(o) - left_out AS b FROM old_rows o) was
      JOIN (SELECT to_jsonb(n) - left_out AS a FROM new_rows n) now ON now.a ->> 'id' = was.b ->> 'id'
     WHERE a <> b;
  ELSE
    INSERT INTO audit_events (partnership_id, actor_user_id, actor_label, action, entity_type, entity_id, before, after, request_id)
    SELECT (b ->> 'partnership_id')::uuid, cascade_user_id(), actor, action, TG_TABLE_NAME, b ->> 'id', b, NULL, request
      FROM (SELECT to_jsonb(o) - left_out AS b FROM old_rows o) gone;
  END IF;
  RETURN NULL;
END $$;

DROP TRIGGER audit ON people;
CREATE TRIGGER audit_insert AFTER INSERT ON people REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION cascade_audit_rows('search', 'updated_at', 'email_key', 'manager_email_key');
CREATE TRIGGER audit_update AFTER UPDATE ON people REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION cascade_audit_rows('search', 'updated_at', 'email_key', 'manager_email_key');
CREATE TRIGGER audit_delete AFTER DELETE ON people REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION cascade_audit_rows('search', 'updated_at', 'email_key', 'manager_email_key');

-- The current partnership's people whose names, email or role hold the words, or whose email
-- is exactly the one given. Owned by the migrating role, so it reads through the indexes; it
-- returns only the partnership the transaction is scoped to, and nothing without one.
CREATE FUNCTION people_matching_search(search_words tsquery, exact_email text) RETURNS SETOF people
  LANGUAGE sql STABLE SECURITY DEFINER ROWS 100 SET search_path = pg_catalog, public AS $$
  SELECT * FROM people
   WHERE partnership_id = cascade_partnership_id() AND merged_into IS NULL
     AND (search @@ search_words OR email_key = lower(exact_email))
$$;
REVOKE ALL ON FUNCTION people_matching_search(tsquery, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION people_matching_search(tsquery, text) TO cascade_app;
