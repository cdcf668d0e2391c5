import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { whenText } from '#features/sessions/messages.ts'
import type { FieldError } from '#platform/errors.ts'
import { ConflictError, ValidationError } from '#platform/errors.ts'
import { doneOf } from '#platform/http/done.ts'
import { errorFor, formText as text } from '#platform/http/forms.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { registerBanner, registerDone } from './done-banners.ts'
import type { Mark } from './rules.ts'
import { markNames, marks } from './rules.ts'

type Body = Record<string, unknown>
type Query = { done?: string; application?: string; person?: string; part?: string }
type IdRequest = FastifyRequest<{ Params: { id: string }; Body: Body }>
const markers = ['admin', 'trainer'] as const

/**
 * The register on screen, made for a phone in a training room: one page, one tap per person
 * per part. Every tap is its own small form, so a mark is saved the moment it is made and a
 * dropped connection loses nothing already tapped; marking again is harmless.
 */
export default async function registerRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const { register } = services

  async function page(request: IdRequest, reply: FastifyReply, errors: FieldError[] = [], values: Body = {}) {
    const sheet = await register.register(contextOf(request), request.params.id)
    const rows = sheet.rows.map((r) => ({
      ...r,
      byPart: Object.fromEntries(r.marks.map((m) => [m.part, m.mark])),
    }))
    return reply.status(errors.length ? 400 : 200).view('register/views/register.njk', {
      title: `Register: ${sheet.session.courseTitle}`,
      session: sheet.session,
      when: whenText(sheet.session).split('\n'),
      rows,
      parts: sheet.session.parts.map((_, i) => i + 1),
      marks,
      markNames,
      canMark: sheet.canMark,
      corrections: sheet.corrections,
      banner: errors.length
        ? undefined
        : registerBanner(
            doneOf(request.query, registerDone),
            sheet.rows,
            // Read only as words compared with the register's own, so a repeated key matches nothing.
            (request.query ?? {}) as Query,
            sheet.session.parts.length,
          ),
      values,
      errors: errors.map((e) => ({
        text: e.text,
        href: `#${values.personId ? `person-${values.personId}` : e.field}`,
      })),
      fieldErrors: errorFor(errors),
      backLink: `/sessions/${sheet.session.id}`,
    })
  }

  app.get<{ Params: { id: string }; Querystring: Query }>(
    '/sessions/:id/register',
    { config: { access: markers } },
    (request, reply) => page(request as IdRequest, reply),
  )

  app.post<{ Params: { id: string }; Body: Body }>(
    '/sessions/:id/register',
    { config: { access: markers } },
    async (request, reply) => {
      const body = request.body ?? {}
      const mark = text(body.mark) as Mark
      try {
        if (!marks.includes(mark)) throw new ValidationError([{ field: 'mark', text: 'Choose a mark' }])
        await register.mark(contextOf(request), request.params.id, [
          {
            personId: text(body.personId),
            part: Number(text(body.part)),
            mark,
            reason: text(body.reason) || null,
          },
        ])
      } catch (error) {
        if (error instanceof ValidationError)
          return page(
            request,
            reply,
            error.errors.map((e) => ({ ...e, field: 'reason' })),
            body,
          )
        throw error
      }
      // Back to the person just marked, whose part of the page says what was saved.
      const personId = text(body.personId)
      const query = new URLSearchParams({ done: 'marked', person: personId, part: text(body.part) })
      return reply.redirect(`/sessions/${request.params.id}/register?${query}#person-${personId}`, 303)
    },
  )

  app.post<{ Params: { id: string }; Body: Body }>(
    '/sessions/:id/register/walk-in',
    { config: { access: markers } },
    async (request, reply) => {
      const body = request.body ?? {}
      let added: string
      try {
        added = await register.walkInByEmail(
          contextOf(request),
          request.params.id,
          text(body.email),
          text(body.insteadOf) || null,
        )
      } catch (error) {
        if (error instanceof ValidationError)
          return page(request, reply, error.errors, { ...body, walkIn: true })
        if (error instanceof ConflictError)
          return page(request, reply, [{ field: 'email', text: error.message }], { ...body, walkIn: true })
        throw error
      }
      const query = new URLSearchParams({ done: 'walk-in', application: added })
      return reply.redirect(`/sessions/${request.params.id}/register?${query}`, 303)
    },
  )
}
