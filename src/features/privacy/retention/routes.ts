import type { FastifyInstance } from 'fastify'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { retentionKindNames } from './rules.ts'

/** The retention page: the policy's periods, what a run now would anonymise, and past runs. */
export default async function retentionRoutes(app: FastifyInstance, { services }: { services: Services }) {
  app.get('/privacy/retention', { config: { access: ['admin'] } }, async (request, reply) => {
    const ctx = contextOf(request)
    const [preview, runs] = [await services.retention.preview(ctx, 5), await services.retention.runs(ctx)]
    return reply.view('privacy/retention/views/retention.njk', {
      title: 'Keeping records',
      backLink: '/menu',
      columns: 'full',
      preview,
      runs,
      kindNames: retentionKindNames,
    })
  })
}
