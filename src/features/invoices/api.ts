import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { chargeReasons } from '#features/charges/rules.ts'
import { calendarDate } from '#platform/http/forms.ts'
import { problemResponses } from '#platform/http/openapi.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { invoiceCsv } from './documents.ts'
import type { Invoice } from './queries.ts'

const date = calendarDate('Enter a real date in the format YYYY-MM-DD')

const chargeResponse = z.object({
  id: z.uuid(),
  agencyId: z.uuid(),
  personId: z.uuid(),
  sessionId: z.uuid(),
  reason: z.enum(chargeReasons),
  amountPence: z.number().int(),
  waived: z.boolean(),
  chargedOn: z.string(),
  invoiceId: z.uuid().nullable(),
})

const invoiceResponse = z.object({
  id: z.uuid(),
  number: z.number().int(),
  kind: z.enum(['invoice', 'credit_note']),
  agencyId: z.uuid(),
  periodFrom: z.string(),
  periodTo: z.string(),
  credits: z.uuid().nullable(),
  totalPence: z.number().int(),
  lines: z.array(
    z.object({
      chargeId: z.uuid(),
      personName: z.string(),
      courseTitle: z.string(),
      sessionDate: z.string(),
      reason: z.enum(chargeReasons),
      amountPence: z.number().int(),
    }),
  ),
})

const presentInvoice = (i: Invoice): z.infer<typeof invoiceResponse> => ({
  id: i.id,
  number: i.number,
  kind: i.kind,
  agencyId: i.agencyId,
  periodFrom: i.periodFrom,
  periodTo: i.periodTo,
  credits: i.credits,
  totalPence: i.totalPence,
  lines: i.lines,
})

/** Charges, invoices and credit notes through the API. */
export default async function invoicesApi(app: FastifyInstance, { services }: { services: Services }) {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const { charges, invoices } = services
  const common = { security: [{ bearer: [] }], tags: ['charging'] }
  const reasonBody = z
    .object({ reason: z.string().trim().min(1, { message: 'Enter a reason' }).max(1000) })
    .strict()

  api.get(
    '/api/v1/charges',
    {
      config: { access: ['admin', 'agency-lead'], api: true },
      schema: {
        ...common,
        summary: 'Charges by agency and the date they were charged on (a lead sees their agencies’ only)',
        querystring: z.object({ agencyId: z.uuid().optional(), from: date.optional(), to: date.optional() }),
        response: { 200: z.object({ items: z.array(chargeResponse) }), ...problemResponses },
      },
    },
    async (request) => ({
      items: (await charges.list(contextOf(request), request.query)).map((c) => ({
        id: c.id,
        agencyId: c.agencyId,
        personId: c.personId,
        sessionId: c.sessionId,
        reason: c.reason,
        amountPence: c.amountPence,
        waived: c.waived,
        chargedOn: c.chargedOn,
        invoiceId: c.invoiceId,
      })),
    }),
  )

  api.post(
    '/api/v1/charges/:id/waive',
    {
      config: { access: ['admin'], api: true },
      schema: {
        ...common,
        summary: 'Waive a charge not yet invoiced, with a reason',
        params: z.object({ id: z.string() }),
        body: reasonBody,
        response: { 200: chargeResponse, ...problemResponses },
      },
    },
    async (request) => {
      const c = await charges.waive(contextOf(request), request.params.id, request.body.reason)
      return { ...c }
    },
  )

  api.post(
    '/api/v1/charges/:id/credit',
    {
      config: { access: ['admin'], api: true },
      schema: {
        ...common,
        summary: 'Credit an invoiced charge: issues a credit note against its invoice',
        params: z.object({ id: z.string() }),
        body: reasonBody,
        response: { 201: invoiceResponse, ...problemResponses },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          presentInvoice(await invoices.credit(contextOf(request), request.params.id, request.body.reason)),
        ),
  )

  api.post(
    '/api/v1/invoices',
    {
      config: { access: ['admin'], api: true },
      schema: {
        ...common,
        summary: 'Issue an agency’s invoice for a period, from its charges not yet invoiced',
        body: z.object({ agencyId: z.uuid({ message: 'Select the agency' }), from: date, to: date }).strict(),
        response: { 201: invoiceResponse, ...problemResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(presentInvoice(await invoices.issue(contextOf(request), request.body))),
  )

  api.get(
    '/api/v1/invoices/:id',
    {
      config: { access: ['admin'], api: true },
      schema: {
        ...common,
        summary: 'An invoice or credit note, with its lines',
        params: z.object({ id: z.string() }),
        response: { 200: invoiceResponse, ...problemResponses },
      },
    },
    async (request) => presentInvoice(await invoices.invoice(contextOf(request), request.params.id)),
  )

  // The same invoice as the documents sent to the agency.
  for (const format of ['pdf', 'csv'] as const)
    api.get(
      `/api/v1/invoices/:id/${format}`,
      {
        config: { access: ['admin'], api: true },
        schema: {
          ...common,
          summary: `An invoice or credit note as ${format === 'pdf' ? 'a PDF' : 'CSV'}`,
          params: z.object({ id: z.string() }),
          response: problemResponses,
        },
      },
      async (request, reply) => {
        if (format === 'pdf') {
          const { pdf } = await invoices.pdf(contextOf(request), request.params.id)
          return reply.type('application/pdf').send(pdf as never)
        }
        const invoice = await invoices.invoice(contextOf(request), request.params.id)
        return reply.type('text/csv; charset=utf-8').send(invoiceCsv(invoice) as never)
      },
    )
}
