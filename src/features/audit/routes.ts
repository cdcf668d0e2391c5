import type { FastifyInstance } from 'fastify'
import {
  dateBoxes,
  dateFromQuery,
  errorFor,
  errorSummary,
  onDateBoxes,
  parseForm,
} from '#platform/http/forms.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { auditFilter } from './forms.ts'

/** The audit trail page: every change to the partnership's data, filtered and paged. */
export default async function auditRoutes(app: FastifyInstance, { services }: { services: Services }) {
  app.get<{ Querystring: Record<string, string> }>(
    '/audit',
    { config: { access: ['admin'] } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const q = request.query
      // Dates are typed as day, month and year; a page link carries them as YYYY-MM-DD.
      const typed = { ...q, from: dateFromQuery(q, 'from'), to: dateFromQuery(q, 'to') }
      const form = parseForm(auditFilter, typed)
      const filter = form.ok ? form.data : { page: 1 }
      const result = await services.audit.search(ctx, filter)
      const query = new URLSearchParams(
        Object.entries({
          entityType: filter.entityType,
          actor: filter.actor,
          from: filter.from,
          to: filter.to,
        }).filter((entry): entry is [string, string] => Boolean(entry[1])),
      )
      const pageLink = (page: number) => `/audit?${new URLSearchParams([...query, ['page', String(page)]])}`
      return reply.status(form.ok ? 200 : 400).view('audit/views/list.njk', {
        title: 'Audit trail',
        columns: 'full',
        values: {
          ...q,
          ...dateBoxes('from', form.ok ? form.data.from : undefined),
          ...dateBoxes('to', form.ok ? form.data.to : undefined),
        },
        filter,
        result,
        previous: filter.page > 1 ? pageLink(filter.page - 1) : null,
        next: filter.page < result.pages ? pageLink(filter.page + 1) : null,
        errors: form.ok ? undefined : errorSummary(onDateBoxes(form.errors, ['from', 'to'])),
        fieldErrors: form.ok ? undefined : errorFor(onDateBoxes(form.errors, ['from', 'to'])),
      })
    },
  )
}
