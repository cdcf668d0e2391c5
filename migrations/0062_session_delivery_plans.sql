-- Marking one person on a register cost the database about 7 ms, most of it in keeping
-- session_delivery (0050, 0061), for three reasons:
--
-- 1. Each statement in these functions was planned again on every call. Their arguments are
--    arrays, and PostgreSQL costs a plan kept for any array as if it held ten elements, so it
--    judged the kept plan dearer than planning afresh for the one element a mark brings, and
--    planned afresh every time: almost 3 ms for the facts of a group alone. For a few
--    sessions or applications the plans do not depend on the values (index lookups by
--    session, application and group), so the two ways in keep one plan for everything they
--    run. For many (a change of tier across an agency, a load of registers), a plan made for
--    their number is better, and each statement is planned for its values as before: a SET
--    inside a function with a SET clause of its own lasts only as long as the call.
-- 2. The facts of a group were read once for each place they were used: the subquery was
--    merged into the sums and the filter, so each of its five EXISTS tests ran two or three
--    times. `OFFSET 0` keeps it a subquery of its own, read once per application.
-- 3. A group's applications were found by its session and its agency together, reading the
--    index of every application the agency ever made (12,000 for the largest in the large
--    partnership) to keep the few of one session. A session has a few dozen: they are found
--    by the session alone, and those of the agency kept.
CREATE OR REPLACE FUNCTION cascade_session_delivery_fill(group_sessions uuid[], group_agencies uuid[], group_tiers text[])
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
            -- By the session alone (see above): OFFSET 0 keeps the agency out of the index search.
            JOIN LATERAL (SELECT * FROM applications s WHERE s.session_id = g.session_id OFFSET 0) a
              ON a.agency_id = g.agency_id
            JOIN people p ON p.id = a.person_id AND coalesce(p.tier, '') = g.tier
          -- Each application's facts worked out once (see above).
          OFFSET 0) f
   WHERE f.confirmed OR f.came OR f.late OR f.after_course OR f.follow_up
   GROUP BY 1, 2, 3, 4
  -- A row another transaction wrote for the group after this one's delete began is replaced.
  ON CONFLICT (session_id, agency_id, tier) DO UPDATE
    SET taken = excluded.taken, attendees = excluded.attendees, no_shows = excluded.no_shows,
        late_cancellations = excluded.late_cancellations, after_course = excluded.after_course,
        follow_up = excluded.follow_up;
END $$;

-- Whole sessions, as 0061 has it, keeping its plans for a few.
CREATE OR REPLACE FUNCTION cascade_session_delivery_refresh(changed uuid[]) RETURNS void LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan AS $$
DECLARE
  group_sessions uuid[];
  group_agencies uuid[];
  group_tiers text[];
BEGIN
  IF changed IS NULL OR cardinality(changed) = 0 THEN RETURN; END IF;
  IF cardinality(changed) > 50 THEN PERFORM set_config('plan_cache_mode', 'force_custom_plan', true); END IF;
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

-- The groups of these applications only, as 0061 has it, keeping its plans for a few.
CREATE OR REPLACE FUNCTION cascade_session_delivery_of(applications uuid[]) RETURNS void LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan AS $$
DECLARE
  changed uuid[];
  group_sessions uuid[];
  group_agencies uuid[];
  group_tiers text[];
BEGIN
  IF applications IS NULL OR cardinality(applications) = 0 THEN RETURN; END IF;
  IF cardinality(applications) > 50 THEN PERFORM set_config('plan_cache_mode', 'force_custom_plan', true); END IF;
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
