import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { FieldError } from '#platform/errors.ts'
import { ConflictError, NotFoundError, ValidationError } from '#platform/errors.ts'
import { errorFor, errorSummary, formText as text } from '#platform/http/forms.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { statusNames } from './page-forms.ts'

type Body = Record<string, unknown>
type IdRequest = FastifyRequest<{ Params: { id: string }; Body: Body }>

const admins = ['admin'] as const

/**
 * The admin's view of a session's places: allocate them, review the proposal with its
 * reasons, move people, confirm (which tells everyone), and keep the waiting list in order.
 */
export default async function placesRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const { booking, courseSessions } = services

  async function placesPage(request: IdRequest, reply: FastifyReply, errors: FieldError[] = [], notice = '') {
    const ctx = contextOf(request)
    const session = await courseSessions.session(ctx, request.params.id)
    const allocation = await booking.allocation(ctx, session.id)
    const open =
      session.status === 'open' && !allocation.confirmedAt && session.startsAt > services.clock.now()
    return reply.status(errors.length ? 400 : 200).view('booking/views/places.njk', {
      title: `Places on ${session.courseTitle}`,
      session,
      allocation,
      proposing: open,
      proposed: open && allocation.proposedAt !== null,
      statusNames,
      notice,
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
  ) {
    app.post<{ Params: { id: string }; Body: Body }>(
      path,
      { config: { access: admins } },
      async (request, reply) => {
        try {
          const notice = await work(request, request.body ?? {})
          if (notice) return placesPage(request, reply, [], notice)
          return reply.redirect(`/sessions/${request.params.id}/places`, 303)
        } catch (error) {
          if (error instanceof ValidationError) return placesPage(request, reply, error.errors)
          if (error instanceof ConflictError)
            return placesPage(request, reply, [{ field, text: error.message }])
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

  app.get<{ Params: { id: string } }>(
    '/sessions/:id/places',
    { config: { access: admins } },
    (request, reply) => placesPage(request as IdRequest, reply),
  )

  act('/sessions/:id/places/propose', 'propose', async (request) => {
    const allocation = await booking.propose(contextOf(request), request.params.id)
    return allocation.message ?? undefined
  })

  act('/sessions/:id/places/confirm', 'confirm', async (request) => {
    await booking.confirm(contextOf(request), request.params.id)
    return undefined
  })

  act('/sessions/:id/places/move', 'reason', async (request, body) => {
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
  })

  act('/sessions/:id/places/reorder', 'position', async (request, body) => {
    await booking.reorderWaiting(
      contextOf(request),
      await onThisSession(request, body),
      Number(text(body.position)),
      text(body.reason),
    )
    return undefined
  })
}
