-- Each session's delivery, kept as it changes so a report sums its sessions' facts rather than
-- reading every application: per session, the agency the application was made from and the
-- person's tier in the directory, the places taken, those who came, the no-shows, the late
-- cancellations charged, and the evaluations answered after the course and at follow-up. The
-- words are the report's (reports/delivery.ts): someone came when a register marks them as
-- anything but absent; a no-show holds a confirmed place and every mark is absent.
--
-- Unlike the impact view's sums, which add and take away each answer's facts, a session's rows
-- are worked out again from its applications whenever anything they rest on changes: whether
-- someone is a no-show depends on all of their marks at once, and a session has at most a few
-- dozen applications. Both tables are derived from audited ones and rebuilt by the triggers
-- below, so they are not audited separately.
CREATE TABLE session_delivery (
  partnership_id uuid NOT NULL REFERENCES partnerships,
  session_id uuid NOT NULL REFERENCES sessions ON DELETE CASCADE,
  agency_id uuid NOT NULL REFERENCES agencies,
  -- The person's tier as the directory holds it now; '' for none.
  tier text NOT NULL,
  taken integer NOT NULL,
  attendees integer NOT NULL,
  no_shows integer NOT NULL,
  late_cancellations integer NOT NULL,
  after_course integer NOT NULL,
  follow_up integer NOT NULL,
  PRIMARY KEY (session_id, agency_id, tier)
);
ALTER TABLE session_delivery ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON session_delivery
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());

-- The same facts summed for each session, which the report's totals and the home page's
-- quarter read: one row a session rather than one for each agency that sent someone.
CREATE TABLE session_delivery_totals (
  partnership_id uuid NOT NULL REFERENCES partnerships,
  session_id uuid PRIMARY KEY REFERENCES sessions ON DELETE CASCADE,
  taken integer NOT NULL,
  attendees integer NOT NULL,
  no_shows integer NOT NULL,
  late_cancellations integer NOT NULL,
  after_course integer NOT NULL,
  follow_up integer NOT NULL
);
ALTER TABLE session_delivery_totals ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON session_delivery_totals
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());

