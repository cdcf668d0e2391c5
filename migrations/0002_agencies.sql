-- Agencies: the organisations whose staff the partnership trains. The fee for a place comes
-- from the category (and Safer Programme membership) through the partnership's policy.
CREATE TABLE agencies (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  category text NOT NULL CHECK (category IN ('funding_partner', 'statutory', 'private', 'voluntary')),
  safer_programme_member boolean NOT NULL DEFAULT false CHECK (NOT safer_programme_member OR category = 'voluntary'),
  sector text NOT NULL CHECK (sector IN ('children_services', 'adult_social_care', 'health', 'police', 'education',
    'early_years', 'probation', 'housing', 'voluntary', 'faith', 'sport', 'other')),
  workforce text NOT NULL CHECK (workforce IN ('children', 'adults', 'both')),
  archived boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT cascade_now()
);
CREATE UNIQUE INDEX agencies_name_key ON agencies (partnership_id, lower(name));
ALTER TABLE agencies ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON agencies
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON agencies
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();
