import type { FastifyInstance } from 'fastify'
import { clearSessionCookie } from '#platform/http/authentication.ts'
import type { Services } from '#src/services.ts'
import { safeReturnPath } from '../forms.ts'

/** Where a sign-in may return to after it ended: a page, not this machinery. */
function returnPathOf(value: unknown): string | undefined {
  const path = safeReturnPath(value)
  if (!path || /^\/(session-ended|account\/(keep-alive|session-status))/.test(path)) return undefined
  return path
}

/**
 * The idle timeout as people see it (WCAG 2.2.1): the page's warning asks how long is left
 * and asks to stay signed in; a sign-in that ran out, with or without the warning, ends on a
 * page that says why and links back to where the person was.
 */
export default async function timeoutRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const timeout = services.sessionTimeout
  const idleMinutes = services.config.sessionIdleMinutes

  // Asked by the warning before it shows and before it signs out, so another tab's use is
  // seen. Public, and not counted as use: a sign-in that has ended is 0 seconds, not an error.
  app.get(
    '/account/session-status',
    { config: { access: 'public', touchesSession: false } },
    async (request, reply) => {
      const remainingSeconds = request.sessionToken ? await timeout.remaining(request.sessionToken) : 0
      return reply.header('cache-control', 'no-store').send({ remainingSeconds })
    },
  )

  // "Stay signed in": counts as use now, not at the next once-a-minute mark.
  app.post('/account/keep-alive', { config: { access: 'signed-in' } }, async (request, reply) => {
    const remainingSeconds = request.sessionToken ? await timeout.keepAlive(request.sessionToken) : 0
    return reply.header('cache-control', 'no-store').send({ remainingSeconds })
  })

  app.get<{ Querystring: { returnTo?: string; reason?: string } }>(
    '/session-ended',
    // Coming here is not use: a sign-in with a moment left must not be renewed by the page saying it ended.
    { config: { access: 'public', touchesSession: false } },
    async (request, reply) => {
      const returnTo = returnPathOf(request.query.returnTo)
      const ending = request.sessionToken ? await timeout.end(request.sessionToken) : null
      // Still signed in (another tab kept it alive, or someone followed a link here): nothing ends.
      if (ending === 'alive') return reply.redirect(returnTo ?? '/dashboard', 303)
      clearSessionCookie(reply)
      const reason = ending ?? (request.query.reason === 'idle' ? 'idle' : null)
      const signIn = `/sign-in${returnTo ? `?returnTo=${encodeURIComponent(returnTo)}` : ''}`
      // A cookie naming no sign-in says nothing about why: sign in as anyone would.
      if (!reason) return reply.redirect(signIn, 303)
      return reply.view('account/timeout/views/ended.njk', {
        title: 'You have been signed out',
        reason,
        idleMinutes,
        signIn,
        auth: null,
        navigation: [],
      })
    },
  )
}
