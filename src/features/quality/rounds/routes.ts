import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { actionStatusNames, actionStatusTags } from '#features/actions/index.ts'
import type { Draft } from '#platform/drafts/index.ts'
import { draftAction, draftOwnerOf, replyAutosaved } from '#platform/drafts/index.ts'
import type { FieldError } from '#platform/errors.ts'
import { ConflictError, ValidationError } from '#platform/errors.ts'
import { sendDownload } from '#platform/http/downloads.ts'
import { errorFor, errorSummary, formText } from '#platform/http/forms.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import {
  outcomeNames,
  outcomes,
  ratingNames,
  ratings,
  returnStatusNames,
  returnStatusTags,
} from '../words.ts'
import { ACTION_ROWS, openFromForm, ratingsFromForm, reviewFieldOf, reviewFromForm } from './page-forms.ts'
import type { ReturnView } from './service.ts'
import { returnReaders, returnReviewers, roundOpeners, roundReaders } from './service.ts'

type Body = Record<string, unknown>
type Params = { Params: { id: string } }

const words = {
  ratingNames,
  ratings,
  outcomeNames,
  outcomes,
  statusNames: returnStatusNames,
  statusTags: returnStatusTags,
  actionStatusNames,
  actionStatusTags,
}

const shown = (errors: FieldError[]) => ({
  errors: errorSummary(errors).map((e) => (e.href === '#form' ? { text: e.text } : e)),
  fieldErrors: errorFor(errors),
})

/** A course's answers by standard, for the pages that show them. */
function answersOf(view: ReturnView) {
  return view.ret.courses.map((course) => ({
    course,
    rows: view.version.standards.map((standard) => ({
      standard,
      answer: course.ratings.find((r) => r.standardId === standard.id) ?? null,
    })),
  }))
}

/** The draft of one course's ratings in one self-assessment return. */
const ratingsDraft = (returnId: string, courseId: string) =>
  `self-assessment:${returnId}:${courseId}`.toLowerCase()

const feedbackOf = (view: ReturnView) =>
  Object.fromEntries(view.ret.feedback.map((f) => [f.standardId, f.feedback]))

/**
 * The self-assessment pages: the rounds and opening one; an agency lead's returns, their
 * courses rated against the standards, checked and submitted; and the review.
 */
