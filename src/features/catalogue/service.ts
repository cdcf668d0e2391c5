import { themesOf } from '#features/courses/queries.ts'
import type { PolicyService } from '#features/policy/service.ts'
import type { Clock } from '#platform/clock.ts'
import { londonDateOf } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import type { Database } from '#platform/db/database.ts'
import { isUuid } from '#platform/db/database.ts'
import { NotFoundError } from '#platform/errors.ts'
import type { Partnerships } from '#platform/partnerships.ts'
import { onePage } from '#platform/views/pagination.ts'
import type { CatalogueFilter } from './queries.ts'
import { catalogue } from './queries.ts'

/**
 * A page of the catalogue lists this many courses, each with its next few dates; the course's
 * own page has all its dates, this many a page.
 */
export const COURSES_A_PAGE = 20
export const DATES_A_COURSE = 3
export const DATES_A_PAGE = 20

/** The public catalogue of each partnership: published courses and their upcoming sessions. */
export function createCatalogueService(deps: {
  db: Database
  clock: Clock
  partnerships: Partnerships
  policy: PolicyService
}) {
  const { db, clock } = deps

  async function open(slug: string) {
    const partnership = await deps.partnerships.bySlug(slug)
    if (!partnership) throw new NotFoundError('Partnership')
    // The public acts with no role: it reads the rules and what is published, nothing more.
    const ctx: Context = { partnership, actor: { userId: null, label: 'public', roles: [], agencyIds: [] } }
    const rules = await deps.policy.rulesOn(ctx, londonDateOf(clock.now()))
    return { partnership, rules }
  }

  return {
    /** One page of the catalogue: courses with dates first, each with its next few dates. */
    async courses(slug: string, filter: CatalogueFilter, page = 1) {
      const { partnership, rules } = await open(slug)
      return db.tenant({ partnershipId: partnership.id, userId: null, actor: 'public' }, async (sql) => {
        const all = await catalogue(sql, clock.now(), filter)
        const shown = onePage(all, COURSES_A_PAGE, page)
        return {
          partnership,
          tiers: rules.tiers,
          leadWeeks: rules.shortlistingLeadWeeks,
          themes: await themesOf(sql),
          total: all.length,
          page: shown.page,
          pages: shown.pages,
          courses: shown.items.map((c) => ({
            ...c,
            moreDates: Math.max(0, c.sessions.length - DATES_A_COURSE),
            sessions: c.sessions.slice(0, DATES_A_COURSE),
          })),
        }
      })
    },

    /**
     * A course's page: the course with one page of its upcoming dates. A course run often can
     * have hundreds, which on one page were a long scroll on a phone to find one.
     */
    async course(slug: string, id: string, page = 1) {
      const { partnership, rules } = await open(slug)
      const [course] = isUuid(id)
        ? await db.tenant({ partnershipId: partnership.id, userId: null, actor: 'public' }, (sql) =>
            catalogue(sql, clock.now(), {}, id),
          )
        : []
      if (!course) throw new NotFoundError('Course')
      const dates = onePage(course.sessions, DATES_A_PAGE, page)
      return {
        partnership,
        course: { ...course, sessions: dates.items },
        dates: { total: course.sessions.length, page: dates.page, pages: dates.pages },
        // Whether any date, on whichever page, takes applications.
        anyOpen: course.sessions.some((s) => s.status === 'open'),
        leadWeeks: rules.shortlistingLeadWeeks,
        now: clock.now(),
      }
    },
  }
}

export type CatalogueService = ReturnType<typeof createCatalogueService>
