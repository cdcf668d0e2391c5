import type { FastifyInstance } from 'fastify'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { standardsReaders } from './standards/service.ts'
import { qaOverseers, qaReaders } from './words.ts'

/**
 * Quality assurance's front page: where each role's part of it is. Overseers run rounds and
 * observations; agency leads answer their self-assessments; trainers see their observations
 * and CPD.
 */
export default async function qualityRoutes(app: FastifyInstance, _options: { services: Services }) {
  app.get('/quality', { config: { access: standardsReaders } }, async (request, reply) => {
    const { roles } = contextOf(request).actor
    const has = (list: readonly string[]) => list.some((role) => roles.includes(role as never))
    return reply.view('quality/views/quality.njk', {
      title: 'Quality assurance',
      reads: has(qaReaders),
      oversees: has(qaOverseers),
      leads: roles.includes('agency-lead'),
      trains: roles.includes('trainer'),
    })
  })
}
