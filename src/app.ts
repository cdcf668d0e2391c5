import { randomUUID } from 'node:crypto'
import cookie from '@fastify/cookie'
import formbody from '@fastify/formbody'
import rateLimit from '@fastify/rate-limit'
import type { FastifyRequest } from 'fastify'
import Fastify from 'fastify'
import { timeoutPlan } from './features/account/timeout/service.ts'
import { features } from './features/index.ts'
import './platform/http/types.ts'
import { assets, loadAssets } from './platform/http/assets.ts'
import { authentication } from './platform/http/authentication.ts'
import { closingGracefully } from './platform/http/closing.ts'
import { compressPages } from './platform/http/compression.ts'
import { csrfProtection } from './platform/http/csrf.ts'
import { installErrorHandling } from './platform/http/error-handler.ts'
import { inputChecks } from './platform/http/input.ts'
import { openApi } from './platform/http/openapi.ts'
import { operations } from './platform/http/operations.ts'
import { publicPages } from './platform/http/public-pages.ts'
import { rendering } from './platform/http/render.ts'
import { securityHeaders } from './platform/http/security.ts'
import { uploads } from './platform/http/uploads.ts'
import { createViews } from './platform/views/nunjucks.ts'
import type { Services } from './services.ts'

const REQUEST_ID = /^[A-Za-z0-9-]{8,64}$/

/**
 * Builds the web app: platform plugins first (security, identity, CSRF, rendering, API
 * documents, errors), then each feature's routes. Nothing listens here; server.ts does.
 */
export async function buildApp(services: Services) {
  const { config } = services
  const siteAssets = loadAssets()
  const app = Fastify({
    logger: {
      level: config.logLevel,
      // Requests are logged by route pattern and id only: a URL can carry a sign-in token or an email address.
      serializers: {
        req: (request: FastifyRequest) => ({
          id: request.id,
          method: request.method,
          route: request.routeOptions?.url ?? 'unmatched',
        }),
        res: (reply: { statusCode: number }) => ({ statusCode: reply.statusCode }),
      },
      redact: ['req.headers.authorization', 'req.headers.cookie'],
    },
    genReqId: (request) => {
      const given = request.headers['x-request-id']
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID()
    },
    requestIdHeader: false,
    bodyLimit: 1_048_576,
    return503OnClosing: true,
  })

  // First, so every answer carries it, whichever hook refuses the request.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id)
    done()
  })
  await app.register(closingGracefully)
  await app.register(cookie)
  await app.register(formbody, { bodyLimit: 1_048_576 })
  await app.register(uploads)
  // Before anyone is looked up or any form's token checked: what cannot be stored is refused first.
  await app.register(inputChecks)
  await app.register(rateLimit, { global: false })
  await app.register(securityHeaders, { production: config.production })
  await app.register(authentication, {
    sessions: services.sessions,
    tokens: services.tokens,
    production: config.production,
    maxHours: config.sessionMaxHours,
  })
  await app.register(csrfProtection, { secret: config.sessionSecret, production: config.production })
  await app.register(publicPages, { seconds: config.publicPageSeconds })
  const views = createViews({ assetUrl: siteAssets.url })
  // The timeout warning on signed-in pages counts down from the configured idle time.
  views.addGlobal('sessionTimeout', timeoutPlan(config.sessionIdleMinutes))
  await app.register(rendering, { views, verifyLayouts: config.environment === 'test' })
  await openApi(app, { publicUrl: config.publicUrl })
  installErrorHandling(app)
  await operations(app, {
    db: services.db,
    readiness: services.readiness,
    metricsToken: config.metricsToken,
    environment: config.environment,
  })
  await assets(app, siteAssets)
  // Last of the hooks on what is sent, so it compresses a page as the others left it.
  compressPages(app)

  for (const feature of features) await app.register(feature, { services })
  return app
}

export type App = Awaited<ReturnType<typeof buildApp>>
