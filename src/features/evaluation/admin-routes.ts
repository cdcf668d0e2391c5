import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { FieldError } from '#platform/errors.ts'
import { ValidationError } from '#platform/errors.ts'
import { errorFor, errorSummary, formText as text } from '#platform/http/forms.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { questionKinds } from './questions.ts'
import { audienceNames, audiences, summarise } from './surveys.ts'
import { callOutcomeNames, callOutcomes } from './telephone.ts'

type Body = Record<string, unknown>
type IdRequest = FastifyRequest<{ Params: { id: string }; Body: Body }>
const admin = { access: ['admin' as const] }

export const kindNames: Record<(typeof questionKinds)[number], string> = {
  agreement: 'Agreement, from strongly disagree (1) to strongly agree (5)',
  confidence: 'Confidence, from 0 to 10',
  single_choice: 'One choice from a list',
  multiple_choice: 'Any choices from a list',
  free_text: 'Free text',
  action_plan: 'Action plan: what they will do differently, by when',
}

/** A question as the add-a-question form sends it. */
function questionFromForm(body: Body): Record<string, unknown> {
  const kind = text(body.kind)
  const question: Record<string, unknown> = {
    kind,
    prompt: text(body.prompt),
    required: body.required === 'yes',
  }
  if (kind === 'single_choice' || kind === 'multiple_choice')
    question.options = text(body.options)
      .split(/\r?\n/)
      .map((o) => o.trim())
      .filter(Boolean)
  if (kind === 'confidence') question.perObjective = body.perObjective === 'yes'
  return question
}

/** Errors on a question's fields, named as the form names them. */
const onForm = (errors: FieldError[]) =>
  errors.map((e) => ({ ...e, field: e.field.replace(/^questions\.\d+\.?/, '') || 'kind' }))

/**
 * The evaluation pages for admins: questionnaires built a question at a time and published,
 * anonymous surveys and their answers, and the monthly telephone sample.
 */
