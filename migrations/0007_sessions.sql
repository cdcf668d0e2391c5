-- Sessions of a course: when (one or more parts, for a course over several days), where (a
-- venue, or online with a joining link only those confirmed are sent), how many places,
-- and where the session is in its life.

CREATE TABLE sessions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  course_id uuid NOT NULL REFERENCES courses,
  format text NOT NULL CHECK (format IN ('in_person', 'online')),
  -- {name, address, room, accessNotes, instructions}
  venue jsonb CHECK (venue IS NULL OR jsonb_typeof(venue) = 'object'),
  joining_url text CHECK (length(joining_url) <= 2000),
  capacity integer NOT NULL CHECK (capacity BETWEEN 1 AND 10000),
  minimum_places integer CHECK (minimum_places BETWEEN 1 AND 10000),
  status text NOT NULL DEFAULT 'draft'
    CHECK (status IN ('draft', 'open', 'shortlisted', 'full', 'running', 'delivered', 'cancelled')),
  -- The first part's start and the last part's end, kept with the parts.
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT cascade_now(),
  updated_at timestamptz NOT NULL DEFAULT cascade_now(),
  CHECK (ends_at > starts_at),
  CHECK (format = 'online' OR venue IS NOT NULL),
  CHECK (format = 'in_person' OR joining_url IS NOT NULL),
  CHECK (minimum_places IS NULL OR minimum_places <= capacity)
);
CREATE INDEX sessions_upcoming ON sessions (partnership_id, starts_at);
CREATE INDEX sessions_course ON sessions (course_id, starts_at);
ALTER TABLE sessions ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON sessions
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON sessions
  FOR EACH ROW EXECUTE FUNCTION cascade_audit('updated_at');

CREATE TABLE session_parts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  session_id uuid NOT NULL REFERENCES sessions ON DELETE CASCADE,
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  CHECK (ends_at > starts_at)
);
CREATE INDEX session_parts_session ON session_parts (session_id, starts_at);
CREATE INDEX session_parts_when ON session_parts (partnership_id, starts_at);
ALTER TABLE session_parts ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON session_parts
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON session_parts
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();
