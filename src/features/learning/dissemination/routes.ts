import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { sectorNames } from '#features/directory/page-forms.ts'
import { reviewOverseers } from '#features/reviews/visibility.ts'
import type { FieldError } from '#platform/errors.ts'
import { ConflictError, ValidationError } from '#platform/errors.ts'
import type { SuccessBanner } from '#platform/http/done.ts'
import { doneOf } from '#platform/http/done.ts'
import { sendDownload } from '#platform/http/downloads.ts'
import { errorFor, errorSummary, onDateBoxes } from '#platform/http/forms.ts'
import { openToAnyoneLimit } from '#platform/http/rate-limit.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { confirmationKindSchema, recordFields, recordFromForm } from './forms.ts'
import {
  confirmationKindNames,
  disseminationMethodNames,
  disseminationMethods,
  disseminationStatusNames,
  disseminationStatusTags,
} from './rules.ts'
import type { LinkedConfirmation } from './service.ts'
import { disseminationEditors, disseminationReaders } from './service.ts'

const words = {
  statusNames: disseminationStatusNames,
  statusTags: disseminationStatusTags,
  methodNames: disseminationMethodNames,
  methods: disseminationMethods,
  sectorNames,
  confirmationKindNames,
}

type ProductParams = { id: string }
type AgencyParams = { id: string; agencyId: string }
type Body = Record<string, unknown>

const textOf = (value: unknown) => (typeof value === 'string' ? value : '')
const count = (value: unknown) => Math.max(0, Math.min(1_000_000, Number.parseInt(textOf(value), 10) || 0))
const plural = (n: number, one: string, many: string) =>
  `${n.toLocaleString('en-GB')} ${n === 1 ? one : many}`

const agencyDone = [
  'recorded',
  'recorded-above',
  'acknowledged',
  'already-acknowledged',
  'staff-links',
] as const

function agencyBanner(query: Record<string, unknown>): SuccessBanner | null {
  switch (doneOf(query, agencyDone)) {
    case undefined:
      return null
    case 'recorded':
      return { heading: 'Dissemination recorded' }
    case 'recorded-above':
      return {
        heading: 'Dissemination recorded',
        text: 'The staff reached are more than the agency’s headcount: its reach counts as all of it. If the headcount is out of date, ask the partnership’s admin to change it.',
      }
    case 'acknowledged':
      return { heading: 'Receipt acknowledged', text: 'Record how it reached your staff once it has.' }
    case 'already-acknowledged':
      return { heading: 'Already acknowledged', text: 'Nothing was changed.' }
    case 'staff-links': {
      const n = count(query.n)
      return n
        ? { heading: `${plural(n, 'member of staff was', 'members of staff were')} emailed their links` }
        : {
            heading: 'No one new to email',
            text: 'Everyone active in the agency has been sent their links already.',
          }
    }
  }
}

function sendBanner(query: Record<string, unknown>): SuccessBanner | null {
  if (doneOf(query, ['sent'] as const) !== 'sent') return null
  const [agencies, leads, withoutLead] = [count(query.agencies), count(query.leads), count(query.withoutLead)]
  if (!agencies)
    return {
      heading: 'No agency was sent it',
      text: 'Every agency in its audience has been sent it already. To send a new version, choose to resend it.',
    }
  return {
    heading: `Sent to ${plural(agencies, 'agency', 'agencies')}`,
    text: `${plural(leads, 'agency lead was', 'agency leads were')} emailed.${
      withoutLead ? ` ${plural(withoutLead, 'agency has', 'agencies have')} no agency lead to email.` : ''
    }`,
  }
}

/** Errors for the summary (the date leads to its day box) and each field, in the form's order. */
function shown(errors: FieldError[]) {
  const order: readonly string[] = recordFields
  const rank = (field: string) => (order.includes(field) ? order.indexOf(field) : order.length)
  const sorted = [...errors].sort((a, b) => rank(a.field) - rank(b.field))
  return {
    errors: errorSummary(onDateBoxes(sorted, ['on'])).map((e) => (e.href === '#form' ? { text: e.text } : e)),
    fieldErrors: errorFor(onDateBoxes(sorted, ['on'])),
  }
}

/**
 * Dissemination's pages: a product's matrix and sending it, an agency's page where its lead
 * acknowledges and records, practitioners' confirmations (signed in, or by their own link), a
 * review's matrix, the overdue list and a lead's "learning to pass on".
 */
