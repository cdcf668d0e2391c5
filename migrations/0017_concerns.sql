-- Conduct and complaints (Norfolk 12f): a trainer's concern about a delegate's conduct, which
-- their line manager and the partnership's admins hear of; and complaints about training,
-- logged and tracked to a response.

CREATE TABLE conduct_concerns (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  session_id uuid NOT NULL REFERENCES sessions,
  application_id uuid NOT NULL REFERENCES applications,
  person_id uuid NOT NULL REFERENCES people,
  concern text NOT NULL CHECK (length(concern) BETWEEN 1 AND 4000),
  raised_by uuid REFERENCES users,
  raised_at timestamptz NOT NULL DEFAULT cascade_now()
);
CREATE INDEX conduct_concerns_person ON conduct_concerns (person_id);
ALTER TABLE conduct_concerns ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON conduct_concerns
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON conduct_concerns
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();

CREATE TABLE complaints (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  course_id uuid REFERENCES courses,
  session_id uuid REFERENCES sessions,
  complainant_name text NOT NULL CHECK (length(complainant_name) BETWEEN 1 AND 200),
  complainant_email text NOT NULL CHECK (length(complainant_email) BETWEEN 3 AND 320),
  details text NOT NULL CHECK (length(details) BETWEEN 1 AND 8000),
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'responded')),
  response text CHECK (length(response) <= 8000),
  responded_by uuid REFERENCES users,
  responded_at timestamptz,
  made_by uuid REFERENCES users,
  received_at timestamptz NOT NULL DEFAULT cascade_now(),
  CHECK (status = 'open' OR (response IS NOT NULL AND responded_at IS NOT NULL))
);
CREATE INDEX complaints_open ON complaints (partnership_id, received_at) WHERE status = 'open';
ALTER TABLE complaints ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON complaints
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON complaints
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();
