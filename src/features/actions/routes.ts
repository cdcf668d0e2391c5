import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { reviewEditors, reviewOverseers, reviewReaders } from '#features/reviews/visibility.ts'
import type { FieldError } from '#platform/errors.ts'
import { ConflictError, ValidationError } from '#platform/errors.ts'
import { sendDownload } from '#platform/http/downloads.ts'
import { errorFor, errorSummary, onDateBoxes } from '#platform/http/forms.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import type { RaiseInput } from './forms.ts'
import { PAGE_SIZE } from './forms.ts'
import {
  extendFromForm,
  filterFromQuery,
  queryOf,
  raiseFromForm,
  raiseValuesOf,
  updateFromForm,
  verifyFromForm,
} from './page-forms.ts'
import { permissionsOn } from './service.ts'
import { actionStatuses, actionStatusNames, actionStatusTags, ownerStatuses } from './words.ts'

const words = { statusNames: actionStatusNames, statusTags: actionStatusTags }

type Sent = { form: 'update' | 'extend' | 'verify'; body: Record<string, unknown>; errors: FieldError[] }

const textOf = (value: unknown) => (typeof value === 'string' ? value : '')

/** Errors for the layout's summary (date errors lead to the day box) and for each field. */
const shown = (errors: FieldError[]) => ({
  errors: errorSummary(onDateBoxes(errors, ['dueOn'])).map((e) =>
    e.href === '#form' ? { text: e.text } : e,
  ),
  fieldErrors: errorFor(errors),
})

/**
 * The action tracker's pages: the tracker for overseers, "our actions" for owners and agency
 * leads, each action's page with the forms its viewer may use, and raising an action on a
 * recommendation.
 */
