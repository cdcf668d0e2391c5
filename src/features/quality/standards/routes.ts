import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { FieldError } from '#platform/errors.ts'
import { ConflictError } from '#platform/errors.ts'
import type { SuccessBanner } from '#platform/http/done.ts'
import { doneOf } from '#platform/http/done.ts'
import { errorFor, errorSummary } from '#platform/http/forms.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { rowsOf, valuesOf, versionFromForm } from './page-forms.ts'
import { standardsReaders } from './service.ts'

type Body = Record<string, unknown>

/** The training standards' pages: the version in use with its history, an older version, and changing them. */
export default async function standardsRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const { qaStandards: standards } = services

  app.get('/quality/standards', { config: { access: standardsReaders } }, async (request, reply) => {
    const ctx = contextOf(request)
    const current = await standards.current(ctx)
    const banner: SuccessBanner | undefined =
      doneOf(request.query, ['saved']) && current
        ? {
            heading: `Version ${current.version} of the training standards is saved`,
            text: 'Rounds and observations from now on use it; those already made keep theirs.',
          }
        : undefined
    return reply.view('quality/standards/views/standards.njk', {
      title: 'Training standards',
      banner,
      current,
      history: await standards.history(ctx),
      canChange: ctx.actor.roles.includes('admin'),
      backLink: '/quality',
    })
  })

  app.get<{ Params: { id: string } }>(
    '/quality/standards/versions/:id',
    { config: { access: standardsReaders } },
    async (request, reply) => {
      const version = await standards.version(contextOf(request), request.params.id)
      return reply.view('quality/standards/views/version.njk', {
        title: `Training standards, version ${version.version}`,
        version,
        backLink: '/quality/standards',
      })
    },
  )

  async function changePage(
    request: FastifyRequest,
    reply: FastifyReply,
    body: Body | null,
    errors: FieldError[] = [],
  ) {
    const ctx = contextOf(request)
    const current = await standards.current(ctx)
    const values = body ?? valuesOf(current?.standards ?? standards.suggested())
    return reply.status(errors.length ? 400 : 200).view('quality/standards/views/change.njk', {
      title: current ? 'Change the training standards' : 'Set the training standards',
      current,
      values,
      rows: rowsOf(values),
      errors: errorSummary(errors),
      fieldErrors: errorFor(errors),
      backLink: '/quality/standards',
    })
  }

  app.get('/quality/standards/change', { config: { access: ['admin'] } }, (request, reply) =>
    changePage(request, reply, null),
  )

  app.post<{ Body: Body }>(
    '/quality/standards/change',
    { config: { access: ['admin'] } },
    async (request, reply) => {
      const body = request.body ?? {}
      const form = versionFromForm(body)
      if (!form.ok) return changePage(request, reply, body, form.errors)
      try {
        const saved = await standards.save(contextOf(request), form.data)
        return reply.redirect(`/quality/standards?done=saved&version=${saved.version}`, 303)
      } catch (error) {
        if (error instanceof ConflictError)
          return changePage(request, reply, body, [{ field: 'title-1', text: error.message }])
        throw error
      }
    },
  )
}
