import type { FastifyInstance, FastifyReply } from 'fastify'
import type { FieldError } from '#platform/errors.ts'
import { ValidationError } from '#platform/errors.ts'
import { doneOf } from '#platform/http/done.ts'
import { errorFor, errorSummary, parseForm } from '#platform/http/forms.ts'
import { openToAnyoneLimit } from '#platform/http/rate-limit.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { statusNames } from '../page-forms.ts'
import { registrationBanner, registrationDone } from './done-banners.ts'
import { registrationForm, rejectionForm } from './forms.ts'
import { JOIN_LINK_DAYS } from './join-links.ts'

const deciders = ['admin', 'agency-lead'] as const

function joinExpired(reply: FastifyReply, partnership: { slug: string; name: string }) {
  return reply.status(400).view('directory/registration/views/join-expired.njk', {
    title: 'That link has expired',
    partnership,
    days: JOIN_LINK_DAYS,
  })
}

/**
 * Self-registration from the public pages, the lead's list of registrations to decide, and
 * a practitioner's own record, which is all a registrant sees until they are confirmed.
 */
export default async function registrationRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const { registrations } = services
  // Registering sends email, so it is limited per address like signing in.
  const rateLimit = openToAnyoneLimit(services.config)

  app.get<{ Params: { slug: string } }>(
    '/p/:slug/register',
    { config: { access: 'public' } },
    async (request, reply) => {
      const { partnership, agencies } = await registrations.form(request.params.slug)
      return reply.view('directory/registration/views/register.njk', {
        title: `Register with ${partnership.name}`,
        partnership,
        agencies,
        values: {},
      })
    },
  )

  app.post<{ Params: { slug: string }; Body: Record<string, unknown> }>(
    '/p/:slug/register',
    { config: { access: 'public', rateLimit } },
    async (request, reply) => {
      const { partnership, agencies } = await registrations.form(request.params.slug)
      const again = (errors: FieldError[]) =>
        reply.status(400).view('directory/registration/views/register.njk', {
          title: `Register with ${partnership.name}`,
          partnership,
          agencies,
          values: Object.fromEntries(
            Object.entries(request.body ?? {}).map(([k, v]) => [k, typeof v === 'string' ? v : '']),
          ),
          errors: errorSummary(errors),
          fieldErrors: errorFor(errors),
        })
      const form = parseForm(registrationForm, request.body)
      if (!form.ok) return again(form.errors)
      try {
        await registrations.register(partnership.slug, form.data, request.id)
      } catch (error) {
        if (error instanceof ValidationError) return again(error.errors)
        throw error
      }
      return reply.view('directory/registration/views/registered.njk', {
        title: 'Check your email',
        partnership,
        email: form.data.email,
      })
    },
  )

  // The owner of an account confirms a registration made with its address. The link opens a
  // page with a button, so a mail scanner following links confirms nothing. The sealed link is
  // longer than a path segment may be, so it goes in the query and the form.
  app.get<{ Params: { slug: string }; Querystring: { link?: string } }>(
    '/p/:slug/register/join',
    { config: { access: 'public' } },
    async (request, reply) => {
      const token = String(request.query.link ?? '')
      const { partnership, registration, agencyName } = await registrations.joining(
        request.params.slug,
        token,
      )
      if (!registration) return joinExpired(reply, partnership)
      return reply.view('directory/registration/views/join.njk', {
        title: 'Confirm your registration',
        partnership,
        registration,
        agencyName,
        token,
      })
    },
  )

  app.post<{ Params: { slug: string }; Body: Record<string, unknown> }>(
    '/p/:slug/register/join',
    { config: { access: 'public', rateLimit } },
    async (request, reply) => {
      const token = typeof request.body?.link === 'string' ? request.body.link : ''
      const { partnership, joined } = await registrations.join(request.params.slug, token, request.id)
      if (!joined) return joinExpired(reply, partnership)
      return reply.view('directory/registration/views/joined.njk', {
        title: `You have registered with ${partnership.name}`,
        partnership,
      })
    },
  )

  app.get<{ Querystring: { done?: string; person?: string } }>(
    '/registrations',
    { config: { access: deciders } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const done = doneOf(request.query, registrationDone)
      // The person just decided, named in the banner: only one the actor could decide, once decided.
      const decided =
        done && request.query.person ? await registrations.decided(ctx, request.query.person) : undefined
      return reply.view('directory/registration/views/registrations.njk', {
        title: 'Registrations to confirm',
        registrations: await registrations.pending(ctx),
        banner: registrationBanner(done, decided),
      })
    },
  )

  /** The list again, saying what was decided and for whom. */
  const decidedPath = (done: (typeof registrationDone)[number], id: string) =>
    `/registrations?${new URLSearchParams({ done, person: id })}`

  app.post<{ Params: { id: string } }>(
    '/registrations/:id/confirm',
    { config: { access: deciders } },
    async (request, reply) => {
      await registrations.confirm(contextOf(request), request.params.id)
      return reply.redirect(decidedPath('confirmed', request.params.id), 303)
    },
  )

  app.get<{ Params: { id: string } }>(
    '/registrations/:id/reject',
    { config: { access: deciders } },
    async (request, reply) => {
      const registration = await registrations.registration(contextOf(request), request.params.id)
      return reply.view('directory/registration/views/reject.njk', {
        title: `Not confirm ${registration.firstName} ${registration.lastName}`,
        registration,
        values: {},
        backLink: '/registrations',
      })
    },
  )

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/registrations/:id/reject',
    { config: { access: deciders } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const form = parseForm(rejectionForm, request.body)
      if (!form.ok) {
        const registration = await registrations.registration(ctx, request.params.id)
        return reply.status(400).view('directory/registration/views/reject.njk', {
          title: `Not confirm ${registration.firstName} ${registration.lastName}`,
          registration,
          values: { reason: typeof request.body?.reason === 'string' ? request.body.reason : '' },
          backLink: '/registrations',
          errors: errorSummary(form.errors),
          fieldErrors: errorFor(form.errors),
        })
      }
      await registrations.reject(ctx, request.params.id, form.data.reason)
      return reply.redirect(decidedPath('rejected', request.params.id), 303)
    },
  )

  app.get('/my-record', { config: { access: 'signed-in' } }, async (request, reply) =>
    reply.view('directory/registration/views/my-record.njk', {
      title: 'Your record',
      person: await registrations.ownRecord(contextOf(request)),
      statusNames,
    }),
  )
}
