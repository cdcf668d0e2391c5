import type { FastifyInstance, FastifyReply } from 'fastify'
import type { FieldError } from '#platform/errors.ts'
import { errorFor, errorSummary, parseForm } from '#platform/http/forms.ts'
import { openToAnyoneLimit } from '#platform/http/rate-limit.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { interestForm } from './forms.ts'

/**
 * Register interest from the public catalogue, and the admin's list of who is waiting for
 * a course's date. Invitations go from a job (jobs.ts), not from here.
 */
export default async function interestRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const { interest, catalogue, courses } = services
  // Each request can end in an email, so it is limited per address like registering.
  const rateLimit = openToAnyoneLimit(services.config)

  async function formPage(
    reply: FastifyReply,
    slug: string,
    id: string,
    values: Record<string, string>,
    errors: FieldError[] = [],
  ) {
    const { partnership, course } = await catalogue.course(slug, id)
    return reply.status(errors.length ? 400 : 200).view('interest/views/interest.njk', {
      title: `Register your interest in ${course.title}`,
      partnership,
      course,
      values,
      errors: errorSummary(errors),
      fieldErrors: errorFor(errors),
      backLink: `/p/${partnership.slug}/courses/${course.id}`,
    })
  }

  app.get<{ Params: { slug: string; id: string } }>(
    '/p/:slug/courses/:id/interest',
    { config: { access: 'public' } },
    async (request, reply) => formPage(reply, request.params.slug, request.params.id, {}),
  )

  app.post<{ Params: { slug: string; id: string }; Body: Record<string, unknown> }>(
    '/p/:slug/courses/:id/interest',
    { config: { access: 'public', rateLimit } },
    async (request, reply) => {
      const { slug, id } = request.params
      const form = parseForm(interestForm, request.body)
      if (!form.ok) {
        const typed = request.body ?? {}
        const values = {
          name: typeof typed.name === 'string' ? typed.name : '',
          email: typeof typed.email === 'string' ? typed.email : '',
        }
        return formPage(reply, slug, id, values, form.errors)
      }
      const { partnership, course } = await catalogue.course(slug, id)
      const userId = request.auth?.via === 'session' ? request.auth.user.id : null
      await interest.register(partnership.slug, course.id, form.data, { userId, requestId: request.id })
      return reply.view('interest/views/registered.njk', {
        title: 'We will email you when there is a date',
        partnership,
        course,
        email: form.data.email,
      })
    },
  )

  app.get<{ Params: { id: string } }>(
    '/courses/:id/interest',
    { config: { access: ['admin'] } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const course = await courses.course(ctx, request.params.id)
      const requests = await interest.requests(ctx, course.id)
      return reply.view('interest/views/list.njk', {
        title: `Waiting for a date: ${course.title}`,
        course,
        requests,
        waiting: requests.filter((r) => !r.invitedAt).length,
        backLink: `/courses/${course.id}`,
      })
    },
  )
}
