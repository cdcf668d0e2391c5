-- Dissemination: evidence that agencies passed learning products on. A product is sent to the
-- agencies in its audience; each agency's lead acknowledges it and records how it reached their
-- staff (several records add up), with a note or a file as evidence; practitioners confirm they
-- read it or discussed it in supervision, each counted once. South Gloucestershire Appendix A.

-- The agency's declared workforce: what reach is a share of. When none is declared, reach is
-- read against the agency's active people in the directory (directory/headcount.ts).
ALTER TABLE agencies
  ADD COLUMN headcount integer CHECK (headcount BETWEEN 0 AND 1000000);

-- Each sending of a product's version to an agency. Sending again reaches only agencies not yet
-- sent to, unless a new version is resent: then a row for that version.
CREATE TABLE learning_product_sends (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  product_id uuid NOT NULL REFERENCES learning_products ON DELETE CASCADE,
  agency_id uuid NOT NULL REFERENCES agencies,
  version integer NOT NULL CHECK (version >= 1),
  -- How many of the agency's leads were emailed: none means no one was told.
  leads_emailed integer NOT NULL CHECK (leads_emailed >= 0),
  by_user uuid REFERENCES users,
  by_label text CHECK (length(by_label) <= 120),
  sent_at timestamptz NOT NULL DEFAULT cascade_now(),
  UNIQUE (product_id, agency_id, version)
);
CREATE INDEX learning_product_sends_agency ON learning_product_sends (agency_id, sent_at);
ALTER TABLE learning_product_sends ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON learning_product_sends
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON learning_product_sends
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();

-- What an agency did with a product: an acknowledgement ("received, and we will pass it on"), or
-- a dissemination (how, when, how many staff it reached, a note). Records are evidence: never
-- changed once made.
CREATE TABLE dissemination_records (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  product_id uuid NOT NULL REFERENCES learning_products ON DELETE CASCADE,
  agency_id uuid NOT NULL REFERENCES agencies,
  kind text NOT NULL CHECK (kind IN ('acknowledgement', 'dissemination')),
  how text CHECK (how IN ('team_meeting', 'supervision', 'single_agency_training', 'email_cascade', 'intranet',
    'other')),
  on_date date,
  staff_reached integer CHECK (staff_reached >= 0),
  -- The headcount reach was read against when recorded, to show a warning was given.
  headcount integer CHECK (headcount >= 0),
  note text CHECK (length(note) <= 5000),
  by_user uuid REFERENCES users,
  by_label text CHECK (length(by_label) <= 120),
  at timestamptz NOT NULL DEFAULT cascade_now(),
  CONSTRAINT dissemination_records_kind CHECK (
    (kind = 'acknowledgement' AND how IS NULL AND on_date IS NULL AND staff_reached IS NULL)
    OR (kind = 'dissemination' AND how IS NOT NULL AND on_date IS NOT NULL AND staff_reached IS NOT NULL))
);
CREATE INDEX dissemination_records_product ON dissemination_records (product_id, agency_id, at);
CREATE INDEX dissemination_records_agency ON dissemination_records (agency_id);
ALTER TABLE dissemination_records ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON dissemination_records
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON dissemination_records
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();
CREATE TRIGGER kept BEFORE UPDATE ON dissemination_records
  FOR EACH ROW EXECUTE FUNCTION cascade_refuse_change();

-- Evidence files, kept in the database so the processes stay stateless. The audit trail records
-- each file's name, type and size, never its content.
CREATE TABLE dissemination_evidence (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  record_id uuid NOT NULL REFERENCES dissemination_records ON DELETE CASCADE,
  filename text NOT NULL CHECK (length(filename) BETWEEN 1 AND 255),
  content_type text NOT NULL CHECK (length(content_type) BETWEEN 1 AND 200),
  size_bytes integer NOT NULL CHECK (size_bytes BETWEEN 1 AND 10485760),
  content bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT cascade_now()
);
CREATE INDEX dissemination_evidence_record ON dissemination_evidence (record_id);
ALTER TABLE dissemination_evidence ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON dissemination_evidence
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON dissemination_evidence
  FOR EACH ROW EXECUTE FUNCTION cascade_audit('content');

-- A practitioner's own word that the learning reached them: read, or discussed in supervision.
-- Once per product, person and kind; counted under the agency they were at when they confirmed.
CREATE TABLE learning_confirmations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  product_id uuid NOT NULL REFERENCES learning_products ON DELETE CASCADE,
  person_id uuid NOT NULL REFERENCES people,
  agency_id uuid NOT NULL REFERENCES agencies,
  kind text NOT NULL CHECK (kind IN ('read', 'supervision')),
  at timestamptz NOT NULL DEFAULT cascade_now(),
  UNIQUE (product_id, person_id, kind)
);
CREATE INDEX learning_confirmations_agency ON learning_confirmations (product_id, agency_id);
ALTER TABLE learning_confirmations ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON learning_confirmations
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON learning_confirmations
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();

-- Each chasing email is sent once: a lead's reminder per product and agency, the sub-group's
-- notice per product and agency overdue, a staff member's confirmation links per product.
CREATE TABLE dissemination_chasers (
  partnership_id uuid NOT NULL REFERENCES partnerships,
  kind text NOT NULL CHECK (kind IN ('reminder', 'overdue', 'staff_links')),
  key text NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
  sent_at timestamptz NOT NULL DEFAULT cascade_now(),
  PRIMARY KEY (partnership_id, kind, key)
);
ALTER TABLE dissemination_chasers ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON dissemination_chasers
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
