import type { FastifyInstance } from 'fastify'
import { errorFor, errorSummary, parseForm } from '#platform/http/forms.ts'
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
      const form = parseForm(auditFilter, request.query)
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
        values: request.query,
        filter,
        result,
        previous: filter.page > 1 ? pageLink(filter.page - 1) : null,
        next: filter.page < result.pages ? pageLink(filter.page + 1) : null,
        errors: form.ok ? undefined : errorSummary(form.errors),
        fieldErrors: form.ok ? undefined : errorFor(form.errors),
      })
    },
  )
}
