-- Reports count the applications made in a period: found by when they were made, not by
-- reading every application the partnership ever had.
CREATE INDEX applications_applied ON applications (partnership_id, applied_at);
