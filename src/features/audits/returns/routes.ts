import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { londonDateText, londonTimeText } from '#platform/clock.ts'
import type { Draft } from '#platform/drafts/index.ts'
import { draftAction, draftOwnerOf, replyAutosaved } from '#platform/drafts/index.ts'
import type { FieldError } from '#platform/errors.ts'
import { ConflictError, ForbiddenError, ValidationError } from '#platform/errors.ts'
import { sendDownload } from '#platform/http/downloads.ts'
import { errorFor, errorSummary, formText } from '#platform/http/forms.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { auditUsers } from '../access.ts'
import {
  auditRatingNames,
  resolutionNames,
  returnStatusNames,
  returnStatusTags,
  reviewNames,
} from '../words.ts'
import { wordDiff } from './diff.ts'
import type { SavedAnswer } from './queries.ts'
import { AnswerConflictError } from './service.ts'

type Body = Record<string, unknown>
type Params = { Params: { id: string } }
type StandardParams = { Params: { id: string; standardId: string } }

const access = { access: auditUsers }
const words = {
  ratingNames: auditRatingNames,
  statusNames: returnStatusNames,
  statusTags: returnStatusTags,
  reviewNames,
  resolutionNames,
}

const shown = (errors: FieldError[]) => ({
  errors: errorSummary(errors).map((e) => (e.href === '#form' ? { text: e.text } : e)),
  fieldErrors: errorFor(errors),
})

/** The draft of one standard's answer in one return. */
const answerDraft = (found: { ret: { id: string }; standard: { id: string } }) =>
  `audit-answer:${found.ret.id}:${found.standard.id}`.toLowerCase()

/** The answer's version a draft began from, so saving it still notices a colleague's change since. */
function draftVersion(draft: Draft | null, sent: { current?: unknown } | null): number | null {
  const version =
    draft && sent?.current === undefined ? Number.parseInt(formText(draft.values.version), 10) : Number.NaN
  return Number.isInteger(version) && version >= 0 ? version : null
}

/** "at 10:32am on 24 November 2026": when a colleague's save landed. */
const when = (at: Date) => `${londonTimeText(new Date(at))} on ${londonDateText(new Date(at))}`

/**
 * An agency's audit return: the return page (progress, answers, people, survey), answering one
 * standard (with what a colleague changed when two saves cross), evidence files, starting from
 * the last return, and the senior lead's sign-off.
 */
