-- The platform: tenants, identity, policy, audit trail and outbox.
-- Application queries run as cascade_app, which owns nothing and is not a superuser, so the
-- row-level security below binds every one of them.

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cascade_app') THEN
    CREATE ROLE cascade_app NOLOGIN NOSUPERUSER NOBYPASSRLS;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
  -- Another database on the same server created it at the same moment.
  NULL;
END $$;

DO $$
BEGIN
  EXECUTE format('GRANT cascade_app TO %I', current_user);
EXCEPTION WHEN others THEN
  -- A superuser needs no membership to SET ROLE; a managed owner may already have it.
  NULL;
END $$;

GRANT USAGE ON SCHEMA public TO cascade_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO cascade_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO cascade_app;
REVOKE ALL ON cascade_migrations FROM cascade_app;

-- The scope of the current transaction, set by the application with BEGIN.
CREATE FUNCTION cascade_partnership_id() RETURNS uuid LANGUAGE sql STABLE AS
$$ SELECT nullif(current_setting('cascade.partnership_id', true), '')::uuid $$;

CREATE FUNCTION cascade_user_id() RETURNS uuid LANGUAGE sql STABLE AS
$$ SELECT nullif(current_setting('cascade.user_id', true), '')::uuid $$;

-- The one clock, as the database sees it: the application's instant when it set one.
CREATE FUNCTION cascade_now() RETURNS timestamptz LANGUAGE sql STABLE AS
$$ SELECT coalesce(nullif(current_setting('cascade.now', true), '')::timestamptz, now()) $$;

CREATE TABLE partnerships (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  -- Demo partnerships carry known passwords: production refuses to start while one exists.
  demo boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT cascade_now()
);
REVOKE INSERT, UPDATE, DELETE ON partnerships FROM cascade_app;

CREATE TABLE users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email text NOT NULL CHECK (length(email) BETWEEN 3 AND 320),
  display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
  password_hash text,
  failed_sign_ins integer NOT NULL DEFAULT 0,
  locked_until timestamptz,
  disabled boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT cascade_now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

CREATE TABLE user_sessions (
  id_hash text PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users ON DELETE CASCADE,
  -- The partnership the user is working in; identity data, not the partnership's.
  current_partnership_id uuid REFERENCES partnerships,
  created_at timestamptz NOT NULL DEFAULT cascade_now(),
  last_seen_at timestamptz NOT NULL DEFAULT cascade_now(),
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz
);
CREATE INDEX user_sessions_user ON user_sessions (user_id);

CREATE TABLE sign_in_links (
  token_hash text PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT cascade_now(),
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);

CREATE TABLE api_tokens (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  token_hash text NOT NULL UNIQUE,
  partnership_id uuid NOT NULL REFERENCES partnerships,
  user_id uuid NOT NULL REFERENCES users ON DELETE CASCADE,
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT cascade_now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);

-- Partnership data from here on: every table has partnership_id, row-level security and the audit trigger.

CREATE TABLE audit_events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  partnership_id uuid NOT NULL REFERENCES partnerships,
  occurred_at timestamptz NOT NULL DEFAULT cascade_now(),
  actor_user_id uuid REFERENCES users,
  actor_label text,
  action text NOT NULL,
  entity_type text NOT NULL,
  entity_id text,
  before jsonb,
  after jsonb,
  request_id text
);
CREATE INDEX audit_events_recent ON audit_events (partnership_id, occurred_at DESC, id DESC);
ALTER TABLE audit_events ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON audit_events
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
-- Append-only: the application may add and read, never change or remove.
REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM cascade_app;

CREATE FUNCTION cascade_audit_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit events are append-only';
END $$;
CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION cascade_audit_is_append_only();

-- Records every change to a partnership table in the same transaction. Trigger arguments
-- name columns to leave out of the before/after values (secrets).
CREATE FUNCTION cascade_audit() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  old_row jsonb;
  new_row jsonb;
BEGIN
  IF TG_OP <> 'INSERT' THEN old_row := to_jsonb(OLD) - coalesce(TG_ARGV::text[], '{}'::text[]); END IF;
  IF TG_OP <> 'DELETE' THEN new_row := to_jsonb(NEW) - coalesce(TG_ARGV::text[], '{}'::text[]); END IF;
  IF TG_OP = 'UPDATE' AND old_row = new_row THEN RETURN NULL; END IF;
  INSERT INTO audit_events (partnership_id, actor_user_id, actor_label, action, entity_type, entity_id, before, after, request_id)
  VALUES (
    coalesce((new_row ->> 'partnership_id')::uuid, (old_row ->> 'partnership_id')::uuid),
    cascade_user_id(),
    nullif(current_setting('cascade.actor', true), ''),
    coalesce(nullif(current_setting('cascade.action', true), ''), lower(TG_OP)),
    TG_TABLE_NAME,
    coalesce(new_row ->> 'id', old_row ->> 'id'),
    old_row,
    new_row,
    nullif(current_setting('cascade.request_id', true), '')
  );
  RETURN NULL;
END $$;

CREATE TABLE memberships (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  user_id uuid NOT NULL REFERENCES users ON DELETE CASCADE,
  role text NOT NULL CHECK (role IN ('admin', 'subgroup', 'executive', 'agency-lead', 'trainer', 'practitioner')),
  agency_ids uuid[] NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT cascade_now(),
  UNIQUE (partnership_id, user_id, role)
);
CREATE INDEX memberships_user ON memberships (user_id);
ALTER TABLE memberships ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON memberships
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
-- A signed-in user may list their own memberships in every partnership, to choose one.
CREATE POLICY own ON memberships FOR SELECT USING (user_id = cascade_user_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON memberships
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();

-- A partnership's rules, one row per version; the row in force on a date is the latest
-- whose effective_from is on or before it.
CREATE TABLE policies (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  effective_from date NOT NULL,
  rules jsonb NOT NULL,
  reason text,
  changed_by uuid REFERENCES users,
  created_at timestamptz NOT NULL DEFAULT cascade_now(),
  UNIQUE (partnership_id, effective_from)
);
ALTER TABLE policies ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON policies
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON policies
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();

-- Mail written in the same transaction as the change that causes it, sent later by a job.
-- Sign-in links belong to no partnership, so partnership_id may be null.
CREATE TABLE outbox (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid REFERENCES partnerships,
  to_address text NOT NULL,
  subject text NOT NULL,
  text_body text NOT NULL,
  html_body text,
  attachments jsonb NOT NULL DEFAULT '[]',
  message_id text NOT NULL UNIQUE,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT cascade_now(),
  claimed_until timestamptz,
  last_error text,
  sent_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT cascade_now()
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status IN ('pending', 'sending');
ALTER TABLE outbox ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON outbox
  USING (partnership_id IS NOT DISTINCT FROM cascade_partnership_id())
  WITH CHECK (partnership_id IS NOT DISTINCT FROM cascade_partnership_id());

-- API tokens belong to a partnership: row-level security and the audit trail cover them, the
-- hash left out of the audit values. Authentication looks a token up by its hash from the platform.
ALTER TABLE api_tokens ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON api_tokens
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON api_tokens
  FOR EACH ROW EXECUTE FUNCTION cascade_audit('token_hash', 'last_used_at');
