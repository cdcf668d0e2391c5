-- The annual programme's limit: planned delivery days against the partnership's capacity
-- policy (North Somerset: the equivalent of two days a week). Scheduling beyond it needs an
-- admin's override with a reason, kept here. A cancelled session keeps when and why.

CREATE TABLE capacity_overrides (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  session_id uuid NOT NULL REFERENCES sessions ON DELETE CASCADE,
  -- The first day of the financial year it went beyond.
  financial_year_start date NOT NULL,
  -- Half days, so 2.5 days is 5: planned with this session, and the capacity then.
  planned_half_days integer NOT NULL CHECK (planned_half_days >= 0),
  capacity_half_days integer NOT NULL CHECK (capacity_half_days >= 0),
  reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
  recorded_by uuid REFERENCES users,
  recorded_at timestamptz NOT NULL DEFAULT cascade_now()
);
CREATE INDEX capacity_overrides_year ON capacity_overrides (partnership_id, financial_year_start);
ALTER TABLE capacity_overrides ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON capacity_overrides
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON capacity_overrides
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();

ALTER TABLE sessions
  ADD COLUMN cancellation_reason text CHECK (length(cancellation_reason) <= 2000),
  ADD COLUMN cancelled_at timestamptz;
UPDATE sessions SET cancelled_at = updated_at WHERE status = 'cancelled';
ALTER TABLE sessions ADD CONSTRAINT sessions_cancelled_with_reason CHECK (status <> 'cancelled' OR cancelled_at IS NOT NULL);