export default async function auditReturnRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const returns = services.auditReturns

  async function returnPage(
    request: FastifyRequest<Params>,
    reply: FastifyReply,
    sent: { body: Body; errors: FieldError[] } | null = null,
    status = 200,
  ) {
    const view = await returns.return(contextOf(request), request.params.id)
    const query = (request.query ?? {}) as Record<string, string>
    return reply.status(status).view('audits/returns/views/return.njk', {
      ...words,
      title: `${view.ret.agencyName}: ${view.ret.cycleTitle}`,
      view,
      values: sent?.body ?? {},
      done: query.done ?? '',
      backLink: '/audits',
      ...shown(sent?.errors ?? []),
    })
  }

  app.get<Params>('/audits/returns/:id', { config: access }, (request, reply) => returnPage(request, reply))

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
      if (error instanceof ConflictError || error instanceof ForbiddenError)
        return returnPage(
          request,
          reply,
          { body, errors: [{ field: 'form', text: error.message }] },
          error instanceof ConflictError ? 409 : 403,
        )
      throw error
    }
  }

  app.post<Params>('/audits/returns/:id/carry-forward', { config: access }, (request, reply) =>
    change(
      request,
      reply,
      () => returns.carryForward(contextOf(request), request.params.id),
      `/audits/returns/${request.params.id}?done=carried`,
    ),
  )

  app.post<Params & { Body: Body }>(
    '/audits/returns/:id/contributors',
    { config: access },
    (request, reply) =>
      change(
        request,
        reply,
        () =>
          returns.addContributor(contextOf(request), request.params.id, {
            email: formText(request.body?.email),
          }),
        `/audits/returns/${request.params.id}?done=named#people`,
      ),
  )

  app.post<{ Params: { id: string; userId: string } }>(
    '/audits/returns/:id/contributors/:userId/remove',
    { config: access },
    (request, reply) =>
      change(
        request,
        reply,
        () => returns.removeContributor(contextOf(request), request.params.id, request.params.userId),
        `/audits/returns/${request.params.id}#people`,
      ),
  )

  /**
   * The answering page. After a refused save it shows the saver's own text in the form, the
   * answer as a colleague saved it beside it with the words that differ, and that answer's
   * version in the hidden field, so saving again is a deliberate choice to replace it.
   */
  async function answerPage(
    request: FastifyRequest<StandardParams>,
    reply: FastifyReply,
    sent: { body: Body | null; errors: FieldError[]; current?: SavedAnswer | null } | null = null,
    status = 200,
    savedDraft: Draft | null = null,
  ) {
    const ctx = contextOf(request)
    const found = await returns.answer(ctx, request.params.id, request.params.standardId)
    // An answer being written and saved as a draft is shown again, from the version it began from.
    const draft =
      savedDraft ??
      (sent || !found.mayAnswer ? null : await services.drafts.draftOf(draftOwnerOf(ctx), answerDraft(found)))
    const from = sent?.body ?? draft?.values
    const saved = sent?.current !== undefined ? sent.current : found.answer
    const values = from
      ? { rating: formText(from.rating), narrative: formText(from.narrative) }
      : { rating: found.answer?.rating ?? '', narrative: found.answer?.narrative ?? '' }
    const conflict =
      sent?.current !== undefined
        ? {
            current: sent.current,
            diff: wordDiff(values.narrative, sent.current?.narrative ?? ''),
          }
        : null
    const query = (request.query ?? {}) as Record<string, string>
    return reply.status(status).view('audits/returns/views/answer.njk', {
      ...words,
      title: `${found.standard.ref} ${found.standard.title}`,
      found,
      values,
      version: draftVersion(draft, sent) ?? saved?.version ?? 0,
      conflict,
      draft,
      draftSaved: Boolean(savedDraft),
      done: query.done ?? '',
      backLink: `/audits/returns/${found.ret.id}#section-${found.section.position}`,
      ...shown(sent?.errors ?? []),
    })
  }

  app.get<StandardParams>('/audits/returns/:id/standards/:standardId', { config: access }, (request, reply) =>
    answerPage(request, reply),
  )

  app.post<StandardParams & { Body: Body }>(
    '/audits/returns/:id/standards/:standardId',
    { config: access },
    async (request, reply) => {
      const body = request.body ?? {}
      const { id, standardId } = request.params
      const saving = draftAction(body)
      if (saving) {
        const ctx = contextOf(request)
        const found = await returns.answer(ctx, id, standardId)
        if (!found.mayAnswer) return answerPage(request, reply)
        const draft = await services.drafts.saveDraft(draftOwnerOf(ctx), answerDraft(found), body)
        if (saving === 'autosave') return replyAutosaved(reply, draft)
        return answerPage(request, reply, null, 200, draft)
      }
      const version = Number(formText(body.version) || '0')
      try {
        await returns.saveAnswer(contextOf(request), id, standardId, {
          rating: formText(body.rating) || null,
          narrative: typeof body.narrative === 'string' ? body.narrative : null,
          version: Number.isInteger(version) && version >= 0 ? version : 0,
        })
        const sentForm = { ret: { id }, standard: { id: standardId } }
        await services.drafts.discardDraft(draftOwnerOf(contextOf(request)), answerDraft(sentForm))
        return reply.redirect(`/audits/returns/${id}?done=saved`, 303)
      } catch (error) {
        if (error instanceof AnswerConflictError) {
          const name = error.current?.updatedByName ?? 'A colleague'
          const at = error.current ? ` at ${when(error.current.updatedAt)}` : ''
          return answerPage(
            request,
            reply,
            {
              body,
              current: error.current,
              errors: [
                {
                  field: 'narrative',
                  text: `${name} changed this answer${at} while you were editing. Your text is still in the form; their answer is shown beside it. Save again to replace theirs with yours.`,
                },
              ],
            },
            409,
          )
        }
        if (error instanceof ValidationError)
          return answerPage(request, reply, { body, errors: error.errors }, 400)
        if (error instanceof ConflictError || error instanceof ForbiddenError)
          return answerPage(
            request,
            reply,
            { body, errors: [{ field: 'form', text: error.message }] },
            error instanceof ConflictError ? 409 : 403,
          )
        throw error
      }
    },
  )

  app.post<StandardParams & { Body: Body }>(
    '/audits/returns/:id/standards/:standardId/files',
    { config: access },
    async (request, reply) => {
      const { id, standardId } = request.params
      const upload = request.uploads?.file
      const hasFile = upload && (upload.filename || upload.bytes.length > 0)
      const errors: FieldError[] = []
      if (!hasFile) errors.push({ field: 'file', text: 'Select a file to upload' })
      else if (upload.tooLarge) errors.push({ field: 'file', text: 'The file must be smaller than 10 MB' })
      if (errors.length || !upload) return answerPage(request, reply, { body: null, errors }, 400)
      try {
        await returns.addEvidence(contextOf(request), id, standardId, {
          filename: upload.filename,
          bytes: upload.bytes,
        })
        return reply.redirect(`/audits/returns/${id}/standards/${standardId}?done=file#files`, 303)
      } catch (error) {
        if (error instanceof ValidationError)
          return answerPage(request, reply, { body: null, errors: error.errors }, 400)
        if (error instanceof ConflictError || error instanceof ForbiddenError)
          return answerPage(
            request,
            reply,
            { body: null, errors: [{ field: 'form', text: error.message }] },
            error instanceof ConflictError ? 409 : 403,
          )
        throw error
      }
    },
  )

  app.get<{ Params: { id: string; fileId: string } }>(
    '/audits/returns/:id/files/:fileId',
    { config: access },
    async (request, reply) => {
      const file = await returns.evidenceFile(contextOf(request), request.params.id, request.params.fileId)
      return sendDownload(reply, {
        filename: file.filename,
        contentType: file.contentType,
        content: file.bytes,
      })
    },
  )

  app.post<{ Params: { id: string; fileId: string } }>(
    '/audits/returns/:id/files/:fileId/remove',
    { config: access },
    async (request, reply) => {
      try {
        const standardId = await returns.removeEvidence(
          contextOf(request),
          request.params.id,
          request.params.fileId,
        )
        return reply.redirect(`/audits/returns/${request.params.id}/standards/${standardId}#files`, 303)
      } catch (error) {
        if (error instanceof ConflictError || error instanceof ForbiddenError)
          return returnPage(
            request,
            reply,
            { body: {}, errors: [{ field: 'form', text: error.message }] },
            error instanceof ConflictError ? 409 : 403,
          )
        throw error
      }
    },
  )

  async function submitPage(
    request: FastifyRequest<Params>,
    reply: FastifyReply,
    errors: { text: string; href?: string }[] = [],
    status = 200,
  ) {
    const view = await returns.return(contextOf(request), request.params.id)
    return reply.status(status).view('audits/returns/views/submit.njk', {
      ...words,
      title: 'Sign off and submit the return',
      view,
      unanswered: returns.unansweredOf(view),
      backLink: `/audits/returns/${view.ret.id}`,
      errors,
    })
  }

  app.get<Params>('/audits/returns/:id/submit', { config: access }, (request, reply) =>
    submitPage(request, reply),
  )

  app.post<Params>('/audits/returns/:id/submit', { config: access }, async (request, reply) => {
    const ctx = contextOf(request)
    try {
      await returns.submit(ctx, request.params.id)
      return reply.redirect(`/audits/returns/${request.params.id}?done=submitted`, 303)
    } catch (error) {
      if (error instanceof ValidationError) {
        const view = await returns.return(ctx, request.params.id)
        return submitPage(
          request,
          reply,
          returns.unansweredOf(view).map((u) => ({
            text: `Rate standard ${u.ref} (${u.title}) and say how your agency meets it`,
            href: `/audits/returns/${request.params.id}/standards/${u.standardId}`,
          })),
          400,
        )
      }
      if (error instanceof ConflictError || error instanceof ForbiddenError)
        return submitPage(
          request,
          reply,
          [{ text: error.message }],
          error instanceof ConflictError ? 409 : 403,
        )
      throw error
    }
  })
}
