import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { activeAgencies } from '#features/directory/queries.ts'
import { partnershipsOf } from '#platform/auth/identity.ts'
import { scopeOf } from '#platform/context.ts'
import { ValidationError } from '#platform/errors.ts'
import { setSessionCookie } from '#platform/http/authentication.ts'
import { doneOf } from '#platform/http/done.ts'
import { errorFor, errorSummary, parseForm } from '#platform/http/forms.ts'
import { openToAnyoneLimit } from '#platform/http/rate-limit.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { safeReturnPath } from '../forms.ts'
import {
  BLANK_DOMAIN_ROWS,
  chooseProviderForm,
  organisationSignInForm,
  pageErrors,
  providerChangeSchema,
  providerFromPage,
  providerSchema,
} from './forms.ts'
import type { IdentityProvider, SignOnProblem } from './service.ts'
import { SIGN_ON_MINUTES } from './service.ts'

const admins = ['admin'] as const

/** The browser's half of a sign-in on its way to a provider: without it the callback is refused. */
export const SIGN_ON_COOKIE = 'cascade_sign_on'
const CALLBACK_PATH = '/sign-in/organisation'

/** The page each problem shows, with its status: the person reads why, and what to do instead. */
function problemPage(problem: SignOnProblem): {
  status: number
  title: string
  view: string
  problem: SignOnProblem
} {
  const view = 'account/sso/views/problem.njk'
  switch (problem.kind) {
    case 'used-or-expired':
      return { status: 400, view, problem, title: 'That sign-in has already been used or has expired' }
    case 'unavailable':
      return { status: 502, view, problem, title: 'Your organisation’s sign-in is not available' }
    case 'refused':
      return { status: 400, view, problem, title: 'Your organisation’s sign-in could not be accepted' }
    case 'not-mapped':
      return { status: 400, view, problem, title: 'Your organisation’s account cannot be used to sign in' }
    case 'not-confirmed':
      return { status: 403, view, problem, title: 'You cannot sign in to this partnership' }
    case 'disabled':
      return { status: 403, view, problem, title: 'Your account has been turned off' }
  }
}

type FormRow = { index: number; domain: string; agencyId: string; trusted: boolean }

/** The page's rows: those saved (or submitted), then blank ones for new domains. */
function rowsOf(domains: readonly { domain: string; agencyId: string; trusted: boolean }[]): FormRow[] {
  const rows = domains.map((d, index) => ({
    index,
    domain: d.domain,
    agencyId: d.agencyId,
    trusted: d.trusted,
  }))
  for (let i = 0; i < BLANK_DOMAIN_ROWS; i++)
    rows.push({ index: rows.length, domain: '', agencyId: '', trusted: false })
  return rows
}

/**
 * Single sign-on: signing in with an organisation's account (public), and the partnership's
 * identity providers (admins).
 */
