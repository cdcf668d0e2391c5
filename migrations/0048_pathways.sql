-- Pathways and workforce compliance (North Somerset appendix two, Shropshire's tiers, South
-- Gloucestershire's three-yearly refresher, Norfolk §10): which training each role needs, as
-- requirements met by any of a set of equivalent courses and refreshed at their own interval;
-- the partnership's "which training do I need?" decision tree; learning evidenced elsewhere and
-- verified by the agency's lead; other partnerships' certificates recognised by their code; and
-- each person's standing against their pathway, kept as evidence changes. Every table is under
-- row-level security and audited.

CREATE TABLE pathways (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  -- Who it is for, in words ("Everyone who works with children, young people or their families").
  audience text NOT NULL CHECK (length(audience) BETWEEN 1 AND 2000),
  summary text CHECK (length(summary) <= 5000),
  -- A retired pathway is kept for the people and decision tree that still name it, but is
  -- offered to no one new.
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'retired')),
  created_by uuid REFERENCES users,
  created_at timestamptz NOT NULL DEFAULT cascade_now(),
  updated_at timestamptz NOT NULL DEFAULT cascade_now()
);
CREATE UNIQUE INDEX pathways_title_key ON pathways (partnership_id, lower(title));
ALTER TABLE pathways ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON pathways
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON pathways
  FOR EACH ROW EXECUTE FUNCTION cascade_audit('updated_at');

