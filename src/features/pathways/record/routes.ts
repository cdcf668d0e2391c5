import type { FastifyInstance, FastifyReply } from 'fastify'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'

const leads = ['admin', 'agency-lead'] as const

/** A person's learning record as a download: their own, or their staff's for a lead. */
export default async function learningRecordRoutes(
  app: FastifyInstance,
  { services }: { services: Services },
) {
  const { learningRecords } = services

  const download = (reply: FastifyReply, type: string, name: string, body: Buffer | string) =>
    reply
      .type(type)
      .header('content-disposition', `attachment; filename="${name}"`)
      .header('cache-control', 'private, no-store')
      .send(body)

  const pdf = async (reply: FastifyReply, found: { pdf: Buffer }) =>
    download(reply, 'application/pdf', 'learning-record.pdf', found.pdf)
  // The byte order mark tells spreadsheet programs the file is UTF-8.
  const csv = async (reply: FastifyReply, found: { csv: string }) =>
    download(reply, 'text/csv; charset=utf-8', 'learning-record.csv', `\uFEFF${found.csv}`)

  app.get('/training/record.pdf', { config: { access: 'signed-in' } }, async (request, reply) =>
    pdf(reply, await learningRecords.pdf(contextOf(request), null)),
  )
  app.get('/training/record.csv', { config: { access: 'signed-in' } }, async (request, reply) =>
    csv(reply, await learningRecords.csv(contextOf(request), null)),
  )
  app.get<{ Params: { id: string } }>(
    '/people/:id/training/record.pdf',
    { config: { access: leads } },
    async (request, reply) => pdf(reply, await learningRecords.pdf(contextOf(request), request.params.id)),
  )
  app.get<{ Params: { id: string } }>(
    '/people/:id/training/record.csv',
    { config: { access: leads } },
    async (request, reply) => csv(reply, await learningRecords.csv(contextOf(request), request.params.id)),
  )
}
