import { MINIMUM_GROUP } from '#features/knowledge-audits/index.ts'
import type { Sql } from '#platform/db/database.ts'
import type { Bounds, Figure, Which } from './figures.ts'
import { boundsValues, figureOf, periodsTable } from './figures.ts'

type Answers = { which: Which; answered: number; score: number; questions: number; confidence: number }

/**
 * Knowledge audits in "Is anyone better off?": the answers given in each period, the share of
 * questions answered correctly (each answer's score of its audit's questions, as the audit's
 * results give its average), and the average confidence in putting the learning into practice,
 * 0 to 10. Knowledge audits never show an aggregate of fewer than 5 people's answers, so a
 * period with fewer answers shows no score or confidence (0) beside its count.
 */
export async function knowledgeFigures(sql: Sql, bounds: Bounds): Promise<Figure[]> {
  const rows = await sql.query<Answers>(
    `SELECT p.which, count(i.id)::int AS answered, coalesce(sum(i.score), 0)::int AS score,
            coalesce(sum(q.questions), 0)::int AS questions, coalesce(sum(i.confidence), 0)::int AS confidence
       FROM ${periodsTable}
       LEFT JOIN knowledge_audit_invitations i
         ON i.answered_at >= (p.start_on::timestamp AT TIME ZONE 'Europe/London')
        AND i.answered_at < (p.end_on::timestamp AT TIME ZONE 'Europe/London')
       LEFT JOIN LATERAL (SELECT count(*)::int AS questions FROM knowledge_audit_questions k
                           WHERE k.audit_id = i.audit_id) q ON true
      GROUP BY p.which`,
    boundsValues(bounds),
  )
  const each = (value: (row: Answers) => number) =>
    Object.fromEntries(rows.map((r) => [r.which, r.answered >= MINIMUM_GROUP ? value(r) : 0])) as Partial<
      Record<Which, number>
    >
  return [
    figureOf(
      'knowledge-audit-answers',
      'Knowledge audits answered',
      Object.fromEntries(rows.map((r) => [r.which, r.answered])),
    ),
    {
      ...figureOf(
        'knowledge-audit-score',
        'Knowledge audit questions answered correctly (not shown for fewer than 5 answers)',
        each((r) => (r.questions ? Math.round((r.score / r.questions) * 100) : 0)),
      ),
      unit: 'percent',
    },
    {
      ...figureOf(
        'knowledge-audit-confidence',
        'Average confidence in putting the learning into practice, 0 to 10 (not shown for fewer than 5 answers)',
        each((r) => Math.round((r.confidence / r.answered) * 10)),
      ),
      unit: 'tenths',
    },
  ]
}
