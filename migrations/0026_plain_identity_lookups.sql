-- The session and API token lookups that start every request are now plain statements, which
-- PostgreSQL plans once per connection; noting a session's or token's last use is a statement
-- of its own, made at most once a minute. As functions (migration 0022), the lookups cost
-- more than the pages most people ask for: each call switched its search path and ran an
-- update that nearly always changed nothing.
DROP FUNCTION cascade_session(text, timestamptz, interval, interval);
DROP FUNCTION cascade_api_token(text, timestamptz);
DROP FUNCTION cascade_memberships_json(uuid);
