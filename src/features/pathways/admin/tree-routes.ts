import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { FieldError } from '#platform/errors.ts'
import { ValidationError } from '#platform/errors.ts'
import { doneOf } from '#platform/http/done.ts'
import { errorFor, errorSummary } from '#platform/http/forms.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { admins, readers } from './pathway-routes.ts'
import type { TreeFormValues } from './tree-form.ts'
import { treeFormFrom, treeFormValues, treeFromForm } from './tree-form.ts'
import { treeOutline } from './tree-outline.ts'
import { pathwayStatusNames } from './words.ts'

/** The decision tree that leads a practitioner to their pathway: read by planners, changed by admins. */
export default async function treePages(app: FastifyInstance, { services }: { services: Services }) {
  const { pathways } = services

  async function formData(request: FastifyRequest) {
    const offered = (await pathways.list(contextOf(request))).filter((p) => p.status === 'active')
    return {
      title: 'Change the decision tree',
      pathwayChoices: offered.map((p) => ({ id: p.id, title: p.title })),
      backLink: '/pathways/tree',
    }
  }

  function again(
    reply: FastifyReply,
    data: Record<string, unknown>,
    values: TreeFormValues,
    errors: FieldError[],
  ) {
    return reply.status(400).view('pathways/views/tree-form.njk', {
      ...data,
      values,
      errors: errorSummary(errors),
      fieldErrors: errorFor(errors),
      // Loops and dead ends name their question; several can be found at once.
      treeProblems: errors.filter((e) => e.field === 'questions').map((e) => e.text),
    })
  }

  app.get<{ Querystring: Record<string, unknown> }>(
    '/pathways/tree',
    { config: { access: readers } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const [tree, list] = await Promise.all([pathways.tree(ctx), pathways.list(ctx)])
      return reply.view('pathways/views/tree.njk', {
        title: 'Decision tree',
        outline: tree ? treeOutline(tree, list) : null,
        pathwayStatusNames,
        finderLink: `/p/${ctx.partnership.slug}/pathway`,
        isAdmin: ctx.actor.roles.includes('admin'),
        banner: doneOf(request.query, ['saved'] as const) ? { heading: 'Decision tree saved' } : undefined,
        backLink: '/pathways',
      })
    },
  )

  app.get('/pathways/tree/change', { config: { access: admins } }, async (request, reply) => {
    const tree = await pathways.tree(contextOf(request))
    return reply.view('pathways/views/tree-form.njk', {
      ...(await formData(request)),
      values: treeFormValues(tree),
    })
  })

  app.post<{ Body: Record<string, unknown> }>(
    '/pathways/tree/change',
    { config: { access: admins } },
    async (request, reply) => {
      const values = treeFormFrom(request.body ?? {})
      const data = await formData(request)
      const form = treeFromForm(values)
      if (!form.ok) return again(reply, data, values, form.errors)
      try {
        await pathways.saveTree(contextOf(request), form.data)
        return reply.redirect('/pathways/tree?done=saved', 303)
      } catch (error) {
        if (error instanceof ValidationError) return again(reply, data, values, error.errors)
        throw error
      }
    },
  )
}