-- A requirement of a pathway: required or optional, met by any one of its courses (or by
-- verified evidence for it), and refreshed every so many months (never, without an interval).
CREATE TABLE pathway_requirements (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  pathway_id uuid NOT NULL REFERENCES pathways ON DELETE CASCADE,
  position integer NOT NULL CHECK (position >= 1),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  required boolean NOT NULL,
  refresher_months integer CHECK (refresher_months BETWEEN 1 AND 240),
  UNIQUE (pathway_id, position) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX pathway_requirements_pathway ON pathway_requirements (pathway_id);
ALTER TABLE pathway_requirements ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON pathway_requirements
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON pathway_requirements
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();

CREATE TABLE pathway_requirement_courses (
  partnership_id uuid NOT NULL REFERENCES partnerships,
  requirement_id uuid NOT NULL REFERENCES pathway_requirements ON DELETE CASCADE,
  course_id uuid NOT NULL REFERENCES courses,
  PRIMARY KEY (requirement_id, course_id)
);
CREATE INDEX pathway_requirement_courses_course ON pathway_requirement_courses (course_id);
ALTER TABLE pathway_requirement_courses ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON pathway_requirement_courses
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON pathway_requirement_courses
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();

-- The partnership's decision tree, saved whole and checked whole (no loops, no dead ends)
-- before it is: {start, questions: [{id, text, hint, answers: [{label, next?, pathwayId?}]}]}.
CREATE TABLE pathway_finders (
  partnership_id uuid PRIMARY KEY REFERENCES partnerships,
  tree jsonb NOT NULL,
  updated_by uuid REFERENCES users,
  updated_at timestamptz NOT NULL DEFAULT cascade_now()
);
ALTER TABLE pathway_finders ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON pathway_finders
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON pathway_finders
  FOR EACH ROW EXECUTE FUNCTION cascade_audit('updated_at');

-- A person's pathway, set by themselves from the decision tree or by their agency's lead.
-- pathway_missing and pathway_lapses_on are kept from the standings below: how many required
-- requirements have no evidence, and the first date a required one lapses.
ALTER TABLE people
  ADD COLUMN pathway_id uuid REFERENCES pathways,
  ADD COLUMN pathway_missing integer,
  ADD COLUMN pathway_lapses_on date;
CREATE INDEX people_pathway ON people (pathway_id) WHERE pathway_id IS NOT NULL;
-- The roll-up counts the partnership's current people by agency, pathway and what is kept of
-- their standing: read from this index alone, 60,000 people take a few milliseconds rather
-- than a scan of the whole table.
CREATE INDEX people_pathway_standing ON people (partnership_id, agency_id, pathway_id)
  INCLUDE (pathway_missing, pathway_lapses_on) WHERE status = 'active' AND merged_into IS NULL;

-- Learning done elsewhere: single-agency courses, e-learning, another partnership's course, a
-- conference, shadowing, supervision, reflective reading. It counts once the agency's lead has
-- verified it; another partnership's certificate added by its code and recognised here is
-- verified by that check, and keeps only the certificate's public facts.
CREATE TABLE learning_evidence (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  person_id uuid NOT NULL REFERENCES people,
  kind text NOT NULL CHECK (kind IN ('single_agency_course', 'e_learning', 'other_partnership_course',
    'conference', 'shadowing', 'supervision', 'reflective_reading', 'other')),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  provider text NOT NULL CHECK (length(provider) BETWEEN 1 AND 200),
  completed_on date NOT NULL,
  -- Hours as whole minutes: more than none, at most 100 hours.
  minutes integer NOT NULL CHECK (minutes BETWEEN 1 AND 6000),
  requirement_id uuid REFERENCES pathway_requirements ON DELETE SET NULL,
  status text NOT NULL DEFAULT 'awaiting' CHECK (status IN ('awaiting', 'verified', 'rejected')),
  decided_by uuid REFERENCES users,
  decided_by_label text CHECK (length(decided_by_label) <= 120),
  decided_at timestamptz,
  rejected_reason text CHECK (length(rejected_reason) BETWEEN 1 AND 2000),
  -- Another partnership's certificate: its code, and the partnership that issued it.
  certificate_code text CHECK (length(certificate_code) <= 20),
  issued_by text CHECK (length(issued_by) <= 200),
  file_name text CHECK (length(file_name) BETWEEN 1 AND 255),
  file_type text CHECK (length(file_type) BETWEEN 1 AND 200),
  file_bytes bytea,
  recorded_by uuid REFERENCES users,
  recorded_by_label text CHECK (length(recorded_by_label) <= 120),
  created_at timestamptz NOT NULL DEFAULT cascade_now(),
  CONSTRAINT learning_evidence_decided CHECK ((status = 'awaiting') = (decided_at IS NULL)),
  CONSTRAINT learning_evidence_reason CHECK ((status = 'rejected') = (rejected_reason IS NOT NULL)),
  CONSTRAINT learning_evidence_file CHECK ((file_name IS NULL) = (file_bytes IS NULL) AND (file_name IS NULL) = (file_type IS NULL))
);
CREATE INDEX learning_evidence_person ON learning_evidence (person_id, completed_on DESC);
CREATE INDEX learning_evidence_awaiting ON learning_evidence (partnership_id, created_at) WHERE status = 'awaiting';
-- A certificate is added once per person, and counts once for each requirement that recognises it.
CREATE UNIQUE INDEX learning_evidence_certificate ON learning_evidence (person_id, certificate_code, requirement_id)
  WHERE certificate_code IS NOT NULL;
ALTER TABLE learning_evidence ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON learning_evidence
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON learning_evidence
  FOR EACH ROW EXECUTE FUNCTION cascade_audit('file_bytes');

-- Which other partnerships' courses this one recognises, and for which of its requirements
-- (North Somerset §5: practitioners "cannot be expected to attend training from all the Boards
-- that they work to"). The other partnership's course is named by id and by its public title.
CREATE TABLE recognitions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  recognised_partnership_id uuid NOT NULL REFERENCES partnerships,
  recognised_course_id uuid NOT NULL,
  recognised_course_title text NOT NULL CHECK (length(recognised_course_title) BETWEEN 1 AND 200),
  requirement_id uuid NOT NULL REFERENCES pathway_requirements ON DELETE CASCADE,
  created_by uuid REFERENCES users,
  created_at timestamptz NOT NULL DEFAULT cascade_now(),
  CONSTRAINT recognitions_other CHECK (recognised_partnership_id <> partnership_id),
  UNIQUE (requirement_id, recognised_course_id)
);
CREATE INDEX recognitions_course ON recognitions (partnership_id, recognised_course_id);
ALTER TABLE recognitions ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON recognitions
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON recognitions
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();

-- The public facts of a certificate, with the ids recognition matches on: found by its code
-- from any scope, as the public check of a code is.
CREATE FUNCTION certificate_facts(given text)
  RETURNS TABLE (code text, partnership_id uuid, partnership text, person text, course_id uuid, course text,
                 delivered_on date, duration_minutes integer)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
  SELECT c.code, pa.id, pa.name, p.first_name || ' ' || p.last_name, co.id, co.title,
         (s.starts_at AT TIME ZONE 'Europe/London')::date, co.duration_minutes
    FROM certificates c
    JOIN partnerships pa ON pa.id = c.partnership_id
    JOIN people p ON p.id = c.person_id
    JOIN sessions s ON s.id = c.session_id
    JOIN courses co ON co.id = s.course_id
   WHERE c.code = given
$$;
REVOKE ALL ON FUNCTION certificate_facts(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION certificate_facts(text) TO cascade_app;

-- Another partnership's published courses, which its public catalogue shows anyway: what an
-- admin chooses from when recognising them.
CREATE FUNCTION published_courses_of(other uuid)
  RETURNS TABLE (id uuid, title text)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
  SELECT id, title FROM courses WHERE partnership_id = other AND status = 'published' ORDER BY lower(title)
$$;
REVOKE ALL ON FUNCTION published_courses_of(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION published_courses_of(uuid) TO cascade_app;

-- Each person's latest evidence for each requirement of their pathway, and when it lapses
-- (never, for a requirement with no refresher). Kept by every change that can alter it, as
-- the partnership-wide roll-up reads 60,000 people at once.
CREATE TABLE requirement_standings (
  partnership_id uuid NOT NULL REFERENCES partnerships,
  person_id uuid NOT NULL REFERENCES people ON DELETE CASCADE,
  requirement_id uuid NOT NULL REFERENCES pathway_requirements ON DELETE CASCADE,
  evidenced_on date NOT NULL,
  due_on date,
  -- What evidences it: a Cascade certificate or a piece of verified evidence.
  evidence_kind text NOT NULL CHECK (evidence_kind IN ('certificate', 'evidence')),
  evidence_id uuid NOT NULL,
  evidence_title text NOT NULL,
  PRIMARY KEY (person_id, requirement_id)
);
ALTER TABLE requirement_standings ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON requirement_standings
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());

CREATE FUNCTION cascade_refresh_pathway_standing(people_ids uuid[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM requirement_standings WHERE person_id = ANY(people_ids);
  INSERT INTO requirement_standings (partnership_id, person_id, requirement_id, evidenced_on, due_on,
                                     evidence_kind, evidence_id, evidence_title)
  SELECT DISTINCT ON (p.id, r.id) p.partnership_id, p.id, r.id, e.evidenced_on,
         CASE WHEN r.refresher_months IS NOT NULL
              THEN (e.evidenced_on + make_interval(months => r.refresher_months))::date END,
         e.kind, e.id, e.title
    FROM people p
    JOIN pathway_requirements r ON r.pathway_id = p.pathway_id
    CROSS JOIN LATERAL (
      SELECT (s.ends_at AT TIME ZONE 'Europe/London')::date AS evidenced_on, 'certificate' AS kind, ce.id, c.title
        FROM certificates ce
        JOIN sessions s ON s.id = ce.session_id
        JOIN pathway_requirement_courses rc ON rc.course_id = s.course_id AND rc.requirement_id = r.id
        JOIN courses c ON c.id = s.course_id
       WHERE ce.person_id = p.id
      UNION ALL
      SELECT le.completed_on, 'evidence', le.id, le.title
        FROM learning_evidence le
       WHERE le.person_id = p.id AND le.requirement_id = r.id AND le.status = 'verified'
    ) e
   WHERE p.id = ANY(people_ids) AND p.merged_into IS NULL
   ORDER BY p.id, r.id, e.evidenced_on DESC, e.id;
  UPDATE people p
     SET pathway_missing = s.missing, pathway_lapses_on = s.lapses_on
    FROM (SELECT q.id,
                 CASE WHEN q.pathway_id IS NULL THEN NULL
                      ELSE count(r.id) FILTER (WHERE r.required AND rs.person_id IS NULL)::int END AS missing,
                 min(rs.due_on) FILTER (WHERE r.required) AS lapses_on
            FROM people q
            LEFT JOIN pathway_requirements r ON r.pathway_id = q.pathway_id
            LEFT JOIN requirement_standings rs ON rs.person_id = q.id AND rs.requirement_id = r.id
           WHERE q.id = ANY(people_ids)
           GROUP BY q.id) s
   WHERE p.id = s.id
     AND (p.pathway_missing IS DISTINCT FROM s.missing OR p.pathway_lapses_on IS DISTINCT FROM s.lapses_on);
END $$;

-- Certificates issued, withdrawn or moved.
CREATE FUNCTION cascade_certificates_pathways() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM cascade_refresh_pathway_standing(ARRAY(SELECT DISTINCT person_id FROM new_rows));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM cascade_refresh_pathway_standing(ARRAY(SELECT DISTINCT person_id FROM old_rows));
  ELSE
    PERFORM cascade_refresh_pathway_standing(ARRAY(SELECT person_id FROM new_rows UNION SELECT person_id FROM old_rows));
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER pathways_insert AFTER INSERT ON certificates REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION cascade_certificates_pathways();
CREATE TRIGGER pathways_update AFTER UPDATE ON certificates REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION cascade_certificates_pathways();
CREATE TRIGGER pathways_delete AFTER DELETE ON certificates REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION cascade_certificates_pathways();

-- Verified learning from elsewhere counts like a certificate on the agency's compliance list
-- too (migration 0025): the latest training kept on the person is a certificate of their tier
-- or verified evidence, whichever is later, and trained_evidence_id says when it is evidence.
ALTER TABLE people ADD COLUMN trained_evidence_id uuid REFERENCES learning_evidence ON DELETE SET NULL;

DROP FUNCTION cascade_training_evidence(uuid, text);
CREATE FUNCTION cascade_training_evidence(person uuid, person_tier text)
  RETURNS TABLE (trained_on date, course_id uuid, evidence_id uuid) LANGUAGE sql STABLE ROWS 1 AS $$
  SELECT e.trained_on, e.course_id, e.evidence_id FROM (
    SELECT (s.ends_at AT TIME ZONE 'Europe/London')::date AS trained_on, s.course_id, NULL::uuid AS evidence_id,
           s.ends_at AS at, s.id
      FROM certificates ce JOIN sessions s ON s.id = ce.session_id JOIN courses c ON c.id = s.course_id
     WHERE ce.person_id = person AND (person_tier IS NULL OR c.tier = person_tier)
    UNION ALL
    SELECT le.completed_on, NULL, le.id, NULL, le.id
      FROM learning_evidence le
     WHERE le.person_id = person AND le.status = 'verified'
  ) e
  -- On the same day a certificate is named before evidence.
  ORDER BY e.trained_on DESC, e.evidence_id IS NULL DESC, e.at DESC NULLS LAST, e.id
  LIMIT 1
$$;

CREATE OR REPLACE FUNCTION cascade_refresh_training(people_ids uuid[]) RETURNS void LANGUAGE sql AS $$
  UPDATE people p
     SET (trained_on, trained_course_id, trained_evidence_id) =
         (SELECT e.trained_on, e.course_id, e.evidence_id FROM cascade_training_evidence(p.id, p.tier) e)
   WHERE p.id IN (SELECT unnest(people_ids))
$$;

CREATE OR REPLACE FUNCTION cascade_person_tier_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT e.trained_on, e.course_id, e.evidence_id INTO NEW.trained_on, NEW.trained_course_id, NEW.trained_evidence_id
    FROM cascade_training_evidence(NEW.id, NEW.tier) e;
  IF NOT FOUND THEN
    NEW.trained_on := NULL;
    NEW.trained_course_id := NULL;
    NEW.trained_evidence_id := NULL;
  END IF;
  RETURN NEW;
END $$;

-- Evidence recorded, verified, rejected or removed: the standing against the pathway, and the
-- latest training on the agency's compliance list.
CREATE FUNCTION cascade_evidence_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  changed uuid[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    changed := ARRAY(SELECT DISTINCT person_id FROM new_rows);
  ELSIF TG_OP = 'DELETE' THEN
    changed := ARRAY(SELECT DISTINCT person_id FROM old_rows);
  ELSE
    changed := ARRAY(SELECT person_id FROM new_rows UNION SELECT person_id FROM old_rows);
  END IF;
  PERFORM cascade_refresh_pathway_standing(changed);
  PERFORM cascade_refresh_training(changed);
  RETURN NULL;
END $$;
CREATE TRIGGER pathways_insert AFTER INSERT ON learning_evidence REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION cascade_evidence_changed();
CREATE TRIGGER pathways_update AFTER UPDATE ON learning_evidence REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION cascade_evidence_changed();
CREATE TRIGGER pathways_delete AFTER DELETE ON learning_evidence REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION cascade_evidence_changed();

-- A session moved or given another course changes what its certificates are evidence of.
CREATE FUNCTION cascade_session_pathways() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM cascade_refresh_pathway_standing(ARRAY(SELECT DISTINCT person_id FROM certificates WHERE session_id = NEW.id));
  RETURN NULL;
END $$;
CREATE TRIGGER pathways_session AFTER UPDATE OF ends_at, course_id ON sessions
  FOR EACH ROW WHEN (OLD.ends_at IS DISTINCT FROM NEW.ends_at OR OLD.course_id IS DISTINCT FROM NEW.course_id)
  EXECUTE FUNCTION cascade_session_pathways();

-- A person given another pathway (or their first) is judged by its requirements.
CREATE FUNCTION cascade_person_pathway_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM cascade_refresh_pathway_standing(ARRAY[NEW.id]);
  RETURN NULL;
END $$;
CREATE TRIGGER pathway_changed AFTER UPDATE OF pathway_id ON people
  FOR EACH ROW WHEN (OLD.pathway_id IS DISTINCT FROM NEW.pathway_id) EXECUTE FUNCTION cascade_person_pathway_changed();
CREATE TRIGGER pathway_set AFTER INSERT ON people
  FOR EACH ROW WHEN (NEW.pathway_id IS NOT NULL) EXECUTE FUNCTION cascade_person_pathway_changed();

-- A requirement added, removed, made optional or given another interval or set of courses
-- changes the standing of everyone on its pathway.
CREATE FUNCTION cascade_requirements_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM cascade_refresh_pathway_standing(ARRAY(
      SELECT p.id FROM people p WHERE p.pathway_id IN (SELECT pathway_id FROM new_rows)));
  END IF;
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    PERFORM cascade_refresh_pathway_standing(ARRAY(
      SELECT p.id FROM people p WHERE p.pathway_id IN (SELECT pathway_id FROM old_rows)));
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER standings_insert AFTER INSERT ON pathway_requirements REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION cascade_requirements_changed();
CREATE TRIGGER standings_update AFTER UPDATE ON pathway_requirements REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION cascade_requirements_changed();
CREATE TRIGGER standings_delete AFTER DELETE ON pathway_requirements REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION cascade_requirements_changed();

CREATE FUNCTION cascade_requirement_courses_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM cascade_refresh_pathway_standing(ARRAY(
    SELECT p.id FROM people p JOIN pathway_requirements r ON r.pathway_id = p.pathway_id
     WHERE r.id IN (SELECT requirement_id FROM changed)));
  RETURN NULL;
END $$;
CREATE TRIGGER standings_insert AFTER INSERT ON pathway_requirement_courses REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION cascade_requirement_courses_changed();
CREATE TRIGGER standings_delete AFTER DELETE ON pathway_requirement_courses REFERENCING OLD TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION cascade_requirement_courses_changed();

-- What is kept is derived from audited changes, so keeping it is not itself audited.
DROP TRIGGER audit_insert ON people;
DROP TRIGGER audit_update ON people;
DROP TRIGGER audit_delete ON people;
CREATE TRIGGER audit_insert AFTER INSERT ON people REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION cascade_audit_rows('search', 'updated_at', 'email_key', 'manager_email_key',
    'trained_on', 'trained_course_id', 'trained_evidence_id', 'pathway_missing', 'pathway_lapses_on');
CREATE TRIGGER audit_update AFTER UPDATE ON people REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION cascade_audit_rows('search', 'updated_at', 'email_key', 'manager_email_key',
    'trained_on', 'trained_course_id', 'trained_evidence_id', 'pathway_missing', 'pathway_lapses_on');
CREATE TRIGGER audit_delete AFTER DELETE ON people REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION cascade_audit_rows('search', 'updated_at', 'email_key', 'manager_email_key',
    'trained_on', 'trained_course_id', 'trained_evidence_id', 'pathway_missing', 'pathway_lapses_on');

-- Reminders sent, once each: a requirement lapsing in three months and in one month.
CREATE TABLE pathway_reminders (
  partnership_id uuid NOT NULL REFERENCES partnerships,
  person_id uuid NOT NULL REFERENCES people ON DELETE CASCADE,
  requirement_id uuid NOT NULL REFERENCES pathway_requirements ON DELETE CASCADE,
  due_on date NOT NULL,
  ahead text NOT NULL CHECK (ahead IN ('3 months', '1 month')),
  sent_at timestamptz NOT NULL DEFAULT cascade_now(),
  PRIMARY KEY (person_id, requirement_id, due_on, ahead)
);
ALTER TABLE pathway_reminders ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON pathway_reminders
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());

-- Each agency's monthly summary for its leads, sent once a month.
CREATE TABLE pathway_lead_summaries (
  partnership_id uuid NOT NULL REFERENCES partnerships,
  agency_id uuid NOT NULL REFERENCES agencies,
  month date NOT NULL CHECK (extract(day FROM month) = 1),
  sent_at timestamptz NOT NULL DEFAULT cascade_now(),
  PRIMARY KEY (agency_id, month)
);
ALTER TABLE pathway_lead_summaries ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON pathway_lead_summaries
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
