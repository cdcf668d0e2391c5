-- The compliance list names the learning from elsewhere that counts for a person (migration
-- 0048), so it reads trained_evidence_id too. people_agency_staff (migration 0036) did not
-- hold it, and each person on the page was read again from the table; with it, the list is
-- read from the index alone once more.
DROP INDEX people_agency_staff;
CREATE INDEX people_agency_staff
  ON people (partnership_id, agency_id, lower(last_name), lower(first_name), id)
  INCLUDE (first_name, last_name, email, role, tier, trained_on, trained_course_id, trained_evidence_id)
  WHERE status = 'active' AND merged_into IS NULL;
