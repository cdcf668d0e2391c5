-- Reports sum the charges made in a period: found by the day each was charged, not by reading
-- every charge the partnership ever made.
CREATE INDEX charges_charged_on ON charges (partnership_id, charged_on);
