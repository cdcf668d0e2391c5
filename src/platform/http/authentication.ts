import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { ApiTokens, Authenticated, Sessions } from '../auth/identity.ts'
import type { Access } from '../auth/roles.ts'
import { allows } from '../auth/roles.ts'
import { ForbiddenError, UnauthenticatedError } from '../errors.ts'

export const SESSION_COOKIE = 'cascade_session'

/** A route and who may use it, as declared: the test suite walks this list. */
export type DeclaredRoute = { method: string; url: string; access: Access }

/** Pages a signed-in user without a chosen partnership may still reach. */
const WITHOUT_PARTNERSHIP = new Set([
  '/choose-partnership',
  '/sign-out',
  '/account',
  '/account/sessions',
  '/account/keep-alive',
])

export function isApiRequest(request: FastifyRequest): boolean {
  return request.routeOptions.config?.api === true || request.url.startsWith('/api/')
}

/**
 * Works out who is asking (a session cookie for pages, a Bearer token for the API, never the
 * other way round, so the API needs no CSRF defence) and enforces the route's declared access.
 * Every route must declare its access: one without is a mistake the app refuses to start with.
 */
export const authentication = fp(
  async (
    app: FastifyInstance,
    options: { sessions: Sessions; tokens: ApiTokens; production: boolean; maxHours: number },
  ) => {
    app.decorateRequest('auth', null)
    app.decorateRequest('sessionToken', null)
    app.decorateRequest('tokenRefused', null)
    const declared: DeclaredRoute[] = []
    app.decorate('declaredRoutes', declared)

    app.addHook('onRoute', (route) => {
      const access = route.config?.access
      const methods = Array.isArray(route.method) ? route.method : [route.method]
      if (access === undefined) {
        throw new Error(
          `Route ${methods.join(',')} ${route.url} does not declare who may use it (config.access)`,
        )
      }
      for (const method of methods) declared.push({ method: String(method), url: route.url, access })
    })

    /** Whether the one asking may use the route, once they are known. */
    function admit(request: FastifyRequest): void {
      const access = request.routeOptions.config?.access
      if (access === undefined || access === 'public') return
      const auth = request.auth
      if (!auth) throw new UnauthenticatedError(undefined, request.tokenRefused)
      if (!auth.partnership) {
        if (WITHOUT_PARTNERSHIP.has(request.routeOptions.url ?? '')) return
        throw new ForbiddenError('Choose a partnership first')
      }
      if (!allows(access, auth.roles)) throw new ForbiddenError()
    }

    // A callback rather than an async hook: a visitor with no session (every public page)
    // is admitted or refused with no promise made.
    app.addHook('onRequest', (request, _reply, done) => {
      let finding: Promise<Authenticated | null> | undefined
      if (isApiRequest(request)) {
        const header = request.headers.authorization
        const match = header?.match(/^Bearer\s+(\S+)$/i)
        if (match?.[1])
          finding = options.tokens.check(match[1]).then((found) => {
            if (found.status === 'accepted') return found.auth
            if (found.status !== 'unknown') request.tokenRefused = found.status
            return null
          })
      } else {
        const token = request.cookies[SESSION_COOKIE]
        if (token) {
          request.sessionToken = token
          // Asking how long a sign-in has left must not count as using it.
          if (request.routeOptions.config?.touchesSession !== false) finding = options.sessions.resolve(token)
        }
      }
      const decide = () => {
        try {
          admit(request)
          done()
        } catch (error) {
          done(error as Error)
        }
      }
      if (!finding) return decide()
      finding.then((auth) => {
        request.auth = auth
        decide()
      }, done)
    })

    // What is sent to someone signed in (a page, a download, an API answer), and any answer
    // that signs in or out, is theirs alone: no browser history, back button or proxy keeps
    // it. A route that says how long to keep what it sends (the stylesheets and fonts) is
    // left to say so; public pages to visitors are left as they are.
    app.addHook('onSend', (request, reply, payload, done) => {
      const settingSession = setsSessionCookie(reply.getHeader('set-cookie'))
      if (settingSession || (!reply.hasHeader('cache-control') && identifies(request)))
        reply.header('cache-control', 'no-store')
      done(null, payload)
    })
  },
)

/** Whether a request names someone: a session cookie (valid or not) or an API token. */
function identifies(request: FastifyRequest): boolean {
  return Boolean(request.headers.authorization || request.cookies?.[SESSION_COOKIE])
}

function setsSessionCookie(header: string | string[] | number | undefined): boolean {
  const cookies = Array.isArray(header) ? header : typeof header === 'string' ? [header] : []
  return cookies.some((cookie) => cookie.startsWith(`${SESSION_COOKIE}=`))
}

export function setSessionCookie(
  reply: FastifyReply,
  token: string,
  options: { production: boolean; maxHours: number },
) {
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: options.production,
    maxAge: options.maxHours * 3600,
  })
}

export function clearSessionCookie(reply: FastifyReply) {
  reply.clearCookie(SESSION_COOKIE, { path: '/' })
}
