import type { FastifyInstance, FastifyReply } from 'fastify'
import { openToAnyoneLimit } from '#platform/http/rate-limit.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'

/** A person's certificates (their CPD evidence) and the public check of a code. */
export default async function certificateRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const { certificates } = services
  const rateLimit = openToAnyoneLimit(services.config)

  app.get('/certificates', { config: { access: 'signed-in' } }, async (request, reply) =>
    reply.view('certificates/views/mine.njk', {
      title: 'Your certificates',
      certificates: await certificates.mine(contextOf(request)),
    }),
  )

  app.get<{ Params: { id: string } }>(
    '/certificates/:id',
    { config: { access: 'signed-in' } },
    async (request, reply) => {
      const { certificate, pdf } = await certificates.pdf(contextOf(request), request.params.id)
      const name = `certificate-${certificate.code}.pdf`
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="${name}"`)
        .header('cache-control', 'private, no-store')
        .send(pdf)
    },
  )

  async function verifyPage(code: string | undefined, reply: FastifyReply) {
    const found = code ? await certificates.verify(code) : undefined
    return reply.status(code && !found ? 404 : 200).view('certificates/views/verify.njk', {
      title: 'Check a certificate',
      code: code ?? '',
      checked: Boolean(code),
      found,
    })
  }

  app.get<{ Querystring: { code?: string } }>(
    '/verify',
    { config: { access: 'public', rateLimit } },
    (request, reply) =>
      verifyPage(typeof request.query.code === 'string' ? request.query.code.slice(0, 40) : undefined, reply),
  )

  app.get<{ Params: { code: string } }>(
    '/verify/:code',
    { config: { access: 'public', rateLimit } },
    (request, reply) => verifyPage(request.params.code.slice(0, 40), reply),
  )
}
