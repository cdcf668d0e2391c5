import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { londonDateOf } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import type { FieldError } from '#platform/errors.ts'
import { NotFoundError, ValidationError } from '#platform/errors.ts'
import { sendDownload } from '#platform/http/downloads.ts'
import { errorFor, formText } from '#platform/http/forms.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { standingNames } from '../standing/rules.ts'
import type { PersonStanding } from '../standing/service.ts'
import { evidenceKindNames, evidenceKinds } from './forms.ts'
import { evidenceFromForm, summaryOf } from './page-form.ts'
import { bannerOf, standingTags, trainingView } from './view-model.ts'

const leads = ['admin', 'agency-lead'] as const

/**
 * A person's training against their pathway and the learning they evidenced elsewhere, for
 * themselves or their agency lead (the lead's queue is in queue-routes.ts).
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
}
