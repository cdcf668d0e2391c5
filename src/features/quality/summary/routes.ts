import type { FastifyInstance } from 'fastify'
import { NotFoundError } from '#platform/errors.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { outcomeNames, outcomes, qaReaders } from '../words.ts'
import { trainerStandingNames } from './rules.ts'
import type { SummaryChoice } from './service.ts'

type Query = { round?: string; year?: string }

/** A round (`?round=id`) or a financial year (`?year=2026`); the current financial year by default. */
function choiceOf(query: Query): SummaryChoice {
  if (query.round) return { roundId: query.round }
  if (!query.year) return {}
  const year = Number(query.year)
  if (!Number.isInteger(year) || year < 2000 || year > 2100) throw new NotFoundError('Year')
  return { year }
}

/** The quality assurance summary's page and its CSV. */
export default async function qaSummaryRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const { qaSummary } = services

  app.get<{ Querystring: Query }>(
    '/quality/summary',
    { config: { access: qaReaders } },
    async (request, reply) => {
      const choice = choiceOf(request.query)
      const summary = await qaSummary.summary(contextOf(request), choice)
      const query = summary.round ? `round=${summary.round.id}` : `year=${summary.year?.start.slice(0, 4)}`
      return reply.view('quality/summary/views/summary.njk', {
        title: 'Quality assurance summary',
        s: summary,
        outcomes,
        outcomeNames,
        trainerStandingNames,
        csvHref: `/quality/summary.csv?${query}`,
        backLink: '/quality',
      })
    },
  )

  app.get<{ Querystring: Query }>(
    '/quality/summary.csv',
    { config: { access: qaReaders } },
    async (request, reply) => {
      const { filename, body } = await qaSummary.csv(contextOf(request), choiceOf(request.query))
      return reply
        .header('content-disposition', `attachment; filename="${filename}"`)
        .header('cache-control', 'private, no-store')
        .type('text/csv; charset=utf-8')
        .send(`\uFEFF${body}`)
    },
  )
}
