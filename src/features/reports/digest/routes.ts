import type { FastifyInstance } from 'fastify'
import { ValidationError } from '#platform/errors.ts'
import { errorFor, errorSummary } from '#platform/http/forms.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { digestView } from './page.ts'

const text = (value: unknown) => (typeof value === 'string' && value.length <= 20 ? value : undefined)

/** An agency's quarterly digest on screen, for its leads and the partnership's admins. */
export default async function digestRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const { agencyDigests } = services

  app.get<{ Params: { id: string }; Querystring: Record<string, unknown> }>(
    '/agencies/:id/digest',
    { config: { access: ['admin', 'agency-lead'] } },
    async (request, reply) => {
      const ctx = contextOf(request)
      // Another agency, or another partnership's, is not found before the quarter is read.
      const choices = await agencyDigests.choices(ctx, request.params.id)
      const { agency } = choices
      const asked = request.query.period === undefined ? undefined : (text(request.query.period) ?? '')
      const picked = asked ?? choices.current.key
      const options = choices.quarters.map((q) => ({ value: q.key, text: q.label }))
      // A quarter asked for by its address but not offered is still shown as the one chosen.
      if (!options.some((o) => o.value === picked)) options.push({ value: picked, text: picked })
      const common = {
        columns: 'full',
        agency,
        options: options.map((o) => ({ ...o, selected: o.value === picked })),
        backLink: `/agencies/${agency.id}`,
      }
      try {
        const digest = await agencyDigests.digest(ctx, agency.id, { period: asked })
        return reply.view('reports/digest/views/digest.njk', {
          ...common,
          title: `Quarterly digest for ${agency.name}: ${digest.period.label}`,
          ...digestView(digest),
        })
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        const errors = error.errors.map((e) => ({ ...e, field: 'period' }))
        return reply.status(400).view('reports/digest/views/digest.njk', {
          ...common,
          title: `Quarterly digest for ${agency.name}`,
          errors: errorSummary(errors),
          fieldErrors: errorFor(errors),
        })
      }
    },
  )
}
