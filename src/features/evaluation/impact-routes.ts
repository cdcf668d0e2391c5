import type { FastifyInstance } from 'fastify'
import type { Context } from '#platform/context.ts'
import { ValidationError } from '#platform/errors.ts'
import { dateBoxes, dateFromQuery, errorFor, errorSummary, onDateBoxes } from '#platform/http/forms.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { scopeFrom } from './impact.ts'
import { impactCharts, impactCsv } from './impact-page.ts'
import type { ImpactScope } from './impact-queries.ts'
import { planOutcomeNames, stageNames, stages } from './stages.ts'

const readers = ['admin', 'subgroup', 'executive'] as const
type Query = Record<string, string>

/**
 * An agency lead sees the impact view for their own agency's staff only: the agency asked for
 * when it is one of theirs, else their first. The service refuses any other (impact.ts).
 */
const overseesAll = (ctx: Context) => ctx.actor.roles.some((r) => (readers as readonly string[]).includes(r))

function asAsked(ctx: Context, query: Query): Query {
  if (overseesAll(ctx)) return query
  const agency =
    query.agency && ctx.actor.agencyIds.includes(query.agency) ? query.agency : ctx.actor.agencyIds[0]
  return { ...query, agency: agency ?? '' }
}

/** The impact view, its filters and its CSV. */
export default async function impactRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const { impact } = services

  app.get<{ Querystring: Query }>(
    '/impact',
    { config: { access: [...readers, 'agency-lead'] } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const query = asAsked(ctx, request.query ?? {})
      const oversees = overseesAll(ctx)
      let scope: ImpactScope
      try {
        // Dates are typed as day, month and year; a download link carries them as YYYY-MM-DD.
        scope = scopeFrom({ ...query, from: dateFromQuery(query, 'from'), to: dateFromQuery(query, 'to') })
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        const errors = onDateBoxes(error.errors, ['from', 'to'])
        return reply.status(400).view('evaluation/views/impact.njk', {
          ...(await filters()),
          title: 'Impact',
          values: query,
          errors: errorSummary(errors),
          fieldErrors: errorFor(errors),
        })
      }
      const figures = await impact.impact(ctx, scope)
      const planned = figures.plans.reduce((sum, p) => sum + p.n, 0)
      return reply.view('evaluation/views/impact.njk', {
        ...(await filters()),
        title: 'Impact',
        values: { ...query, ...dateBoxes('from', scope.from), ...dateBoxes('to', scope.to) },
        impact: figures,
        charts: impactCharts(figures),
        oversees,
        stages,
        stageNames,
        plans: figures.plans.map((p) => ({
          name: planOutcomeNames[p.outcome],
          n: p.n,
          share: planned ? Math.round((p.n / planned) * 100) : 0,
        })),
        csv: `/impact.csv?${new URLSearchParams(
          Object.entries({ ...query, from: scope.from ?? '', to: scope.to ?? '' }).filter(
            ([key, value]) => value && !/-(day|month|year)$/.test(key),
          ),
        ).toString()}`,
        backLink: oversees ? '/evaluation' : `/agencies/${query.agency}/digest`,
      })

      async function filters() {
        const [courses, themes, agencies] = [
          await services.courses.list(ctx, { page: 1, pageSize: 500 }),
          await services.courses.themes(ctx, true),
          (await services.directory.currentAgencies(ctx)).filter(
            (a) => oversees || ctx.actor.agencyIds.includes(a.id),
          ),
        ]
        const option = (id: string, text: string, field: string) => ({
          value: id,
          text,
          selected: query[field] === id,
        })
        return {
          courses: [
            { value: '', text: 'All courses' },
            ...courses.items.map((c) => option(c.id, c.title, 'course')),
          ],
          themes: [{ value: '', text: 'All themes' }, ...themes.map((t) => option(t.id, t.name, 'theme'))],
          agencies: [
            ...(oversees ? [{ value: '', text: 'All agencies' }] : []),
            ...agencies.map((a) => option(a.id, a.name, 'agency')),
          ],
        }
      }
    },
  )

  app.get<{ Querystring: Query }>(
    '/impact.csv',
    { config: { access: [...readers, 'agency-lead'] } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const figures = await impact.impact(ctx, scopeFrom(asAsked(ctx, request.query ?? {})), {
        allComments: true,
      })
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="impact.csv"')
        .send(impactCsv(figures))
    },
  )
}
