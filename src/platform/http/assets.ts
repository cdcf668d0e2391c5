import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance } from 'fastify'
import { govukFrontendDist, mojFrontendRoot } from '../views/nunjucks.ts'

const publicDir = fileURLToPath(new URL('../../../public/', import.meta.url))
const govuk = join(govukFrontendDist, 'govuk')

/** Where each public file comes from: GOV.UK Frontend, MOJ Frontend or Cascade's own. */
const files: Record<string, [root: string, file: string]> = {
  'govuk-frontend.min.css': [govuk, 'govuk-frontend.min.css'],
  'govuk-frontend.min.js': [govuk, 'govuk-frontend.min.js'],
  'moj-frontend.min.css': [join(mojFrontendRoot, 'moj'), 'moj-frontend.min.css'],
  'cascade.css': [publicDir, 'cascade.css'],
  'cascade.js': [publicDir, 'cascade.js'],
  'manifest.json': [join(govuk, 'assets'), 'manifest.json'],
}

/** Serves the stylesheets, scripts, fonts and images under /assets, cached for a day. */
export async function assets(app: FastifyInstance) {
  await app.register(fastifyStatic, { root: publicDir, serve: false, maxAge: '1d' })
  app.get<{ Params: { '*': string } }>(
    '/assets/*',
    { config: { access: 'public' }, logLevel: 'warn' },
    (request, reply) => {
      const path = request.params['*']
      const known = files[path]
      if (known) return reply.sendFile(known[1], known[0])
      const match = path.match(/^(fonts|images)\/([A-Za-z0-9._-]+)$/)
      if (match) return reply.sendFile(`${match[1]}/${match[2]}`, join(govuk, 'assets'))
      return reply.callNotFound()
    },
  )
}
