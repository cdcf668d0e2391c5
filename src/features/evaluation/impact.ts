import type { Clock } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import { requireRole, scopeOf } from '#platform/context.ts'
import type { Database } from '#platform/db/database.ts'
import { isUuid } from '#platform/db/database.ts'
import type { FieldError } from '#platform/errors.ts'
import { NotFoundError, ValidationError } from '#platform/errors.ts'
import { isCalendarDate } from '#platform/http/forms.ts'
import type { ImpactScope, TotalRow } from './impact-queries.ts'
import { comments, objectivesOf, reach, totals, versions } from './impact-queries.ts'
import type { PlanOutcome, Stage } from './stages.ts'
import { planOutcomes, stages } from './stages.ts'

export type StageScore = { average: number | null; n: number }
export type ScoreLine = { label: string; scores: Record<Stage, StageScore>; change: number | null }

export type Impact = {
  scope: ImpactScope
  rates: { stage: Stage; eligible: number; responded: number; rate: number | null }[]
  /** Confidence at booking, after the course and at follow-up, per objective (or question). */
  confidence: ScoreLine[]
  /** The headline: average confidence at booking and at the latest stage answered, and the change. */
  headline: { before: number; after: number; change: number; stage: Stage } | null
  agreement: ScoreLine[]
  plans: { outcome: PlanOutcome; n: number }[]
  comments: { stage: Stage; prompt: string; text: string; courseTitle: string; submittedAt: Date }[]
  commentCount: number
}

const COMMENTS_SHOWN = 50
const round = (n: number) => Math.round(n * 10) / 10

/** Turns summed scores into lines, one per objective or question, with an average per stage. */
function scoreLines(
  rows: { key: string; order: string; label: string; stage: Stage; total: number; n: number }[],
): ScoreLine[] {
  const lines = new Map<
    string,
    { label: string; order: string; sums: Record<Stage, { total: number; n: number }> }
  >()
  for (const row of rows) {
    let line = lines.get(row.key)
    if (!line) {
      line = {
        label: row.label,
        order: row.order,
        sums: {
          at_booking: { total: 0, n: 0 },
          after_course: { total: 0, n: 0 },
          follow_up: { total: 0, n: 0 },
        },
      }
      lines.set(row.key, line)
    }
    line.sums[row.stage].total += row.total
    line.sums[row.stage].n += row.n
  }
  const ordered = [...lines.values()].sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0))
  return ordered.map(({ label, sums }) => {
    const scores = Object.fromEntries(
      stages.map((s) => [s, { average: sums[s].n ? round(sums[s].total / sums[s].n) : null, n: sums[s].n }]),
    ) as Record<Stage, StageScore>
    const latest = scores.follow_up.average ?? scores.after_course.average
    const change =
      latest !== null && scores.at_booking.average !== null ? round(latest - scores.at_booking.average) : null
    return { label, scores, change }
  })
}

/** Checks the filters a person gave; dates as YYYY-MM-DD, ids as ids. */
export function scopeFrom(input: Record<string, unknown>): ImpactScope {
  const problems: FieldError[] = []
  const id = (field: string) => {
    const value = typeof input[field] === 'string' ? (input[field] as string).trim() : ''
    if (!value) return null
    if (!isUuid(value)) problems.push({ field, text: 'Select from the list' })
    return value
  }
  const date = (field: string, label: string) => {
    const value = typeof input[field] === 'string' ? (input[field] as string).trim() : ''
    if (!value) return null
    if (!isCalendarDate(value)) {
      problems.push({ field, text: `Enter the ${label} date as a real date, like 31 3 2027` })
      return null
    }
    return value
  }
  const scope: ImpactScope = {
    courseId: id('course'),
    sessionId: id('session'),
    themeId: id('theme'),
    agencyId: id('agency'),
    from: date('from', 'from'),
    to: date('to', 'to'),
  }
  if (scope.from && scope.to && scope.from > scope.to)
    problems.push({ field: 'to', text: 'The end of the period must be on or after its start' })
  if (problems.length) throw new ValidationError(problems)
  return scope
}

/**
 * What difference the training made, for any course, session, theme, agency and period:
 * response rates at each stage, confidence per objective at booking, after the course and at
 * follow-up (the change is the headline), agreement, action plans done, and the comments.
 * Every figure comes from a few aggregate queries, however many responses there are.
 */
