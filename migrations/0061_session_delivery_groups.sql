-- A mark, a late cancellation charge or an answer after the course changes the facts of one
-- application, so only the rows of its group (its session, agency and tier) are worked out
-- again, not every row of its session: a register is marked one person at a time, and working
-- out a whole session of forty places for each mark made marking the dearest thing a trainer
-- did. A change to an application itself (a place taken or given up, a move to another date,
-- agency or person) still works out its whole sessions again, as does a change of tier.
--
-- Both are made of the same two steps below, which replace 0050's single statement: the facts
-- of some groups, and the sums of some sessions.

-- The facts of these groups, each (session, agency, tier), from their applications.
CREATE FUNCTION cascade_session_delivery_fill(group_sessions uuid[], group_agencies uuid[], group_tiers text[])
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  -- PL/pgSQL keeps this statement's plan for the session, where an SQL function plans it on every call.
  INSERT INTO session_delivery AS d (partnership_id, session_id, agency_id, tier, taken, attendees, no_shows,
                                     late_cancellations, after_course, follow_up)
  SELECT f.partnership_id, f.session_id, f.agency_id, f.tier,
         count(*) FILTER (WHERE f.confirmed),
         count(*) FILTER (WHERE f.came),
         count(*) FILTER (WHERE f.confirmed AND f.marked AND NOT f.came),
         count(*) FILTER (WHERE f.late),
         count(*) FILTER (WHERE f.after_course),
         count(*) FILTER (WHERE f.follow_up)
    FROM (SELECT a.partnership_id, a.session_id, a.agency_id, g.tier,
                 a.status = 'confirmed' AS confirmed,
                 EXISTS (SELECT 1 FROM attendance m WHERE m.application_id = a.id) AS marked,
                 EXISTS (SELECT 1 FROM attendance m WHERE m.application_id = a.id AND m.mark <> 'absent') AS came,
                 EXISTS (SELECT 1 FROM charges c WHERE c.application_id = a.id AND c.reason = 'late_cancellation') AS late,
                 EXISTS (SELECT 1 FROM evaluation_responses r
                          WHERE r.application_id = a.id AND r.stage = 'after_course') AS after_course,
                 EXISTS (SELECT 1 FROM evaluation_responses r
                          WHERE r.application_id = a.id AND r.stage = 'follow_up') AS follow_up
            FROM unnest(group_sessions, group_agencies, group_tiers) AS g(session_id, agency_id, tier)
            JOIN applications a ON a.session_id = g.session_id AND a.agency_id = g.agency_id
            JOIN people p ON p.id = a.person_id AND coalesce(p.tier, '') = g.tier) f
   WHERE f.confirmed OR f.came OR f.late OR f.after_course OR f.follow_up
   GROUP BY 1, 2, 3, 4
  -- A row another transaction wrote for the group after this one's delete began is replaced.
  ON CONFLICT (session_id, agency_id, tier) DO UPDATE
    SET taken = excluded.taken, attendees = excluded.attendees, no_shows = excluded.no_shows,
        late_cancellations = excluded.late_cancellations, after_course = excluded.after_course,
        follow_up = excluded.follow_up;
END $$;

-- Each session's totals: the sum of its few rows, summed again whole.
CREATE FUNCTION cascade_session_delivery_sum(changed uuid[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
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

-- Whole sessions, as before: every group that has an application in them.
CREATE OR REPLACE FUNCTION cascade_session_delivery_refresh(changed uuid[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  group_sessions uuid[];
  group_agencies uuid[];
  group_tiers text[];
BEGIN
  IF changed IS NULL OR cardinality(changed) = 0 THEN RETURN; END IF;
  -- Two transactions changing one session take turns on its row (see 0050).
  PERFORM 1 FROM sessions WHERE id = ANY (changed) ORDER BY id FOR NO KEY UPDATE;
  DELETE FROM session_delivery WHERE session_id = ANY (changed);
  SELECT array_agg(g.session_id), array_agg(g.agency_id), array_agg(g.tier)
    INTO group_sessions, group_agencies, group_tiers
    FROM (SELECT DISTINCT a.session_id, a.agency_id, coalesce(p.tier, '') AS tier
            FROM applications a JOIN people p ON p.id = a.person_id WHERE a.session_id = ANY (changed)) g;
  PERFORM cascade_session_delivery_fill(group_sessions, group_agencies, group_tiers);
  PERFORM cascade_session_delivery_sum(changed);
END $$;

-- The groups of these applications only.
CREATE OR REPLACE FUNCTION cascade_session_delivery_of(applications uuid[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  changed uuid[];
  group_sessions uuid[];
  group_agencies uuid[];
  group_tiers text[];
BEGIN
  IF applications IS NULL OR cardinality(applications) = 0 THEN RETURN; END IF;
  SELECT array_agg(DISTINCT a.session_id) INTO changed FROM applications a WHERE a.id = ANY (applications);
  IF changed IS NULL THEN RETURN; END IF;
  PERFORM 1 FROM sessions WHERE id = ANY (changed) ORDER BY id FOR NO KEY UPDATE;
  SELECT array_agg(g.session_id), array_agg(g.agency_id), array_agg(g.tier)
    INTO group_sessions, group_agencies, group_tiers
    FROM (SELECT DISTINCT a.session_id, a.agency_id, coalesce(p.tier, '') AS tier
            FROM applications a JOIN people p ON p.id = a.person_id WHERE a.id = ANY (applications)) g;
  DELETE FROM session_delivery d
   USING unnest(group_sessions, group_agencies, group_tiers) AS g(session_id, agency_id, tier)
   WHERE d.session_id = g.session_id AND d.agency_id = g.agency_id AND d.tier = g.tier;
  PERFORM cascade_session_delivery_fill(group_sessions, group_agencies, group_tiers);
  PERFORM cascade_session_delivery_sum(changed);
END $$;
