-- Two-factor sign-in: an authenticator app's time-based one-time passwords (RFC 6238), with
-- single-use recovery codes. Identity data, like sessions and sign-in links: a user's second
-- factor belongs to no partnership, so these tables have no row-level security or audit
-- trigger. Resets by a partnership's admin are partnership data, audited, below.

-- Accounts the demo data creates carry a known password; they are not made to set up a second
-- factor, so demonstrations and the test suite can sign in with the password alone. Only the
-- demo seed sets this, and the service ignores it in production (which refuses demo data).
ALTER TABLE users ADD COLUMN demo_account boolean NOT NULL DEFAULT false;

CREATE TABLE second_factors (
  user_id uuid PRIMARY KEY REFERENCES users ON DELETE CASCADE,
  -- The shared key, encrypted at rest (AES-256-GCM, platform/auth/encryption.ts).
  secret_encrypted text NOT NULL,
  -- Null while being set up: the second factor is asked for only once a code has confirmed it.
  confirmed_at timestamptz,
  -- The last time step whose code was accepted: a code is never accepted twice.
  last_step bigint,
  -- Codes tried in the current minute, counted by the statement that allows the attempt.
  window_started_at timestamptz,
  attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  locked_until timestamptz,
  created_at timestamptz NOT NULL DEFAULT cascade_now()
);

-- Only a hash of each recovery code is kept; each works once.
CREATE TABLE second_factor_recovery_codes (
  user_id uuid NOT NULL REFERENCES users ON DELETE CASCADE,
  code_hash text NOT NULL,
  used_at timestamptz,
  PRIMARY KEY (user_id, code_hash)
);

-- A sign-in waiting for its second factor: the password (or sign-in link) was right, but no
-- session exists until a code is. The browser holds a random id; this table holds its hash.
CREATE TABLE second_factor_challenges (
  id_hash text PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users ON DELETE CASCADE,
  -- Where to go once signed in (a path on this site).
  return_to text,
  -- Set once a new second factor is confirmed, while the recovery codes are on screen.
  enrolled_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT cascade_now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX second_factor_challenges_user ON second_factor_challenges (user_id);
CREATE INDEX second_factor_challenges_expiry ON second_factor_challenges (expires_at);

-- An admin's reset of a member's second factor, with the reason: partnership data, audited.
CREATE TABLE second_factor_resets (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  user_id uuid NOT NULL REFERENCES users ON DELETE CASCADE,
  reset_by uuid REFERENCES users ON DELETE SET NULL,
  reason text NOT NULL CHECK (length(btrim(reason)) BETWEEN 1 AND 1000),
  created_at timestamptz NOT NULL DEFAULT cascade_now()
);
CREATE INDEX second_factor_resets_user ON second_factor_resets (partnership_id, user_id);
ALTER TABLE second_factor_resets ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON second_factor_resets
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON second_factor_resets
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();
