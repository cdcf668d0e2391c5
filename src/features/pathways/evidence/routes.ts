import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { checkEvidence, MAX_EVIDENCE_BYTES, tooLargeMessage } from '#features/actions/evidence.ts'
import { londonDateOf, londonDateText, londonTimeText } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import type { FieldError } from '#platform/errors.ts'
import { ConflictError, NotFoundError, ValidationError } from '#platform/errors.ts'
import { sendDownload } from '#platform/http/downloads.ts'
import { dateFromInput, errorFor, formText, isCalendarDate, parseForm } from '#platform/http/forms.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Upload } from '#platform/http/uploads.ts'
import type { Services } from '#src/services.ts'
import type { StandingStatus } from '../standing/rules.ts'
import { reasonFor, standingNames } from '../standing/rules.ts'
import type { PersonStanding } from '../standing/service.ts'
import type { EvidenceStatus } from './forms.ts'
import {
  decisionSchema,
  evidenceKindNames,
  evidenceKinds,
  evidenceSchema,
  evidenceStatusNames,
} from './forms.ts'
import type { Evidence } from './queries.ts'
import type { EvidenceUpload } from './service.ts'

const leads = ['admin', 'agency-lead'] as const

// Colour backs up the words on each tag; it never carries the meaning alone.
const standingTags: Record<StandingStatus, string> = {
  current: 'govuk-tag--green',
  due_soon: 'govuk-tag--yellow',
  overdue: 'govuk-tag--red',
  not_evidenced: 'govuk-tag--grey',
}
const evidenceTags: Record<EvidenceStatus, string> = {
  awaiting: 'govuk-tag--blue',
  verified: 'govuk-tag--green',
  rejected: 'govuk-tag--red',
}

const dayText = (date: string) => londonDateText(new Date(`${date}T12:00:00Z`))

/** Minutes as people say them: "45 minutes", "1 hour", "1.5 hours". */
function durationText(minutes: number): string {
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? '' : 's'}`
  const hours = Math.round((minutes / 60) * 100) / 100
  return `${hours} hour${hours === 1 ? '' : 's'}`
}

/** The banner a training page shows after the change that led to it, for the person or their lead. */
function bannerOf(query: Record<string, string>, own: boolean): string | null {
  if (query.saved === 'pathway') return own ? 'Pathway saved to your record' : 'Pathway saved to their record'
  if (query.added === 'certificate') return 'Certificate added to your record'
  if (query.added === 'evidence')
    return own
      ? 'Learning from elsewhere added: it counts once your agency lead verifies it'
      : 'Learning from elsewhere added: it counts once verified in Evidence to verify'
  return null
}

/** A person's standing and evidence, shaped for the training page. */
function trainingView(standing: PersonStanding, evidence: Evidence[], slug: string) {
  // Required first, each group in the pathway's own order.
  const ordered = [...standing.requirements].sort((a, b) => Number(b.required) - Number(a.required))
  const requiredIds = new Set(ordered.filter((r) => r.required).map((r) => r.requirementId))
  const courseHref = (courseId: string) => `/p/${slug}/courses/${courseId}`
  return {
    person: standing.person,
    status: standing.status,
    requirements: ordered.map((r) => ({
      ...r,
      statusName: standingNames[r.status],
      tag: standingTags[r.status],
      due: r.dueOn
        ? dayText(r.dueOn)
        : r.evidencedOn
          ? 'No refresher needed'
          : r.required
            ? 'Now'
            : 'Optional',
      reason: reasonFor(r.status, r, dayText),
    })),
    toBook: [...standing.toBook]
      .sort((a, b) => Number(requiredIds.has(b.requirementId)) - Number(requiredIds.has(a.requirementId)))
      .map((b) => ({
        ...b,
        required: requiredIds.has(b.requirementId),
        courses: (standing.requirements.find((r) => r.requirementId === b.requirementId)?.courses ?? []).map(
          (c) => ({ ...c, href: courseHref(c.id) }),
        ),
        dates: b.dates.map((d) => ({
          ...d,
          href: courseHref(d.courseId),
          when: `${londonDateText(d.startsAt)}, ${londonTimeText(d.startsAt)}`,
          formatName: d.format === 'online' ? 'online' : 'in person',
        })),
      })),
    evidence: evidence.map(evidenceView),
  }
}

function evidenceView(e: Evidence) {
  return {
    ...e,
    kindName: evidenceKindNames[e.kind],
    statusName: evidenceStatusNames[e.status],
    tag: evidenceTags[e.status],
    duration: durationText(e.minutes),
    completed: dayText(e.completedOn),
    fileHref: e.fileName ? `/evidence/${e.id}/file` : null,
  }
}

// A date's error links to its first box, as the GOV.UK date input asks.
const summaryOf = (errors: readonly FieldError[]) =>
  errors.map((e) => ({ text: e.text, href: `#${e.field}${e.field === 'completedOn' ? '-day' : ''}` }))

