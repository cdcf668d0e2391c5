import type { FastifyInstance } from 'fastify'
import { ValidationError } from '#platform/errors.ts'
import { errorFor, errorSummary } from '#platform/http/forms.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'

const who = ['admin', 'agency-lead'] as const

/** Merging a duplicate record into a person's: name the duplicate, check the two, confirm. */
export default async function mergeRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const { directory, merges } = services

  const textOf = (body: unknown, field: string) => {
    const value = (body as Record<string, unknown> | undefined)?.[field]
    return typeof value === 'string' ? value.trim().slice(0, 320) : ''
  }

  app.get<{ Params: { id: string } }>(
    '/people/:id/merge',
    { config: { access: who } },
    async (request, reply) => {
      const person = await directory.person(contextOf(request), request.params.id)
      return reply.view('directory/merge/views/merge.njk', {
        title: `Merge a duplicate into ${person.firstName} ${person.lastName}’s record`,
        person,
        values: {},
        backLink: `/people/${person.id}`,
      })
    },
  )

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/people/:id/merge',
    { config: { access: who } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const person = await directory.person(ctx, request.params.id)
      const duplicateEmail = textOf(request.body, 'duplicateEmail')
      try {
        if (!duplicateEmail)
          throw new ValidationError([
            { field: 'duplicateEmail', text: 'Enter the work email of the duplicate record' },
          ])
        if (textOf(request.body, 'confirm') === 'yes') {
          await merges.merge(ctx, person.id, duplicateEmail)
          return reply.redirect(`/people/${person.id}`, 303)
        }
        const { duplicate } = await merges.check(ctx, person.id, duplicateEmail)
        return reply.view('directory/merge/views/check.njk', {
          title: 'Check the merge',
          person,
          duplicate,
          backLink: `/people/${person.id}/merge`,
        })
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return reply.status(400).view('directory/merge/views/merge.njk', {
          title: `Merge a duplicate into ${person.firstName} ${person.lastName}’s record`,
          person,
          values: { duplicateEmail },
          backLink: `/people/${person.id}`,
          errors: errorSummary(error.errors),
          fieldErrors: errorFor(error.errors),
        })
      }
    },
  )
}
