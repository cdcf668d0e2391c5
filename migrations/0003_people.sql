-- The workforce: agencies' details, the people who work in them, where they have worked,
-- and staff imports from HR systems.

ALTER TABLE agencies
  ADD COLUMN address text CHECK (length(address) <= 500),
  ADD COLUMN invoicing_contact_name text CHECK (length(invoicing_contact_name) <= 200),
  ADD COLUMN invoicing_contact_email text CHECK (length(invoicing_contact_email) <= 320);

CREATE TABLE people (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  first_name text NOT NULL CHECK (length(first_name) BETWEEN 1 AND 100),
  last_name text NOT NULL CHECK (length(last_name) BETWEEN 1 AND 100),
  email text NOT NULL CHECK (length(email) BETWEEN 3 AND 320),
  agency_id uuid NOT NULL REFERENCES agencies,
  role text CHECK (length(role) <= 200),
  tier text CHECK (length(tier) <= 80),
  -- The line manager: by email, which links to them when they are in the directory too.
  manager_name text CHECK (length(manager_name) <= 200),
  manager_email text CHECK (length(manager_email) <= 320),
  -- Since when the person has been at their current agency; earlier agencies are in agency_spells.
  agency_since date NOT NULL DEFAULT (cascade_now() AT TIME ZONE 'Europe/London')::date,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'pending', 'rejected', 'left')),
  user_id uuid REFERENCES users,
  -- A merged record points at the one it was merged into and leaves every search.
  merged_into uuid REFERENCES people,
  created_at timestamptz NOT NULL DEFAULT cascade_now(),
  updated_at timestamptz NOT NULL DEFAULT cascade_now(),
  search tsvector GENERATED ALWAYS AS (
    to_tsvector('simple', regexp_replace(first_name || ' ' || last_name || ' ' || email || ' ' || coalesce(role, ''), '[^[:alnum:]]+', ' ', 'g'))
  ) STORED
);
CREATE UNIQUE INDEX people_email_key ON people (partnership_id, lower(email)) WHERE merged_into IS NULL;
CREATE INDEX people_agency ON people (partnership_id, agency_id);
CREATE INDEX people_name ON people (partnership_id, lower(last_name), lower(first_name), id);
CREATE INDEX people_search ON people USING gin (search);
ALTER TABLE people ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON people
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON people
  FOR EACH ROW EXECUTE FUNCTION cascade_audit('search', 'updated_at');

-- Where a person worked before their current agency: one row per past spell. Only a move
-- writes one, so importing thousands of new people writes none.
CREATE TABLE agency_spells (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  person_id uuid NOT NULL REFERENCES people,
  agency_id uuid NOT NULL REFERENCES agencies,
  started_on date NOT NULL,
  ended_on date NOT NULL,
  CHECK (ended_on >= started_on)
);
CREATE INDEX agency_spells_person ON agency_spells (person_id, started_on);
ALTER TABLE agency_spells ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON agency_spells
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON agency_spells
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();

-- A staff import in progress: the file as uploaded, the column mapping, and the outcome.
CREATE TABLE people_imports (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  filename text NOT NULL,
  content text NOT NULL,
  encoding text NOT NULL,
  mapping jsonb,
  status text NOT NULL DEFAULT 'uploaded' CHECK (status IN ('uploaded', 'committed')),
  outcome jsonb,
  created_by uuid REFERENCES users,
  created_at timestamptz NOT NULL DEFAULT cascade_now()
);
ALTER TABLE people_imports ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON people_imports
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON people_imports
  FOR EACH ROW EXECUTE FUNCTION cascade_audit('content');
