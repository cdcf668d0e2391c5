import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { categoryNames, sectorNames } from '#features/directory/page-forms.ts'
import type { FieldError } from '#platform/errors.ts'
import { ConflictError, ValidationError } from '#platform/errors.ts'
import type { SuccessBanner } from '#platform/http/done.ts'
import { doneOf } from '#platform/http/done.ts'
import { errorFor, errorSummary } from '#platform/http/forms.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { readsAuditResults } from '../access.ts'
import { returnStatuses, returnStatusNames, returnStatusTags } from '../words.ts'
import { openFieldOf, openFromForm, peopleFromForm } from './page-forms.ts'
import { cycleOpeners, cycleReaders } from './service.ts'

type Body = Record<string, unknown>
type Params = { Params: { id: string } }

const words = {
  statusNames: returnStatusNames,
  statusTags: returnStatusTags,
  statuses: returnStatuses,
  categoryNames,
  sectorNames,
}

const shown = (errors: FieldError[]) => ({
  errors: errorSummary(errors).map((e) => (e.href === '#form' ? { text: e.text } : e)),
  fieldErrors: errorFor(errors),
})

/** The cycles' pages: the list, opening one, and one cycle with its returns, their people, and closing it. */
export default async function auditCycleRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const { auditCycles: cycles } = services

  app.get('/audits/cycles', { config: { access: cycleReaders } }, async (request, reply) => {
    const ctx = contextOf(request)
    return reply.view('audits/cycles/views/cycles.njk', {
      ...words,
      title: 'Audit cycles',
      cycles: await cycles.list(ctx),
      canOpen: ctx.actor.roles.includes('admin'),
      backLink: '/audits',
    })
  })

  async function newPage(
    request: FastifyRequest,
    reply: FastifyReply,
    body: Body | null,
    errors: FieldError[] = [],
  ) {
    const ctx = contextOf(request)
    const choices = await cycles.choices(ctx)
    const values = body ?? {}
    return reply.status(errors.length ? 400 : 200).view('audits/cycles/views/new.njk', {
      ...words,
      title: 'Open an audit cycle',
      choices,
      values: { ...values, agencyIds: [values.agencyIds ?? []].flat() },
      backLink: '/audits/cycles',
      ...shown(errors),
    })
  }

  app.get('/audits/cycles/new', { config: { access: cycleOpeners } }, (request, reply) =>
    newPage(request, reply, null),
  )

  app.post<{ Body: Body }>(
    '/audits/cycles/new',
    { config: { access: cycleOpeners } },
    async (request, reply) => {
      const body = request.body ?? {}
      const form = openFromForm(body)
      if (!form.ok) return newPage(request, reply, body, form.errors)
      try {
        const id = await cycles.open(contextOf(request), form.data)
        return reply.redirect(`/audits/cycles/${id}?done=opened`, 303)
      } catch (error) {
        if (error instanceof ValidationError)
          return newPage(
            request,
            reply,
            body,
            error.errors.map((e) => ({ ...e, field: openFieldOf(e.field) })),
          )
        throw error
      }
    },
  )

  async function cyclePage(
    request: FastifyRequest<Params>,
    reply: FastifyReply,
    sent: { body: Body; errors: FieldError[]; status: number } | null = null,
  ) {
    const ctx = contextOf(request)
    const view = await cycles.cycle(ctx, request.params.id)
    const choices = view.oversees && !view.cycle.closedAt ? await cycles.choices(ctx) : null
    const values: Body =
      sent?.body ??
      Object.fromEntries(
        view.returns.flatMap((r) => [
          [`seniorLead-${r.id}`, r.seniorLeadUserId ?? ''],
          [`reviewer-${r.id}`, r.reviewerUserId ?? ''],
        ]),
      )
    const done = doneOf(request.query, ['opened', 'people', 'closed'])
    const banner: SuccessBanner | undefined = done
      ? {
          opened: {
            heading: 'The cycle is open',
            text: 'Each agency asked has a return, and its leads have been emailed.',
          },
          people: { heading: 'Senior leads and reviewers saved' },
          closed: {
            heading: 'The cycle is closed',
            text: 'No more reminders go, and its returns’ people no longer change.',
          },
        }[done]
      : undefined
    return reply.status(sent?.status ?? 200).view('audits/cycles/views/cycle.njk', {
      ...words,
      title: view.cycle.title,
      banner,
      view,
      choices,
      values,
      readsResults: readsAuditResults(ctx),
      backLink: readsAuditResults(ctx) ? '/audits/cycles' : '/audits',
      ...shown(sent?.errors ?? []),
    })
  }

  app.get<Params>('/audits/cycles/:id', { config: { access: cycleReaders } }, (request, reply) =>
    cyclePage(request, reply),
  )

  app.post<Params & { Body: Body }>(
    '/audits/cycles/:id/people',
    { config: { access: cycleOpeners } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const body = request.body ?? {}
      const view = await cycles.cycle(ctx, request.params.id)
      try {
        await cycles.setReturnPeople(
          ctx,
          request.params.id,
          peopleFromForm(
            body,
            view.returns.map((r) => r.id),
          ),
        )
        return reply.redirect(`/audits/cycles/${request.params.id}?done=people`, 303)
      } catch (error) {
        if (error instanceof ValidationError)
          return cyclePage(request, reply, { body, errors: error.errors, status: 400 })
        if (error instanceof ConflictError)
          return cyclePage(request, reply, {
            body,
            errors: [{ field: 'form', text: error.message }],
            status: 409,
          })
        throw error
      }
    },
  )

  app.post<Params>(
    '/audits/cycles/:id/close',
    { config: { access: cycleOpeners } },
    async (request, reply) => {
      try {
        await cycles.close(contextOf(request), request.params.id)
        return reply.redirect(`/audits/cycles/${request.params.id}?done=closed`, 303)
      } catch (error) {
        if (error instanceof ConflictError)
          return cyclePage(request, reply, {
            body: {},
            errors: [{ field: 'form', text: error.message }],
            status: 409,
          })
        throw error
      }
    },
  )
}
