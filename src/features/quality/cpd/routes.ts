import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { reviewStatusNames } from '#features/reviews/words.ts'
import { londonDateOf } from '#platform/clock.ts'
import type { FieldError } from '#platform/errors.ts'
import { ConflictError, ValidationError } from '#platform/errors.ts'
import {
  calendarDate,
  dateBoxes,
  dateFromInput,
  errorFor,
  errorSummary,
  onDateBoxes,
  parseForm,
} from '#platform/http/forms.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import type { CpdInput } from './forms.ts'
import { cpdPageSchema } from './forms.ts'
import { tenthsOf } from './rules.ts'
import type { TrainerSummary } from './service.ts'
import { poolReaders } from './service.ts'

type Body = Record<string, unknown>
const list = (value: unknown): string[] =>
  (Array.isArray(value) ? value : value === undefined || value === '' ? [] : [value]).map((v) => String(v))
const text = (body: Body, name: string) =>
  typeof body[name] === 'string' ? (body[name] as string).trim() : ''
const completedOnSchema = calendarDate('Enter a real date the questionnaire was returned, like 20 11 2026')

/** The questionnaire's fields from a page, checked: the hours in tenths, the date when asked for. */
function readForm(
  body: Body,
  withDate: boolean,
): { ok: true; data: CpdInput } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = []
  let completedOn: string | null = null
  if (withDate) {
    const typed = dateFromInput(body, 'completedOn')
    if (typed) {
      const date = completedOnSchema.safeParse(typed)
      if (date.success) completedOn = date.data
      else
        errors.push({
          field: 'completedOn',
          text: 'Enter a real date the questionnaire was returned, like 20 11 2026',
        })
    }
  }
  const form = parseForm(cpdPageSchema, {
    activities: text(body, 'activities'),
    hours: text(body, 'hours'),
    deliveryUpdates: text(body, 'deliveryUpdates'),
    reviewIds: list(body.reviewIds),
  })
  if (!form.ok) errors.push(...form.errors)
  const tenths = form.ok ? tenthsOf(form.data.hours) : null
  if (form.ok && tenths === null)
    errors.push({
      field: 'hours',
      text: 'Enter the hours as a number between 0.1 and 10,000, to one decimal place, like 7.5',
    })
  // In the order the fields are on the page.
  const order = ['completedOn', 'activities', 'hours', 'deliveryUpdates', 'reviewIds']
  errors.sort((a, b) => order.indexOf(a.field) - order.indexOf(b.field))
  if (errors.length || !form.ok || tenths === null) return { ok: false, errors }
  return {
    ok: true,
    data: {
      completedOn,
      activities: form.data.activities,
      tenths,
      deliveryUpdates: form.data.deliveryUpdates,
      reviewIds: form.data.reviewIds,
    },
  }
}

