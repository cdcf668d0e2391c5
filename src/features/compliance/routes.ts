import type { FastifyInstance } from 'fastify'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import type { ComplianceStatus } from './rules.ts'
import { complianceStatuses, statusNames } from './rules.ts'

const PAGE_SIZE = 100
const leads = ['admin', 'agency-lead'] as const

function statusFrom(value: unknown): ComplianceStatus | null {
  return complianceStatuses.find((s) => s === value) ?? null
}

function pageFrom(value: unknown): number {
  const page = typeof value === 'string' && /^\d{1,6}$/.test(value) ? Number(value) : 1
  return Math.max(1, page)
}

/** An agency's staff compliance, for its lead and the partnership's admins. */
export default async function complianceRoutes(app: FastifyInstance, { services }: { services: Services }) {
  app.get<{ Params: { id: string }; Querystring: Record<string, string> }>(
    '/agencies/:id/compliance',
    { config: { access: leads } },
    async (request, reply) => {
      const status = statusFrom(request.query.status)
      const found = await services.compliance.pageOf(contextOf(request), request.params.id, {
        status,
        page: pageFrom(request.query.page),
        pageSize: PAGE_SIZE,
      })
      const { page, pages } = found
      const base = `/agencies/${found.agency.id}/compliance`
      const link = (n: number) =>
        `${base}?${new URLSearchParams({ ...(status ? { status } : {}), page: String(n) })}`
      return reply.view('compliance/views/agency.njk', {
        title: `Training compliance: ${found.agency.name}`,
        columns: 'full',
        ...found,
        status,
        statusNames,
        statuses: complianceStatuses,
        page,
        pages,
        previous: page > 1 ? link(page - 1) : null,
        next: page < pages ? link(page + 1) : null,
        csvLink: `${base}.csv`,
        backLink: `/agencies/${found.agency.id}`,
      })
    },
  )

  app.get<{ Params: { id: string } }>(
    '/agencies/:id/compliance.csv',
    { config: { access: leads } },
    async (request, reply) => {
      const csv = await services.compliance.csv(contextOf(request), request.params.id)
      return reply
        .header('content-disposition', 'attachment; filename="training-compliance.csv"')
        .header('cache-control', 'private, no-store')
        .type('text/csv; charset=utf-8')
        .send(`\uFEFF${csv}`)
    },
  )
}
