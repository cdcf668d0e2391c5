import type { FastifyInstance, FastifyReply } from 'fastify'
import type { Draft } from '#platform/drafts/index.ts'
import { draftAction, replyAutosaved } from '#platform/drafts/index.ts'
import type { FieldError } from '#platform/errors.ts'
import { ConflictError, ValidationError } from '#platform/errors.ts'
import { errorFor, errorSummary, formText as text } from '#platform/http/forms.ts'
import { openToAnyoneLimit } from '#platform/http/rate-limit.ts'
import type { Services } from '#src/services.ts'
import { answersFromForm } from './page-forms.ts'
import type { LinkedForm } from './responses.ts'
import type { PlanOutcome } from './stages.ts'
import { planOutcomeNames, planOutcomes, stageNames } from './stages.ts'
import { audienceNames } from './surveys.ts'

type Params = { slug: string; token: string }
type Body = Record<string, unknown>

/**
 * The pages anyone with a link may use without signing in: an attendee's evaluation from
 * their emailed link, and anonymous surveys. Both are rate-limited like signing in.
 */
export default async function respondRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const { responses, surveys } = services
  const rateLimit = openToAnyoneLimit(services.config)
  const config = { access: 'public' as const, rateLimit }

  function linkProblem(reply: FastifyReply, found: Extract<LinkedForm, { ok: false }>) {
    return reply.status(found.problem === 'expired' ? 410 : 404).view('evaluation/views/link-problem.njk', {
      title: found.problem === 'expired' ? 'This link has expired' : 'This link does not work',
      expired: found.problem === 'expired',
    })
  }

  function formPage(
    reply: FastifyReply,
    found: Extract<LinkedForm, { ok: true }>,
    values: Body,
    errors: FieldError[] = [],
    draft: { draft: Draft | null; savedNow?: boolean } = { draft: null },
  ) {
    const { form } = found
    if (errors.length) reply.status(400)
    return reply.view('evaluation/views/respond.njk', {
      title: `${stageNames[form.stage]}: ${form.courseTitle}`,
      stageName: stageNames[form.stage],
      form,
      partnership: found.partnership,
      planOutcomes: planOutcomes.map((o) => ({
        value: o,
        text: planOutcomeNames[o],
        checked: values.planOutcome === o,
      })),
      values,
      draft: draft.draft,
      draftSaved: draft.savedNow,
      draftForm: true,
      errors: errorSummary(errors),
      fieldErrors: errorFor(errors),
    })
  }

  // Whoever holds the link may keep a draft of their answers, found again by the same link.
  const linkDraft = (found: Extract<LinkedForm, { ok: true }>, token: string) => ({
    partnershipId: found.partnership.id,
    linkToken: token,
  })

  app.get<{ Params: Params }>('/p/:slug/evaluate/:token', { config }, async (request, reply) => {
    const found = await responses.linkedForm(request.params.slug, request.params.token)
    if (!found.ok) return linkProblem(reply, found)
    const draft = await services.drafts.draftOf(linkDraft(found, request.params.token), 'evaluation')
    return formPage(reply, found, draft?.values ?? {}, [], { draft })
  })

  app.post<{ Params: Params; Body: Body }>('/p/:slug/evaluate/:token', { config }, async (request, reply) => {
    const { slug, token } = request.params
    const body = request.body ?? {}
    const found = await responses.linkedForm(slug, token)
    if (!found.ok) return linkProblem(reply, found)
    const saving = draftAction(body)
    if (saving) {
      const draft = await services.drafts.saveDraft(linkDraft(found, token), 'evaluation', body)
      if (saving === 'autosave') return replyAutosaved(reply, draft)
      return formPage(reply, found, body, [], { draft, savedNow: true })
    }
    const outcome = text(body.planOutcome)
    try {
      await responses.respondByLink(found, {
        answers: answersFromForm(body, found.form.questions, found.form.objectives),
        planOutcome: planOutcomes.includes(outcome as PlanOutcome) ? (outcome as PlanOutcome) : null,
      })
    } catch (error) {
      if (error instanceof ValidationError) return formPage(reply, found, body, error.errors)
      if (!(error instanceof ConflictError)) throw error
      // Answered already (perhaps in another tab): the page says so rather than thanking again.
      const now = await responses.linkedForm(slug, token)
      if (!now.ok) return linkProblem(reply, now)
      return formPage(reply.status(409), now, {})
    }
    await services.drafts.discardDraft(linkDraft(found, token), 'evaluation')
    return reply.view('evaluation/views/thanks.njk', {
      title: 'Thank you',
      courseTitle: found.form.courseTitle,
      afterCourse: found.form.stage === 'after_course',
    })
  })

  async function surveyPage(
    reply: FastifyReply,
    slug: string,
    code: string,
    values: Body,
    errors: FieldError[] = [],
  ) {
    const survey = await surveys.open(code, slug)
    if (!survey)
      return reply.status(404).view('evaluation/views/link-problem.njk', { title: 'This link does not work' })
    return reply.status(errors.length ? 400 : survey.closed ? 410 : 200).view('evaluation/views/survey.njk', {
      title: survey.title,
      survey,
      audienceName: audienceNames[survey.audience],
      values,
      errors: errorSummary(errors),
      fieldErrors: errorFor(errors),
    })
  }

  app.get<{ Params: { slug: string; code: string } }>(
    '/p/:slug/surveys/:code',
    { config },
    (request, reply) => surveyPage(reply, request.params.slug, request.params.code, {}),
  )

  app.post<{ Params: { slug: string; code: string }; Body: Body }>(
    '/p/:slug/surveys/:code',
    { config },
    async (request, reply) => {
      const { slug, code } = request.params
      const body = request.body ?? {}
      const survey = await surveys.open(code, slug)
      if (!survey || survey.closed) return surveyPage(reply, slug, code, body)
      try {
        await surveys.answer(code, answersFromForm(body, survey.questions), { slug })
      } catch (error) {
        if (error instanceof ValidationError) return surveyPage(reply, slug, code, body, error.errors)
        throw error
      }
      return reply.view('evaluation/views/thanks.njk', { title: 'Thank you', anonymous: true })
    },
  )
}
