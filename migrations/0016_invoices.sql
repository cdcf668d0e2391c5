-- Invoices and credit notes: per agency and period, numbered without gaps per partnership,
-- never changed once issued. A mistake is put right by a credit note (North Somerset's
-- charging; Norfolk 12d).

-- The last number used, per partnership. Issuing locks the row, so numbers are taken one at a
-- time and a number is used only when its invoice commits: no gaps, no repeats.
CREATE TABLE invoice_counters (
  partnership_id uuid PRIMARY KEY REFERENCES partnerships,
  last_number integer NOT NULL DEFAULT 0 CHECK (last_number >= 0)
);
ALTER TABLE invoice_counters ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON invoice_counters
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON invoice_counters
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();

CREATE TABLE invoices (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  number integer NOT NULL CHECK (number > 0),
  kind text NOT NULL CHECK (kind IN ('invoice', 'credit_note')),
  agency_id uuid NOT NULL REFERENCES agencies,
  period_from date NOT NULL,
  period_to date NOT NULL CHECK (period_to >= period_from),
  -- The invoice a credit note corrects.
  credits uuid REFERENCES invoices,
  reason text CHECK (length(reason) <= 1000),
  total_pence integer NOT NULL,
  sent_to text CHECK (length(sent_to) <= 320),
  issued_by uuid REFERENCES users,
  issued_at timestamptz NOT NULL DEFAULT cascade_now(),
  UNIQUE (partnership_id, number),
  CHECK ((kind = 'credit_note') = (credits IS NOT NULL))
);
CREATE INDEX invoices_agency ON invoices (partnership_id, agency_id, issued_at);
ALTER TABLE invoices ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON invoices
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON invoices
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();

-- Each line keeps what it said when issued, whatever later happens to the person or course.
CREATE TABLE invoice_lines (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  invoice_id uuid NOT NULL REFERENCES invoices,
  charge_id uuid NOT NULL REFERENCES charges,
  person_name text NOT NULL,
  course_title text NOT NULL,
  session_date date NOT NULL,
  reason text NOT NULL CHECK (reason IN ('place', 'late_cancellation', 'no_show')),
  amount_pence integer NOT NULL
);
CREATE INDEX invoice_lines_invoice ON invoice_lines (invoice_id);
ALTER TABLE invoice_lines ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON invoice_lines
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON invoice_lines
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();

-- Issued means immutable, whoever asks: the database refuses to change or remove either.
CREATE FUNCTION cascade_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% are never changed once issued: issue a credit note instead', TG_TABLE_NAME
    USING ERRCODE = 'check_violation';
END
$$;
CREATE TRIGGER immutable BEFORE UPDATE OR DELETE ON invoices
  FOR EACH ROW EXECUTE FUNCTION cascade_refuse_change();
CREATE TRIGGER immutable BEFORE UPDATE OR DELETE ON invoice_lines
  FOR EACH ROW EXECUTE FUNCTION cascade_refuse_change();

ALTER TABLE charges ADD CONSTRAINT charges_invoice FOREIGN KEY (invoice_id) REFERENCES invoices;