/** Hours as typed, for the schema: a number where it reads as one, else the text, to be refused. */
function hoursOf(value: unknown): unknown {
  const text = formText(value)
  if (!text) return undefined
  return /^-?(\d+(\.\d*)?|\.\d+)$/.test(text) ? Number(text) : text
}

const hasFile = (upload: Upload | undefined): upload is Upload =>
  Boolean(upload && (upload.filename || upload.bytes.length > 0))

/**
 * Everything wrong with the evidence form at once: the schema's findings, and the date and the
 * file, which the service checks again but only once the rest is right.
 */
async function evidenceFromForm(body: Record<string, unknown>, upload: Upload | undefined, today: string) {
  const completedOn = dateFromInput(body, 'completedOn')
  const form = parseForm(evidenceSchema, {
    kind: formText(body.kind) || undefined,
    title: body.title,
    provider: body.provider,
    completedOn: completedOn || undefined,
    hours: hoursOf(body.hours),
    requirementId: formText(body.requirementId) || undefined,
  })
  // The schema's message shows a date as the API takes it; the boxes take day, month and year.
  const errors: FieldError[] = (form.ok ? [] : form.errors).map((e) =>
    e.field === 'completedOn' && completedOn
      ? { ...e, text: 'The date completed must be a real date, like 27 3 2026' }
      : e,
  )
  if (isCalendarDate(completedOn) && completedOn > today)
    errors.push({ field: 'completedOn', text: 'The date completed must be today or in the past' })
  let file: EvidenceUpload | null = null
  if (hasFile(upload)) {
    const checked = upload.tooLarge
      ? { ok: false as const, message: tooLargeMessage(MAX_EVIDENCE_BYTES) }
      : await checkEvidence(upload.bytes)
    if (checked.ok) file = { filename: upload.filename, bytes: upload.bytes }
    else errors.push({ field: 'file', text: checked.message })
  }
  return form.ok && !errors.length
    ? { ok: true as const, data: form.data, file }
    : { ok: false as const, errors }
}

/**
 * A person's training against their pathway and the learning they evidenced elsewhere, for
 * themselves or their agency lead; and the lead's queue of evidence to verify.
 */
