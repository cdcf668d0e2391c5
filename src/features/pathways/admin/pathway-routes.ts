import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { FieldError } from '#platform/errors.ts'
import { ValidationError } from '#platform/errors.ts'
import { doneOf } from '#platform/http/done.ts'
import { errorFor, errorSummary } from '#platform/http/forms.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { pathwayStatuses } from '../forms.ts'
import type { Pathway } from '../queries.ts'
import type { PathwayFormValues } from './pathway-form.ts'
import { pathwayFormFrom, pathwayFormValues, pathwayFromForm } from './pathway-form.ts'
import { coursesWords, pathwayStatusNames, refresherWords } from './words.ts'

export const readers = ['admin', 'subgroup', 'executive', 'agency-lead'] as const
export const admins = ['admin'] as const

const banners = {
  added: { heading: 'Pathway added' },
  changed: { heading: 'Pathway changed' },
} as const

/** The partnership's pathways: read by everyone who plans or checks training, changed by its admins. */
export default async function pathwayPages(app: FastifyInstance, { services }: { services: Services }) {
  const { pathways } = services

  const isAdmin = (request: FastifyRequest) => contextOf(request).actor.roles.includes('admin')

  async function formData(request: FastifyRequest) {
    const { items } = await services.courses.list(contextOf(request), { page: 1, pageSize: 500 })
    return {
      courses: items.map((c) => ({ id: c.id, title: c.title, tier: c.tier })),
      statuses: pathwayStatuses,
      pathwayStatusNames,
    }
  }

  /** Another pathway already has the title: said with the form's other problems, not after them. */
  async function titleClash(request: FastifyRequest, title: string, except: string | null) {
    const all = await pathways.list(contextOf(request))
    return all.some((p) => p.id !== except && p.title.toLowerCase() === title.toLowerCase())
      ? [{ field: 'title', text: 'There is already a pathway with that title' }]
      : []
  }

  function again(
    reply: FastifyReply,
    data: Record<string, unknown>,
    values: PathwayFormValues,
    errors: FieldError[],
  ) {
    return reply.status(400).view('pathways/views/pathway-form.njk', {
      ...data,
      values,
      errors: errorSummary(errors),
      fieldErrors: errorFor(errors),
    })
  }

  app.get<{ Querystring: Record<string, unknown> }>(
    '/pathways',
    { config: { access: readers } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const list = await pathways.list(ctx)
      return reply.view('pathways/views/pathways.njk', {
        title: 'Pathways',
        columns: 'full',
        pathways: list.map((p) => ({
          ...p,
          requiredCount: p.requirements.filter((r) => r.required).length,
        })),
        pathwayStatusNames,
        finderLink: `/p/${ctx.partnership.slug}/pathway`,
        isAdmin: isAdmin(request),
      })
    },
  )

  app.get('/pathways/new', { config: { access: admins } }, async (request, reply) =>
    reply.view('pathways/views/pathway-form.njk', {
      ...(await formData(request)),
      title: 'Add a pathway',
      action: '/pathways/new',
      values: pathwayFormValues(null),
      backLink: '/pathways',
    }),
  )

  app.post<{ Body: Record<string, unknown> }>(
    '/pathways/new',
    { config: { access: admins } },
    async (request, reply) => {
      const values = pathwayFormFrom(request.body ?? {})
      const data = {
        ...(await formData(request)),
        title: 'Add a pathway',
        action: '/pathways/new',
        backLink: '/pathways',
      }
      const form = pathwayFromForm(values, false)
      const clash = values.title ? await titleClash(request, values.title, null) : []
      if (!form.ok || clash.length)
        return again(reply, data, values, [...clash, ...(form.ok ? [] : form.errors)])
      try {
        const pathway = await pathways.create(contextOf(request), form.data)
        return reply.redirect(`/pathways/${pathway.id}?done=added`, 303)
      } catch (error) {
        if (error instanceof ValidationError) return again(reply, data, values, error.errors)
        throw error
      }
    },
  )

  app.get<{ Params: { id: string }; Querystring: Record<string, unknown> }>(
    '/pathways/:id',
    { config: { access: readers } },
    async (request, reply) => {
      const pathway = await pathways.pathway(contextOf(request), request.params.id)
      const done = doneOf(request.query, ['added', 'changed'] as const)
      return reply.view('pathways/views/pathway.njk', {
        title: pathway.title,
        pathway: describe(pathway),
        pathwayStatusNames,
        isAdmin: isAdmin(request),
        banner: done ? banners[done] : undefined,
        backLink: '/pathways',
      })
    },
  )

  app.get<{ Params: { id: string } }>(
    '/pathways/:id/change',
    { config: { access: admins } },
    async (request, reply) => {
      const pathway = await pathways.pathway(contextOf(request), request.params.id)
      return reply.view('pathways/views/pathway-form.njk', {
        ...(await formData(request)),
        title: `Change the pathway: ${pathway.title}`,
        action: `/pathways/${pathway.id}/change`,
        values: pathwayFormValues(pathway),
        editing: true,
        backLink: `/pathways/${pathway.id}`,
      })
    },
  )

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/pathways/:id/change',
    { config: { access: admins } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const pathway = await pathways.pathway(ctx, request.params.id)
      const values = pathwayFormFrom(request.body ?? {})
      const data = {
        ...(await formData(request)),
        title: `Change the pathway: ${pathway.title}`,
        action: `/pathways/${pathway.id}/change`,
        editing: true,
        backLink: `/pathways/${pathway.id}`,
      }
      const form = pathwayFromForm(values, true)
      const clash = values.title ? await titleClash(request, values.title, pathway.id) : []
      if (!form.ok || clash.length)
        return again(reply, data, values, [...clash, ...(form.ok ? [] : form.errors)])
      try {
        await pathways.change(ctx, pathway.id, form.data)
        return reply.redirect(`/pathways/${pathway.id}?done=changed`, 303)
      } catch (error) {
        if (error instanceof ValidationError) return again(reply, data, values, error.errors)
        throw error
      }
    },
  )
}

/** A pathway with its requirements described in words. */
function describe(pathway: Pathway) {
  return {
    ...pathway,
    requirements: pathway.requirements.map((r) => ({
      ...r,
      refresher: refresherWords(r.refresherMonths),
      coursesText: coursesWords(r.courses),
    })),
  }
}
