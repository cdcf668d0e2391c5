import type { FastifyInstance } from 'fastify'
import { errorSummary } from '#platform/http/forms.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { applicationStatuses, staffApplicationsFilterSchema } from './forms.ts'
import { statusNames } from './page-forms.ts'

/**
 * "Staff applications and places": an agency lead's view of their agencies' staff's
 * applications (an admin's of everyone's), to find one they made for someone and act on it.
 */
export default async function staffRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const { booking } = services

  app.get<{ Querystring: Record<string, string> }>(
    '/bookings/staff',
    { config: { access: ['admin', 'agency-lead'] } },
    async (request, reply) => {
      const parsed = staffApplicationsFilterSchema.safeParse(request.query)
      // A filter that cannot be read shows everything, and says so, rather than failing.
      const filter = parsed.success ? parsed.data : staffApplicationsFilterSchema.parse({})
      const { items, total, pageSize } = await booking.staffApplications(contextOf(request), filter)
      const pages = Math.max(1, Math.ceil(total / pageSize))
      const query = Object.fromEntries(
        Object.entries({ q: filter.q, status: filter.status }).filter((entry): entry is [string, string] =>
          Boolean(entry[1]),
        ),
      )
      const link = (page: number) =>
        `/bookings/staff?${new URLSearchParams({ ...query, page: String(page) })}`
      return reply.view('booking/views/staff.njk', {
        title: 'Staff applications and places',
        columns: 'full',
        applications: items,
        total,
        filter,
        pages,
        statuses: applicationStatuses,
        statusNames,
        previous: filter.page > 1 ? link(filter.page - 1) : null,
        next: filter.page < pages ? link(filter.page + 1) : null,
        errors: parsed.success
          ? undefined
          : errorSummary([{ field: 'q', text: 'Check your search: something in it is not valid' }]),
      })
    },
  )
}
