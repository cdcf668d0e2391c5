import type { ReturnRow } from '#features/quality/summary/queries.ts'
import { gradeTallies, returnsIn } from '#features/quality/summary/queries.ts'
import { completionByAgency, gradeCounts, totalsOf } from '#features/quality/summary/rules.ts'
import { gradeNames, grades } from '#features/quality/words.ts'
import type { Sql } from '#platform/db/database.ts'
import { readOf } from '#platform/db/database.ts'
import type { Bounds, Breakdown, Figure, Which } from './figures.ts'
import { boundsValues, breakdownOf, figureOf, periodsTable, perPeriod, rateOf } from './figures.ts'

const periods: Which[] = ['current', 'previous', 'lastYear']

type CaseAudits = { which: Which; concluded: number; findings: number }
type CaseGrade = { which: Which; key: string; label: string; n: number }

/**
 * Quality assurance in "How well did we do it?", as the quality assurance summary reads a span
 * of dates (its own queries and rules, once for each distinct period): the self-assessments of
 * the rounds opened in the period, submitted and submitted by the round's due date, of those
 * asked for, and assured of those reviewed; and the grades of the observations of delivery
 * made in the period. Then the themed case audits whose panel sat in the period and were
 * concluded, the cases their panels graded, by grade, and the findings they recorded.
 * Observations grade sessions and courses, not named trainers, so their counts are shown as
 * they are.
 */
export async function qualityFigures(
  sql: Sql,
  bounds: Bounds,
): Promise<{ figures: Figure[]; breakdowns: Breakdown[] }> {
  // A year's period before is the same year a year earlier: each distinct span is read once.
  const distinct = new Map<string, Promise<[ReturnRow[], Awaited<ReturnType<typeof gradeTallies>>]>>()
  const once = (w: Which) => {
    const [from, to] = bounds[w]
    const key = `${from}/${to}`
    if (!distinct.has(key))
      distinct.set(
        key,
        Promise.allSettled([returnsIn(sql, { from, to }), gradeTallies(sql, { from, to })]).then(
          (reads) =>
            [readOf(reads[0]), readOf(reads[1])] as [ReturnRow[], Awaited<ReturnType<typeof gradeTallies>>],
        ),
      )
    return distinct.get(key) as Promise<[ReturnRow[], Awaited<ReturnType<typeof gradeTallies>>]>
  }
  const values = boundsValues(bounds)
  const [summaries, audits, caseGrades] = await Promise.all([
    Promise.all(periods.map(once)),
    sql.query<CaseAudits>(
      `SELECT p.which, count(DISTINCT c.id)::int AS concluded, count(f.id)::int AS findings
         FROM ${periodsTable}
         LEFT JOIN case_audits c ON c.status = 'concluded' AND c.panel_on >= p.start_on AND c.panel_on < p.end_on
         LEFT JOIN findings f ON f.case_audit_id = c.id
        GROUP BY p.which`,
      values,
    ),
    sql.query<CaseGrade>(
      `SELECT p.which, k.grade AS key, k.grade AS label, count(*)::int AS n
         FROM ${periodsTable}
         JOIN case_audits c ON c.status = 'concluded' AND c.panel_on >= p.start_on AND c.panel_on < p.end_on
         JOIN case_audit_cases k ON k.case_audit_id = c.id AND k.grade IS NOT NULL
        GROUP BY p.which, k.grade`,
      values,
    ),
  ])
  const totals = summaries.map(([returns]) => totalsOf(completionByAgency(returns)))
  const grading = summaries.map(([, tallies]) => gradeCounts(tallies))
  const each = (value: (i: number) => number) =>
    Object.fromEntries(periods.map((w, i) => [w, value(i)])) as Record<Which, number>
  const total = (i: number) => totals[i] as ReturnType<typeof totalsOf>
  const of = (field: keyof Omit<CaseAudits, 'which'>) => perPeriod(audits, field)
  const byGrade = (tallies: readonly { which: Which; key: string; n: number }[]) =>
    tallies.map((t) => ({ ...t, label: gradeNames[t.key as keyof typeof gradeNames] ?? t.key }))
  // Every grade is a row, in the scale's order, even with none this period.
  const inScaleOrder = (b: Breakdown): Breakdown => ({
    ...b,
    rows: grades.flatMap((g) => {
      const row = b.rows.find((r) => r.key === g)
      return row ? [row] : [{ key: g, label: gradeNames[g], value: 0, previous: 0, lastYear: 0 }]
    }),
  })
  return {
    figures: [
      figureOf(
        'self-assessments-asked',
        'Self-assessments of single-agency training asked for',
        each((i) => total(i).asked),
      ),
      rateOf(
        'self-assessments-on-time',
        'Self-assessments submitted by their due date, of those asked for',
        each((i) => total(i).onTime),
        each((i) => total(i).asked),
      ),
      rateOf(
        'self-assessments-assured',
        'Self-assessments assured (with or without actions), of those reviewed',
        each((i) => total(i).outcomes.assured + total(i).outcomes.assured_with_actions),
        each((i) => total(i).reviewed),
      ),
      figureOf(
        'observations',
        'Observations of delivery',
        each((i) => (grading[i] ?? []).reduce((n, g) => n + g.total, 0)),
      ),
      rateOf(
        'observations-good-or-better',
        'Observations graded good or outstanding, of those made',
        each((i) =>
          (grading[i] ?? [])
            .filter((g) => g.grade === 'outstanding' || g.grade === 'good')
            .reduce((n, g) => n + g.total, 0),
        ),
        each((i) => (grading[i] ?? []).reduce((n, g) => n + g.total, 0)),
      ),
      figureOf('case-audits-concluded', 'Multi-agency case audits concluded', of('concluded')),
      figureOf('case-audit-findings', 'Findings from case audits', of('findings')),
    ],
    breakdowns: [
      inScaleOrder(
        breakdownOf(
          'observations-by-grade',
          'Observations of delivery by grade',
          byGrade(
            grading.flatMap((counts, i) =>
              counts.map((g) => ({ which: periods[i] as Which, key: g.grade, n: g.total })),
            ),
          ),
          false,
        ),
      ),
      inScaleOrder(
        breakdownOf('case-audit-grades', 'Cases audited by the panel’s grade', byGrade(caseGrades), false),
      ),
    ],
  }
}
