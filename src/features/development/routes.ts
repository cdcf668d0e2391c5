import type { FastifyInstance } from 'fastify'
import { listOutbox } from '#platform/mail/sender.ts'
import type { Services } from '#src/services.ts'

/**
 * Development only: the outbox, so sign-in links and other mail can be read without an SMTP
 * server. Never registered in production, and only while no SMTP server is configured.
 */
export default async function developmentRoutes(app: FastifyInstance, { services }: { services: Services }) {
  if (services.config.production || services.config.smtpUrl) return
  app.get('/dev/outbox', { config: { access: 'public' } }, async (_request, reply) =>
    reply.view('development/views/outbox.njk', {
      title: 'Outbox (development only)',
      columns: 'full',
      mail: await listOutbox(services.db),
    }),
  )
}
