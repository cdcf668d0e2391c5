import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { ConflictError, ValidationError } from '#platform/errors.ts'
import { setSessionCookie } from '#platform/http/authentication.ts'
import { errorFor, errorSummary, parseForm } from '#platform/http/forms.ts'
import { openToAnyoneLimit } from '#platform/http/rate-limit.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { partnershipAfterSignIn } from '../service.ts'
import type { CodeOutcome, SecondFactorNeed } from './service.ts'
import { CHALLENGE_MINUTES, SECOND_FACTOR_LOCK_MINUTES } from './service.ts'

/** The cookie holding a sign-in that waits for its second factor: never a session. */
export const CHALLENGE_COOKIE = 'cascade_second_factor'

const VIEWS = 'account/two-factor/views'

const codeForm = z.object({
  code: z
    .string({ message: 'Enter the 6-digit code from your authenticator app' })
    .trim()
    .min(1, { message: 'Enter the 6-digit code from your authenticator app' })
    .max(20, { message: 'Enter the 6-digit code from your authenticator app' }),
})

const recoveryForm = z.object({
  code: z
    .string({ message: 'Enter one of your recovery codes' })
    .trim()
    .min(1, { message: 'Enter one of your recovery codes' })
    .max(40, { message: 'Enter a recovery code as it was shown, like abcde-fghjk' }),
})

const resetForm = z.object({
  reason: z
    .string({ message: 'Enter why you are resetting their second factor' })
    .trim()
    .min(1, { message: 'Enter why you are resetting their second factor' })
    .max(1000, { message: 'The reason must be 1,000 characters or fewer' }),
})

function refusal(outcome: Extract<CodeOutcome, { ok: false }>, recovery = false) {
  if (outcome.reason === 'locked')
    return [
      {
        field: 'code',
        text: `Too many wrong codes. Signing in with your second factor is paused for ${SECOND_FACTOR_LOCK_MINUTES} minutes; we have emailed you.`,
      },
    ]
  return [
    {
      field: 'code',
      text: recovery
        ? 'That recovery code is not right, or was used already'
        : 'That code is not right, or was used already. Enter the code your app shows now',
    },
  ]
}

/**
 * After the password or a sign-in link, instead of a session: a sign-in waiting for a code from
 * an authenticator app (or setting one up first, when the user's role needs one). Any session
 * the browser had ends, so nothing is signed in until the code is right.
 */
export async function beginSecondFactor(
  services: Services,
  request: FastifyRequest,
  reply: FastifyReply,
  userId: string,
  need: Exclude<SecondFactorNeed, null>,
  returnTo?: string,
) {
  if (request.sessionToken) await services.sessions.end(request.sessionToken)
  reply.clearCookie('cascade_session', { path: '/' })
  const token = await services.secondFactors.beginChallenge(userId, returnTo)
  reply.setCookie(CHALLENGE_COOKIE, token, {
    path: '/sign-in/second-factor',
    httpOnly: true,
    sameSite: 'lax',
    secure: services.config.production,
    maxAge: CHALLENGE_MINUTES * 60,
  })
  return reply.redirect(need === 'enrol' ? '/sign-in/second-factor/set-up' : '/sign-in/second-factor', 303)
}

