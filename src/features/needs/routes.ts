import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { deliveryMethodNames, deliveryMethods } from '#features/courses/forms.ts'
import type { Context } from '#platform/context.ts'
import type { FieldError } from '#platform/errors.ts'
import { ConflictError, ValidationError } from '#platform/errors.ts'
import { errorFor, errorSummary } from '#platform/http/forms.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import {
  financialYearName,
  identificationSourceNames,
  identificationSources,
  needFilterSchema,
  needStatuses,
  needStatusNames,
} from './forms.ts'
import {
  decisionFromForm,
  needFromForm,
  needValuesOf,
  proposalFromForm,
  proposalValuesOf,
} from './page-forms.ts'
import { daysOf, movesOpenTo, rolesFor } from './rules.ts'
import { needPlanners, needRequesters } from './service.ts'

const names = { deliveryMethods, deliveryMethodNames, identificationSources, identificationSourceNames }

/** Shown in lists and titles: the practice change wanted, cut short. */
const headline = (text: string) => (text.length > 80 ? `${text.slice(0, 79)}…` : text)

/**
 * The needs analysis pages: anyone asks for learning; the sub-group proposes, the executive
 * decides, on the need's own page; planners list every need, anyone else their own.
 */
export default async function needRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const { needs } = services

  async function requestForm(ctx: Context) {
    return {
      ...names,
      themes: await services.courses.themes(ctx),
      findings: await services.findingTrace.citable(ctx),
      title: 'Request learning',
    }
  }

  /** The need's page, with whichever forms the user may use, and any problems with what they sent. */
  async function needPage(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    sent: { form?: 'proposal' | 'decision'; body?: Record<string, unknown>; errors?: FieldError[] } = {},
    status = 200,
  ) {
    const ctx = contextOf(request)
    const { need, history } = await needs.needWithHistory(ctx, id)
    const themes = await services.courses.themes(ctx, true)
    const moves = movesOpenTo(need.status, ctx.actor.roles)
    const currentYear = await needs.currentFinancialYear(ctx)
    const years = [...new Set([currentYear, currentYear + 1, currentYear + 2, need.proposal?.financialYear])]
      .filter((y): y is number => typeof y === 'number')
      .sort()
    const errors = sent.errors ?? []
    return reply.status(status).view('needs/views/need.njk', {
      ...names,
      title: `Training need: ${headline(need.practiceChange)}`,
      need,
      history: [...history].reverse(),
      themeNames: themes.filter((t) => need.themes.includes(t.id)).map((t) => t.name),
      cited: await services.findingTrace.visible(ctx, need.findings),
      statusNames: needStatusNames,
      canPropose: moves.includes('propose'),
      canDecide: moves.includes('endorse'),
      canAddCourse: ctx.actor.roles.includes('admin') && need.status === 'endorsed' && !need.courseId,
      canSeeCourse: needPlanners.some((role) => ctx.actor.roles.includes(role)),
      years: years.map((y) => ({ value: String(y), text: financialYearName(y) })),
      financialYearName,
      daysOf,
      proposalValues: proposalValuesOf(need, currentYear, sent.form === 'proposal' ? sent.body : undefined),
      decisionValues:
        sent.form === 'decision'
          ? {
              decision: typeof sent.body?.decision === 'string' ? sent.body.decision : '',
              reason: typeof sent.body?.reason === 'string' ? sent.body.reason : '',
            }
          : {},
      errors: errors.map((e) =>
        e.field === 'form' ? { text: e.text } : { text: e.text, href: `#${e.field}` },
      ),
      fieldErrors: errorFor(errors),
      backLink: '/needs',
    })
  }

  app.get<{ Querystring: Record<string, string> }>(
    '/needs',
    { config: { access: needRequesters } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const filter = needFilterSchema.catch(needFilterSchema.parse({})).parse(request.query)
      const { items, total } = await needs.list(ctx, filter)
      const pages = Math.max(1, Math.ceil(total / filter.pageSize))
      const link = (page: number) =>
        `/needs?${new URLSearchParams({ ...(filter.status ? { status: filter.status } : {}), page: String(page) })}`
      const planner = needPlanners.some((role) => ctx.actor.roles.includes(role))
      return reply.view('needs/views/needs.njk', {
        title: planner ? 'Needs analysis' : 'Your training requests',
        columns: 'full',
        needs: items.map((n) => ({ ...n, headline: headline(n.practiceChange) })),
        total,
        filter,
        planner,
        statuses: needStatuses,
        statusNames: needStatusNames,
        identificationSourceNames,
        previous: filter.page > 1 ? link(filter.page - 1) : null,
        next: filter.page < pages ? link(filter.page + 1) : null,
      })
    },
  )

  app.get('/needs/new', { config: { access: needRequesters } }, async (request, reply) =>
    reply.view('needs/views/need-form.njk', {
      ...(await requestForm(contextOf(request))),
      values: {},
      backLink: '/needs',
    }),
  )

  app.post<{ Body: Record<string, unknown> }>(
    '/needs/new',
    { config: { access: needRequesters } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const body = request.body ?? {}
      const again = async (errors: FieldError[]) =>
        reply.status(400).view('needs/views/need-form.njk', {
          ...(await requestForm(ctx)),
          values: needValuesOf(body),
          errors: errorSummary(errors),
          fieldErrors: errorFor(errors),
          backLink: '/needs',
        })
      const form = needFromForm(body)
      if (!form.ok) return again(form.errors)
      try {
        const need = await needs.submit(ctx, form.data)
        return reply.redirect(`/needs/${need.id}`, 303)
      } catch (error) {
        if (error instanceof ValidationError) return again(error.errors)
        throw error
      }
    },
  )

  app.get<{ Params: { id: string } }>(
    '/needs/:id',
    { config: { access: needRequesters } },
    async (request, reply) => needPage(request, reply, request.params.id),
  )

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/needs/:id/proposal',
    { config: { access: rolesFor('propose') } },
    async (request, reply) => {
      const ctx = contextOf(request)
      // The need first: one the user cannot see is not found, whatever was sent.
      const need = await needs.need(ctx, request.params.id)
      const body = request.body ?? {}
      const form = proposalFromForm(body)
      if (!form.ok)
        return needPage(request, reply, need.id, { form: 'proposal', body, errors: form.errors }, 400)
      try {
        await needs.propose(ctx, need.id, form.data)
        return reply.redirect(`/needs/${need.id}`, 303)
      } catch (error) {
        if (error instanceof ValidationError)
          return needPage(request, reply, need.id, { form: 'proposal', body, errors: error.errors }, 400)
        if (error instanceof ConflictError)
          return needPage(
            request,
            reply,
            need.id,
            { form: 'proposal', body, errors: [{ field: 'form', text: error.message }] },
            409,
          )
        throw error
      }
    },
  )

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/needs/:id/decision',
    // Endorsing and declining are made by the same roles.
    { config: { access: rolesFor('endorse') } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const need = await needs.need(ctx, request.params.id)
      const body = request.body ?? {}
      const form = decisionFromForm(body)
      if (!form.ok)
        return needPage(request, reply, need.id, { form: 'decision', body, errors: form.errors }, 400)
      try {
        await needs.decide(ctx, need.id, form.data)
        return reply.redirect(`/needs/${need.id}`, 303)
      } catch (error) {
        if (error instanceof ValidationError)
          return needPage(request, reply, need.id, { form: 'decision', body, errors: error.errors }, 400)
        if (error instanceof ConflictError)
          return needPage(
            request,
            reply,
            need.id,
            { form: 'decision', body, errors: [{ field: 'form', text: error.message }] },
            409,
          )
        throw error
      }
    },
  )
}