-- Works these sessions' rows out again. Two transactions changing one session's register at
-- once take turns here, so the second reads the first's marks once it has committed, rather
-- than each writing a count that misses the other's. The turn is a lock on the session's row,
-- which places taken and marks made do not need (they only refer to it), and which, unlike an
-- advisory lock, takes no room in the server's lock table however many sessions are rebuilt.
CREATE FUNCTION cascade_session_delivery_refresh(changed uuid[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF changed IS NULL OR cardinality(changed) = 0 THEN RETURN; END IF;
  PERFORM 1 FROM sessions WHERE id = ANY (changed) ORDER BY id FOR NO KEY UPDATE;
  DELETE FROM session_delivery WHERE session_id = ANY (changed);
  INSERT INTO session_delivery AS d (partnership_id, session_id, agency_id, tier, taken, attendees, no_shows,
                                     late_cancellations, after_course, follow_up)
  SELECT f.partnership_id, f.session_id, f.agency_id, f.tier,
         count(*) FILTER (WHERE f.confirmed),
         count(*) FILTER (WHERE f.came),
         count(*) FILTER (WHERE f.confirmed AND f.marked AND NOT f.came),
         count(*) FILTER (WHERE f.late),
         count(*) FILTER (WHERE f.after_course),
         count(*) FILTER (WHERE f.follow_up)
    FROM (SELECT a.partnership_id, a.session_id, a.agency_id, coalesce(p.tier, '') AS tier,
                 a.status = 'confirmed' AS confirmed,
                 EXISTS (SELECT 1 FROM attendance m WHERE m.application_id = a.id) AS marked,
                 EXISTS (SELECT 1 FROM attendance m WHERE m.application_id = a.id AND m.mark <> 'absent') AS came,
                 EXISTS (SELECT 1 FROM charges c WHERE c.application_id = a.id AND c.reason = 'late_cancellation') AS late,
                 EXISTS (SELECT 1 FROM evaluation_responses r
                          WHERE r.application_id = a.id AND r.stage = 'after_course') AS after_course,
                 EXISTS (SELECT 1 FROM evaluation_responses r
                          WHERE r.application_id = a.id AND r.stage = 'follow_up') AS follow_up
            FROM applications a JOIN people p ON p.id = a.person_id
           WHERE a.session_id = ANY (changed)) f
   WHERE f.confirmed OR f.came OR f.late OR f.after_course OR f.follow_up
   GROUP BY 1, 2, 3, 4
  -- A row another transaction wrote for the session after this one's delete began is replaced.
  ON CONFLICT (session_id, agency_id, tier) DO UPDATE
    SET taken = excluded.taken, attendees = excluded.attendees, no_shows = excluded.no_shows,
        late_cancellations = excluded.late_cancellations, after_course = excluded.after_course,
        follow_up = excluded.follow_up;
  DELETE FROM session_delivery_totals WHERE session_id = ANY (changed);
  INSERT INTO session_delivery_totals (partnership_id, session_id, taken, attendees, no_shows, late_cancellations,
                                       after_course, follow_up)
  SELECT d.partnership_id, d.session_id, sum(d.taken), sum(d.attendees), sum(d.no_shows), sum(d.late_cancellations),
         sum(d.after_course), sum(d.follow_up)
    FROM session_delivery d WHERE d.session_id = ANY (changed)
   GROUP BY 1, 2
  ON CONFLICT (session_id) DO UPDATE
    SET taken = excluded.taken, attendees = excluded.attendees, no_shows = excluded.no_shows,
        late_cancellations = excluded.late_cancellations, after_course = excluded.after_course,
        follow_up = excluded.follow_up;
END $$;

-- Applications: a new one counts only once confirmed (it has no marks, charges or answers yet);
-- a change counts when it moves the place between sessions, agencies or people, or confirms it
-- or takes it away (the facts know a place only as confirmed or not). Reminders, offers'
-- deadlines and the like stop at the first check.
CREATE FUNCTION cascade_session_delivery_applications() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM cascade_session_delivery_refresh(
      (SELECT array_agg(DISTINCT n.session_id) FROM new_rows n WHERE n.status = 'confirmed'));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM cascade_session_delivery_refresh((SELECT array_agg(DISTINCT o.session_id) FROM old_rows o));
  ELSE
    PERFORM cascade_session_delivery_refresh(
      (SELECT array_agg(DISTINCT s) FROM old_rows o JOIN new_rows n ON n.id = o.id,
              LATERAL (VALUES (o.session_id), (n.session_id)) AS x(s)
        WHERE (o.status = 'confirmed') <> (n.status = 'confirmed') OR o.session_id <> n.session_id
           OR o.agency_id <> n.agency_id OR o.person_id <> n.person_id));
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER session_delivery_insert AFTER INSERT ON applications REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION cascade_session_delivery_applications();
CREATE TRIGGER session_delivery_update AFTER UPDATE ON applications
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION cascade_session_delivery_applications();
CREATE TRIGGER session_delivery_delete AFTER DELETE ON applications REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION cascade_session_delivery_applications();

-- Marks, late cancellation charges and evaluation answers: the sessions of the applications
-- whose rows changed, for the rows that count (every mark; late cancellation charges; answers
-- after the course and at follow-up).
CREATE FUNCTION cascade_session_delivery_of(applications uuid[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF applications IS NULL THEN RETURN; END IF;
  PERFORM cascade_session_delivery_refresh(
    (SELECT array_agg(DISTINCT a.session_id) FROM applications a WHERE a.id = ANY (applications)));
END $$;

CREATE FUNCTION cascade_session_delivery_attendance() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM cascade_session_delivery_of((SELECT array_agg(n.application_id) FROM new_rows n));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM cascade_session_delivery_of((SELECT array_agg(o.application_id) FROM old_rows o));
  ELSE
    PERFORM cascade_session_delivery_of(
      (SELECT array_agg(x) FROM (SELECT application_id FROM old_rows UNION SELECT application_id FROM new_rows) u(x)));
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER session_delivery_insert AFTER INSERT ON attendance REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION cascade_session_delivery_attendance();
CREATE TRIGGER session_delivery_update AFTER UPDATE ON attendance
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION cascade_session_delivery_attendance();
CREATE TRIGGER session_delivery_delete AFTER DELETE ON attendance REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION cascade_session_delivery_attendance();

-- Waiving or invoicing a charge changes nothing counted: only late cancellations come or go.
CREATE FUNCTION cascade_session_delivery_charges() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM cascade_session_delivery_of(
      (SELECT array_agg(n.application_id) FROM new_rows n WHERE n.reason = 'late_cancellation'));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM cascade_session_delivery_of(
      (SELECT array_agg(o.application_id) FROM old_rows o WHERE o.reason = 'late_cancellation'));
  ELSE
    PERFORM cascade_session_delivery_of(
      (SELECT array_agg(x) FROM old_rows o JOIN new_rows n ON n.id = o.id,
              LATERAL (VALUES (o.application_id), (n.application_id)) AS v(x)
        WHERE (o.reason = 'late_cancellation' OR n.reason = 'late_cancellation')
          AND (o.reason <> n.reason OR o.application_id <> n.application_id)));
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER session_delivery_insert AFTER INSERT ON charges REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION cascade_session_delivery_charges();
CREATE TRIGGER session_delivery_update AFTER UPDATE ON charges
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION cascade_session_delivery_charges();
CREATE TRIGGER session_delivery_delete AFTER DELETE ON charges REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION cascade_session_delivery_charges();

-- Answers at booking are not counted here; an answer's text changing moves nothing.
CREATE FUNCTION cascade_session_delivery_responses() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM cascade_session_delivery_of(
      (SELECT array_agg(n.application_id) FROM new_rows n WHERE n.stage IN ('after_course', 'follow_up')));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM cascade_session_delivery_of(
      (SELECT array_agg(o.application_id) FROM old_rows o WHERE o.stage IN ('after_course', 'follow_up')));
  ELSE
    PERFORM cascade_session_delivery_of(
      (SELECT array_agg(x) FROM old_rows o JOIN new_rows n ON n.id = o.id,
              LATERAL (VALUES (o.application_id), (n.application_id)) AS v(x)
        WHERE (o.stage IN ('after_course', 'follow_up') OR n.stage IN ('after_course', 'follow_up'))
          AND (o.stage <> n.stage OR o.application_id <> n.application_id)));
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER session_delivery_insert AFTER INSERT ON evaluation_responses REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION cascade_session_delivery_responses();
CREATE TRIGGER session_delivery_update AFTER UPDATE ON evaluation_responses
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION cascade_session_delivery_responses();
CREATE TRIGGER session_delivery_delete AFTER DELETE ON evaluation_responses REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION cascade_session_delivery_responses();

-- The tier is the directory's: a person's changing moves their places to the new tier. An
-- import changing thousands of people's other details stops at the first check.
CREATE FUNCTION cascade_session_delivery_people() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  moved uuid[];
BEGIN
  SELECT array_agg(n.id) INTO moved FROM old_rows o JOIN new_rows n ON n.id = o.id
   WHERE o.tier IS DISTINCT FROM n.tier;
  IF moved IS NULL THEN RETURN NULL; END IF;
  PERFORM cascade_session_delivery_refresh(
    (SELECT array_agg(DISTINCT a.session_id) FROM applications a WHERE a.person_id = ANY (moved)));
  RETURN NULL;
END $$;
CREATE TRIGGER session_delivery_tier AFTER UPDATE ON people
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION cascade_session_delivery_people();

-- The facts of every session there is, as the triggers would have kept them.
SELECT cascade_session_delivery_refresh(array_agg(id)) FROM sessions;
