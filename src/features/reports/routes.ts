import type { FastifyInstance } from 'fastify'
import { ValidationError } from '#platform/errors.ts'
import type { SuccessBanner } from '#platform/http/done.ts'
import { doneOf } from '#platform/http/done.ts'
import { errorFor, errorSummary } from '#platform/http/forms.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { reportTables } from './board/tables.ts'
import { reportView, SMALL } from './page.ts'
import { askedBy } from './period.ts'

const readers = ['admin', 'subgroup', 'executive'] as const

const text = (value: unknown) => (typeof value === 'string' && value.length <= 20 ? value : undefined)

/** Written text as its paragraphs: split where a line is left blank. */
export const paragraphsOf = (words: string) =>
  words
    .split(/\r?\n\s*\r?\n/)
    .map((p) => p.trim())
    .filter(Boolean)

const banners = {
  narrative: { heading: 'The narrative is saved' },
  'signed-off': {
    heading: 'The report is signed off',
    text: 'Its figures and words are kept as they are now, with its PDF.',
  },
  correction: {
    heading: 'A correction is open',
    text: 'The figures are read afresh and the narrative can be changed; signing off makes the next version.',
  },
} satisfies Record<string, SuccessBanner>

/** The report to the board on screen: a quarter or a year, each figure beside two others. */
export default async function reportRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const { reports, boardReports } = services

  app.get<{ Querystring: Record<string, unknown> }>(
    '/reports',
    { config: { access: readers } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const periods = await reports.periods(ctx)
      const chosen = text(request.query.period)
      const picked = chosen ?? periods.current.key
      const options = [
        ...periods.quarters.map((q) => ({ value: q.key, text: q.label })),
        ...periods.years.map((y) => ({ value: y.key, text: `The year ${y.label}` })),
      ]
      // A period asked for by its address but not offered is still shown as the one chosen.
      if (!options.some((o) => o.value === picked)) options.push({ value: picked, text: picked })
      const choices = { options: options.map((o) => ({ ...o, selected: o.value === picked })) }
      try {
        // One field chooses a quarter or a year: a year's key is four digits, a quarter's has its Q.
        const period = await reports.period(ctx, askedBy(picked))
        const board = await boardReports.report(ctx, period.key)
        const roles = ctx.actor.roles
        const done = doneOf(request.query, Object.keys(banners) as (keyof typeof banners)[])
        return reply.view('reports/views/report.njk', {
          title: `Report to the board: ${board.report.period.label}`,
          columns: 'full',
          ...choices,
          ...reportView(board.report),
          board,
          words: {
            summary: paragraphsOf(board.narrative.executiveSummary),
            sections: Object.fromEntries(
              Object.entries(board.narrative.sections).map(([id, words]) => [id, paragraphsOf(words)]),
            ),
          },
          tables: reportTables(board.report, 'read').map((t) => ({ id: t.id, title: t.title })),
          may: {
            write: roles.includes('admin') && board.status !== 'signed_off',
            signOff:
              (roles.includes('subgroup') || roles.includes('executive')) &&
              board.status !== 'signed_off' &&
              board.ended,
            correct: roles.includes('admin') && board.status === 'signed_off',
          },
          banner: done ? banners[done] : undefined,
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