/** Two-factor sign-in: the pages a waiting sign-in reaches, the account's own, and an admin's reset. */
export default async function secondFactorRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const { secondFactors } = services
  const limit = openToAnyoneLimit(services.config)
  const cookieOptions = { production: services.config.production, maxHours: services.config.sessionMaxHours }

  /** The waiting sign-in the browser holds, or undefined (the page then sends it to sign in). */
  async function waiting(request: FastifyRequest) {
    const token = request.cookies[CHALLENGE_COOKIE]
    const challenge = await secondFactors.challenge(token)
    return challenge && token ? { token, ...challenge } : undefined
  }

  /** The second factor is right: the waiting sign-in becomes a session, as a password alone makes. */
  async function completeSignIn(reply: FastifyReply, token: string, userId: string, returnTo?: string) {
    await secondFactors.endChallenge(token)
    reply.clearCookie(CHALLENGE_COOKIE, { path: '/sign-in/second-factor' })
    const memberships = await services.accounts.membershipsOf(userId)
    const partnershipId = partnershipAfterSignIn(memberships)
    setSessionCookie(reply, await services.sessions.start(userId, partnershipId), cookieOptions)
    if (memberships.length === 0) return reply.redirect('/account', 303)
    if (!partnershipId) return reply.redirect('/choose-partnership', 303)
    return reply.redirect(returnTo ?? '/dashboard', 303)
  }

  const expired = (reply: FastifyReply) => reply.redirect('/sign-in', 303)

  app.get('/sign-in/second-factor', { config: { access: 'public' } }, async (request, reply) => {
    const challenge = await waiting(request)
    if (!challenge) return expired(reply)
    if (!(await secondFactors.enrolled(challenge.userId)))
      return reply.redirect('/sign-in/second-factor/set-up', 303)
    return reply.view(`${VIEWS}/verify.njk`, { title: 'Enter the code from your authenticator app' })
  })

  app.post<{ Body: Record<string, unknown> }>(
    '/sign-in/second-factor',
    { config: { access: 'public', rateLimit: limit } },
    async (request, reply) => {
      const challenge = await waiting(request)
      if (!challenge) return expired(reply)
      const form = parseForm(codeForm, request.body)
      const outcome = form.ok ? await secondFactors.verifyCode(challenge.userId, form.data.code) : undefined
      if (outcome?.ok) return completeSignIn(reply, challenge.token, challenge.userId, challenge.returnTo)
      const errors = form.ok ? refusal(outcome as Extract<CodeOutcome, { ok: false }>) : form.errors
      return reply.status(outcome?.reason === 'locked' ? 429 : 400).view(`${VIEWS}/verify.njk`, {
        title: 'Enter the code from your authenticator app',
        errors: errorSummary(errors),
        fieldErrors: errorFor(errors),
      })
    },
  )

  app.get('/sign-in/second-factor/recovery', { config: { access: 'public' } }, async (request, reply) => {
    const challenge = await waiting(request)
    if (!challenge) return expired(reply)
    return reply.view(`${VIEWS}/recovery.njk`, {
      title: 'Enter a recovery code',
      backLink: '/sign-in/second-factor',
    })
  })

  app.post<{ Body: Record<string, unknown> }>(
    '/sign-in/second-factor/recovery',
    { config: { access: 'public', rateLimit: limit } },
    async (request, reply) => {
      const challenge = await waiting(request)
      if (!challenge) return expired(reply)
      const form = parseForm(recoveryForm, request.body)
      const outcome = form.ok
        ? await secondFactors.useRecoveryCode(challenge.userId, form.data.code)
        : undefined
      if (outcome?.ok) return completeSignIn(reply, challenge.token, challenge.userId, challenge.returnTo)
      const errors = form.ok ? refusal(outcome as Extract<CodeOutcome, { ok: false }>, true) : form.errors
      return reply.status(outcome?.reason === 'locked' ? 429 : 400).view(`${VIEWS}/recovery.njk`, {
        title: 'Enter a recovery code',
        backLink: '/sign-in/second-factor',
        errors: errorSummary(errors),
        fieldErrors: errorFor(errors),
      })
    },
  )

  /** The set-up page, for a waiting sign-in or from the account. */
  async function setUpPage(
    reply: FastifyReply,
    user: { id: string; email: string },
    options: {
      action: string
      required: boolean
      errors?: { field: string; text: string }[]
      status?: number
    },
  ) {
    const setUp = await secondFactors.setUp(user.id, user.email)
    return reply.status(options.status ?? 200).view(`${VIEWS}/set-up.njk`, {
      title: 'Set up two-factor sign-in',
      ...setUp,
      action: options.action,
      required: options.required,
      backLink: options.required ? undefined : '/account/second-factor',
      errors: options.errors && errorSummary(options.errors),
      fieldErrors: options.errors && errorFor(options.errors),
    })
  }

  /** A code confirmed the new key: the recovery codes, shown this once. */
  function recoveryCodesPage(reply: FastifyReply, recoveryCodes: string[], continueAction: string) {
    return reply.view(`${VIEWS}/recovery-codes.njk`, {
      title: 'Save your recovery codes',
      recoveryCodes,
      continueAction,
    })
  }

  async function confirmOrRefuse(
    request: FastifyRequest<{ Body: Record<string, unknown> }>,
    reply: FastifyReply,
    user: { id: string; email: string },
    options: { action: string; required: boolean; challengeToken?: string; continueAction: string },
  ) {
    const form = parseForm(codeForm, request.body)
    const outcome = form.ok
      ? await secondFactors.confirm(user.id, form.data.code, options.challengeToken)
      : undefined
    if (outcome?.ok) return recoveryCodesPage(reply, outcome.recoveryCodes, options.continueAction)
    const errors = form.ok ? refusal(outcome as Extract<CodeOutcome, { ok: false }>) : form.errors
    return setUpPage(reply, user, {
      ...options,
      errors,
      status: outcome?.ok === false && outcome.reason === 'locked' ? 429 : 400,
    })
  }

  app.get('/sign-in/second-factor/set-up', { config: { access: 'public' } }, async (request, reply) => {
    const challenge = await waiting(request)
    if (!challenge) return expired(reply)
    if (await secondFactors.enrolled(challenge.userId)) return reply.redirect('/sign-in/second-factor', 303)
    return setUpPage(
      reply,
      { id: challenge.userId, email: challenge.email },
      {
        action: '/sign-in/second-factor/set-up',
        required: true,
      },
    )
  })

  app.post<{ Body: Record<string, unknown> }>(
    '/sign-in/second-factor/set-up',
    { config: { access: 'public', rateLimit: limit } },
    async (request, reply) => {
      const challenge = await waiting(request)
      if (!challenge) return expired(reply)
      if (await secondFactors.enrolled(challenge.userId)) return reply.redirect('/sign-in/second-factor', 303)
      return confirmOrRefuse(
        request,
        reply,
        { id: challenge.userId, email: challenge.email },
        {
          action: '/sign-in/second-factor/set-up',
          required: true,
          challengeToken: challenge.token,
          continueAction: '/sign-in/second-factor/continue',
        },
      )
    },
  )

  // Only once the new second factor is confirmed, and its recovery codes shown, does the
  // waiting sign-in become a session.
  app.post('/sign-in/second-factor/continue', { config: { access: 'public' } }, async (request, reply) => {
    const challenge = await waiting(request)
    if (!challenge) return expired(reply)
    if (!challenge.enrolled) return reply.redirect('/sign-in/second-factor/set-up', 303)
    return completeSignIn(reply, challenge.token, challenge.userId, challenge.returnTo)
  })

  app.get('/account/second-factor', { config: { access: 'signed-in' } }, async (request, reply) => {
    const auth = request.auth
    if (!auth) return reply.redirect('/sign-in', 303)
    const enrolled = await secondFactors.enrolled(auth.user.id)
    return reply.view(`${VIEWS}/account.njk`, {
      title: 'Two-factor sign-in',
      enrolled,
      recoveryCodesLeft: enrolled ? await secondFactors.recoveryCodesLeft(auth.user.id) : 0,
      backLink: '/account',
    })
  })

  app.get('/account/second-factor/set-up', { config: { access: 'signed-in' } }, async (request, reply) => {
    const auth = request.auth
    if (!auth) return reply.redirect('/sign-in', 303)
    try {
      return await setUpPage(reply, auth.user, { action: '/account/second-factor/set-up', required: false })
    } catch (error) {
      if (error instanceof ConflictError) return reply.redirect('/account/second-factor', 303)
      throw error
    }
  })

  app.post<{ Body: Record<string, unknown> }>(
    '/account/second-factor/set-up',
    { config: { access: 'signed-in' } },
    async (request, reply) => {
      const auth = request.auth
      if (!auth) return reply.redirect('/sign-in', 303)
      if (await secondFactors.enrolled(auth.user.id)) return reply.redirect('/account/second-factor', 303)
      return confirmOrRefuse(request, reply, auth.user, {
        action: '/account/second-factor/set-up',
        required: false,
        continueAction: '/account/second-factor',
      })
    },
  )

  const admins = ['admin'] as const

  app.get<{ Params: { id: string } }>(
    '/people/:id/second-factor/reset',
    { config: { access: admins } },
    async (request, reply) => {
      const member = await secondFactors.memberOf(contextOf(request), request.params.id)
      return reply.view(`${VIEWS}/reset.njk`, {
        title: `Reset the second factor of ${member.name}`,
        member,
        values: {},
        backLink: `/people/${member.personId}`,
      })
    },
  )

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/people/:id/second-factor/reset',
    { config: { access: admins } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const member = await secondFactors.memberOf(ctx, request.params.id)
      const form = parseForm(resetForm, request.body)
      try {
        if (!form.ok) throw new ValidationError(form.errors)
        await secondFactors.reset(ctx, member.personId, form.data.reason)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return reply.status(400).view(`${VIEWS}/reset.njk`, {
          title: `Reset the second factor of ${member.name}`,
          member,
          values: { reason: typeof request.body?.reason === 'string' ? request.body.reason : '' },
          backLink: `/people/${member.personId}`,
          errors: errorSummary(error.errors),
          fieldErrors: errorFor(error.errors),
        })
      }
      return reply.view(`${VIEWS}/reset-done.njk`, {
        title: 'Second factor reset',
        member,
      })
    },
  )
}
