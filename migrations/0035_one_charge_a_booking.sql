-- A booking is charged once: for the place, for a late cancellation, or for not attending,
-- never two of them. A register corrected after its charge was invoiced or waived keeps that
-- charge (an invoice is put right by a credit note), and no second one is added beside it.
CREATE UNIQUE INDEX charges_one_a_booking ON charges (application_id);
