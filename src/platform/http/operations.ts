import type { FastifyInstance } from 'fastify'
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client'
import type { Database } from '../db/database.ts'
import type { Readiness } from '../readiness.ts'

/**
 * Liveness, readiness (the database answers and the job queue runs) and Prometheus metrics. The request histogram
 * is labelled by route pattern, never by raw URL, so no personal data reaches the metrics.
 */
export async function operations(app: FastifyInstance, options: { db: Database; readiness: Readiness }) {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const duration = new Histogram({
    name: 'cascade_http_request_duration_seconds',
    help: 'Time to answer an HTTP request',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  })

  app.addHook('onResponse', (request, reply, done) => {
    duration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    )
    done()
  })

  app.get('/health/live', { config: { access: 'public' }, logLevel: 'warn' }, () => ({ status: 'ok' }))

  app.get('/health/ready', { config: { access: 'public' }, logLevel: 'warn' }, async (_request, reply) => {
    if (!options.readiness.ready) {
      return reply.status(503).send({ status: 'starting', waitingFor: options.readiness.waitingFor })
    }
    try {
      await options.db.ping()
      return { status: 'ok', database: 'ok' }
    } catch {
      return reply.status(503).send({ status: 'unavailable', database: 'unreachable' })
    }
  })

  app.get('/metrics', { config: { access: 'public' }, logLevel: 'warn' }, async (_request, reply) =>
    reply.type(registry.contentType).send(await registry.metrics()),
  )
}
