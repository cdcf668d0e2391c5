-- Each agency's quarterly digest for its leads, sent once a quarter: claimed by the insert that
-- finds it unsent, in the transaction that writes the emails. The emails are in the outbox; this
-- is its bookkeeping, so it is not audited.
CREATE TABLE agency_digests (
  partnership_id uuid NOT NULL REFERENCES partnerships,
  agency_id uuid NOT NULL REFERENCES agencies,
  -- The quarter the digest is of, as the API names it: 2026-Q3.
  period text NOT NULL CHECK (period ~ '^\d{4}-Q[1-4]$'),
  sent_at timestamptz NOT NULL DEFAULT cascade_now(),
  PRIMARY KEY (agency_id, period)
);
ALTER TABLE agency_digests ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON agency_digests
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