export function createImpactService(deps: { db: Database; clock: Clock }) {
  const { db } = deps

  return {
    /**
     * `scoresOnly` leaves out the response rates and comments (rates and comments come back
     * empty): the report to the board counts responses from its own delivery figures, and
     * counting who could answer is the costliest read of a year.
     */
    async impact(
      ctx: Context,
      scope: ImpactScope,
      options: { allComments?: boolean; scoresOnly?: boolean } = {},
    ): Promise<Impact> {
      requireRole(ctx, 'admin', 'subgroup', 'executive', 'agency-lead')
      // An agency lead sees only their own agency's staff's answers, and only as figures: the
      // words of a few people could say who wrote them.
      const oversees = ctx.actor.roles.some((r) => r === 'admin' || r === 'subgroup' || r === 'executive')
      if (!oversees && (scope.agencyId === null || !ctx.actor.agencyIds.includes(scope.agencyId)))
        throw new NotFoundError('Agency')
      return db.tenant(scopeOf(ctx), async (sql) => {
        const allVersions = await versions(sql)
        const byVersion = new Map(allVersions.map((v) => [v.id, v]))
        const freeText = Object.fromEntries(
          allVersions.map((v) => [v.id, v.questions.filter((q) => q.kind === 'free_text').map((q) => q.id)]),
        )
        const [sums, reached, said] = [
          await totals(sql, scope),
          options.scoresOnly ? null : await reach(sql, scope),
          oversees && !options.scoresOnly
            ? await comments(sql, scope, freeText, options.allComments ? null : COMMENTS_SHOWN)
            : [],
        ]
        const responded = (stage: Stage) =>
          sums.filter((t) => t.key === '' && t.stage === stage).reduce((sum, t) => sum + t.n, 0)
        const plans = planOutcomes
          .map((outcome) => ({
            outcome,
            n: sums.filter((t) => t.key === `:plan:${outcome}`).reduce((sum, t) => sum + t.n, 0),
          }))
          .filter((p) => p.n > 0)
        const commentCount = sums
          .filter((t) => freeText[t.versionId]?.includes(t.key))
          .reduce((sum, t) => sum + t.n, 0)
        const scores = sums.filter((t) => t.key !== '' && !t.key.startsWith(':'))
        const courses = new Map(
          (
            await objectivesOf(sql, [...new Set(scores.filter((s) => s.idx !== null).map((s) => s.courseId))])
          ).map((c) => [c.id, c]),
        )
        const oneCourse = new Set(scores.map((s) => s.courseId)).size <= 1
        const confidence: Parameters<typeof scoreLines>[0] = []
        const agreement: Parameters<typeof scoreLines>[0] = []
        for (const row of scores as TotalRow[]) {
          const question = byVersion.get(row.versionId)?.questions.find((q) => q.id === row.key)
          if (question?.kind === 'confidence' && question.perObjective && row.idx !== null) {
            const course = courses.get(row.courseId)
            const objective = course?.objectives[row.idx] ?? `Objective ${row.idx + 1}`
            confidence.push({
              ...row,
              key: `objective:${row.courseId}:${row.idx}`,
              // Each course's objectives in their order, before questions asked in the same words.
              order: `0:${course?.title}:${row.courseId}:${String(row.idx).padStart(3, '0')}`,
              label: oneCourse ? objective : `${course?.title}: ${objective}`,
            })
          } else if (question?.kind === 'confidence' && row.idx === null) {
            // The same wording at different stages is the same measure, whichever questionnaire asks it.
            confidence.push({
              ...row,
              key: `prompt:${question.prompt}`,
              order: `1:${question.prompt}`,
              label: question.prompt,
            })
          } else if (question?.kind === 'agreement' && row.idx === null) {
            agreement.push({
              ...row,
              key: `prompt:${question.prompt}`,
              order: question.prompt,
              label: question.prompt,
            })
          }
        }
        const confidenceLines = scoreLines(confidence)
        const measured = confidenceLines.filter((l) => l.change !== null)
        const mean = (values: number[]) => round(values.reduce((a, b) => a + b, 0) / values.length)
        const latestStage: Stage = measured.some((l) => l.scores.follow_up.average !== null)
          ? 'follow_up'
          : 'after_course'
        const withLatest = measured.filter((l) => l.scores[latestStage].average !== null)
        const headline = withLatest.length
          ? {
              before: mean(withLatest.map((l) => l.scores.at_booking.average ?? 0)),
              after: mean(withLatest.map((l) => l.scores[latestStage].average ?? 0)),
              change: mean(withLatest.map((l) => l.change ?? 0)),
              stage: latestStage,
            }
          : null
        const rate = (responded: number, eligible: number) =>
          eligible ? Math.round((responded / eligible) * 1000) / 10 : null
        return {
          scope,
          rates: !reached
            ? []
            : [
                {
                  stage: 'at_booking',
                  eligible: reached.applications,
                  responded: responded('at_booking'),
                  rate: rate(responded('at_booking'), reached.applications),
                },
                {
                  stage: 'after_course',
                  eligible: reached.attendees,
                  responded: responded('after_course'),
                  rate: rate(responded('after_course'), reached.attendees),
                },
                {
                  stage: 'follow_up',
                  eligible: reached.followUpsDue,
                  responded: responded('follow_up'),
                  rate: rate(responded('follow_up'), reached.followUpsDue),
                },
              ],
          confidence: confidenceLines,
          headline,
          agreement: scoreLines(agreement),
          plans,
          comments: said.map((c) => ({
            stage: c.stage,
            prompt: byVersion.get(c.versionId)?.questions.find((q) => q.id === c.key)?.prompt ?? '',
            text: c.text,
            courseTitle: c.courseTitle,
            submittedAt: c.submittedAt,
          })),
          commentCount,
        }
      })
    },
  }
}

export type ImpactService = ReturnType<typeof createImpactService>
