import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { partnershipsOf } from '#platform/auth/identity.ts'
import { clearSessionCookie, setSessionCookie } from '#platform/http/authentication.ts'
import { errorFor, errorSummary, parseForm } from '#platform/http/forms.ts'
import { openToAnyoneLimit } from '#platform/http/rate-limit.ts'
import type { Services } from '#src/services.ts'
import { choosePartnershipForm, safeReturnPath, signInForm, signInLinkForm } from './forms.ts'
import type { SignInOutcome } from './service.ts'
import { partnershipAfterSignIn } from './service.ts'
import { organisationOnly } from './sso/forms.ts'
import { beginSecondFactor } from './two-factor/routes.ts'

const signInFailed = [
  {
    field: 'email',
    text: 'Enter a correct email address and password. After 5 wrong attempts in a row, wait 15 minutes or use a sign-in link.',
  },
]

export default async function accountRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const cookieOptions = { production: services.config.production, maxHours: services.config.sessionMaxHours }
  // Sign-in is rate-limited per address here and per account by the service, as well as
  // paused per account after repeated failures.
  const signInRateLimit = openToAnyoneLimit(services.config)

  async function startSession(
    request: FastifyRequest,
    reply: FastifyReply,
    outcome: Extract<SignInOutcome, { ok: true }>,
    returnTo?: string,
  ) {
    // A second factor, when the account has one or its role needs one, comes before any session.
    const need = await services.secondFactors.needsSecondFactor(outcome.userId)
    if (need) return beginSecondFactor(services, request, reply, outcome.userId, need, returnTo)
    const partnershipId = partnershipAfterSignIn(outcome.memberships)
    const token = await services.sessions.start(
      outcome.userId,
      partnershipId,
      request.sessionToken ?? undefined,
    )
    setSessionCookie(reply, token, cookieOptions)
    if (outcome.memberships.length === 0) return reply.redirect('/account', 303)
    if (!partnershipId) return reply.redirect('/choose-partnership', 303)
    return reply.redirect(returnTo ?? '/dashboard', 303)
  }

  app.get<{ Querystring: { returnTo?: string } }>(
    '/sign-in',
    { config: { access: 'public' } },
    async (request, reply) => {
      if (request.auth?.partnership) return reply.redirect('/dashboard', 303)
      return reply.view('account/views/sign-in.njk', {
        title: 'Sign in',
        partnerships: await services.partnerships.list(),
        values: {},
        returnTo: safeReturnPath(request.query.returnTo),
      })
    },
  )

  app.post<{ Body: Record<string, unknown> }>(
    '/sign-in',
    { config: { access: 'public', rateLimit: signInRateLimit } },
    async (request, reply) => {
      const returnTo = safeReturnPath(request.body?.returnTo)
      const form = parseForm(signInForm, request.body)
      const values = { email: typeof request.body?.email === 'string' ? request.body.email : '' }
      if (!form.ok) {
        return reply.status(400).view('account/views/sign-in.njk', {
          title: 'Sign in',
          partnerships: await services.partnerships.list(),
          values,
          returnTo,
          errors: errorSummary(form.errors),
          fieldErrors: errorFor(form.errors),
        })
      }
      if (await services.signOn.passwordsOff(form.data.email)) {
        return reply.status(400).view('account/views/sign-in.njk', {
          title: 'Sign in',
          partnerships: await services.partnerships.list(),
          values: { ...values, organisationEmail: form.data.email },
          returnTo,
          errors: errorSummary(organisationOnly),
          fieldErrors: errorFor(organisationOnly),
        })
      }
      const outcome = await services.accounts.signInWithPassword(form.data.email, form.data.password)
      if (!outcome.ok) {
        return reply.status(400).view('account/views/sign-in.njk', {
          title: 'Sign in',
          partnerships: await services.partnerships.list(),
          values,
          returnTo,
          errors: errorSummary(signInFailed),
          fieldErrors: errorFor(signInFailed),
        })
      }
      return startSession(request, reply, outcome, returnTo)
    },
  )

  app.get('/sign-in/link', { config: { access: 'public' } }, (_request, reply) =>
    reply.view('account/views/request-link.njk', {
      title: 'Get a sign-in link by email',
      values: {},
      backLink: '/sign-in',
    }),
  )

  // The link is written after the answer has gone, so the answer does the same work, and
  // takes as long, whether or not the address belongs to an account.
  const linksToWrite = new WeakMap<FastifyRequest, string>()
  app.addHook('onClose', () => services.accounts.linksWritten())

  app.post<{ Body: Record<string, unknown> }>(
    '/sign-in/link',
    {
      config: { access: 'public', rateLimit: signInRateLimit },
      onResponse: (request, _reply, done) => {
        const email = linksToWrite.get(request)
        if (email)
          services.accounts
            .requestSignInLink(email)
            .catch((err: unknown) => request.log.error({ err }, 'a sign-in link was not written'))
        done()
      },
    },
    async (request, reply) => {
      const form = parseForm(signInLinkForm, request.body)
      if (!form.ok) {
        return reply.status(400).view('account/views/request-link.njk', {
          title: 'Get a sign-in link by email',
          values: { email: request.body?.email },
          backLink: '/sign-in',
          errors: errorSummary(form.errors),
          fieldErrors: errorFor(form.errors),
        })
      }
      if (await services.signOn.passwordsOff(form.data.email)) {
        return reply.status(400).view('account/views/request-link.njk', {
          title: 'Get a sign-in link by email',
          values: { email: form.data.email },
          backLink: '/sign-in',
          errors: errorSummary(organisationOnly),
          fieldErrors: errorFor(organisationOnly),
        })
      }
      await services.accounts.countSignInAttempt(form.data.email)
      linksToWrite.set(request, form.data.email)
      return reply.view('account/views/check-email.njk', {
        title: 'Check your email',
        email: form.data.email,
      })
    },
  )

  // The link opens a page with a button rather than signing in at once: mail scanners that
  // follow links must not use up the one-time link.
  app.get<{ Params: { token: string } }>(
    '/sign-in/link/:token',
    { config: { access: 'public' } },
    (request, reply) =>
      reply.view('account/views/use-link.njk', { title: 'Sign in to Cascade', token: request.params.token }),
  )

  app.post<{ Params: { token: string } }>(
    '/sign-in/link/:token',
    { config: { access: 'public', rateLimit: signInRateLimit } },
    async (request, reply) => {
      const outcome = await services.accounts.useSignInLink(request.params.token)
      if (!outcome.ok)
        return reply
          .status(400)
          .view('account/views/link-expired.njk', { title: 'That sign-in link has expired' })
      // A link sent before the organisation turned passwords off is refused as a new one would be.
      if (outcome.email && (await services.signOn.passwordsOff(outcome.email)))
        return reply.status(400).view('account/views/request-link.njk', {
          title: 'Get a sign-in link by email',
          values: { email: outcome.email },
          backLink: '/sign-in',
          errors: errorSummary(organisationOnly),
          fieldErrors: errorFor(organisationOnly),
        })
      return startSession(request, reply, outcome)
    },
  )

  app.post('/sign-out', { config: { access: 'public' } }, async (request, reply) => {
    if (request.sessionToken) await services.sessions.end(request.sessionToken)
    clearSessionCookie(reply)
    return reply.view('account/views/signed-out.njk', {
      title: 'You have signed out',
      auth: null,
      navigation: [],
    })
  })

  app.get('/choose-partnership', { config: { access: 'signed-in' } }, async (request, reply) => {
    const auth = request.auth
    if (!auth) return reply.redirect('/sign-in', 303)
    const partnerships = partnershipsOf(await services.accounts.membershipsOf(auth.user.id))
    return reply.view('account/views/choose-partnership.njk', {
      title: 'Choose a partnership',
      partnerships,
      current: auth.partnership?.id,
    })
  })

  app.post<{ Body: Record<string, unknown> }>(
    '/choose-partnership',
    { config: { access: 'signed-in' } },
    async (request, reply) => {
      const auth = request.auth
      if (!auth || !request.sessionToken) return reply.redirect('/sign-in', 303)
      const form = parseForm(choosePartnershipForm, request.body)
      const chosen =
        form.ok &&
        (await services.sessions.choosePartnership(
          request.sessionToken,
          auth.user.id,
          form.data.partnershipId,
        ))
      if (!chosen) {
        const errors = [{ field: 'partnershipId', text: 'Select a partnership' }]
        const partnerships = partnershipsOf(await services.accounts.membershipsOf(auth.user.id))
        return reply.status(400).view('account/views/choose-partnership.njk', {
          title: 'Choose a partnership',
          partnerships,
          errors: errorSummary(errors),
          fieldErrors: errorFor(errors),
        })
      }
      return reply.redirect('/dashboard', 303)
    },
  )

  app.get('/account', { config: { access: 'signed-in' } }, async (request, reply) => {
    const auth = request.auth
    if (!auth) return reply.redirect('/sign-in', 303)
    const memberships = await services.accounts.membershipsOf(auth.user.id)
    const otherSessions = Math.max(0, (await services.sessions.activeCount(auth.user.id)) - 1)
    return reply.view('account/views/account.njk', { title: 'Your account', memberships, otherSessions })
  })

  app.post('/account/sessions', { config: { access: 'signed-in' } }, async (request, reply) => {
    const auth = request.auth
    if (!auth) return reply.redirect('/sign-in', 303)
    await services.sessions.revokeAll(auth.user.id, request.sessionToken ?? undefined)
    return reply.redirect('/account?signedOutElsewhere=1', 303)
  })
}
