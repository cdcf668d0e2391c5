import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { deliveryMethodNames } from '#features/courses/forms.ts'
import { sessionStatusNames } from '#features/sessions/forms.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'

const yearQuery = z.object({ year: z.coerce.number().int().min(2000).max(2100).optional().catch(undefined) })

/** The annual programme's page. */
export default async function programmeRoutes(app: FastifyInstance, { services }: { services: Services }) {
  app.get<{ Querystring: Record<string, string> }>(
    '/programme',
    { config: { access: ['admin', 'subgroup', 'executive'] } },
    async (request, reply) => {
      const { year } = yearQuery.parse(request.query)
      const programme = await services.programme.year(contextOf(request), year)
      return reply.view('programme/views/programme.njk', {
        title: `Programme ${programme.year.label}`,
        programme,
        sessionStatusNames,
        deliveryMethodNames,
        over: programme.plannedHalfDays > programme.capacityHalfDays,
      })
    },
  )
}
