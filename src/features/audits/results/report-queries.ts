import type { ActionStatus } from '#features/actions/index.ts'
import { actionStatuses } from '#features/actions/index.ts'
import { londonDateOf } from '#platform/clock.ts'
import type { Sql } from '#platform/db/database.ts'
import type { AuditRating } from '../words.ts'
import { belowGood } from '../words.ts'
import type { Results } from './service.ts'

export type ChallengeEventSummary = {
  id: string
  heldOn: string
  attendees: string
  notes: string | null
  agencies: string[]
}

export type ChallengedAnswer = {
  agencyName: string
  ref: string
  title: string
  rating: AuditRating | null
  reviewNote: string
  resolution: 'agreed' | 'revised' | null
  revisedRating: AuditRating | null
  resolutionNote: string | null
  heldOn: string | null
}

export type PlanSummary = {
  agencyId: string
  agencyName: string
  belowGood: number
  withoutAction: number
  actions: Record<ActionStatus, number> & { total: number; overdue: number }
}

/**
 * What the cycle report adds to the results: the challenge events, every challenged answer and
 * how it ended, and each agency's action plan by status with the standards below good that
 * have no action yet.
 */
export async function reportExtras(sql: Sql, results: Results, now: Date) {
  const cycleId = results.cycle.id
  const today = londonDateOf(now)
  const events = await sql.query<ChallengeEventSummary>(
    `SELECT e.id, to_char(e.held_on, 'YYYY-MM-DD') AS "heldOn", e.attendees, e.notes,
            coalesce(array_agg(ag.name ORDER BY lower(ag.name)) FILTER (WHERE ag.id IS NOT NULL), '{}') AS agencies
       FROM audit_challenge_events e
       LEFT JOIN audit_challenge_event_returns er ON er.event_id = e.id
       LEFT JOIN audit_returns r ON r.id = er.return_id
       LEFT JOIN agencies ag ON ag.id = r.agency_id
      WHERE e.cycle_id = $1 GROUP BY e.id ORDER BY e.held_on, e.created_at`,
    [cycleId],
  )
  const challenged = await sql.query<ChallengedAnswer>(
    `SELECT ag.name AS "agencyName", s.ref, s.title, a.rating, a.review_note AS "reviewNote", a.resolution,
            a.revised_rating AS "revisedRating", a.resolution_note AS "resolutionNote",
            to_char(e.held_on, 'YYYY-MM-DD') AS "heldOn"
       FROM audit_returns r JOIN agencies ag ON ag.id = r.agency_id
       JOIN audit_answers a ON a.return_id = r.id AND a.review = 'challenged'
       JOIN audit_standards s ON s.id = a.standard_id
       LEFT JOIN audit_challenge_events e ON e.id = a.challenge_event_id
      WHERE r.cycle_id = $1 ORDER BY lower(ag.name), s.position`,
    [cycleId],
  )
  const counts = await sql.query<{
    returnId: string
    status: ActionStatus
    actions: number
    overdue: number
    standards: string[]
  }>(
    `SELECT a.audit_return_id AS "returnId", a.status, count(*)::int AS actions,
            count(*) FILTER (WHERE a.status IN ('not_started', 'on_track', 'at_risk') AND a.due_on < $2::date)::int AS overdue,
            array_agg(DISTINCT a.audit_standard_id) FILTER (WHERE a.audit_standard_id IS NOT NULL)::text[] AS standards
       FROM actions a JOIN audit_returns r ON r.id = a.audit_return_id
      WHERE r.cycle_id = $1 GROUP BY 1, 2`,
    [cycleId, today],
  )
  const plans: PlanSummary[] = []
  for (const col of results.columns) {
    if (col.status !== 'concluded') continue
    const below = results.standards.filter((s) => {
      const rating = results.cells[`${col.agencyId} ${s.id}`]?.finalRating
      return rating ? belowGood(rating) : false
    })
    const mine = counts.filter((c) => c.returnId === col.id)
    const covered = new Set(mine.flatMap((c) => c.standards ?? []))
    const actions = { total: 0, overdue: 0 } as PlanSummary['actions']
    for (const s of actionStatuses) actions[s] = 0
    for (const c of mine) {
      actions[c.status] = c.actions
      actions.total += c.actions
      actions.overdue += c.overdue
    }
    plans.push({
      agencyId: col.agencyId,
      agencyName: col.agencyName,
      belowGood: below.length,
      withoutAction: below.filter((s) => !covered.has(s.id)).length,
      actions,
    })
  }
  return { events, challenged, plans, today }
}
