-- Each partnership's privacy notice and accessibility statement, as the details it fills in:
-- who the data controller and data protection officer are, why it holds personal data, and
-- the statement the Public Sector Bodies (Websites and Mobile Applications) Accessibility
-- Regulations 2018 require. Pages render from these; a partnership that has filled in nothing
-- still gets a correct page that says what is missing, so every column may be empty.

CREATE TABLE privacy_statements (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL UNIQUE REFERENCES partnerships,
  controller_name text NOT NULL DEFAULT '' CHECK (length(controller_name) <= 200),
  controller_address text NOT NULL DEFAULT '' CHECK (length(controller_address) <= 500),
  dpo_name text NOT NULL DEFAULT '' CHECK (length(dpo_name) <= 200),
  dpo_contact text NOT NULL DEFAULT '' CHECK (length(dpo_contact) <= 500),
  purposes text NOT NULL DEFAULT '' CHECK (length(purposes) <= 5000),
  lawful_basis text NOT NULL DEFAULT '' CHECK (length(lawful_basis) <= 5000),
  -- The 2018 regulations' model statement: fully, partially or not compliant.
  compliance_status text CHECK (compliance_status IN ('full', 'partial', 'none')),
  known_issues text NOT NULL DEFAULT '' CHECK (length(known_issues) <= 10000),
  report_contact text NOT NULL DEFAULT '' CHECK (length(report_contact) <= 500),
  prepared_on date,
  reviewed_on date,
  updated_by uuid REFERENCES users,
  updated_at timestamptz NOT NULL DEFAULT cascade_now(),
  CHECK (reviewed_on IS NULL OR prepared_on IS NULL OR reviewed_on >= prepared_on)
);
ALTER TABLE privacy_statements ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON privacy_statements
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON privacy_statements
  FOR EACH ROW EXECUTE FUNCTION cascade_audit('updated_at');
