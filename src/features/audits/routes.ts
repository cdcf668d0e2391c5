import type { FastifyInstance } from 'fastify'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { auditUsers, overseesAudits, readsAuditResults } from './access.ts'
import { returnStatusNames, returnStatusTags } from './words.ts'

/** The audits hub, `/audits`: where each role's part of agency audits and case audits is. */
export default async function auditsRoutes(app: FastifyInstance, { services }: { services: Services }) {
  app.get('/audits', { config: { access: auditUsers } }, async (request, reply) => {
    const ctx = contextOf(request)
    const returns = await services.auditCycles.myReturns(ctx)
    return reply.view('audits/views/hub.njk', {
      title: 'Safeguarding audits',
      oversees: overseesAudits(ctx),
      readsResults: readsAuditResults(ctx),
      leads: ctx.actor.roles.includes('agency-lead'),
      toReview: returns.filter((r) => r.reviews),
      ours: returns.filter((r) => !r.reviews),
      statusNames: returnStatusNames,
      statusTags: returnStatusTags,
    })
  })
}
