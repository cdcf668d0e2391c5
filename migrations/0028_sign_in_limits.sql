-- Sign-in attempts against one account, counted a minute at a time whichever addresses they
-- come from (each address has its own limit as well). An attempt is counted by the statement
-- that decides whether it is allowed, so attempts sent at once each count. The key is made
-- from the email with the service's secret, never the email itself, and addresses with no
-- account are counted the same way, so reaching the limit says nothing about who has one.
-- Identity data, like sign-in links: no partnership, so no row-level security or audit.
CREATE TABLE sign_in_attempts (
  account_key text PRIMARY KEY,
  window_started_at timestamptz NOT NULL,
  attempts integer NOT NULL CHECK (attempts > 0)
);
-- Counts whose minute has passed are removed by a job.
CREATE INDEX sign_in_attempts_window ON sign_in_attempts (window_started_at);
