import type { FastifyInstance } from 'fastify'
import type { Services } from '#src/services.ts'

/** The audits hub, `/audits`: where each role's part of agency audits and case audits is. */
export default async function auditsRoutes(app: FastifyInstance, options: { services: Services }) {
  void app
  void options
}
