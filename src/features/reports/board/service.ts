import { z } from 'zod'
import type { Clock } from '#platform/clock.ts'
import { londonDateOf, londonDateText } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import { requireRole, scopeOf } from '#platform/context.ts'
import type { Database } from '#platform/db/database.ts'
import { ConflictError, NotFoundError, ValidationError } from '#platform/errors.ts'
import { parseOrThrow } from '#platform/http/forms.ts'
import { askedBy } from '../period.ts'
import type { Report, ReportService } from '../service.ts'
import { tableCsv, tablesZip } from './csv.ts'
import { reportPdf } from './pdf.ts'
import type { Narrative, SignedVersion } from './store.ts'
import {
  claimSignOff,
  insertVersion,
  openCorrection,
  pdfOf,
  saveNarrative,
  snapshotOf,
  stateOf,
  versionsOf,
} from './store.ts'
import { reportTables } from './tables.ts'

/** Who signed a version off, and why it was made when it corrects one before. */
export type SignedOff = {
  version: number
  byName: string
  as: 'subgroup' | 'executive'
  at: string
  reason: string | null
}

/**
 * A report to the board with what was written about it: its figures live while it is drafted or
 * corrected, and as they were signed off once it is.
 */
export type BoardReport = {
  id: string
  status: 'draft' | 'signed_off' | 'correcting'
  /** Whether the period is over, so the report may be signed off. */
  ended: boolean
  report: Report
  narrative: Narrative
  signedOff: SignedOff | null
  /** Why the signed-off version is being corrected, while it is. */
  correctionReason: string | null
  versions: SignedVersion[]
}

/** What a signed-off version keeps: the report and its words, as they were. */
type Snapshot = { report: Report; narrative: Narrative; signedOff: SignedOff }

export const NARRATIVE_LENGTH = 5000

const narrativeText = z
  .string()
  .trim()
  .max(NARRATIVE_LENGTH, `Write no more than ${NARRATIVE_LENGTH.toLocaleString('en-GB')} characters`)
const reasonSchema = z.object({
  reason: z
    .string({ error: 'Say why the report is being corrected' })
    .trim()
    .min(1, 'Say why the report is being corrected')
    .max(2000, 'Write the reason in no more than 2,000 characters'),
})

const signedOffOf = (v: SignedVersion): SignedOff => ({
  version: v.version,
  byName: v.signedOffByName,
  as: v.signedOffAs,
  at: new Date(v.signedOffAt).toISOString(),
  reason: v.reason,
})

/**
 * The report as the board receives it: narrative written by the partnership's admins, signed off
 * by the sub-group or the executive, which freezes it. A signed-off version never changes; a
 * correction makes the next version, with its reason. Each version is kept as data and as the
 * PDF that was made when it was signed off.
 */
