import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { answersFromForm } from '#features/evaluation/page-forms.ts'
import { whenText } from '#features/sessions/messages.ts'
import type { Context } from '#platform/context.ts'
import type { FieldError } from '#platform/errors.ts'
import { ConflictError, ValidationError } from '#platform/errors.ts'
import { doneOf } from '#platform/http/done.ts'
import { errorFor, errorSummary, formText as text } from '#platform/http/forms.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { bookingBanner, bookingDone } from './done-banners.ts'
import { whereText } from './emails.ts'
import type { Parsed } from './page-forms.ts'
import { applicationFromForm, staffChoiceFromForm, statusNames } from './page-forms.ts'
import { afterApplying } from './waiting-list.ts'

type Body = Record<string, unknown>
type IdRequest = FastifyRequest<{ Params: { id: string }; Body: Body }>

const appliers = ['practitioner', 'registrant', 'agency-lead', 'admin'] as const

/** A form's errors, or a refusal shown as one, on the page it came from. */
function problemsOf(error: unknown, field: string): FieldError[] | null {
  if (error instanceof ValidationError) return error.errors
  if (error instanceof ConflictError) return [{ field, text: error.message }]
  return null
}

/**
 * The booking pages: applying on screen, a person's own applications and places, and what
 * they (or their lead, or an admin) can do with one: accept an offer, cancel, pass it to a
 * colleague, move to another date.
 */
