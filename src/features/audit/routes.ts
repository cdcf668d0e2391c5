import type { FastifyInstance } from 'fastify'
import type { FieldError } from '#platform/errors.ts'
import { dateFromInput, errorFor, errorSummary, parseForm } from '#platform/http/forms.ts'
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
      const typed = { ...q, from: dateFromInput(q, 'from') || q.from, to: dateFromInput(q, 'to') || q.to }
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
          ...boxes('from', form.ok ? form.data.from : undefined),
          ...boxes('to', form.ok ? form.data.to : undefined),
        },
        filter,
        result,
        previous: filter.page > 1 ? pageLink(filter.page - 1) : null,
        next: filter.page < result.pages ? pageLink(filter.page + 1) : null,
        errors: form.ok ? undefined : errorSummary(onBoxes(form.errors)),
        fieldErrors: form.ok ? undefined : errorFor(onBoxes(form.errors)),
      })
    },
  )
}

/** A date's three boxes, filled from YYYY-MM-DD (as a page link carries it). */
function boxes(name: string, date: string | undefined): Record<string, string> {
  if (!date) return {}
  const [year, month, day] = date.split('-')
  return {
    [`${name}-day`]: String(Number(day)),
    [`${name}-month`]: String(Number(month)),
    [`${name}-year`]: year ?? '',
  }
}

/** A date's message belongs to its first box, where the error summary's link leads. */
function onBoxes(errors: readonly FieldError[]): FieldError[] {
  return errors.map((e) => (e.field === 'from' || e.field === 'to' ? { ...e, field: `${e.field}-day` } : e))
}
