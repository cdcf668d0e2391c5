-- A person's own learning is found by their sign-in: on a large partnership (60,000 people) a
-- scan of everyone for each page is too slow.
CREATE INDEX people_user ON people (user_id) WHERE user_id IS NOT NULL;
