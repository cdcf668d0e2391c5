import type { FastifyInstance } from 'fastify'
import type { Services } from '#src/services.ts'

export default async function actionRoutes(_app: FastifyInstance, _options: { services: Services }) {}
