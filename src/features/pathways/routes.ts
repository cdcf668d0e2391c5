import type { FastifyInstance } from 'fastify'
import type { Services } from '#src/services.ts'
import pathwayPages from './admin/pathway-routes.ts'
import recognitionPages from './admin/recognition-routes.ts'
import treePages from './admin/tree-routes.ts'

/** The partnership's pages for defining pathways, the decision tree and recognised courses. */
export default async function pathwayRoutes(app: FastifyInstance, options: { services: Services }) {
  await pathwayPages(app, options)
  await treePages(app, options)
  await recognitionPages(app, options)
}
