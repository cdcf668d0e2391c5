-- Shortlisting, bookings, the waiting list, cancellations and substitutions (Norfolk 12c-d).
-- A booking is a confirmed application: it keeps the application's id, so one row tells the
-- whole story from applying to attending.

-- A session's shortlisting: proposed (by the job at the lead time or by an admin), reviewed,
-- then confirmed. The seed of the random draw is kept so the allocation can be repeated and
-- explained.
ALTER TABLE sessions
  ADD COLUMN shortlist_seed bigint CHECK (shortlist_seed BETWEEN 0 AND 4294967295),
  ADD COLUMN shortlist_proposed_at timestamptz,
  ADD COLUMN shortlisted_at timestamptz,
  ADD COLUMN shortlisted_by uuid REFERENCES users,
  -- Once an admin reorders the waiting list by hand, their order stands: a freed place is
  -- offered to the head of the list rather than to whom the aims would choose.
  ADD COLUMN waiting_list_reordered_at timestamptz,
  ADD CONSTRAINT sessions_shortlist_seeded CHECK (shortlist_proposed_at IS NULL OR shortlist_seed IS NOT NULL);

ALTER TABLE applications
  -- Set when a confirmed shortlisting left them without a place: a priority at the course's
  -- next shortlisting.
  ADD COLUMN missed_at timestamptz,
  ADD COLUMN confirmed_at timestamptz,
  -- A place offered from the waiting list must be accepted by then, else it passes on.
  ADD COLUMN offer_expires_at timestamptz,
  ADD COLUMN reminded_at timestamptz,
  -- A cancellation is made in writing: who, when and what they wrote.
  ADD COLUMN ended_at timestamptz,
  ADD COLUMN ended_by uuid REFERENCES users,
  ADD COLUMN ended_note text CHECK (length(ended_note) <= 2000),
  -- The booking this one took over by substitution, without shortlisting or charge.
  ADD COLUMN substitute_for uuid REFERENCES applications,
  ADD CONSTRAINT applications_offer_deadline CHECK (status <> 'offered' OR offer_expires_at IS NOT NULL),
  ADD CONSTRAINT applications_confirmed_when CHECK (status <> 'confirmed' OR confirmed_at IS NOT NULL),
  ADD CONSTRAINT applications_waiting_position CHECK (status = 'waiting' OR waiting_position IS NULL);

CREATE INDEX applications_session_status ON applications (session_id, status);
CREATE INDEX applications_offers ON applications (offer_expires_at) WHERE status = 'offered';

-- Charges arise from the rules, never by hand: a place at a charged agency's fee, a late
-- cancellation, a no-show. Each keeps the amount that applied on its date. Invoicing reads them.
CREATE TABLE charges (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  agency_id uuid NOT NULL REFERENCES agencies,
  person_id uuid NOT NULL REFERENCES people,
  session_id uuid NOT NULL REFERENCES sessions,
  application_id uuid NOT NULL REFERENCES applications,
  reason text NOT NULL CHECK (reason IN ('place', 'late_cancellation', 'no_show')),
  amount_pence integer NOT NULL CHECK (amount_pence >= 0),
  waived boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT cascade_now()
);
-- A booking is charged at most once for each reason.
CREATE UNIQUE INDEX charges_once ON charges (application_id, reason);
CREATE INDEX charges_agency ON charges (partnership_id, agency_id, created_at);
ALTER TABLE charges ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON charges
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON charges
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();
