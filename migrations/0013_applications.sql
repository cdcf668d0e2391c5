-- Applications for a session's places. Places are not first come, first served: applications
-- are collected until the session's shortlisting time, then allocated for a multi-agency mix
-- (Norfolk 12c). An application keeps the agency the person was at when they applied, which
-- the mix and any charge depend on.

CREATE TABLE applications (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  session_id uuid NOT NULL REFERENCES sessions,
  person_id uuid NOT NULL REFERENCES people,
  agency_id uuid NOT NULL REFERENCES agencies,
  manager_name text CHECK (length(manager_name) <= 200),
  manager_email text NOT NULL CHECK (length(manager_email) BETWEEN 3 AND 320),
  accepts_other_dates boolean NOT NULL DEFAULT false,
  access_needs text CHECK (length(access_needs) <= 2000),
  status text NOT NULL DEFAULT 'applied'
    CHECK (status IN ('applied', 'allocated', 'waiting', 'offered', 'confirmed', 'cancelled', 'withdrawn')),
  -- The plain reason for the latest decision, shown to the admin.
  reason text CHECK (length(reason) <= 500),
  waiting_position integer CHECK (waiting_position > 0),
  applied_by uuid REFERENCES users,
  applied_at timestamptz NOT NULL DEFAULT cascade_now(),
  updated_at timestamptz NOT NULL DEFAULT cascade_now()
);
-- One live application per person per session; a withdrawn or cancelled one may be made again.
CREATE UNIQUE INDEX applications_once ON applications (session_id, person_id)
  WHERE status NOT IN ('cancelled', 'withdrawn');
CREATE INDEX applications_person ON applications (person_id);
ALTER TABLE applications ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON applications
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON applications
  FOR EACH ROW EXECUTE FUNCTION cascade_audit('updated_at');

-- Set when an admin decides to run a session that is below its minimum places when
-- applications close.
ALTER TABLE sessions ADD COLUMN below_minimum_confirmed_at timestamptz;
