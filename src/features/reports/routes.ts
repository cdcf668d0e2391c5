import type { FastifyInstance } from 'fastify'
import { ValidationError } from '#platform/errors.ts'
import { errorFor, errorSummary } from '#platform/http/forms.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { reportView, SMALL } from './page.ts'

const readers = ['admin', 'subgroup', 'executive'] as const

const text = (value: unknown) => (typeof value === 'string' && value.length <= 20 ? value : undefined)

/** The report to the board on screen: a quarter or a year, each figure beside two others. */
export default async function reportRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const { reports } = services

  app.get<{ Querystring: Record<string, unknown> }>(
    '/reports',
    { config: { access: readers } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const periods = await reports.periods(ctx)
      const chosen = text(request.query.period)
      // One field chooses a quarter or a year: a year's key is four digits, a quarter's has its Q.
      const asked =
        chosen === undefined
          ? { period: periods.current.key }
          : /^\d{4}$/.test(chosen)
            ? { year: chosen }
            : { period: chosen }
      const picked = chosen ?? periods.current.key
      const options = [
        ...periods.quarters.map((q) => ({ value: q.key, text: q.label })),
        ...periods.years.map((y) => ({ value: y.key, text: `The year ${y.label}` })),
      ]
      // A period asked for by its address but not offered is still shown as the one chosen.
      if (!options.some((o) => o.value === picked)) options.push({ value: picked, text: picked })
      const choices = { options: options.map((o) => ({ ...o, selected: o.value === picked })) }
      try {
        const report = await reports.report(ctx, asked)
        return reply.view('reports/views/report.njk', {
          title: `Report to the board: ${report.period.label}`,
          columns: 'full',
          ...choices,
          ...reportView(report),
          small: SMALL,
        })
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        const errors = error.errors.map((e) => ({ ...e, field: 'period' }))
        return reply.status(400).view('reports/views/report.njk', {
          title: 'Report to the board',
          columns: 'full',
          ...choices,
          errors: errorSummary(errors),
          fieldErrors: errorFor(errors),
        })
      }
    },
  )
}
