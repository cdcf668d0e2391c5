import type { FastifyInstance, FastifyReply } from 'fastify'
import type { FieldError } from '#platform/errors.ts'
import { ConflictError, ValidationError } from '#platform/errors.ts'
import { sendDownload } from '#platform/http/downloads.ts'
import { errorFor, errorSummary, formText } from '#platform/http/forms.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import type { BoardReport } from './service.ts'
import { NARRATIVE_LENGTH } from './service.ts'

const readers = ['admin', 'subgroup', 'executive'] as const
const signers = ['subgroup', 'executive'] as const

type Key = { Params: { key: string } }
type Posted = Key & { Body: Record<string, unknown> }

/** Writing, signing off and correcting a report to the board, and its files. */
export default async function boardReportRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const { boardReports } = services
  const back = (r: BoardReport) => `/reports?period=${encodeURIComponent(r.id)}`

  /**
   * Makes a change and goes back to the report with its banner; a change refused (bad input, or
   * the report's standing forbids it) shows the form again saying why, and nothing is changed.
   */
  async function changeThen(
    reply: FastifyReply,
    r: BoardReport,
    done: string,
    change: () => Promise<unknown>,
    again: (errors: FieldError[], conflict?: string) => unknown,
  ) {
    try {
      await change()
      return reply.redirect(`${back(r)}&done=${done}`, 303)
    } catch (error) {
      if (error instanceof ValidationError) return again(error.errors)
      if (error instanceof ConflictError) return again([], error.message)
      throw error
    }
  }

  function page(
    reply: FastifyReply,
    view: 'narrative' | 'sign-off' | 'correction',
    r: BoardReport,
    title: string,
    extra: Record<string, unknown>,
    errors: FieldError[] = [],
    conflict: string | null = null,
  ) {
    return reply.status(conflict ? 409 : errors.length ? 400 : 200).view(`reports/board/views/${view}.njk`, {
      title,
      report: r,
      backLink: back(r),
      errors: errorSummary(errors),
      fieldErrors: errorFor(errors),
      conflict,
      ...extra,
    })
  }

  const narrativeValues = (r: BoardReport) => ({
    executiveSummary: r.narrative.executiveSummary,
    ...Object.fromEntries(
      r.report.sections.map((s) => [`section-${s.id}`, r.narrative.sections[s.id] ?? '']),
    ),
  })
  const narrativePage = (
    reply: FastifyReply,
    r: BoardReport,
    values: Record<string, unknown>,
    errors?: FieldError[],
    conflict?: string,
  ) =>
    page(
      reply,
      'narrative',
      r,
      `Write the narrative: ${r.report.period.label}`,
      { values, sections: r.report.sections, limit: NARRATIVE_LENGTH },
      errors,
      conflict ?? null,
    )

  app.get<Key>('/reports/:key/narrative', { config: { access: ['admin'] } }, async (request, reply) => {
    const r = await boardReports.report(contextOf(request), request.params.key)
    if (r.status === 'signed_off')
      return narrativePage(
        reply,
        r,
        narrativeValues(r),
        [],
        'This report is signed off, so its words cannot change. Correct it to make a new version.',
      )
    return narrativePage(reply, r, narrativeValues(r))
  })

  app.post<Posted>('/reports/:key/narrative', { config: { access: ['admin'] } }, async (request, reply) => {
    const ctx = contextOf(request)
    const r = await boardReports.report(ctx, request.params.key)
    const body = request.body ?? {}
    return changeThen(
      reply,
      r,
      'narrative',
      () => boardReports.writeNarrative(ctx, r.id, body),
      (errors, conflict) => narrativePage(reply, r, body, errors, conflict),
    )
  })

  const signOffPage = (reply: FastifyReply, r: BoardReport, errors?: FieldError[], conflict?: string) =>
    page(
      reply,
      'sign-off',
      r,
      `Sign off the report: ${r.report.period.label}`,
      { as: reply.request.auth?.roles?.includes('executive') ? 'the executive' : 'the sub-group' },
      errors,
      conflict ?? null,
    )

  app.get<Key>('/reports/:key/sign-off', { config: { access: signers } }, async (request, reply) => {
    const r = await boardReports.report(contextOf(request), request.params.key)
    return signOffPage(
      reply,
      r,
      [],
      r.status === 'signed_off' ? 'This report is already signed off' : undefined,
    )
  })

  app.post<Posted>('/reports/:key/sign-off', { config: { access: signers } }, async (request, reply) => {
    const ctx = contextOf(request)
    const r = await boardReports.report(ctx, request.params.key)
    if (formText(request.body?.confirm) !== 'yes')
      return signOffPage(reply, r, [
        { field: 'confirm', text: 'Confirm that the report is agreed to sign it off' },
      ])
    return changeThen(
      reply,
      r,
      'signed-off',
      () => boardReports.signOff(ctx, r.id),
      (errors, conflict) => signOffPage(reply, r, errors, conflict),
    )
  })

  const correctionPage = (
    reply: FastifyReply,
    r: BoardReport,
    values: Record<string, unknown>,
    errors?: FieldError[],
    conflict?: string,
  ) =>
    page(
      reply,
      'correction',
      r,
      `Correct the report: ${r.report.period.label}`,
      { values },
      errors,
      conflict ?? null,
    )

  app.get<Key>('/reports/:key/correction', { config: { access: ['admin'] } }, async (request, reply) => {
    const r = await boardReports.report(contextOf(request), request.params.key)
    return correctionPage(
      reply,
      r,
      {},
      [],
      r.status === 'signed_off'
        ? undefined
        : 'Only a signed-off report can be corrected, and only one correction at a time',
    )
  })

  app.post<Posted>('/reports/:key/correction', { config: { access: ['admin'] } }, async (request, reply) => {
    const ctx = contextOf(request)
    const r = await boardReports.report(ctx, request.params.key)
    const body = request.body ?? {}
    return changeThen(
      reply,
      r,
      'correction',
      () => boardReports.startCorrection(ctx, r.id, body),
      (errors, conflict) => correctionPage(reply, r, body, errors, conflict),
    )
  })

  app.get<Key>('/reports/:key.pdf', { config: { access: readers } }, async (request, reply) => {
    const file = await boardReports.pdf(contextOf(request), request.params.key)
    return sendDownload(reply, { ...file, contentType: 'application/pdf' })
  })

  app.get<{ Params: { key: string; version: string } }>(
    '/reports/:key/versions/:version.pdf',
    { config: { access: readers } },
    async (request, reply) => {
      const version = /^\d{1,6}$/.test(request.params.version) ? Number(request.params.version) : 0
      const file = await boardReports.pdf(contextOf(request), request.params.key, version)
      return sendDownload(reply, { ...file, contentType: 'application/pdf' })
    },
  )

  app.get<Key>('/reports/:key.zip', { config: { access: readers } }, async (request, reply) => {
    const file = await boardReports.tablesZip(contextOf(request), request.params.key)
    return sendDownload(reply, { ...file, contentType: 'application/zip' })
  })

  app.get<{ Params: { key: string; table: string } }>(
    '/reports/:key/tables/:table.csv',
    { config: { access: readers } },
    async (request, reply) => {
      const file = await boardReports.tableCsv(contextOf(request), request.params.key, request.params.table)
      return sendDownload(reply, {
        filename: file.filename,
        contentType: 'text/csv; charset=utf-8',
        content: Buffer.from(file.content),
      })
    },
  )
}
