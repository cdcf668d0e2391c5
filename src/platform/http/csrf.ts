import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { hmac, newToken, safeEqual } from '../auth/secrets.ts'
import { ForbiddenError } from '../errors.ts'
import { isApiRequest } from './authentication.ts'

const CSRF_COOKIE = 'cascade_csrf'
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * Cross-site request forgery protection for every state-changing form: a random cookie, and
 * a hidden `_csrf` field that must carry its HMAC. A page on another site can make the
 * browser send the cookie but cannot read it to forge the field.
 */
export const csrfProtection = fp(
  async (app: FastifyInstance, options: { secret: string; production: boolean }) => {
    // A visitor's token is the same on every page they ask for, so it is worked out once: a
    // public page kept whole is otherwise sent for less than the keyed hash costs.
    const tokens = new Map<string, string>()
    const tokenOf = (seed: string) => {
      let token = tokens.get(seed)
      if (token === undefined) {
        token = hmac(options.secret, seed)
        if (tokens.size >= 10_000) tokens.delete(tokens.keys().next().value as string)
        tokens.set(seed, token)
      }
      return token
    }
    app.decorateRequest('csrfSeed', '')
    // Worked out only when a page asks for it: a public page kept whole for visitors carries no
    // form, and a first visit's seed is new, so keying one for every visitor cost more than
    // sending the page.
    app.decorateRequest('csrfToken', {
      getter(this: FastifyRequest) {
        return this.csrfSeed ? tokenOf(this.csrfSeed) : ''
      },
    })

    app.addHook('onRequest', (request, reply, done) => {
      if (isApiRequest(request)) return done()
      let seed = request.cookies[CSRF_COOKIE]
      if (!seed || seed.length < 32 || seed.length > 64) {
        seed = newToken()
        // Only for this request's own forms; an unsafe request carrying no cookie fails below.
        if (SAFE_METHODS.has(request.method)) {
          reply.setCookie(CSRF_COOKIE, seed, {
            path: '/',
            httpOnly: true,
            sameSite: 'lax',
            secure: options.production,
          })
        }
      }
      request.csrfSeed = seed
      done()
    })

    app.addHook('preValidation', async (request) => {
      if (SAFE_METHODS.has(request.method) || isApiRequest(request)) return
      if (request.routeOptions.config.csrf === false) return
      const sent = (request.body as Record<string, unknown> | undefined)?._csrf
      const seed = request.cookies[CSRF_COOKIE]
      if (typeof sent !== 'string' || !seed || !safeEqual(sent, tokenOf(seed))) {
        throw new ForbiddenError('This form has expired. Go back, refresh the page and try again.')
      }
    })
  },
)