export default async function evidenceRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const { standing, evidence } = services
  const today = () => londonDateOf(services.clock.now())

  async function trainingPage(
    reply: FastifyReply,
    ctx: Context,
    found: PersonStanding,
    options: { own: boolean; query: Record<string, string> },
  ) {
    const view = trainingView(found, await evidence.ofPerson(ctx, found.person.id), ctx.partnership.slug)
    const base = options.own ? '/training' : `/people/${found.person.id}/training`
    return reply.view('pathways/evidence/views/training.njk', {
      title: options.own ? 'Your training' : `Training: ${found.person.name}`,
      columns: 'full',
      ...view,
      own: options.own,
      statusName: view.status ? standingNames[view.status] : null,
      statusTag: view.status ? standingTags[view.status] : null,
      finderHref: `/p/${ctx.partnership.slug}/pathway`,
      addEvidenceHref: `${base}/evidence/new`,
      recordHref: `${base}/record`,
      addCertificateHref: options.own ? '/training/certificate' : null,
      banner: bannerOf(options.query, options.own),
      backLink: options.own ? null : `/people/${found.person.id}`,
    })
  }

  /** The page for a signed-in user with no record in this partnership's directory. */
  const noRecord = (reply: FastifyReply, ctx: Context) =>
    reply.view('pathways/evidence/views/no-record.njk', {
      title: 'Your training',
      partnershipName: ctx.partnership.name,
    })

  app.get<{ Querystring: Record<string, string> }>(
    '/training',
    { config: { access: 'signed-in' } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const mine = await standing.mine(ctx)
      if (!mine) return noRecord(reply, ctx)
      return trainingPage(reply, ctx, mine, { own: true, query: request.query })
    },
  )

  app.get<{ Params: { id: string }; Querystring: Record<string, string> }>(
    '/people/:id/training',
    { config: { access: leads } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const found = await standing.ofPerson(ctx, request.params.id)
      return trainingPage(reply, ctx, found, { own: false, query: request.query })
    },
  )

  // Learning from elsewhere, recorded by the person or by their agency lead.

  function evidenceForm(
    reply: FastifyReply,
    found: PersonStanding,
    own: boolean,
    values: Record<string, unknown>,
    errors: FieldError[] = [],
  ) {
    const base = own ? '/training' : `/people/${found.person.id}/training`
    return reply.status(errors.length ? 400 : 200).view('pathways/evidence/views/evidence-form.njk', {
      title: 'Add learning from elsewhere',
      caption: own ? null : found.person.name,
      action: `${base}/evidence/new`,
      requirements: found.requirements.map((r) => ({ id: r.requirementId, title: r.title })),
      pathwayTitle: found.person.pathwayTitle,
      evidenceKinds,
      evidenceKindNames,
      values,
      errors: summaryOf(errors),
      fieldErrors: errorFor(errors),
      backLink: base,
    })
  }

  async function recordEvidence(
    request: FastifyRequest<{ Body: Record<string, unknown> }>,
    reply: FastifyReply,
    found: PersonStanding,
    own: boolean,
  ) {
    const body = request.body ?? {}
    const form = await evidenceFromForm(body, request.uploads?.file, today())
    if (!form.ok) return evidenceForm(reply, found, own, body, form.errors)
    try {
      await evidence.record(contextOf(request), found.person.id, form.data, form.file)
    } catch (error) {
      if (error instanceof ValidationError) return evidenceForm(reply, found, own, body, error.errors)
      throw error
    }
    const base = own ? '/training' : `/people/${found.person.id}/training`
    return reply.redirect(`${base}?added=evidence`, 303)
  }

  app.get('/training/evidence/new', { config: { access: 'signed-in' } }, async (request, reply) => {
    const ctx = contextOf(request)
    const mine = await standing.mine(ctx)
    if (!mine) return noRecord(reply, ctx)
    return evidenceForm(reply, mine, true, {})
  })

  app.post<{ Body: Record<string, unknown> }>(
    '/training/evidence/new',
    { config: { access: 'signed-in' } },
    async (request, reply) => {
      const mine = await standing.mine(contextOf(request))
      if (!mine) throw new NotFoundError('Person')
      return recordEvidence(request, reply, mine, true)
    },
  )

  app.get<{ Params: { id: string } }>(
    '/people/:id/training/evidence/new',
    { config: { access: leads } },
    async (request, reply) =>
      evidenceForm(reply, await standing.ofPerson(contextOf(request), request.params.id), false, {}),
  )

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/people/:id/training/evidence/new',
    { config: { access: leads } },
    async (request, reply) => {
      // The person first: one the lead may not act for is not found, whatever was sent.
      const found = await standing.ofPerson(contextOf(request), request.params.id)
      return recordEvidence(request, reply, found, false)
    },
  )

  // Another partnership's certificate, added by its verification code.

  function certificateForm(reply: FastifyReply, code: string, errors: FieldError[] = [], status = 200) {
    return reply.status(status).view('pathways/evidence/views/certificate-form.njk', {
      title: 'Add a certificate from another partnership',
      values: { code },
      errors: summaryOf(errors),
      fieldErrors: errorFor(errors),
      backLink: '/training',
    })
  }

  app.get('/training/certificate', { config: { access: 'signed-in' } }, async (request, reply) => {
    const ctx = contextOf(request)
    const mine = await standing.mine(ctx)
    if (!mine) return noRecord(reply, ctx)
    return certificateForm(reply, '')
  })

  app.post<{ Body: Record<string, unknown> }>(
    '/training/certificate',
    { config: { access: 'signed-in' } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const mine = await standing.mine(ctx)
      if (!mine) throw new NotFoundError('Person')
      const code = formText(request.body?.code)
      if (!code)
        return certificateForm(
          reply,
          code,
          [{ field: 'code', text: 'Enter the certificate’s verification code' }],
          400,
        )
      try {
        await evidence.addByCode(ctx, mine.person.id, code)
      } catch (error) {
        // A forged code, or one of someone else's certificates: the form again, saying only that.
        if (error instanceof NotFoundError)
          return certificateForm(
            reply,
            code,
            [{ field: 'code', text: 'No certificate was found with that code' }],
            404,
          )
        if (error instanceof ValidationError) return certificateForm(reply, code, error.errors, 400)
        throw error
      }
      return reply.redirect('/training?added=certificate', 303)
    },
  )

  app.get<{ Params: { id: string } }>(
    '/evidence/:id/file',
    { config: { access: 'signed-in' } },
    async (request, reply) => {
      const file = await evidence.file(contextOf(request), request.params.id)
      return sendDownload(reply, { filename: file.name, contentType: file.type, content: file.bytes })
    },
  )

  // The agency lead's queue: evidence waiting to be verified or turned down.

  app.get<{ Querystring: Record<string, string> }>(
    '/evidence',
    { config: { access: leads } },
    async (request, reply) => {
      const waiting = await evidence.awaiting(contextOf(request))
      return reply.view('pathways/evidence/views/queue.njk', {
        title: 'Evidence to verify',
        columns: 'full',
        evidence: waiting.map(evidenceView),
        decided: request.query.decided === '1',
      })
    },
  )

  function evidencePage(
    reply: FastifyReply,
    found: Evidence,
    values: Record<string, unknown>,
    errors: FieldError[] = [],
    status = 200,
    conflict: string | null = null,
  ) {
    return reply.status(status).view('pathways/evidence/views/evidence.njk', {
      title: found.title,
      evidence: evidenceView(found),
      conflict,
      values,
      errors: summaryOf(errors),
      fieldErrors: errorFor(errors),
      backLink: '/evidence',
    })
  }

  app.get<{ Params: { id: string } }>(
    '/evidence/:id',
    { config: { access: leads } },
    async (request, reply) =>
      evidencePage(reply, await evidence.one(contextOf(request), request.params.id), {}),
  )

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/evidence/:id',
    { config: { access: leads } },
    async (request, reply) => {
      const ctx = contextOf(request)
      // The evidence first: one the lead may not see is not found, whatever was sent.
      const found = await evidence.one(ctx, request.params.id)
      const body = request.body ?? {}
      const decision = formText(body.decision)
      if (decision !== 'verified' && decision !== 'rejected')
        return evidencePage(
          reply,
          found,
          body,
          [{ field: 'decision', text: 'Select whether you verify the evidence' }],
          400,
        )
      const form = parseForm(decisionSchema, { decision, reason: body.reason })
      if (!form.ok) return evidencePage(reply, found, body, form.errors, 400)
      try {
        await evidence.decide(ctx, found.id, form.data)
      } catch (error) {
        if (error instanceof ValidationError) return evidencePage(reply, found, body, error.errors, 400)
        // Decided by someone else meanwhile: show what they decided, and say so.
        if (error instanceof ConflictError)
          return evidencePage(reply, await evidence.one(ctx, found.id), {}, [], 409, error.message)
        throw error
      }
      return reply.redirect('/evidence?decided=1', 303)
    },
  )
}
