-- Self-registration: a practitioner with no account registers with their work email and
-- agency; until the agency's lead confirms them they hold the registrant role, which no page
-- beyond their own record admits.
ALTER TABLE memberships DROP CONSTRAINT memberships_role_check;
ALTER TABLE memberships ADD CONSTRAINT memberships_role_check
  CHECK (role IN ('admin', 'subgroup', 'executive', 'agency-lead', 'trainer', 'practitioner', 'registrant'));

ALTER TABLE people
  ADD COLUMN registered_at timestamptz,
  ADD COLUMN decided_by uuid REFERENCES users,
  ADD COLUMN decision_reason text CHECK (length(decision_reason) <= 1000);

-- The registrations waiting for a decision, per agency.
CREATE INDEX people_pending ON people (partnership_id, agency_id) WHERE status = 'pending';
