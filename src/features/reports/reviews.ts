import type { Sql } from '#platform/db/database.ts'
import type { Bounds, Figure, Which } from './figures.ts'
import { boundsValues, figureOf, periodsTable, perPeriod, rateOf } from './figures.ts'

type Counts = { which: Which; published: number; due: number; done: number; onTime: number; verified: number }

// The London day an action was first marked completed (or verified without being marked so).
const doneOn = `(SELECT min((u.at AT TIME ZONE 'Europe/London')::date) FROM action_updates u
   WHERE u.action_id = x.id AND u.status_to IN ('completed', 'verified'))`

/**
 * Learning from reviews in the report: reviews published, actions falling due and actions done
 * in each period (for "How much did we do?"), and the actions due in the period that were done
 * by their due date (for "How well did we do it?"); and the actions verified in each period, their
 * evidence checked and signed off by someone other than their owner (for "Is anyone better off?").
 */
export async function reviewFigures(
  sql: Sql,
  bounds: Bounds,
): Promise<{ howMuch: Figure[]; howWell: Figure[]; betterOff: Figure[] }> {
  const counts = await sql.query<Counts>(
    `SELECT p.which,
            (SELECT count(*)::int FROM reviews r WHERE r.published_on >= p.start_on AND r.published_on < p.end_on) AS published,
            (SELECT count(*)::int FROM actions x WHERE x.due_on >= p.start_on AND x.due_on < p.end_on) AS due,
            (SELECT count(*)::int FROM actions x WHERE ${doneOn} >= p.start_on AND ${doneOn} < p.end_on) AS done,
            (SELECT count(*)::int FROM actions x
              WHERE x.due_on >= p.start_on AND x.due_on < p.end_on AND ${doneOn} <= x.due_on) AS "onTime",
            (SELECT count(*)::int FROM actions x WHERE x.status = 'verified'
                AND x.verified_at >= (p.start_on::timestamp AT TIME ZONE 'Europe/London')
                AND x.verified_at < (p.end_on::timestamp AT TIME ZONE 'Europe/London')) AS verified
       FROM ${periodsTable}`,
    boundsValues(bounds),
  )
  const of = (field: keyof Omit<Counts, 'which'>) => perPeriod(counts, field)
  return {
    howMuch: [
      figureOf('reviews-published', 'Case reviews published', of('published')),
      figureOf('actions-due', 'Actions falling due', of('due')),
      figureOf('actions-done', 'Actions done', of('done')),
    ],
    howWell: [
      rateOf(
        'actions-on-time',
        'Actions done by their due date, of those falling due',
        of('onTime'),
        of('due'),
      ),
    ],
    betterOff: [figureOf('actions-verified', 'Actions verified as done', of('verified'))],
  }
}
