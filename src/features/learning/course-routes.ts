import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { londonDateOf, londonDateText } from '#platform/clock.ts'
import type { FieldError } from '#platform/errors.ts'
import { ConflictError, ValidationError } from '#platform/errors.ts'
import { doneOf } from '#platform/http/done.ts'
import { errorFor, errorSummary, parseForm } from '#platform/http/forms.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { words } from './page-words.ts'
import { productEditors } from './rules.ts'

const linkForm = z.object({
  productId: z.uuid({ message: 'Select a product from the list' }),
  purpose: z.enum(['pre_reading', 'follow_up'], {
    message: 'Select whether it is read before or after the course',
  }),
  sessionId: z
    .union([z.literal(''), z.uuid({ message: 'Select a date of this course' })])
    .optional()
    .transform((v) => v || null),
})

const banners = {
  given: { heading: 'Product given with the course' },
  removed: { heading: 'Product no longer given with the course' },
} as const

/** Giving learning products with a course, as reading before it or follow-up after it. */
export default async function courseLearningRoutes(
  app: FastifyInstance,
  { services }: { services: Services },
) {
  const { learning } = services

  async function linksPage(
    request: FastifyRequest<{ Params: { id: string } }>,
    reply: FastifyReply,
    sent: { values?: Record<string, unknown>; errors?: FieldError[]; status?: number } = {},
  ) {
    const ctx = contextOf(request)
    const course = await services.courses.course(ctx, request.params.id)
    const { items: sessions } = await services.courseSessions.list(ctx, {
      courseId: course.id,
      from: londonDateOf(services.clock.now()),
      page: 1,
      pageSize: 100,
    })
    const done = doneOf(request.query, Object.keys(banners) as (keyof typeof banners)[])
    return reply.status(sent.status ?? 200).view('learning/views/course-links.njk', {
      ...words,
      title: 'Learning products for this course',
      course,
      links: await learning.ofCourse(ctx, ctx.partnership.id, course.id),
      products: await learning.publishedChoices(ctx),
      sessions: sessions.map((s) => ({ id: s.id, date: londonDateText(new Date(s.startsAt)) })),
      values: sent.values ?? {},
      errors: (sent.errors ?? []).map((e) =>
        e.field === 'form' ? { text: e.text } : { text: e.text, href: errorSummary([e])[0]?.href },
      ),
      fieldErrors: errorFor(sent.errors ?? []),
      banner: done ? banners[done] : null,
      backLink: `/courses/${course.id}`,
    })
  }

  app.get<{ Params: { id: string } }>(
    '/courses/:id/learning',
    { config: { access: productEditors } },
    (request, reply) => linksPage(request, reply),
  )

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/courses/:id/learning',
    { config: { access: productEditors } },
    async (request, reply) => {
      const body = request.body ?? {}
      const values = Object.fromEntries(
        Object.entries(body).map(([k, v]) => [k, typeof v === 'string' ? v : '']),
      )
      const form = parseForm(linkForm, body)
      if (!form.ok) return linksPage(request, reply, { values, errors: form.errors, status: 400 })
      try {
        await learning.linkToCourse(contextOf(request), request.params.id, form.data)
      } catch (error) {
        if (error instanceof ValidationError)
          return linksPage(request, reply, { values, errors: [...error.errors], status: 400 })
        if (error instanceof ConflictError)
          return linksPage(request, reply, {
            values,
            errors: [{ field: 'form', text: error.message }],
            status: 409,
          })
        throw error
      }
      return reply.redirect(`/courses/${request.params.id}/learning?done=given`, 303)
    },
  )

  app.post<{ Params: { id: string; linkId: string } }>(
    '/courses/:id/learning/:linkId/remove',
    { config: { access: productEditors } },
    async (request, reply) => {
      await learning.unlinkFromCourse(contextOf(request), request.params.id, request.params.linkId)
      return reply.redirect(`/courses/${request.params.id}/learning?done=removed`, 303)
    },
  )
}