/** The annual CPD questionnaire's pages, and each trainer's record. */
export default async function cpdRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const { trainerCpd } = services

  function showForm(
    reply: FastifyReply,
    view: {
      title: string
      action: string
      own: boolean
      summary: TrainerSummary
      inPool: boolean
      reviews: unknown[]
      backLink: string
    },
    values: Body,
    errors: FieldError[] = [],
    status?: number,
  ) {
    const shown = onDateBoxes(errors, ['completedOn'])
    return reply.status(status ?? (errors.length ? 400 : 200)).view('quality/cpd/views/questionnaire.njk', {
      ...view,
      values: { ...values, reviewIds: list(values.reviewIds) },
      reviewStatusNames,
      errors: errorSummary(shown),
      fieldErrors: errorFor(shown),
    })
  }

  async function ownForm(
    request: FastifyRequest,
    reply: FastifyReply,
    values: Body,
    errors: FieldError[] = [],
  ) {
    const { person, summary, reviews } = await trainerCpd.ownQuestionnaire(contextOf(request))
    return showForm(
      reply,
      {
        title: 'Your annual CPD questionnaire',
        action: '/trainers/cpd',
        own: true,
        summary,
        inPool: true,
        reviews,
        backLink: `/trainers/people/${person.id}`,
      },
      values,
      errors,
    )
  }

  app.get('/trainers/cpd', { config: { access: 'signed-in' } }, (request, reply) =>
    ownForm(request, reply, {}),
  )

  app.post<{ Body: Body }>('/trainers/cpd', { config: { access: 'signed-in' } }, async (request, reply) => {
    const ctx = contextOf(request)
    const body = request.body ?? {}
    const form = readForm(body, false)
    if (!form.ok) return ownForm(request, reply, body, form.errors)
    try {
      const { cpdReturn } = await trainerCpd.submitOwn(ctx, form.data)
      return reply.redirect(`/trainers/people/${cpdReturn.personId}?returned=1`, 303)
    } catch (error) {
      if (error instanceof ValidationError) return ownForm(request, reply, body, error.errors)
      if (error instanceof ConflictError)
        return ownForm(request, reply, body, [{ field: 'activities', text: error.message }])
      throw error
    }
  })

  async function adminForm(
    request: FastifyRequest<{ Params: { personId: string } }>,
    reply: FastifyReply,
    values: Body | null,
    errors: FieldError[] = [],
    status?: number,
  ) {
    const found = await trainerCpd.questionnaireFor(contextOf(request), request.params.personId)
    const notInPool: FieldError[] = found.inPool
      ? []
      : [
          {
            field: 'activities',
            text: `${found.person.name} is not in the trainer pool: they hold no approval that is not withdrawn, so there is nothing for a CPD questionnaire to renew`,
          },
        ]
    return showForm(
      reply,
      {
        title: `Record ${found.person.name}’s CPD questionnaire`,
        action: `/trainers/people/${found.person.id}/cpd`,
        own: false,
        summary: found.summary,
        inPool: found.inPool,
        reviews: found.reviews,
        backLink: `/trainers/people/${found.person.id}`,
      },
      values ?? dateBoxes('completedOn', londonDateOf(services.clock.now())),
      [...notInPool, ...errors],
      status ?? (found.inPool ? undefined : 409),
    )
  }

  app.get<{ Params: { personId: string } }>(
    '/trainers/people/:personId/cpd',
    { config: { access: ['admin'] } },
    (request, reply) => adminForm(request, reply, null),
  )

  app.post<{ Params: { personId: string }; Body: Body }>(
    '/trainers/people/:personId/cpd',
    { config: { access: ['admin'] } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const body = request.body ?? {}
      // The trainer first, so one of another partnership is not found rather than misread.
      const found = await trainerCpd.questionnaireFor(ctx, request.params.personId)
      if (!found.inPool) return adminForm(request, reply, body)
      const form = readForm(body, true)
      if (!form.ok) return adminForm(request, reply, body, form.errors)
      try {
        await trainerCpd.record(ctx, found.person.id, form.data)
        return reply.redirect(`/trainers/people/${found.person.id}?returned=1`, 303)
      } catch (error) {
        if (error instanceof ValidationError) return adminForm(request, reply, body, error.errors)
        if (error instanceof ConflictError)
          return adminForm(request, reply, body, [{ field: 'activities', text: error.message }], 409)
        throw error
      }
    },
  )

  app.get<{ Params: { personId: string }; Querystring: Record<string, string> }>(
    '/trainers/people/:personId',
    { config: { access: 'signed-in' } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const record = await trainerCpd.trainerRecord(ctx, request.params.personId)
      const overseer = poolReaders.some((role) => ctx.actor.roles.includes(role))
      return reply.view('quality/cpd/views/record.njk', {
        title: record.person.name,
        record,
        returned: request.query.returned === '1',
        isAdmin: ctx.actor.roles.includes('admin'),
        // The pool and the sessions' pages are for those who plan the programme.
        canSeePool: overseer,
        columns: 'full',
        backLink: overseer ? '/trainers' : '/dashboard',
      })
    },
  )
}
