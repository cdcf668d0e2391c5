-- The sums of evaluation answers are kept by triggers on every response and on every change
-- to an application. As SQL functions the sums were planned afresh on each call (a
-- millisecond on every application cancelled or answer given); in PL/pgSQL a session plans
-- them once. A change to applications that moves no booking to another session (cancelling,
-- confirming, marking) now stops at the first check.

CREATE OR REPLACE FUNCTION cascade_evaluation_add(responses jsonb, sign integer) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  IF jsonb_array_length(responses) = 0 THEN RETURN; END IF;
  INSERT INTO evaluation_totals AS t (partnership_id, session_id, stage, version_id, question_id, objective, total, n)
  SELECT r.partnership_id, r.session_id, r.stage, r.version_id, f.question_id, f.objective,
         sum(f.total) * sign, sum(f.n) * sign
    FROM jsonb_to_recordset(responses) AS r(partnership_id uuid, session_id uuid, stage text,
                                              version_id uuid, answers jsonb, plan_outcome text)
    CROSS JOIN LATERAL cascade_evaluation_facts(r.answers, r.plan_outcome) f
   GROUP BY 1, 2, 3, 4, 5, 6
  ON CONFLICT (session_id, stage, version_id, question_id, objective)
    DO UPDATE SET total = t.total + excluded.total, n = t.n + excluded.n;
END $$;

CREATE OR REPLACE FUNCTION cascade_evaluation_booking_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE o.session_id <> n.session_id) THEN
    RETURN NULL;
  END IF;
  PERFORM cascade_evaluation_add(
    (SELECT coalesce(jsonb_agg(to_jsonb(r) || jsonb_build_object('session_id', o.session_id)), '[]')
       FROM old_rows o JOIN new_rows n ON n.id = o.id JOIN evaluation_responses r ON r.application_id = o.id
      WHERE o.session_id <> n.session_id), -1);
  PERFORM cascade_evaluation_add(
    (SELECT coalesce(jsonb_agg(to_jsonb(r) || jsonb_build_object('session_id', n.session_id)), '[]')
       FROM old_rows o JOIN new_rows n ON n.id = o.id JOIN evaluation_responses r ON r.application_id = n.id
      WHERE o.session_id <> n.session_id), 1);
  RETURN NULL;
END $$;
