-- Every API token expires: a year after it is made unless made with fewer days. Tokens made
-- before now expire a year after this migration (a default that is not volatile is worked
-- out once for the rows already there, so no row is rewritten and no audit event written).
ALTER TABLE api_tokens
  ADD COLUMN expires_at timestamptz NOT NULL DEFAULT (cascade_now() + interval '1 year');
ALTER TABLE api_tokens
  ADD CONSTRAINT api_tokens_expire_after_made CHECK (expires_at > created_at);

-- An admin lists their partnership's tokens, newest first.
CREATE INDEX api_tokens_partnership ON api_tokens (partnership_id, created_at DESC);

-- What a token is never allowed to do, whoever asks: come back once revoked, live longer than
-- it was made to, or change whose it is or its secret. A token that should live longer is a
-- new token.
CREATE FUNCTION cascade_api_token_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.revoked_at IS NOT NULL AND NEW.revoked_at IS DISTINCT FROM OLD.revoked_at THEN
    RAISE EXCEPTION 'a revoked API token stays revoked';
  END IF;
  IF NEW.expires_at > OLD.expires_at THEN
    RAISE EXCEPTION 'an API token''s expiry is never put back';
  END IF;
  IF NEW.token_hash <> OLD.token_hash OR NEW.partnership_id <> OLD.partnership_id
     OR NEW.user_id <> OLD.user_id OR NEW.created_at <> OLD.created_at THEN
    RAISE EXCEPTION 'an API token''s secret, user, partnership and making are never changed';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER kept BEFORE UPDATE ON api_tokens
  FOR EACH ROW EXECUTE FUNCTION cascade_api_token_kept();
