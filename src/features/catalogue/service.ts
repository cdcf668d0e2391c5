import { themesOf } from '#features/courses/queries.ts'
import type { PolicyService } from '#features/policy/service.ts'
import type { Clock } from '#platform/clock.ts'
import { londonDateOf } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import type { Database } from '#platform/db/database.ts'
import { isUuid } from '#platform/db/database.ts'
import { NotFoundError } from '#platform/errors.ts'
import type { Partnerships } from '#platform/partnerships.ts'
import type { CatalogueFilter } from './queries.ts'
import { catalogue } from './queries.ts'

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
    async courses(slug: string, filter: CatalogueFilter) {
      const { partnership, rules } = await open(slug)
      return db.tenant({ partnershipId: partnership.id, userId: null, actor: 'public' }, async (sql) => ({
        partnership,
        tiers: rules.tiers,
        leadWeeks: rules.shortlistingLeadWeeks,
        themes: await themesOf(sql),
        courses: await catalogue(sql, clock.now(), filter),
      }))
    },

    async course(slug: string, id: string) {
      const { partnership, rules } = await open(slug)
      const [course] = isUuid(id)
        ? await db.tenant({ partnershipId: partnership.id, userId: null, actor: 'public' }, (sql) =>
            catalogue(sql, clock.now(), {}, id),
          )
        : []
      if (!course) throw new NotFoundError('Course')
      return { partnership, course, leadWeeks: rules.shortlistingLeadWeeks, now: clock.now() }
    },
  }
}

export type CatalogueService = ReturnType<typeof createCatalogueService>