export default async function qaRoundRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const { qaRounds: rounds } = services

  app.get('/quality/rounds', { config: { access: roundReaders } }, async (request, reply) => {
    const ctx = contextOf(request)
    return reply.view('quality/rounds/views/rounds.njk', {
      ...words,
      title: 'Self-assessment rounds',
      rounds: await rounds.rounds(ctx),
      canOpen: ctx.actor.roles.includes('admin'),
    })
  })

  async function newPage(
    request: FastifyRequest,
    reply: FastifyReply,
    body: Body | null,
    errors: FieldError[] = [],
  ) {
    const ctx = contextOf(request)
    const choices = await rounds.openChoices(ctx)
    const values = body ?? { agencyIds: choices.agencies.map((a) => a.id) }
    return reply.status(errors.length ? 400 : 200).view('quality/rounds/views/new.njk', {
      title: 'Open a self-assessment round',
      choices,
      values: { ...values, agencyIds: [values.agencyIds ?? []].flat() },
      backLink: '/quality/rounds',
      ...shown(errors),
    })
  }

  app.get('/quality/rounds/new', { config: { access: roundOpeners } }, (request, reply) =>
    newPage(request, reply, null),
  )

  app.post<{ Body: Body }>(
    '/quality/rounds/new',
    { config: { access: roundOpeners } },
    async (request, reply) => {
      const body = request.body ?? {}
      const form = openFromForm(body)
      if (!form.ok) return newPage(request, reply, body, form.errors)
      try {
        const id = await rounds.open(contextOf(request), form.data)
        return reply.redirect(`/quality/rounds/${id}`, 303)
      } catch (error) {
        if (error instanceof ValidationError)
          return newPage(
            request,
            reply,
            body,
            error.errors.map((e) => (e.field === 'dueOn' ? { ...e, field: 'dueOn-day' } : e)),
          )
        if (error instanceof ConflictError)
          return newPage(request, reply, body, [{ field: 'form', text: error.message }])
        throw error
      }
    },
  )

  app.get<Params>('/quality/rounds/:id', { config: { access: roundReaders } }, async (request, reply) => {
    const found = await rounds.round(contextOf(request), request.params.id)
    return reply.view('quality/rounds/views/round.njk', {
      ...words,
      title: found.round.title,
      found,
      anySubmitted: found.returns.some((r) => r.status === 'submitted' || r.status === 'reviewed'),
      backLink: '/quality/rounds',
    })
  })

  app.get('/quality/returns', { config: { access: ['agency-lead'] } }, async (request, reply) =>
    reply.view('quality/rounds/views/returns.njk', {
      ...words,
      title: 'Your agencies’ self-assessments',
      returns: await rounds.myReturns(contextOf(request)),
    }),
  )

  async function returnPage(
    request: FastifyRequest<Params>,
    reply: FastifyReply,
    sent: { body: Body; errors: FieldError[] } | null = null,
    status = 200,
  ) {
    const ctx = contextOf(request)
    const view = await rounds.returnView(ctx, request.params.id)
    return reply.status(status).view('quality/rounds/views/return.njk', {
      ...words,
      title: `${view.ret.agencyName}: ${view.ret.roundTitle}`,
      view,
      answers: answersOf(view),
      feedback: feedbackOf(view),
      values: sent?.body ?? {},
      saved: (request.query as Record<string, string> | undefined)?.saved === '1',
      backLink: view.oversees ? `/quality/rounds/${view.ret.roundId}` : '/quality/returns',
      ...shown(sent?.errors ?? []),
    })
  }

  app.get<Params>('/quality/returns/:id', { config: { access: returnReaders } }, (request, reply) =>
    returnPage(request, reply),
  )

  /** Runs a change to the return; a refusal shows the return's page with why. */
  async function change(
    request: FastifyRequest<Params>,
    reply: FastifyReply,
    run: () => Promise<unknown>,
    to: string,
  ) {
    try {
      await run()
      return reply.redirect(to, 303)
    } catch (error) {
      const body = (request.body as Body | undefined) ?? {}
      if (error instanceof ValidationError)
        return returnPage(request, reply, { body, errors: error.errors }, 400)
      if (error instanceof ConflictError)
        return returnPage(request, reply, { body, errors: [{ field: 'form', text: error.message }] }, 409)
      throw error
    }
  }

  app.post<Params & { Body: Body }>(
    '/quality/returns/:id/courses',
    { config: { access: returnReaders } },
    (request, reply) =>
      change(
        request,
        reply,
        () => rounds.addCourse(contextOf(request), request.params.id, formText(request.body?.title)),
        `/quality/returns/${request.params.id}`,
      ),
  )

  app.post<{ Params: { id: string; courseId: string } }>(
    '/quality/returns/:id/courses/:courseId/remove',
    { config: { access: returnReaders } },
    (request, reply) =>
      change(
        request,
        reply,
        () => rounds.removeCourse(contextOf(request), request.params.id, request.params.courseId),
        `/quality/returns/${request.params.id}`,
      ),
  )

  app.post<Params>(
    '/quality/returns/:id/carry-forward',
    { config: { access: returnReaders } },
    (request, reply) =>
      change(
        request,
        reply,
        () => rounds.carryForward(contextOf(request), request.params.id),
        `/quality/returns/${request.params.id}`,
      ),
  )

  async function coursePage(
    request: FastifyRequest<{ Params: { id: string; courseId: string } }>,
    reply: FastifyReply,
    sent: { body: Body | null; errors: FieldError[] } | null = null,
    status = 200,
    savedDraft: Draft | null = null,
  ) {
    const ctx = contextOf(request)
    const view = await rounds.returnView(ctx, request.params.id)
    const answers = answersOf(view)
    const found = answers.find((a) => a.course.id === request.params.courseId)
    if (!found || !view.mayEdit) return returnPage(request, reply)
    const draft =
      savedDraft ??
      (sent
        ? null
        : await services.drafts.draftOf(draftOwnerOf(ctx), ratingsDraft(view.ret.id, found.course.id)))
    const values: Record<string, unknown> = sent?.body ?? draft?.values ?? {}
    if (!sent?.body && !draft)
      for (const row of found.rows) {
        values[`rating-${row.standard.id}`] = row.answer?.rating ?? ''
        values[`narrative-${row.standard.id}`] = row.answer?.narrative ?? ''
        values[`evidenceNote-${row.standard.id}`] = row.answer?.evidenceNote ?? ''
        values[`evidenceUrl-${row.standard.id}`] = row.answer?.evidenceUrl ?? ''
      }
    return reply.status(status).view('quality/rounds/views/course.njk', {
      ...words,
      title: `Rate ${found.course.title}`,
      view,
      course: found.course,
      rows: found.rows,
      values,
      draft,
      draftSaved: Boolean(savedDraft),
      backLink: `/quality/returns/${view.ret.id}`,
      ...shown(sent?.errors ?? []),
    })
  }

  app.get<{ Params: { id: string; courseId: string } }>(
    '/quality/returns/:id/courses/:courseId',
    { config: { access: returnReaders } },
    (request, reply) => coursePage(request, reply),
  )

  app.post<{ Params: { id: string; courseId: string }; Body: Body }>(
    '/quality/returns/:id/courses/:courseId',
    { config: { access: returnReaders } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const view = await rounds.returnView(ctx, request.params.id)
      const body = request.body ?? {}
      const saving = draftAction(body)
      const course = view.ret.courses.find((c) => c.id === request.params.courseId)
      if (saving && course && view.mayEdit) {
        const draft = await services.drafts.saveDraft(
          draftOwnerOf(ctx),
          ratingsDraft(view.ret.id, course.id),
          body,
        )
        if (saving === 'autosave') return replyAutosaved(reply, draft)
        return coursePage(request, reply, null, 200, draft)
      }
      const form = ratingsFromForm(body, view.version.standards)
      if (!form.ok) return coursePage(request, reply, { body, errors: form.errors }, 400)
      try {
        await rounds.rateCourse(ctx, request.params.id, request.params.courseId, form.data)
        await services.drafts.discardDraft(
          draftOwnerOf(ctx),
          ratingsDraft(request.params.id, request.params.courseId),
        )
        return reply.redirect(`/quality/returns/${request.params.id}?saved=1`, 303)
      } catch (error) {
        if (error instanceof ValidationError)
          return coursePage(request, reply, { body, errors: error.errors }, 400)
        if (error instanceof ConflictError)
          return returnPage(request, reply, { body, errors: [{ field: 'form', text: error.message }] }, 409)
        throw error
      }
    },
  )

  app.post<{ Params: { id: string; courseId: string }; Body: Body }>(
    '/quality/returns/:id/courses/:courseId/files',
    { config: { access: returnReaders } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const upload = request.uploads?.file
      const body = request.body ?? {}
      const hasFile = upload && (upload.filename || upload.bytes.length > 0)
      const errors: FieldError[] = []
      if (!hasFile) errors.push({ field: 'file', text: 'Select a file to upload' })
      else if (upload.tooLarge) errors.push({ field: 'file', text: 'The file must be smaller than 10 MB' })
      if (errors.length || !upload) return coursePage(request, reply, { body: null, errors }, 400)
      try {
        await rounds.addEvidenceFile(
          ctx,
          request.params.id,
          request.params.courseId,
          formText(body.standardId),
          {
            filename: upload.filename,
            bytes: upload.bytes,
          },
        )
        return reply.redirect(`/quality/returns/${request.params.id}/courses/${request.params.courseId}`, 303)
      } catch (error) {
        if (error instanceof ValidationError)
          return coursePage(request, reply, { body: null, errors: error.errors }, 400)
        if (error instanceof ConflictError)
          return returnPage(request, reply, { body, errors: [{ field: 'form', text: error.message }] }, 409)
        throw error
      }
    },
  )

  app.post<{ Params: { id: string; fileId: string }; Body: Body }>(
    '/quality/returns/:id/files/:fileId/remove',
    { config: { access: returnReaders } },
    async (request, reply) => {
      const back = formText(request.body?.courseId)
      return change(
        request,
        reply,
        () => rounds.removeEvidenceFile(contextOf(request), request.params.id, request.params.fileId),
        /^[0-9a-f-]{36}$/.test(back)
          ? `/quality/returns/${request.params.id}/courses/${back}`
          : `/quality/returns/${request.params.id}`,
      )
    },
  )

  app.get<{ Params: { id: string; fileId: string } }>(
    '/quality/returns/:id/files/:fileId',
    { config: { access: returnReaders } },
    async (request, reply) => {
      const file = await rounds.evidenceFile(contextOf(request), request.params.id, request.params.fileId)
      return sendDownload(reply, { ...file, content: file.bytes })
    },
  )

  async function checkPage(
    request: FastifyRequest<Params>,
    reply: FastifyReply,
    errors: FieldError[] = [],
    status = 200,
  ) {
    const view = await rounds.returnView(contextOf(request), request.params.id)
    if (!view.mayEdit) return returnPage(request, reply)
    return reply.status(status).view('quality/rounds/views/check.njk', {
      ...words,
      title: 'Check your self-assessment before submitting it',
      view,
      answers: answersOf(view),
      backLink: `/quality/returns/${view.ret.id}`,
      ...shown(errors),
    })
  }

  app.get<Params>('/quality/returns/:id/check', { config: { access: returnReaders } }, (request, reply) =>
    checkPage(request, reply),
  )

  app.post<Params>(
    '/quality/returns/:id/submit',
    { config: { access: returnReaders } },
    async (request, reply) => {
      try {
        await rounds.submit(contextOf(request), request.params.id)
        return reply.redirect(`/quality/returns/${request.params.id}`, 303)
      } catch (error) {
        if (error instanceof ValidationError)
          return checkPage(
            request,
            reply,
            error.errors.map((e) => (e.field === 'unrated' ? e : { ...e, field: 'form' })),
            400,
          )
        if (error instanceof ConflictError)
          return returnPage(
            request,
            reply,
            { body: {}, errors: [{ field: 'form', text: error.message }] },
            409,
          )
        throw error
      }
    },
  )

  async function reviewPage(
    request: FastifyRequest<Params>,
    reply: FastifyReply,
    body: Body = {},
    errors: FieldError[] = [],
    status = 200,
  ) {
    const view = await rounds.reviewable(contextOf(request), request.params.id)
    return reply.status(status).view('quality/rounds/views/review.njk', {
      ...words,
      title: `Review: ${view.ret.agencyName}`,
      view,
      answers: answersOf(view),
      values: body,
      actionRows: Array.from({ length: ACTION_ROWS }, (_, i) => i + 1),
      backLink: `/quality/returns/${view.ret.id}`,
      ...shown(errors),
    })
  }

  app.get<Params>('/quality/returns/:id/review', { config: { access: returnReviewers } }, (request, reply) =>
    reviewPage(request, reply),
  )

  app.post<Params & { Body: Body }>(
    '/quality/returns/:id/review',
    { config: { access: returnReviewers } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const view = await rounds.reviewable(ctx, request.params.id)
      const body = request.body ?? {}
      const form = reviewFromForm(body, view.version.standards)
      if (!form.ok) return reviewPage(request, reply, body, form.errors, 400)
      try {
        await rounds.review(ctx, request.params.id, form.data)
        return reply.redirect(`/quality/returns/${request.params.id}`, 303)
      } catch (error) {
        if (error instanceof ValidationError)
          return reviewPage(
            request,
            reply,
            body,
            error.errors.map((e) => ({ ...e, field: reviewFieldOf(e.field, form.rows) })),
            400,
          )
        throw error
      }
    },
  )
}
