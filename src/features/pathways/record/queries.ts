import type { Sql } from '#platform/db/database.ts'

/** One entry of a person's learning record, whatever it came from. */
export type RecordEntry = {
  on: string
  kind: 'course' | 'evidence' | 'briefing'
  title: string
  provider: string
  /** Minutes of learning, or null when not known (a briefing read). */
  minutes: number | null
  /** How it is proven: a certificate's code, evidence verified or waiting, a confirmation. */
  proof: string
  /** Whether its hours count as CPD: a course attended, or evidence verified. */
  counts: boolean
}

/**
 * Everything a person has learned that Cascade knows of, newest first: this partnership's
 * courses (their certificates, timed by the session's parts), learning evidenced elsewhere
 * (verified, waiting or turned down, each said so), and briefings they confirmed reading or
 * discussing in supervision.
 */
export function recordOf(sql: Sql, personId: string, partnership: string): Promise<RecordEntry[]> {
  return sql.query<RecordEntry>(
    `SELECT * FROM (
       SELECT to_char((s.starts_at AT TIME ZONE 'Europe/London')::date, 'YYYY-MM-DD') AS "on", 'course' AS kind,
              co.title, $2::text AS provider,
              coalesce((SELECT sum(extract(epoch FROM sp.ends_at - sp.starts_at) / 60)::int FROM session_parts sp
                         WHERE sp.session_id = s.id), co.duration_minutes) AS minutes,
              'Certificate ' || ce.code AS proof, true AS counts
         FROM certificates ce JOIN sessions s ON s.id = ce.session_id JOIN courses co ON co.id = s.course_id
        WHERE ce.person_id = $1
       UNION ALL
       SELECT to_char(e.completed_on, 'YYYY-MM-DD'), 'evidence', e.title, e.provider, e.minutes,
              CASE e.status WHEN 'verified' THEN CASE WHEN e.certificate_code IS NOT NULL
                                                      THEN 'Certificate ' || e.certificate_code || ', recognised'
                                                      ELSE 'Verified by the agency lead' END
                            WHEN 'awaiting' THEN 'Waiting for the agency lead to verify'
                            ELSE 'Not accepted by the agency lead' END,
              e.status = 'verified'
         FROM learning_evidence e
        WHERE e.person_id = $1
       UNION ALL
       SELECT to_char((lc.at AT TIME ZONE 'Europe/London')::date, 'YYYY-MM-DD'), 'briefing', lp.title, $2::text, NULL,
              CASE lc.kind WHEN 'read' THEN 'Confirmed read' ELSE 'Discussed in supervision' END, false
         FROM learning_confirmations lc JOIN learning_products lp ON lp.id = lc.product_id
        WHERE lc.person_id = $1
     ) entries
     ORDER BY "on" DESC, title`,
    [personId, partnership],
  )
}