export default async function signOnRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const { signOn } = services
  const signInRateLimit = openToAnyoneLimit(services.config)
  const cookieOptions = { production: services.config.production, maxHours: services.config.sessionMaxHours }

  async function signInPage(
    reply: FastifyReply,
    status: number,
    values: Record<string, unknown>,
    errors = [] as { field: string; text: string }[],
  ) {
    return reply.status(status).view('account/views/sign-in.njk', {
      title: 'Sign in',
      partnerships: await services.partnerships.list(),
      values,
      returnTo: values.returnTo,
      ...(errors.length ? { errors: errorSummary(errors), fieldErrors: errorFor(errors) } : {}),
    })
  }

  async function go(reply: FastifyReply, providerId: string, email: string, returnTo: string | undefined) {
    const started = await signOn.start(providerId, email, returnTo)
    if (!started.ok) {
      const page = problemPage(started.problem)
      return reply.status(page.status).view(page.view, { title: page.title, problem: page.problem })
    }
    reply.setCookie(SIGN_ON_COOKIE, started.browserToken, {
      path: CALLBACK_PATH,
      httpOnly: true,
      // Lax, so the cookie comes back on the provider's redirect, a top-level navigation.
      sameSite: 'lax',
      secure: services.config.production,
      maxAge: SIGN_ON_MINUTES * 60,
    })
    return reply.header('cache-control', 'no-store').view('account/sso/views/continue.njk', {
      title: 'Signing you in with your organisation’s account',
      url: started.url,
    })
  }

  app.post<{ Body: Record<string, unknown> }>(
    '/sign-in/organisation',
    { config: { access: 'public', rateLimit: signInRateLimit } },
    async (request, reply) => {
      const returnTo = safeReturnPath(request.body?.returnTo)
      const form = parseForm(organisationSignInForm, request.body)
      const typed = typeof request.body?.organisationEmail === 'string' ? request.body.organisationEmail : ''
      if (!form.ok) return signInPage(reply, 400, { organisationEmail: typed, returnTo }, form.errors)
      const email = form.data.organisationEmail
      const providers = await signOn.providersFor(email)
      const [only] = providers
      if (!only) {
        const page = problemPage({
          kind: 'not-mapped',
          domain: email.slice(email.lastIndexOf('@') + 1).toLowerCase(),
        })
        return reply.status(page.status).view(page.view, { title: page.title, problem: page.problem })
      }
      if (providers.length === 1) return go(reply, only.providerId, email, returnTo)
      return reply.view('account/sso/views/choose.njk', {
        title: 'Which partnership do you want to sign in to?',
        providers,
        email,
        returnTo,
        backLink: '/sign-in',
      })
    },
  )

  app.post<{ Body: Record<string, unknown> }>(
    '/sign-in/organisation/choose',
    { config: { access: 'public', rateLimit: signInRateLimit } },
    async (request, reply) => {
      const returnTo = safeReturnPath(request.body?.returnTo)
      const form = parseForm(chooseProviderForm, request.body)
      if (!form.ok) {
        const email =
          typeof request.body?.organisationEmail === 'string' ? request.body.organisationEmail : ''
        const providers = email ? await signOn.providersFor(email) : []
        if (providers.length === 0)
          return signInPage(reply, 400, { organisationEmail: email, returnTo }, form.errors)
        return reply.status(400).view('account/sso/views/choose.njk', {
          title: 'Which partnership do you want to sign in to?',
          providers,
          email,
          returnTo,
          backLink: '/sign-in',
          errors: errorSummary(form.errors),
          fieldErrors: errorFor(form.errors),
        })
      }
      return go(reply, form.data.providerId, form.data.organisationEmail, returnTo)
    },
  )

  app.get<{ Querystring: Record<string, string> }>(
    '/sign-in/organisation/callback',
    { config: { access: 'public', rateLimit: signInRateLimit } },
    async (request: FastifyRequest<{ Querystring: Record<string, string> }>, reply) => {
      const query = Object.fromEntries(
        Object.entries(request.query ?? {}).filter(([, value]) => typeof value === 'string'),
      )
      const outcome = await signOn.finish(query, request.cookies[SIGN_ON_COOKIE])
      reply.clearCookie(SIGN_ON_COOKIE, { path: CALLBACK_PATH })
      if (!outcome.ok) {
        const page = problemPage(outcome.problem)
        return reply.status(page.status).view(page.view, { title: page.title, problem: page.problem })
      }
      // The provider's own second factor stands for Cascade's: the session starts here.
      const token = await services.sessions.start(
        outcome.userId,
        outcome.partnershipId,
        request.sessionToken ?? undefined,
      )
      setSessionCookie(reply, token, cookieOptions)
      if (partnershipsOf(outcome.memberships).length === 0) return reply.redirect('/account', 303)
      return reply.redirect(safeReturnPath(outcome.returnTo) ?? '/dashboard', 303)
    },
  )

  // Admin pages: the partnership's identity providers.

  async function agenciesFor(request: FastifyRequest) {
    return services.db.tenant(scopeOf(contextOf(request)), (sql) => activeAgencies(sql))
  }

  async function formPage(
    request: FastifyRequest,
    reply: FastifyReply,
    options: {
      status?: number
      provider?: IdentityProvider
      values: {
        name: string
        issuer: string
        clientId: string
        passwordsOff: boolean
        domains: { domain: string; agencyId: string; trusted: boolean }[]
      }
      errors?: { field: string; text: string }[]
    },
  ) {
    const errors = options.errors ?? []
    return reply.status(options.status ?? 200).view('account/sso/views/form.njk', {
      title: options.provider ? `Change ${options.provider.name}` : 'Add an identity provider',
      provider: options.provider,
      values: options.values,
      rows: rowsOf(options.values.domains),
      agencies: await agenciesFor(request),
      callbackUrl: `${services.config.publicUrl}/sign-in/organisation/callback`,
      backLink: '/identity-providers',
      ...(errors.length ? { errors: errorSummary(errors), fieldErrors: errorFor(errors) } : {}),
    })
  }

  app.get<{ Querystring: { done?: string } }>(
    '/identity-providers',
    { config: { access: admins } },
    async (request, reply) => {
      const providers = await signOn.list(contextOf(request))
      return reply.view('account/sso/views/list.njk', {
        title: 'Single sign-on',
        providers,
        done: doneOf(request.query, ['added', 'changed', 'removed'] as const),
      })
    },
  )

  app.get('/identity-providers/new', { config: { access: admins } }, async (request, reply) =>
    formPage(request, reply, {
      values: { name: '', issuer: '', clientId: '', passwordsOff: false, domains: [] },
    }),
  )

  app.post<{ Body: Record<string, unknown> }>(
    '/identity-providers/new',
    { config: { access: admins } },
    async (request, reply) => {
      const { input, rows } = providerFromPage(request.body ?? {}, true)
      const parsed = parseForm(providerSchema, input)
      try {
        if (!parsed.ok) throw new ValidationError(parsed.errors)
        await signOn.create(contextOf(request), parsed.data)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return formPage(request, reply, {
          status: 400,
          values: input,
          errors: pageErrors(error.errors, rows),
        })
      }
      return reply.redirect('/identity-providers?done=added', 303)
    },
  )

  app.get<{ Params: { id: string } }>(
    '/identity-providers/:id',
    { config: { access: admins } },
    async (request, reply) => {
      const provider = await signOn.provider(contextOf(request), request.params.id)
      return formPage(request, reply, { provider, values: provider })
    },
  )

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/identity-providers/:id',
    { config: { access: admins } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const provider = await signOn.provider(ctx, request.params.id)
      const { input, rows } = providerFromPage(request.body ?? {}, false)
      const parsed = parseForm(providerChangeSchema.required({ domains: true }), input)
      try {
        if (!parsed.ok) throw new ValidationError(parsed.errors)
        await signOn.update(ctx, provider.id, parsed.data)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return formPage(request, reply, {
          status: 400,
          provider,
          values: input,
          errors: pageErrors(error.errors, rows),
        })
      }
      return reply.redirect('/identity-providers?done=changed', 303)
    },
  )

  app.get<{ Params: { id: string } }>(
    '/identity-providers/:id/remove',
    { config: { access: admins } },
    async (request, reply) => {
      const provider = await signOn.provider(contextOf(request), request.params.id)
      return reply.view('account/sso/views/remove.njk', {
        title: `Remove ${provider.name}`,
        provider,
        backLink: `/identity-providers/${provider.id}`,
      })
    },
  )

  app.post<{ Params: { id: string } }>(
    '/identity-providers/:id/remove',
    { config: { access: admins } },
    async (request, reply) => {
      await signOn.remove(contextOf(request), request.params.id)
      return reply.redirect('/identity-providers?done=removed', 303)
    },
  )
}
