-- An agency's compliance list reads its current staff in name order, with their latest
-- counting training (migration 0025). Through people_agency that was every member's row from
-- the table and a sort of them all by name on each view: for the largest agency (2,500
-- staff) most of the page's time. This index holds them in that order with what the list
-- shows, so the list is read from it alone.
CREATE INDEX people_agency_staff
  ON people (partnership_id, agency_id, lower(last_name), lower(first_name), id)
  INCLUDE (first_name, last_name, email, role, tier, trained_on, trained_course_id)
  WHERE status = 'active' AND merged_into IS NULL;
