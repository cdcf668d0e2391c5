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
    // A visitor's token is the same on every page they ask for, so it is worked out once.
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
    app.decorateRequest('csrfReply', null)
    // Worked out only when a page asks for it, and a visitor without a cookie is given one only
    // then: a page with no form (the catalogue, a course) sets no cookie, so it is the same for
    // every visitor, and keying a new visitor's seed cost more than sending a kept page.
    app.decorateRequest('csrfToken', {
      getter(this: FastifyRequest) {
        if (!this.csrfSeed) {
          this.csrfSeed = newToken()
          // Only for this request's own forms; an unsafe request carrying no cookie fails below.
          this.csrfReply?.setCookie(CSRF_COOKIE, this.csrfSeed, {
            path: '/',
            httpOnly: true,
            sameSite: 'lax',
            secure: options.production,
          })
        }
        return tokenOf(this.csrfSeed)
      },
    })

    app.addHook('onRequest', (request, reply, done) => {
      if (isApiRequest(request)) return done()
      const seed = request.cookies[CSRF_COOKIE]
      if (seed && seed.length >= 32 && seed.length <= 64) request.csrfSeed = seed
      else if (SAFE_METHODS.has(request.method)) request.csrfReply = reply
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