export default async function disseminationRoutes(
  app: FastifyInstance,
  { services }: { services: Services },
) {
  const { dissemination } = services

  type Sent = { body: Body; errors?: FieldError[]; warnings?: string[]; hadFile?: boolean }

  async function agencyPage(
    request: FastifyRequest<{ Params: AgencyParams }>,
    reply: FastifyReply,
    sent?: Sent,
    status = 200,
  ) {
    const ctx = contextOf(request)
    const page = await dissemination.agencyPage(ctx, request.params.id, request.params.agencyId)
    const body = sent?.body ?? {}
    const keys = ['how', 'on-day', 'on-month', 'on-year', 'staffReached', 'note']
    return reply.status(status).view('learning/dissemination/views/agency.njk', {
      ...words,
      title: `${page.agency.name}: ${page.product.title}`,
      ...page,
      values: Object.fromEntries(keys.map((k) => [k, textOf(body[k])])),
      warnings: sent?.warnings ?? [],
      hadFile: sent?.hadFile ?? false,
      banner: sent ? null : agencyBanner(request.query as Record<string, unknown>),
      ...shown(sent?.errors ?? []),
      backLink:
        ctx.actor.roles.includes('agency-lead') && !reviewOverseers.some((r) => ctx.actor.roles.includes(r))
          ? '/learning/to-pass-on'
          : `/learning/${page.product.id}/dissemination`,
    })
  }

  app.get<{ Params: ProductParams; Querystring: Record<string, string> }>(
    '/learning/:id/dissemination',
    { config: { access: disseminationReaders } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const { product, rows } = await dissemination.productMatrix(ctx, request.params.id)
      return reply.view('learning/dissemination/views/product.njk', {
        ...words,
        title: `Dissemination: ${product.title}`,
        columns: 'full',
        product,
        rows,
        canSend:
          disseminationEditors.some((r) => ctx.actor.roles.includes(r)) && product.status === 'published',
        banner: sendBanner(request.query),
        backLink: `/learning/${product.id}`,
      })
    },
  )

  app.get<{ Params: ProductParams }>(
    '/learning/:id/dissemination.csv',
    { config: { access: disseminationReaders } },
    async (request, reply) => {
      const { csv } = await dissemination.productMatrixCsv(contextOf(request), request.params.id)
      return reply
        .header('content-disposition', 'attachment; filename="dissemination.csv"')
        .header('cache-control', 'private, no-store')
        .type('text/csv; charset=utf-8')
        .send(`\uFEFF${csv}`)
    },
  )

  app.post<{ Params: ProductParams; Body: Body }>(
    '/learning/:id/dissemination/send',
    { config: { access: disseminationEditors } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const resend = textOf(request.body?.resend) === 'yes'
      const result = await dissemination.send(ctx, request.params.id, { resend })
      const query = new URLSearchParams({
        done: 'sent',
        agencies: String(result.sent),
        leads: String(result.emails),
        withoutLead: String(result.withoutLead.length),
      })
      return reply.redirect(`/learning/${request.params.id}/dissemination?${query}`, 303)
    },
  )

  app.get<{ Params: AgencyParams }>(
    '/learning/:id/dissemination/:agencyId',
    { config: { access: disseminationReaders } },
    (request, reply) => agencyPage(request, reply),
  )

  app.post<{ Params: AgencyParams; Body: Body }>(
    '/learning/:id/dissemination/:agencyId',
    { config: { access: [...disseminationEditors, 'agency-lead'] } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const { id, agencyId } = request.params
      // The page first: a product or agency the user may not see is refused, whatever was sent.
      await dissemination.agencyPage(ctx, id, agencyId)
      const body = request.body ?? {}
      const upload = request.uploads?.file
      const hasFile = Boolean(upload && (upload.filename || upload.bytes.length > 0))
      const form = recordFromForm(agencyId, body)
      const errors = form.ok ? [] : [...form.errors]
      if (hasFile && upload?.tooLarge)
        errors.push({ field: 'file', text: 'The file must be smaller than 10 MB' })
      if (!form.ok || errors.length)
        return agencyPage(request, reply, { body, errors, hadFile: hasFile }, 400)
      try {
        const outcome = await dissemination.record(ctx, id, form.data, {
          file: hasFile && upload ? { filename: upload.filename, bytes: upload.bytes } : undefined,
          confirmAboveHeadcount: textOf(body.confirmAboveHeadcount) === 'yes',
        })
        if (!outcome.saved)
          return agencyPage(request, reply, { body, warnings: outcome.warnings, hadFile: hasFile })
        const done = outcome.warnings.length ? 'recorded-above' : 'recorded'
        return reply.redirect(`/learning/${id}/dissemination/${agencyId}?done=${done}`, 303)
      } catch (error) {
        if (error instanceof ValidationError)
          return agencyPage(request, reply, { body, errors: error.errors, hadFile: hasFile }, 400)
        if (error instanceof ConflictError)
          return agencyPage(request, reply, { body, errors: [{ field: 'form', text: error.message }] }, 409)
        throw error
      }
    },
  )

  app.post<{ Params: AgencyParams }>(
    '/learning/:id/dissemination/:agencyId/acknowledge',
    { config: { access: [...disseminationEditors, 'agency-lead'] } },
    async (request, reply) => {
      const { id, agencyId } = request.params
      const { already } = await dissemination.acknowledge(contextOf(request), id, agencyId)
      return reply.redirect(
        `/learning/${id}/dissemination/${agencyId}?done=${already ? 'already-acknowledged' : 'acknowledged'}`,
        303,
      )
    },
  )

  app.post<{ Params: AgencyParams }>(
    '/learning/:id/dissemination/:agencyId/staff-links',
    { config: { access: [...disseminationEditors, 'agency-lead'] } },
    async (request, reply) => {
      const { id, agencyId } = request.params
      const n = await dissemination.emailStaffLinks(contextOf(request), id, agencyId)
      return reply.redirect(`/learning/${id}/dissemination/${agencyId}?done=staff-links&n=${n}`, 303)
    },
  )

  app.get<{ Params: AgencyParams & { fileId: string } }>(
    '/learning/:id/dissemination/:agencyId/evidence/:fileId',
    { config: { access: disseminationReaders } },
    async (request, reply) => {
      const { id, agencyId, fileId } = request.params
      const file = await dissemination.evidence(contextOf(request), id, agencyId, fileId)
      return sendDownload(reply, file)
    },
  )

  // A signed-in practitioner's own confirmation from the product page.
  app.post<{ Params: ProductParams; Body: Body }>(
    '/learning/:id/confirm',
    { config: { access: 'signed-in' } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const kind = confirmationKindSchema.safeParse(textOf(request.body?.kind))
      if (!kind.success) {
        // The product first: one the user cannot see is not found, whatever was sent.
        await dissemination.panel(ctx, request.params.id)
        throw new ValidationError([{ field: 'kind', text: kind.error.issues[0]?.message ?? '' }])
      }
      const { already } = await dissemination.confirm(ctx, request.params.id, kind.data)
      return reply.view('learning/dissemination/views/confirmed.njk', {
        title: already ? 'You had already confirmed this' : 'Thank you for confirming',
        already,
        kindName: confirmationKindNames[kind.data],
        productHref: `/learning/${request.params.id}`,
      })
    },
  )

  // Anyone with a practitioner's own signed link: the page shows a button, which alone changes anything.
  const open = { access: 'public' as const, rateLimit: openToAnyoneLimit(services.config) }
  type LinkRequest = { Params: { slug: string; id: string }; Querystring: { token?: string }; Body: Body }

  function linkPage(reply: FastifyReply, found: LinkedConfirmation, token: string, already?: boolean) {
    if (!found.ok)
      return reply.status(404).view('learning/dissemination/views/link-problem.njk', {
        title: 'This link does not work',
      })
    return reply.view('learning/dissemination/views/confirm-link.njk', {
      title: found.confirmedAt
        ? 'Already confirmed'
        : found.kind === 'read'
          ? 'Confirm you have read this'
          : 'Confirm you discussed this in supervision',
      found,
      token,
      thanked: already === false,
      kindName: confirmationKindNames[found.kind],
      action: `/p/${found.partnership.slug}/learning/${found.product.id}/confirm`,
    })
  }

  app.get<LinkRequest>('/p/:slug/learning/:id/confirm', { config: open }, async (request, reply) => {
    const token = textOf(request.query.token)
    const found = await dissemination.linkedConfirmation(request.params.slug, request.params.id, token)
    return linkPage(reply, found, token)
  })

  app.post<LinkRequest>('/p/:slug/learning/:id/confirm', { config: open }, async (request, reply) => {
    const token = textOf(request.body?.token)
    const found = await dissemination.confirmByLink(request.params.slug, request.params.id, token)
    return linkPage(reply, found, token, found.ok ? (found.already ?? false) : undefined)
  })

  app.get<{ Params: ProductParams }>(
    '/reviews/:id/dissemination',
    { config: { access: disseminationReaders } },
    async (request, reply) => {
      const { review, matrix } = await dissemination.reviewMatrix(contextOf(request), request.params.id)
      return reply.view('learning/dissemination/views/review.njk', {
        ...words,
        title: `Dissemination of ${review.reference}’s learning`,
        columns: 'full',
        review,
        matrix,
        backLink: `/reviews/${review.id}`,
      })
    },
  )

  app.get<{ Params: ProductParams }>(
    '/reviews/:id/dissemination.csv',
    { config: { access: disseminationReaders } },
    async (request, reply) => {
      const { reference, csv } = await dissemination.reviewMatrixCsv(contextOf(request), request.params.id)
      const name = `dissemination-${reference.replace(/[^A-Za-z0-9-]/g, '_')}.csv`
      return reply
        .header('content-disposition', `attachment; filename="${name}"`)
        .header('cache-control', 'private, no-store')
        .type('text/csv; charset=utf-8')
        .send(`\uFEFF${csv}`)
    },
  )

  app.get(
    '/learning/dissemination/overdue',
    { config: { access: reviewOverseers } },
    async (request, reply) => {
      const { items, days } = await dissemination.overdue(contextOf(request))
      return reply.view('learning/dissemination/views/overdue.njk', {
        title: 'Agencies that have not answered learning sent to them',
        items,
        days,
      })
    },
  )

  app.get('/learning/to-pass-on', { config: { access: ['agency-lead'] } }, async (request, reply) => {
    const products = await dissemination.toPassOn(contextOf(request))
    return reply.view('learning/dissemination/views/to-pass-on.njk', {
      ...words,
      title: 'Learning to pass on',
      products,
    })
  })
}
