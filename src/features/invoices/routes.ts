import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { FieldError } from '#platform/errors.ts'
import { ConflictError, ValidationError } from '#platform/errors.ts'
import {
  dateFromInput,
  errorFor,
  errorSummary,
  isCalendarDate as isDate,
  onDateBoxes,
  formText as text,
} from '#platform/http/forms.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { invoiceCsv, invoiceTitle, reasonNames } from './documents.ts'

type Body = Record<string, unknown>
const admins = ['admin'] as const

/** The admin's charging pages: charges to review and waive, invoices to issue, credit notes. */
export default async function invoiceRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const { charges, invoices, directory } = services

  app.get<{ Querystring: Record<string, string> }>(
    '/charges',
    { config: { access: admins } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const query = request.query
      // Dates are typed as day, month and year; one that names no day is left out of the filter.
      const from = dateFromInput(query, 'from')
      const to = dateFromInput(query, 'to')
      const filter = {
        agencyId: text(query.agencyId) || null,
        from: isDate(from) ? from : null,
        to: isDate(to) ? to : null,
      }
      const agencies = await directory.currentAgencies(ctx)
      const list = await charges.list(ctx, filter)
      return reply.view('invoices/views/charges.njk', {
        title: 'Charges',
        charges: list,
        total: list.filter((c) => !c.waived).reduce((sum, c) => sum + c.amountPence, 0),
        agencies: [
          { value: '', text: 'All agencies' },
          ...agencies.map((a) => ({ value: a.id, text: a.name, selected: filter.agencyId === a.id })),
        ],
        values: { ...query, agencyId: filter.agencyId },
        reasonNames,
      })
    },
  )

  async function chargeForm(
    request: FastifyRequest<{ Params: { id: string } }>,
    reply: FastifyReply,
    action: 'waive' | 'credit',
    values: Body = {},
    errors: FieldError[] = [],
  ) {
    const ctx = contextOf(request)
    const charge = await charges.charge(ctx, request.params.id)
    return reply.status(errors.length ? 400 : 200).view('invoices/views/charge.njk', {
      title: action === 'waive' ? 'Waive a charge' : 'Credit a charge',
      action,
      charge,
      reasonNames,
      values,
      errors: errorSummary(errors),
      fieldErrors: errorFor(errors),
      backLink: action === 'waive' ? '/charges' : `/invoices/${charge.invoiceId}`,
    })
  }

  for (const action of ['waive', 'credit'] as const) {
    app.get<{ Params: { id: string } }>(
      `/charges/:id/${action}`,
      { config: { access: admins } },
      (request, reply) => chargeForm(request, reply, action),
    )
    app.post<{ Params: { id: string }; Body: Body }>(
      `/charges/:id/${action}`,
      { config: { access: admins } },
      async (request, reply) => {
        const body = request.body ?? {}
        try {
          if (action === 'waive') {
            await charges.waive(contextOf(request), request.params.id, text(body.reason))
            return reply.redirect('/charges', 303)
          }
          const note = await invoices.credit(contextOf(request), request.params.id, text(body.reason))
          return reply.redirect(`/invoices/${note.id}`, 303)
        } catch (error) {
          if (error instanceof ValidationError) return chargeForm(request, reply, action, body, error.errors)
          if (error instanceof ConflictError)
            return chargeForm(request, reply, action, body, [{ field: 'reason', text: error.message }])
          throw error
        }
      },
    )
  }

  app.get('/invoices', { config: { access: admins } }, async (request, reply) =>
    reply.view('invoices/views/invoices.njk', {
      title: 'Invoices',
      invoices: (await invoices.list(contextOf(request))).map((i) => ({ ...i, title: invoiceTitle(i) })),
    }),
  )

  async function newInvoice(
    request: FastifyRequest,
    reply: FastifyReply,
    values: Body = {},
    errors: FieldError[] = [],
  ) {
    const agencies = await directory.currentAgencies(contextOf(request))
    return reply.status(errors.length ? 400 : 200).view('invoices/views/new.njk', {
      title: 'Issue an invoice',
      agencies: [
        { value: '', text: 'Choose an agency' },
        ...agencies.map((a) => ({ value: a.id, text: a.name, selected: values.agencyId === a.id })),
      ],
      values,
      errors: errorSummary(errors),
      fieldErrors: errorFor(errors),
      backLink: '/invoices',
    })
  }

  app.get('/invoices/new', { config: { access: admins } }, (request, reply) => newInvoice(request, reply))

  app.post<{ Body: Body }>('/invoices/new', { config: { access: admins } }, async (request, reply) => {
    const body = request.body ?? {}
    try {
      const invoice = await invoices.issue(contextOf(request), {
        agencyId: text(body.agencyId),
        from: dateFromInput(body, 'from'),
        to: dateFromInput(body, 'to'),
      })
      return reply.redirect(`/invoices/${invoice.id}`, 303)
    } catch (error) {
      if (error instanceof ValidationError)
        return newInvoice(request, reply, body, onDateBoxes(error.errors, ['from', 'to']))
      throw error
    }
  })

  app.get<{ Params: { id: string } }>(
    '/invoices/:id',
    { config: { access: admins } },
    async (request, reply) => {
      const invoice = await invoices.invoice(contextOf(request), request.params.id)
      return reply.view('invoices/views/invoice.njk', {
        title: invoiceTitle(invoice),
        invoice,
        reasonNames,
        backLink: '/invoices',
      })
    },
  )

  app.get<{ Params: { id: string } }>(
    '/invoices/:id/pdf',
    { config: { access: admins } },
    async (request, reply) => {
      const { invoice, pdf } = await invoices.pdf(contextOf(request), request.params.id)
      return reply
        .type('application/pdf')
        .header(
          'content-disposition',
          `attachment; filename="${invoiceTitle(invoice).toLowerCase().replace(' ', '-')}.pdf"`,
        )
        .send(pdf)
    },
  )

  app.get<{ Params: { id: string } }>(
    '/invoices/:id/csv',
    { config: { access: admins } },
    async (request, reply) => {
      const invoice = await invoices.invoice(contextOf(request), request.params.id)
      return reply
        .type('text/csv; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="${invoiceTitle(invoice).toLowerCase().replace(' ', '-')}.csv"`,
        )
        .send(invoiceCsv(invoice))
    },
  )
}
