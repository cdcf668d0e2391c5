import type { FastifyInstance } from 'fastify'
import type { Services } from '#src/services.ts'

export default async function stub(_app: FastifyInstance, _options: { services: Services }) {}
