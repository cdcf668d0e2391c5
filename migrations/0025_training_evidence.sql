-- The latest training that counts for a person's compliance, kept on the person. Found
-- afresh on each view, a large agency's list (2,500 staff) read some 10,000 certificates with
-- their sessions and courses; kept, it is read with the staff themselves. It is brought up to
-- date by every change that can alter it: a certificate issued, withdrawn or moved, a
-- person's tier changed, a course's tier changed, a session's end or course changed.
ALTER TABLE people
  ADD COLUMN trained_on date,
  ADD COLUMN trained_course_id uuid REFERENCES courses;

-- The latest certificate that counts for a person of the tier: from a course of that tier, or
-- from any course when the person has none; with the London date its session ended.
CREATE FUNCTION cascade_training_evidence(person uuid, person_tier text)
  RETURNS TABLE (trained_on date, course_id uuid) LANGUAGE sql STABLE ROWS 1 AS $$
  SELECT (s.ends_at AT TIME ZONE 'Europe/London')::date, s.course_id
    FROM certificates ce JOIN sessions s ON s.id = ce.session_id JOIN courses c ON c.id = s.course_id
   WHERE ce.person_id = person AND (person_tier IS NULL OR c.tier = person_tier)
   ORDER BY s.ends_at DESC, s.id
   LIMIT 1
$$;

CREATE FUNCTION cascade_refresh_training(people_ids uuid[]) RETURNS void LANGUAGE sql AS $$
  UPDATE people p
     SET (trained_on, trained_course_id) = (SELECT e.trained_on, e.course_id FROM cascade_training_evidence(p.id, p.tier) e)
   WHERE p.id IN (SELECT unnest(people_ids))
$$;

CREATE FUNCTION cascade_certificates_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM cascade_refresh_training(ARRAY(SELECT DISTINCT person_id FROM new_rows));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM cascade_refresh_training(ARRAY(SELECT DISTINCT person_id FROM old_rows));
  ELSE
    PERFORM cascade_refresh_training(ARRAY(SELECT person_id FROM new_rows UNION SELECT person_id FROM old_rows));
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER training_insert AFTER INSERT ON certificates REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION cascade_certificates_changed();
CREATE TRIGGER training_update AFTER UPDATE ON certificates REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION cascade_certificates_changed();
CREATE TRIGGER training_delete AFTER DELETE ON certificates REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION cascade_certificates_changed();

-- A person given another tier is judged by that tier's courses.
CREATE FUNCTION cascade_person_tier_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT e.trained_on, e.course_id INTO NEW.trained_on, NEW.trained_course_id
    FROM cascade_training_evidence(NEW.id, NEW.tier) e;
  IF NOT FOUND THEN
    NEW.trained_on := NULL;
    NEW.trained_course_id := NULL;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER training_tier BEFORE UPDATE OF tier ON people
  FOR EACH ROW WHEN (OLD.tier IS DISTINCT FROM NEW.tier) EXECUTE FUNCTION cascade_person_tier_changed();

-- A course given another tier, or a session moved or given another course, changes what its
-- certificates are evidence of.
CREATE FUNCTION cascade_course_tier_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM cascade_refresh_training(ARRAY(
    SELECT DISTINCT ce.person_id FROM certificates ce JOIN sessions s ON s.id = ce.session_id WHERE s.course_id = NEW.id));
  RETURN NULL;
END $$;
CREATE TRIGGER training_tier AFTER UPDATE OF tier ON courses
  FOR EACH ROW WHEN (OLD.tier IS DISTINCT FROM NEW.tier) EXECUTE FUNCTION cascade_course_tier_changed();

CREATE FUNCTION cascade_session_training_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM cascade_refresh_training(ARRAY(SELECT DISTINCT person_id FROM certificates WHERE session_id = NEW.id));
  RETURN NULL;
END $$;
CREATE TRIGGER training_session AFTER UPDATE OF ends_at, course_id ON sessions
  FOR EACH ROW WHEN (OLD.ends_at IS DISTINCT FROM NEW.ends_at OR OLD.course_id IS DISTINCT FROM NEW.course_id)
  EXECUTE FUNCTION cascade_session_training_changed();

-- What is kept is derived from audited changes, so keeping it is not itself audited.
DROP TRIGGER audit_insert ON people;
DROP TRIGGER audit_update ON people;
DROP TRIGGER audit_delete ON people;
CREATE TRIGGER audit_insert AFTER INSERT ON people REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION cascade_audit_rows('search', 'updated_at', 'email_key', 'manager_email_key', 'trained_on', 'trained_course_id');
CREATE TRIGGER audit_update AFTER UPDATE ON people REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION cascade_audit_rows('search', 'updated_at', 'email_key', 'manager_email_key', 'trained_on', 'trained_course_id');
CREATE TRIGGER audit_delete AFTER DELETE ON people REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION cascade_audit_rows('search', 'updated_at', 'email_key', 'manager_email_key', 'trained_on', 'trained_course_id');

-- Everyone's at once, rather than person by person.
UPDATE people p SET trained_on = l.trained_on, trained_course_id = l.course_id
  FROM (SELECT DISTINCT ON (ce.person_id) ce.person_id, s.course_id,
               (s.ends_at AT TIME ZONE 'Europe/London')::date AS trained_on
          FROM certificates ce JOIN people q ON q.id = ce.person_id
          JOIN sessions s ON s.id = ce.session_id JOIN courses c ON c.id = s.course_id
         WHERE q.tier IS NULL OR c.tier = q.tier
         ORDER BY ce.person_id, s.ends_at DESC, s.id) l
 WHERE p.id = l.person_id;
