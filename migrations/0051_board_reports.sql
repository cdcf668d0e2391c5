-- Reports to the board: what the partnership's admins write about a period's figures (an
-- executive summary and a narrative per section), and each version signed off by the sub-group
-- or executive. A signed-off version is a snapshot, its figures and words kept as data and as
-- its PDF, which later data never changes; a correction is a new version with its reason.

CREATE TABLE board_reports (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  -- The period as the API names it: 2026-Q3, or 2026 for the financial year starting in 2026.
  period_key text NOT NULL CHECK (period_key ~ '^\d{4}(-Q[1-4])?$'),
  executive_summary text NOT NULL DEFAULT '' CHECK (length(executive_summary) <= 10000),
  -- {sectionId: text}, each at most 5,000 characters (checked by the service).
  narratives jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(narratives) = 'object'),
  -- How many versions have been signed off, and, while a correction is being made, why.
  signed_versions integer NOT NULL DEFAULT 0 CHECK (signed_versions >= 0),
  correction_reason text CHECK (length(correction_reason) BETWEEN 1 AND 2000),
  updated_by uuid REFERENCES users,
  updated_at timestamptz NOT NULL DEFAULT cascade_now(),
  UNIQUE (partnership_id, period_key),
  -- A correction is of a signed-off version.
  CHECK (correction_reason IS NULL OR signed_versions > 0)
);
ALTER TABLE board_reports ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON board_reports
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON board_reports
  FOR EACH ROW EXECUTE FUNCTION cascade_audit('updated_at');

CREATE TABLE board_report_versions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  report_id uuid NOT NULL REFERENCES board_reports,
  version integer NOT NULL CHECK (version >= 1),
  -- Why a version after the first was made.
  reason text CHECK (length(reason) BETWEEN 1 AND 2000),
  signed_off_by uuid NOT NULL REFERENCES users,
  -- The signer's name and capacity as they were, so the record reads the same later.
  signed_off_by_name text NOT NULL,
  signed_off_as text NOT NULL CHECK (signed_off_as IN ('subgroup', 'executive')),
  signed_off_at timestamptz NOT NULL DEFAULT cascade_now(),
  -- The report as signed off: its periods, every figure and breakdown, and its words.
  snapshot jsonb NOT NULL,
  pdf bytea NOT NULL,
  UNIQUE (report_id, version),
  CHECK ((version = 1) = (reason IS NULL))
);
ALTER TABLE board_report_versions ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON board_report_versions
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
-- A signed-off version is never changed or removed.
REVOKE UPDATE, DELETE ON board_report_versions FROM cascade_app;
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON board_report_versions
  FOR EACH ROW EXECUTE FUNCTION cascade_audit('snapshot', 'pdf');
