import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { shortlistingTime } from '#features/booking/rules.ts'
import { deliveryMethodNames } from '#features/courses/forms.ts'
import { productTypeNames } from '#features/learning/index.ts'
import { londonDateOf, londonDateText, londonTimeText } from '#platform/clock.ts'
import { pagination } from '#platform/views/pagination.ts'
import type { Services } from '#src/services.ts'
import type { CatalogueSession } from './queries.ts'

const filterSchema = z.object({
  themeId: z.uuid().optional().catch(undefined),
  tier: z.string().trim().max(80).optional().catch(undefined),
  format: z.enum(['in_person', 'online']).optional().catch(undefined),
  month: z
    .string()
    .regex(/^\d{4}-\d{2}$/)
    .optional()
    .catch(undefined),
})

/** The page asked for: the first for anything that is not a page number. */
function pageOf(query: Record<string, string>): number {
  return z.coerce.number().int().min(1).max(10_000).catch(1).parse(query.page)
}

/** Where a session stands, in words a practitioner can act on. */
function stateOf(session: CatalogueSession, leadWeeks: number, now: Date): string {
  if (session.status === 'full') return 'Full'
  if (session.status === 'shortlisted') return 'Places have been allocated: apply to join the waiting list'
  const allocation = shortlistingTime(session, leadWeeks)
  return allocation > now
    ? `Applications close on ${londonDateText(allocation)}, and places are allocated then`
    : 'Applications have closed: places are being allocated'
}

function describe(session: CatalogueSession, leadWeeks: number, now: Date) {
  const starts = new Date(session.startsAt)
  const ends = new Date(session.endsAt)
  return {
    ...session,
    date: londonDateText(starts),
    time: `${londonTimeText(starts)} to ${londonTimeText(ends)}`,
    where: session.format === 'online' ? 'Online' : (session.venueName ?? 'In person'),
    state: stateOf(session, leadWeeks, now),
    // Once its places are allocated a session takes applications onto its waiting list until it starts.
    applying:
      (session.status === 'open' && shortlistingTime(session, leadWeeks) > now) ||
      ((session.status === 'shortlisted' || session.status === 'full') && starts > now),
  }
}

/** Each partnership's public catalogue: no sign-in, nothing but what is published. */
export default async function catalogueRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const { catalogue, clock } = services

  app.get<{ Params: { slug: string }; Querystring: Record<string, string> }>(
    '/p/:slug/courses',
    { config: { access: 'public', publicPage: true } },
    (request, reply) =>
      reply.publicView('catalogue/views/courses.njk', async () => {
        const filter = filterSchema.parse(request.query)
        const found = await catalogue.courses(request.params.slug, filter, pageOf(request.query))
        // The pages' links keep the filter.
        const query = (n: number) =>
          `?${new URLSearchParams({ ...Object.fromEntries(Object.entries(filter).filter(([, v]) => v)), page: String(n) })}`
        const now = clock.now()
        return {
          title: `Courses from ${found.partnership.name}`,
          ...found,
          filter,
          months: nextMonths(now),
          pagination: pagination(found.page, found.pages, query),
          deliveryMethodNames,
          courses: found.courses.map((c) => ({
            ...c,
            sessions: c.sessions.map((s) => describe(s, found.leadWeeks, now)),
          })),
        }
      }),
  )

  app.get<{ Params: { slug: string; id: string }; Querystring: Record<string, string> }>(
    '/p/:slug/courses/:id',
    { config: { access: 'public', publicPage: true } },
    (request, reply) =>
      reply.publicView('catalogue/views/course.njk', async () => {
        const { partnership, course, dates, anyOpen, leadWeeks, now } = await catalogue.course(
          request.params.slug,
          request.params.id,
          pageOf(request.query),
        )
        return {
          title: course.title,
          partnership,
          course: { ...course, sessions: course.sessions.map((s) => describe(s, leadWeeks, now)) },
          dates,
          pagination: pagination(dates.page, dates.pages, (n) => `?page=${n}`, 'Pages of dates'),
          deliveryMethodNames,
          // With no date open for applications, people can ask to hear when there is one.
          interestOpen: !anyOpen,
          courseProducts: await services.learning.ofCourse(null, partnership.id, course.id),
          productBase: `/p/${partnership.slug}/learning`,
          productTypeNames,
          values: {},
          backLink: `/p/${partnership.slug}/courses`,
        }
      }),
  )
}

/** The next twelve months, from this one, to choose from: YYYY-MM and the month's name. */
function nextMonths(now: Date): { value: string; text: string }[] {
  const [year, month] = londonDateOf(now).split('-').map(Number) as [number, number]
  return Array.from({ length: 12 }, (_, i) => {
    const first = new Date(Date.UTC(year, month - 1 + i, 1))
    return {
      value: first.toISOString().slice(0, 7),
      text: first.toLocaleDateString('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' }),
    }
  })
}
