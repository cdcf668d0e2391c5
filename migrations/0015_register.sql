-- What happens on the day: the register, the charges it gives rise to, and certificates of
-- completion (Norfolk 12d-f).

-- One mark per booked person per part of a session. Marking again replaces the mark (the
-- audit trail keeps every one); after the session, a change needs a reason.
CREATE TABLE attendance (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  session_id uuid NOT NULL REFERENCES sessions,
  application_id uuid NOT NULL REFERENCES applications,
  part integer NOT NULL CHECK (part >= 1),
  mark text NOT NULL CHECK (mark IN ('attended', 'late', 'left_early', 'not_engaged', 'absent')),
  correction_reason text CHECK (length(correction_reason) <= 1000),
  marked_by uuid REFERENCES users,
  marked_at timestamptz NOT NULL DEFAULT cascade_now(),
  UNIQUE (application_id, part)
);
CREATE INDEX attendance_session ON attendance (session_id);
ALTER TABLE attendance ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON attendance
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON attendance
  FOR EACH ROW EXECUTE FUNCTION cascade_audit('marked_at');

-- A charge keeps the date whose policy set it, and can be waived by an admin with a reason.
ALTER TABLE charges
  ADD COLUMN charged_on date,
  ADD COLUMN waived_reason text CHECK (length(waived_reason) <= 1000),
  ADD COLUMN waived_by uuid REFERENCES users,
  ADD COLUMN waived_at timestamptz,
  ADD CONSTRAINT charges_waiver_reason CHECK (NOT waived OR waived_reason IS NOT NULL);
UPDATE charges SET charged_on = (created_at AT TIME ZONE 'Europe/London')::date WHERE charged_on IS NULL;
ALTER TABLE charges ALTER COLUMN charged_on SET NOT NULL;

-- That a person completed a stage of a course's evaluation. The evaluation feature writes it;
-- a certificate waits for the after-course stage where the policy asks for it.
CREATE TABLE evaluation_completions (
  partnership_id uuid NOT NULL REFERENCES partnerships,
  application_id uuid NOT NULL REFERENCES applications,
  stage text NOT NULL CHECK (stage IN ('at_booking', 'after_course', 'follow_up')),
  completed_at timestamptz NOT NULL DEFAULT cascade_now(),
  PRIMARY KEY (application_id, stage)
);
ALTER TABLE evaluation_completions ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON evaluation_completions
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON evaluation_completions
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();

-- A certificate of completion, one per booking, checked by anyone holding its code.
CREATE TABLE certificates (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  application_id uuid NOT NULL UNIQUE REFERENCES applications,
  person_id uuid NOT NULL REFERENCES people,
  session_id uuid NOT NULL REFERENCES sessions,
  code text NOT NULL UNIQUE CHECK (code ~ '^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$'),
  issued_at timestamptz NOT NULL DEFAULT cascade_now()
);
CREATE INDEX certificates_person ON certificates (person_id);
ALTER TABLE certificates ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON certificates
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON certificates
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();

-- Anyone holding a certificate's code may check it, signed in or not, without a partnership:
-- this function answers with only what the certificate says (whose, for what, from whom) and
-- nothing for any other code.
CREATE FUNCTION certificate_by_code(given text)
  RETURNS TABLE (code text, partnership text, person text, course text, delivered_on date, issued_at timestamptz)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
  SELECT c.code, pa.name, p.first_name || ' ' || p.last_name, co.title,
         (s.starts_at AT TIME ZONE 'Europe/London')::date, c.issued_at
    FROM certificates c
    JOIN partnerships pa ON pa.id = c.partnership_id
    JOIN people p ON p.id = c.person_id
    JOIN sessions s ON s.id = c.session_id
    JOIN courses co ON co.id = s.course_id
   WHERE c.code = given
$$;
REVOKE ALL ON FUNCTION certificate_by_code(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION certificate_by_code(text) TO cascade_app;

-- Set once the person has been told why a complete register gives them no certificate.
ALTER TABLE applications ADD COLUMN no_certificate_told_at timestamptz;
-- Set when a charge is put on an invoice; an invoiced charge no longer changes.
ALTER TABLE charges ADD COLUMN invoice_id uuid;
