import type { FastifyInstance } from 'fastify'
import { ValidationError } from '#platform/errors.ts'
import { errorFor, errorSummary, parseOrThrow } from '#platform/http/forms.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { sendExport } from './download.ts'
import { erasureForm, kindNames, outcomeNames, REASON_LIMIT } from './forms.ts'

const admin = ['admin'] as const

/** A person's subject access and erasure requests: the list, the download, and the erasure with its check. */
export default async function subjectRequestRoutes(
  app: FastifyInstance,
  { services }: { services: Services },
) {
  const { subjectRequests } = services

  const textOf = (body: unknown, field: string, limit: number) => {
    const value = (body as Record<string, unknown> | undefined)?.[field]
    return typeof value === 'string' ? value.slice(0, limit + 1) : ''
  }

  app.get<{ Params: { id: string } }>(
    '/people/:id/data-requests',
    { config: { access: admin } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const person = await subjectRequests.subject(ctx, request.params.id)
      return reply.view('privacy/subject-requests/views/requests.njk', {
        title: `Personal data of ${person.firstName} ${person.lastName}`,
        person,
        requests: await subjectRequests.history(ctx, person.id),
        kindNames,
        outcomeNames,
        backLink: `/people/${person.id}`,
      })
    },
  )

  // A form's button rather than a link: each download is recorded, which a prefetch must not do.
  app.post<{ Params: { id: string } }>(
    '/people/:id/data-requests/export',
    { config: { access: admin } },
    async (request, reply) => {
      const file = await subjectRequests.export(contextOf(request), request.params.id)
      return sendExport(reply, file)
    },
  )

  app.get<{ Params: { id: string } }>(
    '/people/:id/erasure',
    { config: { access: admin } },
    async (request, reply) => {
      const person = await subjectRequests.subject(contextOf(request), request.params.id)
      return reply.view('privacy/subject-requests/views/erasure.njk', {
        title: `Erase ${person.firstName} ${person.lastName}`,
        person,
        values: {},
        limit: REASON_LIMIT,
        backLink: `/people/${person.id}/data-requests`,
      })
    },
  )

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/people/:id/erasure',
    { config: { access: admin } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const { person, refused } = await subjectRequests.erasurePreview(ctx, request.params.id)
      const reason = textOf(request.body, 'reason', REASON_LIMIT)
      try {
        if (textOf(request.body, 'confirm', 3) === 'yes') {
          await subjectRequests.erase(ctx, person.id, { reason })
          return reply.redirect(`/people/${person.id}/data-requests`, 303)
        }
        parseOrThrow(erasureForm, { reason })
        return reply.view('privacy/subject-requests/views/erasure-check.njk', {
          title: `Are you sure you want to erase ${person.firstName} ${person.lastName}?`,
          person,
          reason: reason.trim(),
          refused,
          backLink: `/people/${person.id}/erasure`,
        })
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return reply.status(400).view('privacy/subject-requests/views/erasure.njk', {
          title: `Erase ${person.firstName} ${person.lastName}`,
          person,
          values: { reason },
          limit: REASON_LIMIT,
          backLink: `/people/${person.id}/data-requests`,
          errors: errorSummary(error.errors),
          fieldErrors: errorFor(error.errors),
        })
      }
    },
  )
}
