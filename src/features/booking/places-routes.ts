import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { londonDateOf } from '#platform/clock.ts'
import type { FieldError } from '#platform/errors.ts'
import { ConflictError, NotFoundError, ValidationError } from '#platform/errors.ts'
import { doneOf } from '#platform/http/done.ts'
import { errorFor, errorSummary, formText as text } from '#platform/http/forms.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import type { PlacesDone } from './done-banners.ts'
import { placesBanner, placesDone } from './done-banners.ts'
import { statusNames } from './page-forms.ts'
import { shortlistingTime } from './rules.ts'

type Body = Record<string, unknown>
type IdRequest = FastifyRequest<{
  Params: { id: string }
  Body: Body
  Querystring: { done?: string; application?: string }
}>

const admins = ['admin'] as const

/**
 * The admin's view of a session's places: allocate them, review the proposal with its
 * reasons, move people, confirm (which tells everyone), and keep the waiting list in order.
 */
export default async function placesRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const { booking, courseSessions } = services

  /** The session, its allocation, and when its applications close under the policy of today. */
  async function placesOf(request: IdRequest) {
    const ctx = contextOf(request)
    const now = services.clock.now()
    const session = await courseSessions.session(ctx, request.params.id)
    const [allocation, rules] = await Promise.all([
      booking.allocation(ctx, session.id),
      services.policy.rulesOn(ctx, londonDateOf(now)),
    ])
    const closesAt = shortlistingTime(session, rules.shortlistingLeadWeeks)
    return { session, allocation, rules, closesAt, early: now < closesAt }
  }

  async function placesPage(request: IdRequest, reply: FastifyReply, errors: FieldError[] = [], notice = '') {
    const { session, allocation, closesAt, early } = await placesOf(request)
    const open =
      session.status === 'open' && !allocation.confirmedAt && session.startsAt > services.clock.now()
    const taken = allocation.allocated.filter(
      (a) => a.status === 'confirmed' || a.status === 'offered',
    ).length
    return reply.status(errors.length ? 400 : 200).view('booking/views/places.njk', {
      title: `Places on ${session.courseTitle}`,
      session,
      allocation,
      proposing: open,
      proposed: open && allocation.proposedAt !== null,
      closesAt,
      early,
      started: session.startsAt <= services.clock.now(),
      free: allocation.confirmedAt ? Math.max(0, session.capacity - taken) : 0,
      statusNames,
      notice,
      banner: errors.length
        ? undefined
        : placesBanner(doneOf(request.query, placesDone), allocation, request.query?.application),
      errors: errorSummary(errors),
      fieldErrors: errorFor(errors),
      backLink: `/sessions/${session.id}`,
    })
  }

  /** Does one thing to the session's places, then shows them again, with any problem on the page. */
  function act(
    path: string,
    field: string,
    work: (request: IdRequest, body: Body) => Promise<string | undefined>,
    done: PlacesDone,
    ask?: (request: IdRequest, reply: FastifyReply) => Promise<boolean>,
  ) {
    app.post<{ Params: { id: string }; Body: Body }>(
      path,
      { config: { access: admins } },
      async (request, reply) => {
        try {
          // A reply is thenable, so the step says only whether it answered.
          if (ask && (await ask(request as IdRequest, reply))) return reply
          const notice = await work(request as IdRequest, request.body ?? {})
          if (notice) return placesPage(request as IdRequest, reply, [], notice)
          // A change to one person names them, by the application the form named and the work found here.
          const about = text(request.body?.applicationId)
          const query = new URLSearchParams(about ? { done, application: about } : { done })
          return reply.redirect(`/sessions/${request.params.id}/places?${query}`, 303)
        } catch (error) {
          if (error instanceof ValidationError) return placesPage(request as IdRequest, reply, error.errors)
          if (error instanceof ConflictError)
            return placesPage(request as IdRequest, reply, [{ field, text: error.message }])
          throw error
        }
      },
    )
  }

  /** The application the form names, only if it is on this page's session. */
  async function onThisSession(request: IdRequest, body: Body): Promise<string> {
    const place = await booking.booking(contextOf(request), text(body.applicationId))
    if (place.sessionId !== request.params.id) throw new NotFoundError('Application')
    return place.id
  }

  app.get<{ Params: { id: string }; Querystring: { done?: string; application?: string } }>(
    '/sessions/:id/places',
    { config: { access: admins } },
    (request, reply) => placesPage(request as IdRequest, reply),
  )

  /**
   * Allocating or confirming before the session's applications close says what it does and
   * asks to be confirmed: the form posts again with `early=confirmed`. A new draw of a proposal
   * already made early needs no second warning.
   */
  function earlyStep(step: 'propose' | 'confirm') {
    return async (request: IdRequest, reply: FastifyReply): Promise<boolean> => {
      if (text(request.body?.early) === 'confirmed') return false
      const { session, allocation, rules, closesAt, early } = await placesOf(request)
      if (!early || (step === 'propose' && allocation.proposedAt) || session.status !== 'open') return false
      const applicants = (await booking.applications(contextOf(request), session.id)).filter(
        (a) => a.status !== 'cancelled' && a.status !== 'withdrawn',
      ).length
      reply.view('booking/views/places-early.njk', {
        title:
          step === 'propose'
            ? 'Allocate places before applications close?'
            : 'Confirm places before applications close?',
        session,
        step,
        closesAt,
        applicants,
        allocated: allocation.allocated.length,
        offerResponseHours: rules.offerResponseHours,
        backLink: `/sessions/${session.id}/places`,
      })
      return true
    }
  }

  const proposeEarly = earlyStep('propose')
  act(
    '/sessions/:id/places/propose',
    'propose',
    async (request) => {
      const allocation = await booking.propose(contextOf(request), request.params.id)
      return allocation.message ?? undefined
    },
    'proposed',
    proposeEarly,
  )

  const confirmEarly = earlyStep('confirm')
  act(
    '/sessions/:id/places/confirm',
    'confirm',
    async (request) => {
      await booking.confirm(contextOf(request), request.params.id)
      return undefined
    },
    'confirmed',
    confirmEarly,
  )

  act(
    '/sessions/:id/places/move',
    'reason',
    async (request, body) => {
      const to = text(body.to)
      if (to !== 'allocated' && to !== 'waiting')
        throw new ValidationError([
          { field: 'reason', text: 'Choose whether to give a place or move to the waiting list' },
        ])
      await booking.moveInProposal(
        contextOf(request),
        await onThisSession(request, body),
        to,
        text(body.reason),
      )
      return undefined
    },
    'moved',
  )

  act(
    '/sessions/:id/places/reorder',
    'position',
    async (request, body) => {
      await booking.reorderWaiting(
        contextOf(request),
        await onThisSession(request, body),
        Number(text(body.position)),
        text(body.reason),
      )
      return undefined
    },
    'reordered',
  )
}
