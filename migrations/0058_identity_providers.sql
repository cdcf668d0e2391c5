-- Single sign-on: a partnership's identity providers (OpenID Connect), the email domains each
-- may sign in and the agency each domain maps to, and the single-use requests that carry a
-- sign-in to a provider and back.

CREATE TABLE identity_providers (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  issuer text NOT NULL CHECK (issuer ~ '^https?://' AND length(issuer) <= 500),
  client_id text NOT NULL CHECK (length(client_id) BETWEEN 1 AND 500),
  -- Encrypted with the data encryption key; never shown, never in the audit trail.
  client_secret_encrypted text NOT NULL,
  -- People of the provider's domains sign in only through it: no password, no emailed link.
  passwords_off boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT cascade_now(),
  updated_at timestamptz NOT NULL DEFAULT cascade_now(),
  UNIQUE (partnership_id, id)
);
ALTER TABLE identity_providers ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON identity_providers
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON identity_providers
  FOR EACH ROW EXECUTE FUNCTION cascade_audit('client_secret_encrypted', 'updated_at');

CREATE TABLE identity_provider_domains (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  provider_id uuid NOT NULL,
  -- Lower case, as an email's part after the @ is compared.
  domain text NOT NULL CHECK (domain ~ '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$'),
  agency_id uuid NOT NULL REFERENCES agencies,
  -- A trusted domain's people become practitioners at their first sign-in; others wait for
  -- their agency's lead, as a registrant does.
  trusted boolean NOT NULL DEFAULT false,
  FOREIGN KEY (partnership_id, provider_id) REFERENCES identity_providers (partnership_id, id) ON DELETE CASCADE,
  -- A domain is mapped once in a partnership, so a sign-in never has two agencies to choose from.
  UNIQUE (partnership_id, domain)
);
CREATE INDEX identity_provider_domains_domain ON identity_provider_domains (domain);
ALTER TABLE identity_provider_domains ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON identity_provider_domains
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON identity_provider_domains
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();

-- A sign-in on its way to a provider: found by the hash of its `state`, bound to the browser
-- that started it, and claimed once by the callback (used_at), so a replayed state is refused.
-- Identity data like sign-in links: it names the provider, and no person.
CREATE TABLE sign_on_requests (
  state_hash text PRIMARY KEY,
  provider_id uuid NOT NULL REFERENCES identity_providers ON DELETE CASCADE,
  browser_hash text NOT NULL,
  nonce text NOT NULL,
  code_verifier text NOT NULL,
  return_to text CHECK (length(return_to) <= 500),
  created_at timestamptz NOT NULL DEFAULT cascade_now(),
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);
CREATE INDEX sign_on_requests_expiry ON sign_on_requests (expires_at);

-- Before anyone has signed in, an email's domain finds the providers that may sign it in, in
-- every partnership: only what starting a sign-in needs, never a secret.
CREATE FUNCTION cascade_sign_on_domain(given_domain text)
RETURNS TABLE (provider_id uuid, partnership_id uuid, partnership_name text, provider_name text, passwords_off boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT p.id, p.partnership_id, pa.name, p.name, p.passwords_off
    FROM identity_provider_domains d
    JOIN identity_providers p ON p.id = d.provider_id
    JOIN partnerships pa ON pa.id = p.partnership_id
   WHERE d.domain = lower(given_domain)
   ORDER BY pa.name, p.name
$$;
REVOKE ALL ON FUNCTION cascade_sign_on_domain(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cascade_sign_on_domain(text) TO cascade_app;

-- The callback knows only the provider its claimed request names; this gives its partnership.
CREATE FUNCTION cascade_identity_provider_partnership(given_provider uuid) RETURNS uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT partnership_id FROM identity_providers WHERE id = given_provider
$$;
REVOKE ALL ON FUNCTION cascade_identity_provider_partnership(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cascade_identity_provider_partnership(uuid) TO cascade_app;