export default async function evaluationAdminRoutes(
  app: FastifyInstance,
  { services }: { services: Services },
) {
  const { questionnaires, surveys, telephone } = services

  app.get('/evaluation', { config: { access: ['admin', 'subgroup', 'executive'] } }, (request, reply) =>
    reply.view('evaluation/views/hub.njk', {
      title: 'Evaluation',
      isAdmin: contextOf(request).actor.roles.includes('admin'),
    }),
  )

  app.get('/questionnaires', { config: admin }, async (request, reply) =>
    reply.view('evaluation/views/questionnaires.njk', {
      title: 'Questionnaires',
      questionnaires: await questionnaires.list(contextOf(request)),
      values: {},
      backLink: '/evaluation',
    }),
  )

  app.post<{ Body: Body }>('/questionnaires', { config: admin }, async (request, reply) => {
    const ctx = contextOf(request)
    try {
      const created = await questionnaires.create(ctx, { title: text(request.body?.title), questions: [] })
      return reply.redirect(`/questionnaires/${created.id}`, 303)
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      return reply.status(400).view('evaluation/views/questionnaires.njk', {
        title: 'Questionnaires',
        questionnaires: await questionnaires.list(ctx),
        values: request.body ?? {},
        errors: errorSummary(error.errors),
        fieldErrors: errorFor(error.errors),
      })
    }
  })

  async function questionnairePage(
    request: IdRequest,
    reply: FastifyReply,
    values: Body = {},
    errors: FieldError[] = [],
  ) {
    const questionnaire = await questionnaires.questionnaire(contextOf(request), request.params.id)
    const unpublished =
      !questionnaire.published ||
      JSON.stringify(questionnaire.published.questions) !== JSON.stringify(questionnaire.draft)
    return reply.status(errors.length ? 400 : 200).view('evaluation/views/questionnaire.njk', {
      title: questionnaire.title,
      questionnaire,
      unpublished,
      kinds: questionKinds.map((k) => ({ value: k, text: kindNames[k], checked: values.kind === k })),
      kindNames,
      values,
      errors: errorSummary(errors),
      fieldErrors: errorFor(errors),
      backLink: '/questionnaires',
    })
  }

  app.get<{ Params: { id: string } }>('/questionnaires/:id', { config: admin }, (request, reply) =>
    questionnairePage(request as IdRequest, reply),
  )

  app.post<{ Params: { id: string }; Body: Body }>(
    '/questionnaires/:id/questions',
    { config: admin },
    async (request, reply) => {
      const body = request.body ?? {}
      try {
        await questionnaires.addQuestion(contextOf(request), request.params.id, questionFromForm(body))
      } catch (error) {
        if (error instanceof ValidationError)
          return questionnairePage(request, reply, body, onForm(error.errors))
        throw error
      }
      return reply.redirect(`/questionnaires/${request.params.id}`, 303)
    },
  )

  app.post<{ Params: { id: string; questionId: string } }>(
    '/questionnaires/:id/questions/:questionId/remove',
    { config: admin },
    async (request, reply) => {
      await questionnaires.removeQuestion(contextOf(request), request.params.id, request.params.questionId)
      return reply.redirect(`/questionnaires/${request.params.id}`, 303)
    },
  )

  app.post<{ Params: { id: string } }>(
    '/questionnaires/:id/publish',
    { config: admin },
    async (request, reply) => {
      try {
        await questionnaires.publish(contextOf(request), request.params.id)
      } catch (error) {
        if (error instanceof ValidationError)
          return questionnairePage(request as IdRequest, reply, {}, error.errors)
        throw error
      }
      return reply.redirect(`/questionnaires/${request.params.id}`, 303)
    },
  )

  async function surveysPage(
    request: FastifyRequest,
    reply: FastifyReply,
    values: Body = {},
    errors: FieldError[] = [],
  ) {
    const ctx = contextOf(request)
    const published = (await questionnaires.titles(ctx)).filter((q) => q.published)
    return reply.status(errors.length ? 400 : 200).view('evaluation/views/surveys.njk', {
      title: 'Anonymous surveys',
      surveys: await surveys.list(ctx),
      audiences: audiences.map((a) => ({ value: a, text: audienceNames[a], checked: values.audience === a })),
      audienceNames,
      questionnaires: [
        { value: '', text: 'Select a questionnaire' },
        ...published.map((q) => ({ value: q.id, text: q.title, selected: values.questionnaireId === q.id })),
      ],
      slug: ctx.partnership.slug,
      publicUrl: services.config.publicUrl,
      values,
      errors: errorSummary(errors),
      fieldErrors: errorFor(errors),
      backLink: '/evaluation',
    })
  }

  app.get('/surveys', { config: admin }, (request, reply) => surveysPage(request, reply))

  app.post<{ Body: Body }>('/surveys', { config: admin }, async (request, reply) => {
    const body = request.body ?? {}
    const [day, month, year] = ['day', 'month', 'year'].map((p) => text(body[`closesOn-${p}`]))
    try {
      const id = await surveys.create(contextOf(request), {
        title: text(body.title),
        audience: text(body.audience),
        questionnaireId: text(body.questionnaireId),
        closesOn: `${year}-${(month ?? '').padStart(2, '0')}-${(day ?? '').padStart(2, '0')}`,
      })
      return reply.redirect(`/surveys/${id}`, 303)
    } catch (error) {
      if (error instanceof ValidationError) return surveysPage(request, reply, body, error.errors)
      throw error
    }
  })

  app.get<{ Params: { id: string } }>('/surveys/:id', { config: admin }, async (request, reply) => {
    const ctx = contextOf(request)
    const survey = await surveys.survey(ctx, request.params.id)
    return reply.view('evaluation/views/survey-results.njk', {
      title: survey.title,
      survey,
      audienceName: audienceNames[survey.audience],
      link: `${services.config.publicUrl}/p/${ctx.partnership.slug}/surveys/${survey.code}`,
      summary: summarise(survey.questions, survey.answers),
      backLink: '/surveys',
    })
  })

  app.get('/telephone', { config: admin }, async (request, reply) =>
    reply.view('evaluation/views/telephone.njk', {
      title: 'Telephone follow-up',
      samples: await telephone.samples(contextOf(request)),
      backLink: '/evaluation',
    }),
  )

  app.post('/telephone', { config: admin }, async (request, reply) => {
    await telephone.drawNow(contextOf(request))
    return reply.redirect('/telephone', 303)
  })

  async function samplePage(
    request: IdRequest,
    reply: FastifyReply,
    failed?: { callId: string; values: Body; errors: FieldError[] },
  ) {
    const { sample, calls } = await telephone.sample(contextOf(request), request.params.id)
    return reply.status(failed ? 400 : 200).view('evaluation/views/sample.njk', {
      title: `Telephone follow-up, ${sample.month}`,
      sample,
      calls,
      outcomes: callOutcomes,
      callOutcomeNames,
      failed,
      errors: failed
        ? errorSummary(failed.errors.map((e) => ({ ...e, field: `${e.field}-${failed.callId}` })))
        : [],
      backLink: '/telephone',
    })
  }

  app.get<{ Params: { id: string } }>('/telephone/:id', { config: admin }, (request, reply) =>
    samplePage(request as IdRequest, reply),
  )

  app.post<{ Params: { id: string; callId: string }; Body: Body }>(
    '/telephone/:id/calls/:callId',
    { config: admin },
    async (request, reply) => {
      const body = request.body ?? {}
      const { id, callId } = request.params
      try {
        await telephone.record(contextOf(request), id, callId, {
          outcome: text(body.outcome),
          notes: text(body.notes),
        })
        return reply.redirect(`/telephone/${id}#call-${callId}`, 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return samplePage(request as unknown as IdRequest, reply, {
          callId,
          values: body,
          errors: error.errors,
        })
      }
    },
  )
}
