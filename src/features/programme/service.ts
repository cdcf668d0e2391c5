import type { EndorsedNeed, NeedService } from '#features/needs/service.ts'
import type { PolicyService } from '#features/policy/service.ts'
import type { Clock } from '#platform/clock.ts'
import { londonDateOf } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import { requireRole, scopeOf } from '#platform/context.ts'
import type { Database } from '#platform/db/database.ts'
import type { CapacityOverride, PlannedSession } from './queries.ts'
import { overridesIn, sessionsPlannedIn } from './queries.ts'
import type { FinancialYear } from './rules.ts'
import { capacityHalfDays, financialYearOf, financialYearStarting, halfDaysOf } from './rules.ts'

const monthName = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' })

export type ProgrammeCourse = {
  courseId: string
  courseTitle: string
  halfDays: number
  sessions: (PlannedSession & { halfDays: number })[]
}

export type ProgrammeYear = {
  year: FinancialYear
  previous: FinancialYear
  next: FinancialYear
  capacityDaysPerWeek: number
  capacityHalfDays: number
  plannedHalfDays: number
  courses: ProgrammeCourse[]
  /** Planned half days in each month of the year, first month first. */
  months: { month: string; name: string; halfDays: number }[]
  overrides: CapacityOverride[]
  /** Proposals the executive endorsed for the year, from the needs analysis. */
  endorsed: EndorsedNeed[]
  /** Delivery the endorsed proposals without a course yet would add, in half days. */
  proposedHalfDays: number
}

/** The annual programme: what is planned in a financial year against the capacity policy. */
export function createProgrammeService(deps: {
  db: Database
  clock: Clock
  policy: PolicyService
  needs: NeedService
}) {
  const { db, clock, policy, needs } = deps

  return {
    /** A financial year's programme: `startYear` is the calendar year it starts in; today's year if not given. */
    async year(ctx: Context, startYear?: number): Promise<ProgrammeYear> {
      requireRole(ctx, 'admin', 'subgroup', 'executive')
      const today = londonDateOf(clock.now())
      const { financialYearStartMonth: startMonth } = await policy.rulesOn(ctx, today)
      const year = startYear
        ? financialYearStarting(startYear, startMonth)
        : financialYearOf(today, startMonth)
      // The capacity that applies is the policy in force in that year: today's for this year, else its first day's.
      const rules = await policy.rulesOn(ctx, today >= year.start && today < year.end ? today : year.start)
      const first = Number(year.start.slice(0, 4))
      const { sessions, overrides } = await db.tenant(scopeOf(ctx), async (sql) => ({
        sessions: await sessionsPlannedIn(sql, year),
        overrides: await overridesIn(sql, year.start),
      }))
      const endorsed = await needs.endorsed(ctx, { financialYear: first })
      const courses = new Map<string, ProgrammeCourse>()
      const months = Array.from({ length: 12 }, (_, i) => {
        const m = ((startMonth - 1 + i) % 12) + 1
        const calendarYear = first + (startMonth - 1 + i >= 12 ? 1 : 0)
        return {
          month: `${calendarYear}-${String(m).padStart(2, '0')}`,
          name: monthName.format(new Date(Date.UTC(calendarYear, m - 1, 15))),
          halfDays: 0,
        }
      })
      for (const session of sessions) {
        const halfDays = halfDaysOf(session.parts)
        const course = courses.get(session.courseId) ?? {
          courseId: session.courseId,
          courseTitle: session.courseTitle,
          halfDays: 0,
          sessions: [],
        }
        course.halfDays += halfDays
        course.sessions.push({ ...session, halfDays })
        courses.set(session.courseId, course)
        const month = months.find((m) => m.month === londonDateOf(session.startsAt).slice(0, 7))
        if (month) month.halfDays += halfDays
      }
      return {
        year,
        previous: financialYearStarting(first - 1, startMonth),
        next: financialYearStarting(first + 1, startMonth),
        capacityDaysPerWeek: rules.capacityDaysPerWeek,
        capacityHalfDays: capacityHalfDays(year, rules.capacityDaysPerWeek),
        plannedHalfDays: sessions.reduce((sum, s) => sum + halfDaysOf(s.parts), 0),
        courses: [...courses.values()].sort((a, b) => a.courseTitle.localeCompare(b.courseTitle)),
        months,
        overrides,
        endorsed,
        proposedHalfDays: endorsed
          .filter((n) => !n.courseId)
          .reduce((sum, n) => sum + n.estimatedDeliveryHalfDays, 0),
      }
    },
  }
}

export type ProgrammeService = ReturnType<typeof createProgrammeService>
