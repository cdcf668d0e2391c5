import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { isUuid } from '#platform/db/database.ts'
import type { FieldError } from '#platform/errors.ts'
import { ValidationError } from '#platform/errors.ts'
import { doneOf } from '#platform/http/done.ts'
import { errorFor, errorSummary, formText, parseForm } from '#platform/http/forms.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { recognitionSchema } from '../recognitions.ts'
import { admins, readers } from './pathway-routes.ts'
import { pathwayStatusNames } from './words.ts'

const banners = {
  added: { heading: 'Course recognised' },
  removed: { heading: 'Course no longer recognised' },
} as const

type Shown = {
  partnershipId: string
  values: Record<string, string>
  errors: FieldError[]
}

/**
 * Which other partnerships' courses count towards this partnership's requirements. Adding one
 * takes two steps, so it works without JavaScript: the partnership, then its course and the
 * requirement it meets.
 */
export default async function recognitionPages(app: FastifyInstance, { services }: { services: Services }) {
  const { recognitions, pathways } = services

  async function show(request: FastifyRequest, reply: FastifyReply, shown: Shown) {
    const ctx = contextOf(request)
    const isAdmin = ctx.actor.roles.includes('admin')
    const list = await recognitions.list(ctx)
    const errors = [...shown.errors]
    let adding = null
    if (isAdmin) {
      const wanted = isUuid(shown.partnershipId) ? shown.partnershipId : null
      const others = await recognitions.others(ctx, wanted)
      const chosen = others.partnerships.find((p) => p.id === wanted) ?? null
      if (shown.partnershipId && !chosen && !errors.some((e) => e.field === 'partnershipId'))
        errors.push({ field: 'partnershipId', text: 'Choose one of the other partnerships' })
      const groups = (await pathways.list(ctx)).map((p) => ({
        label: p.status === 'active' ? p.title : `${p.title} (${pathwayStatusNames[p.status].toLowerCase()})`,
        options: p.requirements.map((r) => ({ value: r.id, text: `${p.title} – ${r.title}` })),
      }))
      adding = {
        partnerships: others.partnerships,
        chosen,
        courses: others.courses,
        requirementGroups: groups,
      }
    }
    const done = doneOf(request.query, ['added', 'removed'] as const)
    return reply.status(errors.length ? 400 : 200).view('pathways/views/recognitions.njk', {
      title: 'Courses recognised from other partnerships',
      columns: 'full',
      recognitions: list,
      adding,
      isAdmin,
      values: shown.values,
      errors: errorSummary(errors),
      fieldErrors: errorFor(errors),
      banner: done && !errors.length ? banners[done] : undefined,
      backLink: '/pathways',
    })
  }

  app.get<{ Querystring: Record<string, unknown> }>(
    '/pathways/recognitions',
    { config: { access: readers } },
    async (request, reply) =>
      show(request, reply, { partnershipId: formText(request.query.partnershipId), values: {}, errors: [] }),
  )

  app.post<{ Body: Record<string, unknown> }>(
    '/pathways/recognitions',
    { config: { access: admins } },
    async (request, reply) => {
      const body = request.body ?? {}
      const values = {
        partnershipId: formText(body.partnershipId),
        courseId: formText(body.courseId),
        requirementId: formText(body.requirementId),
      }
      const again = (errors: FieldError[]) =>
        show(request, reply, { partnershipId: values.partnershipId, values, errors })
      const form = parseForm(recognitionSchema, values)
      if (!form.ok) return again(form.errors)
      try {
        await recognitions.add(contextOf(request), form.data)
        return reply.redirect('/pathways/recognitions?done=added', 303)
      } catch (error) {
        if (error instanceof ValidationError) return again(error.errors)
        throw error
      }
    },
  )

  app.post<{ Params: { id: string } }>(
    '/pathways/recognitions/:id/remove',
    { config: { access: admins } },
    async (request, reply) => {
      await recognitions.remove(contextOf(request), request.params.id)
      return reply.redirect('/pathways/recognitions?done=removed', 303)
    },
  )
}