export function createBoardReportService(deps: { db: Database; clock: Clock; reports: ReportService }) {
  const { db, clock, reports } = deps

  async function load(ctx: Context, key: string): Promise<BoardReport> {
    requireRole(ctx, 'admin', 'subgroup', 'executive')
    const period = await reports.period(ctx, askedBy(key))
    const { state, versions, latest } = await db.tenant(scopeOf(ctx), async (sql) => ({
      state: await stateOf(sql, period.key),
      versions: await versionsOf(sql, period.key),
      latest: await snapshotOf<Snapshot>(sql, period.key),
    }))
    const frozen = latest && state.correctionReason === null
    const report = frozen ? latest.snapshot.report : await reports.report(ctx, askedBy(period.key))
    return {
      id: period.key,
      status: state.signedVersions === 0 ? 'draft' : state.correctionReason ? 'correcting' : 'signed_off',
      ended: period.end <= londonDateOf(clock.now()),
      report,
      narrative: frozen ? latest.snapshot.narrative : state.narrative,
      signedOff: latest ? signedOffOf(latest) : null,
      correctionReason: state.correctionReason,
      versions,
    }
  }

  return {
    /** The report for a period by its key (`2026-Q3`, `2026`), as signed off or as it stands. */
    report: load,

    /** Saves the executive summary and each section's narrative, while the report may be written. */
    async writeNarrative(ctx: Context, key: string, input: Record<string, unknown>): Promise<void> {
      requireRole(ctx, 'admin')
      const current = await load(ctx, key)
      const sectionIds = current.report.sections.map((s) => s.id)
      const schema = z.object({
        executiveSummary: narrativeText,
        ...Object.fromEntries(sectionIds.map((id) => [`section-${id}`, narrativeText])),
      })
      const values = Object.fromEntries(
        ['executiveSummary', ...sectionIds.map((id) => `section-${id}`)].map((f) => [
          f,
          typeof input[f] === 'string' ? input[f] : '',
        ]),
      )
      const data = parseOrThrow(schema, values) as Record<string, string>
      const narrative: Narrative = {
        executiveSummary: data.executiveSummary ?? '',
        sections: Object.fromEntries(
          sectionIds.map((id) => [id, data[`section-${id}`] ?? '']).filter(([, text]) => text),
        ),
      }
      const saved = await db.tenant(scopeOf(ctx), async (sql) => {
        await sql.auditAs('report.narrative')
        return saveNarrative(
          sql,
          { partnershipId: ctx.partnership.id, periodKey: current.id, userId: ctx.actor.userId },
          narrative,
        )
      })
      if (!saved)
        throw new ConflictError(
          'This report is signed off, so its words cannot change. Start a correction to make a new version.',
        )
    },

    /**
     * Signs the report off for the sub-group or the executive: its figures and words are frozen
     * as the next version, with its PDF. Only once its period has ended; never twice.
     */
    async signOff(ctx: Context, key: string): Promise<BoardReport> {
      requireRole(ctx, 'subgroup', 'executive')
      const userId = ctx.actor.userId
      if (!userId)
        throw new ValidationError([{ field: 'confirm', text: 'A report is signed off by a person' }])
      const period = await reports.period(ctx, askedBy(key))
      const today = londonDateOf(clock.now())
      if (period.end > today)
        throw new ValidationError([
          {
            field: 'confirm',
            text: `${period.label} has not ended: its report can be signed off from ${londonDateText(new Date(`${period.end}T12:00:00Z`))}`,
          },
        ])
      // The figures are read first, as they stand; the claim and the version go in one transaction.
      const report = await reports.report(ctx, askedBy(period.key))
      const as = ctx.actor.roles.includes('executive') ? 'executive' : 'subgroup'
      const now = clock.now()
      const signed = await db.tenant(scopeOf(ctx), async (sql) => {
        await sql.auditAs('report.sign-off')
        const claim = await claimSignOff(sql, {
          partnershipId: ctx.partnership.id,
          periodKey: period.key,
          userId,
        })
        if (!claim) return null
        const user = await sql.one<{ name: string }>('SELECT display_name AS name FROM users WHERE id = $1', [
          userId,
        ])
        const signedOff: SignedOff = {
          version: claim.version,
          byName: user.name,
          as,
          at: now.toISOString(),
          reason: claim.reason,
        }
        const snapshot: Snapshot = { report, narrative: claim.narrative, signedOff }
        const pdf = await reportPdf(
          {
            ...snapshot,
            id: period.key,
            status: 'signed_off',
            ended: true,
            correctionReason: null,
            versions: [],
          },
          ctx.partnership.name,
          now,
        )
        await insertVersion(sql, {
          partnershipId: ctx.partnership.id,
          reportId: claim.reportId,
          version: claim.version,
          reason: claim.reason,
          signedOffBy: userId,
          signedOffByName: user.name,
          signedOffAs: as,
          snapshot,
          pdf,
        })
        return signedOff
      })
      if (!signed) throw new ConflictError('This report is already signed off')
      return load(ctx, period.key)
    },

    /** Opens a correction of the signed-off report: its figures and words may change until the next sign-off. */
    async startCorrection(ctx: Context, key: string, input: Record<string, unknown>): Promise<void> {
      requireRole(ctx, 'admin')
      const period = await reports.period(ctx, askedBy(key))
      const { reason } = parseOrThrow(reasonSchema, { reason: input.reason })
      const opened = await db.tenant(scopeOf(ctx), async (sql) => {
        await sql.auditAs('report.correction')
        return openCorrection(sql, { periodKey: period.key, userId: ctx.actor.userId }, reason)
      })
      if (!opened)
        throw new ConflictError(
          'Only a signed-off report can be corrected, and only one correction at a time',
        )
    },

    /** The report's PDF: a signed-off version's as it was made then, or the draft's as it stands. */
    async pdf(ctx: Context, key: string, version?: number): Promise<{ filename: string; content: Buffer }> {
      const current = await load(ctx, key)
      const wanted = version ?? (current.status === 'signed_off' ? current.signedOff?.version : undefined)
      const filename = (suffix: string) => `report-to-the-board-${current.id}${suffix}.pdf`
      if (wanted !== undefined) {
        const pdf = await db.tenant(scopeOf(ctx), (sql) => pdfOf(sql, current.id, wanted))
        if (!pdf) throw new NotFoundError('Version')
        return { filename: filename(`-version-${wanted}`), content: pdf }
      }
      return {
        filename: filename('-draft'),
        content: await reportPdf(current, ctx.partnership.name, clock.now()),
      }
    },

    /** One of the report's tables as CSV, by its id. */
    async tableCsv(
      ctx: Context,
      key: string,
      tableId: string,
    ): Promise<{ filename: string; content: string }> {
      const current = await load(ctx, key)
      const table = reportTables(current.report, 'sheet').find((t) => t.id === tableId)
      if (!table) throw new NotFoundError('Table')
      return { filename: `${current.id}-${table.id}.csv`, content: tableCsv(table) }
    },

    /** Every table as CSV, each on its own and all in one, in a zip. */
    async tablesZip(ctx: Context, key: string): Promise<{ filename: string; content: Buffer }> {
      const current = await load(ctx, key)
      const name = `report-to-the-board-${current.id}`
      return { filename: `${name}.zip`, content: tablesZip(reportTables(current.report, 'sheet'), name) }
    },
  }
}

export type BoardReportService = ReturnType<typeof createBoardReportService>
