-- Register interest: someone asks to hear when a course with no dates gets one. A job later
-- invites them to apply for the session that was added, and marks the request invited, so
-- each request is answered once.

CREATE TABLE course_interests (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  course_id uuid NOT NULL REFERENCES courses,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  email text NOT NULL CHECK (length(email) BETWEEN 3 AND 320),
  -- The directory's record of whoever asked while signed in; anyone else is a name and an email.
  person_id uuid REFERENCES people,
  created_at timestamptz NOT NULL DEFAULT cascade_now(),
  invited_at timestamptz,
  invited_session_id uuid REFERENCES sessions,
  CHECK ((invited_at IS NULL) = (invited_session_id IS NULL))
);
-- One live request per address per course: asking again before the invitation changes nothing,
-- and asking again after it (the date did not suit) waits for the next one.
CREATE UNIQUE INDEX course_interests_live ON course_interests (course_id, lower(email)) WHERE invited_at IS NULL;
CREATE INDEX course_interests_waiting ON course_interests (partnership_id, course_id) WHERE invited_at IS NULL;
ALTER TABLE course_interests ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON course_interests
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON course_interests
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();
