import type { FastifyInstance, FastifyReply } from 'fastify'
import fp from 'fastify-plugin'
import { navigationFor } from '../views/navigation.ts'
import type { Views } from '../views/nunjucks.ts'

/** Adds `reply.view()`: every page gets the signed-in user, navigation, CSRF token and CSP nonce. */
export const rendering = fp(async (app: FastifyInstance, options: { views: Views }) => {
  app.decorateReply(
    'view',
    function view(this: FastifyReply, template: string, data: Record<string, unknown> = {}) {
      const request = this.request
      const auth = request.auth
      const nonce = (this as unknown as { cspNonce?: { script: string } }).cspNonce?.script
      const path = request.url.split('?')[0] ?? '/'
      const html = options.views.render(template, {
        auth: auth?.via === 'session' ? auth : null,
        navigation: auth?.partnership ? navigationFor(auth.roles, path) : [],
        canSwitchPartnership: (auth?.partnershipCount ?? 0) > 1,
        csrfToken: request.csrfToken,
        cspNonce: nonce,
        currentPath: path,
        ...data,
      })
      return this.type('text/html; charset=utf-8').send(html)
    },
  )
})