export default async function bookingRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const { booking } = services

  async function applyPage(request: IdRequest, reply: FastifyReply, values: Body, errors: FieldError[] = []) {
    const ctx = contextOf(request)
    const { session, refusal, self, atBooking, own } = await booking.applyingFor(ctx, request.params.id)
    const forOthers = ctx.actor.roles.some((r) => r === 'admin' || r === 'agency-lead')
    // A lead chooses from their staff; a search by name narrows a staff too large to list.
    const staffSearch = text((request.query as Body | undefined)?.staff)
    const staff = forOthers ? await booking.staffToChoose(ctx, staffSearch) : null
    return reply.status(errors.length ? 400 : 200).view('booking/views/apply.njk', {
      title: `Apply for ${session.courseTitle}`,
      session,
      when: whenText(session).split('\n'),
      where: whereText(session),
      refusal,
      self,
      forOthers,
      staff,
      staffSearch,
      isAdmin: ctx.actor.roles.includes('admin'),
      atBooking,
      own,
      // Applying for oneself, the line manager given at registration (or by the lead) is filled in.
      values: {
        forWhom: self ? 'self' : 'other',
        ...(self && !forOthers
          ? { managerName: self.managerName ?? '', managerEmail: self.managerEmail ?? '' }
          : {}),
        ...values,
      },
      errors: errorSummary(errors),
      fieldErrors: errorFor(errors),
    })
  }

  /** The person a lead or an admin chose to apply for: from their staff's list, or by work email. */
  async function chosenStaff(ctx: Context, body: Body): Promise<Parsed<string>> {
    const choice = staffChoiceFromForm(body)
    if (!choice.ok) return choice
    if ('personId' in choice.data) return { ok: true, data: choice.data.personId }
    try {
      return { ok: true, data: await booking.personByEmail(ctx, choice.data.email, 'personEmail') }
    } catch (error) {
      if (error instanceof ValidationError) return { ok: false, errors: error.errors }
      throw error
    }
  }

  app.get<{ Params: { id: string } }>(
    '/sessions/:id/apply',
    { config: { access: appliers } },
    (request, reply) => applyPage(request as IdRequest, reply, {}),
  )

  app.post<{ Params: { id: string }; Body: Body }>(
    '/sessions/:id/apply',
    { config: { access: appliers } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const body = request.body ?? {}
      try {
        if (body.forWhom === 'self') {
          // For oneself, as most apply: who and the questions are read with the application.
          const application = await booking.applyForSelf(ctx, request.params.id, (atBooking) => {
            const answers = atBooking
              ? answersFromForm(body, atBooking.questions, atBooking.objectives)
              : null
            const parsed = applicationFromForm(body, answers)
            return parsed.ok ? parsed.data : parsed.errors
          })
          return reply.redirect(afterApplying(application), 303)
        }
        if (body.forWhom !== 'other')
          return applyPage(request, reply, body, [{ field: 'forWhom', text: 'Select who the place is for' }])
        // Someone applied for by a colleague answers for themselves, from an emailed link.
        const [chosen, parsed] = [await chosenStaff(ctx, body), applicationFromForm(body, null)]
        if (!chosen.ok || !parsed.ok)
          return applyPage(request, reply, body, [
            ...(chosen.ok ? [] : chosen.errors),
            ...(parsed.ok ? [] : parsed.errors),
          ])
        const application = await booking.apply(ctx, request.params.id, {
          ...parsed.data,
          personId: chosen.data,
        })
        return reply.redirect(afterApplying(application), 303)
      } catch (error) {
        const problems = problemsOf(error, 'sessionId')
        if (problems) return applyPage(request, reply, body, problems)
        throw error
      }
    },
  )

  app.get('/bookings', { config: { access: 'signed-in' } }, async (request, reply) => {
    const ctx = contextOf(request)
    return reply.view('booking/views/mine.njk', {
      title: 'Your applications and places',
      places: await booking.mine(ctx),
      statusNames,
      leadsStaff: ctx.actor.roles.some((r) => r === 'admin' || r === 'agency-lead'),
    })
  })

  async function bookingPage(request: IdRequest, reply: FastifyReply, view: string, extra: Body = {}) {
    const ctx = contextOf(request)
    const place = await booking.booking(ctx, request.params.id)
    const errors = (extra.errorList as FieldError[] | undefined) ?? []
    // Someone else's application, seen by their lead (or an admin), belongs to the staff list.
    const staffList = !place.mine && ctx.actor.roles.some((r) => r === 'admin' || r === 'agency-lead')
    return reply.status(errors.length ? 400 : 200).view(`booking/views/${view}.njk`, {
      title: place.session.courseTitle,
      place,
      when: whenText(place.session).split('\n'),
      where: whereText(place.session),
      statusNames,
      isAdmin: ctx.actor.roles.includes('admin'),
      mayApprove:
        place.awaitingApproval &&
        (ctx.actor.roles.includes('admin') ||
          (ctx.actor.roles.includes('agency-lead') && ctx.actor.agencyIds.includes(place.agencyId))),
      staffList,
      values: {},
      // What the change that led here did, when the address names one and the place bears it out.
      banner: errors.length
        ? undefined
        : bookingBanner(doneOf(request.query, bookingDone), place, place.mine),
      // A form about the place goes back to the place; the place's own page to its list.
      backLink: extra.toList ? (staffList ? '/bookings/staff' : '/bookings') : `/bookings/${place.id}`,
      ...extra,
      errors: errorSummary(errors),
      fieldErrors: errorFor(errors),
    })
  }

  app.get<{ Params: { id: string }; Querystring: { done?: string } }>(
    '/bookings/:id',
    { config: { access: 'signed-in' } },
    (request, reply) => bookingPage(request as unknown as IdRequest, reply, 'booking', { toList: true }),
  )

  app.post<{ Params: { id: string } }>(
    '/bookings/:id/accept',
    { config: { access: 'signed-in' } },
    async (request, reply) => {
      try {
        await booking.accept(contextOf(request), request.params.id)
      } catch (error) {
        const problems = problemsOf(error, 'accept')
        if (problems) return bookingPage(request as IdRequest, reply, 'booking', { errorList: problems })
        throw error
      }
      return reply.redirect(`/bookings/${request.params.id}?done=accepted`, 303)
    },
  )

  app.post<{ Params: { id: string } }>(
    '/bookings/:id/approve',
    { config: { access: ['admin', 'agency-lead'] } },
    async (request, reply) => {
      try {
        await booking.approve(contextOf(request), request.params.id)
      } catch (error) {
        const problems = problemsOf(error, 'approve')
        if (problems) return bookingPage(request as IdRequest, reply, 'booking', { errorList: problems })
        throw error
      }
      return reply.redirect(`/bookings/${request.params.id}?done=approved`, 303)
    },
  )

  /** A form page about one place, whose POST does one thing and goes to the page act names, saying what it did. */
  function placeForm(
    path: string,
    view: string,
    field: string,
    act: (request: IdRequest, body: Body) => Promise<string>,
    extra: (request: IdRequest) => Promise<Body> = async () => ({}),
  ) {
    app.get<{ Params: { id: string } }>(path, { config: { access: 'signed-in' } }, async (request, reply) =>
      bookingPage(request as IdRequest, reply, view, await extra(request as IdRequest)),
    )
    app.post<{ Params: { id: string }; Body: Body }>(
      path,
      { config: { access: 'signed-in' } },
      async (request, reply) => {
        const body = request.body ?? {}
        try {
          return reply.redirect(await act(request, body), 303)
        } catch (error) {
          const problems = problemsOf(error, field)
          if (problems)
            return bookingPage(request, reply, view, {
              ...(await extra(request)),
              values: body,
              errorList: problems,
            })
          throw error
        }
      },
    )
  }

  placeForm('/bookings/:id/cancel', 'cancel', 'note', async (request, body) => {
    const note = text(body.note)
    if (note.length > 2000)
      throw new ValidationError([{ field: 'note', text: 'The note must be 2,000 characters or fewer' }])
    const { booking: ended } = await booking.cancel(contextOf(request), request.params.id, note || null)
    // A place held is cancelled; an application not yet given one is withdrawn.
    return `/bookings/${ended.id}?done=${ended.status === 'cancelled' ? 'cancelled' : 'withdrawn'}`
  })

  placeForm('/bookings/:id/substitute', 'substitute', 'personEmail', async (request, body) => {
    const ctx = contextOf(request)
    const place = await booking.booking(ctx, request.params.id)
    const personId = await booking.personByEmail(ctx, text(body.personEmail), 'personEmail', place.agencyId)
    const managerEmail = text(body.managerEmail)
    if (managerEmail && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(managerEmail))
      throw new ValidationError([
        {
          field: 'managerEmail',
          text: 'Enter the line manager’s email address in the correct format, like name@example.com',
        },
      ])
    const { booking: passed } = await booking.substitute(ctx, request.params.id, {
      personId,
      managerEmail: managerEmail || null,
    })
    return `/bookings/${passed.id}?done=passed`
  })

  placeForm(
    '/bookings/:id/move',
    'move',
    'sessionId',
    async (request, body) => {
      if (!text(body.sessionId))
        throw new ValidationError([{ field: 'sessionId', text: 'Select another date' }])
      await booking.move(contextOf(request), request.params.id, text(body.sessionId))
      return `/bookings/${request.params.id}?done=moved`
    },
    async (request) => {
      const ctx = contextOf(request)
      const place = await booking.booking(ctx, request.params.id)
      return { dates: await booking.otherDatesOf(ctx, place.session) }
    },
  )
}
