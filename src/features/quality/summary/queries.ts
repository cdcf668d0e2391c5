import type { Sql } from '#platform/db/database.ts'
import type { Grade, Outcome, ReturnStatus } from '../words.ts'

/** What a summary covers: one round, or the rounds opened and observations made in a span of dates. */
export type Scope = { roundId: string } | { from: string; to: string }

// The rounds in scope, as a condition on `q` (qa_rounds) from parameter $1 (and $2).
const roundsIn = (scope: Scope) =>
  'roundId' in scope
    ? { where: 'q.id = $1', values: [scope.roundId] as unknown[] }
    : { where: 'q.opened_on >= $1 AND q.opened_on < $2', values: [scope.from, scope.to] as unknown[] }

export type RoundChoice = { id: string; title: string; openedOn: string; dueOn: string }

export function roundChoices(sql: Sql): Promise<RoundChoice[]> {
  return sql.query<RoundChoice>(
    `SELECT id, title, to_char(opened_on, 'YYYY-MM-DD') AS "openedOn", to_char(due_on, 'YYYY-MM-DD') AS "dueOn"
       FROM qa_rounds ORDER BY opened_on DESC, created_at DESC`,
  )
}

export type ReturnRow = {
  agencyId: string
  agencyName: string
  roundTitle: string
  dueOn: string
  status: ReturnStatus
  submittedOn: string | null
  outcome: Outcome | null
}

/** Every return of the rounds in scope, with its agency and when it was submitted (London date). */
export function returnsIn(sql: Sql, scope: Scope): Promise<ReturnRow[]> {
  const { where, values } = roundsIn(scope)
  return sql.query<ReturnRow>(
    `SELECT r.agency_id AS "agencyId", a.name AS "agencyName", q.title AS "roundTitle",
            to_char(q.due_on, 'YYYY-MM-DD') AS "dueOn", r.status,
            to_char(r.submitted_at AT TIME ZONE 'Europe/London', 'YYYY-MM-DD') AS "submittedOn", r.outcome
       FROM qa_returns r JOIN qa_rounds q ON q.id = r.round_id JOIN agencies a ON a.id = r.agency_id
      WHERE ${where}
      ORDER BY lower(a.name), q.opened_on`,
    values,
  )
}

export type StandardTally = { title: string; notMet: number; partlyMet: number; rated: number }

/**
 * How often each standard was rated not met or partly met across the courses of the submitted
 * returns in scope (not applicable left out of the count rated). Standards are counted by
 * title, so a standard kept from one version to the next is one line.
 */
export function standardTallies(sql: Sql, scope: Scope): Promise<StandardTally[]> {
  const { where, values } = roundsIn(scope)
  return sql.query<StandardTally>(
    `SELECT s.title,
            count(*) FILTER (WHERE g.rating = 'not_met')::int AS "notMet",
            count(*) FILTER (WHERE g.rating = 'partly_met')::int AS "partlyMet",
            count(*) FILTER (WHERE g.rating IN ('met', 'partly_met', 'not_met'))::int AS rated
       FROM qa_ratings g
       JOIN qa_standards s ON s.id = g.standard_id
       JOIN qa_return_courses c ON c.id = g.course_id
       JOIN qa_returns r ON r.id = c.return_id
       JOIN qa_rounds q ON q.id = r.round_id
      WHERE r.status IN ('submitted', 'reviewed') AND ${where}
      GROUP BY s.title
      ORDER BY 2 DESC, 3 DESC, min(s.position), s.title`,
    values,
  )
}

export type GradeTally = { grade: Grade; ofSession: boolean; count: number }

/**
 * Observation grades: for a round, the observations of its picked courses; for a span of
 * dates, every observation made in it, of sessions and of picked courses.
 */
export function gradeTallies(sql: Sql, scope: Scope): Promise<GradeTally[]> {
  const [where, values] =
    'roundId' in scope
      ? ['p.round_id = $1', [scope.roundId]]
      : ['o.observed_on >= $1 AND o.observed_on < $2', [scope.from, scope.to]]
  return sql.query<GradeTally>(
    `SELECT o.grade, (o.session_id IS NOT NULL) AS "ofSession", count(*)::int AS count
       FROM observations o LEFT JOIN qa_picks p ON p.id = o.pick_id
      WHERE ${where}
      GROUP BY o.grade, o.session_id IS NOT NULL`,
    values,
  )
}
