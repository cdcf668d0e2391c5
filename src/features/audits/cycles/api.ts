import type { FastifyInstance } from 'fastify'
import type { Services } from '#src/services.ts'

export default async function auditCycleApi(app: FastifyInstance, options: { services: Services }) {
  void app
  void options
}