export default async function actionRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const { actions } = services

  async function actionPage(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    sent?: Sent,
    status = 200,
  ) {
    const ctx = contextOf(request)
    const { action, updates, recommendationText } = await actions.actionWithHistory(ctx, id)
    const body = sent?.body ?? {}
    const of = (form: Sent['form'], keys: string[]) =>
      sent?.form === form ? Object.fromEntries(keys.map((k) => [k, textOf(body[k])])) : {}
    return reply.status(status).view('actions/views/action.njk', {
      ...words,
      title: `Action: ${action.description.length > 60 ? `${action.description.slice(0, 59)}…` : action.description}`,
      action,
      updates: [...updates].reverse(),
      recommendationText,
      can: permissionsOn(ctx, action),
      ownerStatuses,
      updateValues: of('update', ['note', 'status', 'evidenceUrl']),
      extendValues: of('extend', ['dueOn-day', 'dueOn-month', 'dueOn-year', 'reason']),
      verifyValues: of('verify', ['verificationNote']),
      ...shown(sent?.errors ?? []),
      backLink: reviewOverseers.some((role) => ctx.actor.roles.includes(role)) ? '/actions' : '/actions/ours',
    })
  }

  /** Runs a form's change; a refusal re-renders the page with what was sent and why. */
  async function change(
    request: FastifyRequest<{ Params: { id: string } }>,
    reply: FastifyReply,
    form: Sent['form'],
    body: Record<string, unknown>,
    run: () => Promise<unknown>,
  ) {
    const id = request.params.id
    try {
      await run()
      return reply.redirect(`/actions/${id}`, 303)
    } catch (error) {
      if (error instanceof ValidationError)
        return actionPage(request, reply, id, { form, body, errors: error.errors }, 400)
      if (error instanceof ConflictError)
        return actionPage(
          request,
          reply,
          id,
          { form, body, errors: [{ field: 'form', text: error.message }] },
          409,
        )
      throw error
    }
  }

  app.get<{ Querystring: Record<string, string> }>(
    '/actions',
    { config: { access: reviewOverseers } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const { filter, errors } = filterFromQuery(request.query)
      const [{ items, total }, choices] = [await actions.list(ctx, filter), await actions.filterChoices(ctx)]
      const pages = Math.max(1, Math.ceil(total / PAGE_SIZE))
      const query = queryOf(filter)
      const link = (page: number) => `/actions?${query ? `${query}&` : ''}page=${page}`
      return reply.view('actions/views/actions.njk', {
        ...words,
        title: 'Action tracker',
        columns: 'full',
        actions: items,
        total,
        filter,
        monthTyped: textOf(request.query.month),
        choices,
        statuses: actionStatuses,
        csvLink: `/actions.csv${query ? `?${query}` : ''}`,
        previous: filter.page > 1 ? link(filter.page - 1) : null,
        next: filter.page < pages ? link(filter.page + 1) : null,
        ...shown(errors),
      })
    },
  )

  app.get<{ Querystring: Record<string, string> }>(
    '/actions.csv',
    { config: { access: reviewOverseers } },
    async (request, reply) => {
      const { filter } = filterFromQuery(request.query)
      const csv = await actions.csv(contextOf(request), filter)
      return reply
        .header('content-disposition', 'attachment; filename="actions.csv"')
        .header('cache-control', 'private, no-store')
        .type('text/csv; charset=utf-8')
        .send(`\uFEFF${csv}`)
    },
  )

  app.get<{ Querystring: Record<string, string> }>(
    '/actions/ours',
    { config: { access: reviewReaders } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const page = Math.max(1, Math.min(100_000, Number.parseInt(textOf(request.query.page), 10) || 1))
      const { items, total } = await actions.ours(ctx, page)
      const pages = Math.max(1, Math.ceil(total / PAGE_SIZE))
      return reply.view('actions/views/ours.njk', {
        ...words,
        title: 'Our actions',
        lead: ctx.actor.roles.includes('agency-lead'),
        actions: items,
        previous: page > 1 ? `/actions/ours?page=${page - 1}` : null,
        next: page < pages ? `/actions/ours?page=${page + 1}` : null,
      })
    },
  )

  app.get<{ Params: { id: string } }>(
    '/actions/:id',
    { config: { access: reviewReaders } },
    (request, reply) => actionPage(request, reply, request.params.id),
  )

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/actions/:id/updates',
    { config: { access: reviewReaders } },
    async (request, reply) => {
      const ctx = contextOf(request)
      // The action first: one the user cannot see is not found, whatever was sent.
      const action = await actions.action(ctx, request.params.id)
      const body = request.body ?? {}
      const upload = request.uploads?.file
      const form = updateFromForm(body)
      const errors = form.ok ? [] : [...form.errors]
      const hasFile = upload && (upload.filename || upload.bytes.length > 0)
      if (hasFile && upload.tooLarge)
        errors.push({ field: 'file', text: 'The file must be smaller than 10 MB' })
      if (!form.ok || errors.length)
        return actionPage(request, reply, action.id, { form: 'update', body, errors }, 400)
      const file = hasFile ? { filename: upload.filename, bytes: upload.bytes } : undefined
      return change(request, reply, 'update', body, () => actions.update(ctx, action.id, form.data, file))
    },
  )

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/actions/:id/extend',
    { config: { access: reviewEditors } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const action = await actions.action(ctx, request.params.id)
      const body = request.body ?? {}
      const form = extendFromForm(body)
      if (!form.ok)
        return actionPage(request, reply, action.id, { form: 'extend', body, errors: form.errors }, 400)
      return change(request, reply, 'extend', body, () => actions.extend(ctx, action.id, form.data))
    },
  )

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/actions/:id/verify',
    { config: { access: reviewEditors } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const action = await actions.action(ctx, request.params.id)
      const body = request.body ?? {}
      const form = verifyFromForm(body)
      if (!form.ok)
        return actionPage(request, reply, action.id, { form: 'verify', body, errors: form.errors }, 400)
      return change(request, reply, 'verify', body, () => actions.verify(ctx, action.id, form.data))
    },
  )

  app.get<{ Params: { id: string; fileId: string } }>(
    '/actions/:id/evidence/:fileId',
    { config: { access: reviewReaders } },
    async (request, reply) => {
      const file = await actions.evidence(contextOf(request), request.params.id, request.params.fileId)
      return sendDownload(reply, file)
    },
  )

  async function raisePage(
    request: FastifyRequest<{ Params: { id: string } }>,
    reply: FastifyReply,
    body: Record<string, unknown> = {},
    errors: FieldError[] = [],
    status = 200,
  ) {
    const ctx = contextOf(request)
    const recommendation = await actions.recommendation(ctx, request.params.id)
    const { agencies, subgroups } = await actions.ownerChoices(ctx)
    return reply.status(status).view('actions/views/raise.njk', {
      title: 'Raise an action',
      recommendation,
      agencies,
      subgroups,
      values: raiseValuesOf(body),
      ...shown(errors),
      backLink: `/reviews/${recommendation.reviewId}`,
    })
  }

  app.get<{ Params: { id: string } }>(
    '/recommendations/:id/actions/new',
    { config: { access: reviewEditors } },
    (request, reply) => raisePage(request, reply),
  )

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/recommendations/:id/actions/new',
    { config: { access: reviewEditors } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const body = request.body ?? {}
      const form = raiseFromForm(body)
      if (!form.ok) return raisePage(request, reply, body, form.errors, 400)
      try {
        const action = await actions.raise(ctx, request.params.id, form.data as RaiseInput)
        return reply.redirect(`/actions/${action.id}`, 303)
      } catch (error) {
        if (error instanceof ValidationError) return raisePage(request, reply, body, error.errors, 400)
        if (error instanceof ConflictError)
          return raisePage(request, reply, body, [{ field: 'form', text: error.message }], 409)
        throw error
      }
    },
  )
}
