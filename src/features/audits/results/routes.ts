import type { FastifyInstance } from 'fastify'
import { actionStatusNames } from '#features/actions/index.ts'
import { sendDownload } from '#platform/http/downloads.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { auditResultReaders } from '../access.ts'
import {
  auditRatingNames,
  resolutionNames,
  returnStatuses,
  returnStatusNames,
  returnStatusTags,
  reviewNames,
} from '../words.ts'
import { heatmapBodies } from './heatmap.ts'
import { changeNames, changeSymbols } from './rules.ts'
import { resultsUsers } from './service.ts'

type Params = { Params: { id: string } }

const words = {
  auditRatingNames,
  changeNames,
  changeSymbols,
  returnStatuses,
  returnStatusNames,
  returnStatusTags,
  reviewNames,
  resolutionNames,
  actionStatusNames,
}

/** A cycle's results (the heatmap), its report as a page and a PDF, and the results as a CSV. */
export default async function auditResultsRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const { auditResults } = services

  app.get<Params>(
    '/audits/cycles/:id/results',
    { config: { access: resultsUsers } },
    async (request, reply) => {
      const r = await auditResults.results(contextOf(request), request.params.id)
      return reply.view('audits/results/views/results.njk', {
        ...words,
        title: `Results: ${r.cycle.title}`,
        r,
        heatmapBodies: heatmapBodies(r),
        backLink: `/audits/cycles/${r.cycle.id}`,
      })
    },
  )

  app.get<Params>(
    '/audits/cycles/:id/report',
    { config: { access: auditResultReaders } },
    async (request, reply) => {
      const r = await auditResults.report(contextOf(request), request.params.id)
      return reply.view('audits/results/views/report.njk', {
        ...words,
        title: `Cycle report: ${r.cycle.title}`,
        r,
        heatmapBodies: heatmapBodies(r),
        backLink: `/audits/cycles/${r.cycle.id}/results`,
      })
    },
  )

  app.get<Params>(
    '/audits/cycles/:id/report.pdf',
    { config: { access: auditResultReaders } },
    async (request, reply) =>
      sendDownload(reply, {
        ...(await auditResults.pdf(contextOf(request), request.params.id)),
        contentType: 'application/pdf',
      }),
  )

  app.get<Params>(
    '/audits/cycles/:id/results.csv',
    { config: { access: resultsUsers } },
    async (request, reply) =>
      sendDownload(reply, {
        ...(await auditResults.csv(contextOf(request), request.params.id)),
        contentType: 'text/csv; charset=utf-8',
      }),
  )
}
