-- Repeated no-shows (North Somerset: two in twelve months) mean a person's later applications
-- wait for their agency lead's approval before they can be given a place.
ALTER TABLE applications
  ADD COLUMN approval_needed_at timestamptz,
  ADD COLUMN approved_at timestamptz,
  ADD COLUMN approved_by uuid REFERENCES users,
  ADD CONSTRAINT applications_approval CHECK (approved_at IS NULL OR approval_needed_at IS NOT NULL);
