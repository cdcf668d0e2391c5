import type { PolicyService } from '#features/policy/service.ts'
import type { Clock } from '#platform/clock.ts'
import { londonDateOf } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import { scopeOf } from '#platform/context.ts'
import type { Database } from '#platform/db/database.ts'
import { isUuid } from '#platform/db/database.ts'
import { ConflictError, NotFoundError, ValidationError } from '#platform/errors.ts'
import { linkUserToPerson } from '../link-user.ts'
import { agencyScopeOf } from '../service.ts'
import {
  agenciesByName,
  emailsOutside,
  existingByEmail,
  importById,
  unchanged,
  upsertPeople,
} from './queries.ts'
import type { CsvTable } from './read.ts'
import { decodeCsv, readCsv } from './read.ts'
import type { Checked, ImportRow, Mapping } from './rows.ts'
import { checkRows, guessMapping, importFields, keepToAgencies, missingFields } from './rows.ts'

const BATCH = 5_000
// An import this large changes the shape of the table enough to plan searches afresh.
const REFRESH_AFTER = 1_000

export type Preview = Checked & { toAdd: number; toUpdate: number; unchanged: number }
/** What an import did; `leftOut` counts the rows not written, each for a reason given. */
export type Outcome = { added: number; updated: number; unchanged: number; leftOut: number }

/**
 * Staff imports from an HR system's CSV export: checked row by row first, then committed in
 * one transaction, so a failure leaves nothing half-imported. People are matched by email,
 * added or updated, never deleted.
 */
export function createImportService(deps: { db: Database; clock: Clock; policy: PolicyService }) {
  const { db, clock } = deps

  async function check(ctx: Context, table: CsvTable, mapping: Mapping): Promise<Preview> {
    const scope = agencyScopeOf(ctx)
    const { tiers } = await deps.policy.rulesOn(ctx, londonDateOf(clock.now()))
    return db.tenant(scopeOf(ctx), async (sql) => {
      const rowsChecked = checkRows(table, mapping, {
        agencies: await agenciesByName(sql),
        tiers,
        agencyScope: scope,
      })
      const existing = await existingByEmail(
        sql,
        rowsChecked.rows.map((r) => r.email),
      )
      const checked = scope
        ? keepToAgencies(
            rowsChecked,
            new Map([...existing].map(([email, person]) => [email, person.agency_id])),
            scope,
          )
        : rowsChecked
      let toUpdate = 0
      let same = 0
      for (const row of checked.rows) {
        const found = existing.get(row.email.toLowerCase())
        if (!found) continue
        if (unchanged(found, row)) same++
        else toUpdate++
      }
      return { ...checked, toAdd: checked.rows.length - toUpdate - same, toUpdate, unchanged: same }
    })
  }

  async function commit(
    ctx: Context,
    rows: readonly ImportRow[],
    onProgress?: (done: number, total: number) => void,
  ): Promise<Outcome> {
    const scope = agencyScopeOf(ctx)
    const today = londonDateOf(clock.now())
    const outcome = await db.tenant(scopeOf(ctx), async (sql) => {
      await sql.auditAs('person.import')
      // Someone who moved to another agency since the preview is left out here, and the
      // write itself updates nobody outside the importer's agencies either.
      const outside = scope
        ? await emailsOutside(
            sql,
            rows.map((r) => r.email),
            scope,
          )
        : new Set<string>()
      const writable = outside.size ? rows.filter((r) => !outside.has(r.email.toLowerCase())) : rows
      const changed: string[] = []
      let added = 0
      for (let start = 0; start < writable.length; start += BATCH) {
        const batch = writable.slice(start, start + BATCH)
        const written = await upsertPeople(sql, ctx.partnership.id, batch, clock.now(), today, scope)
        await linkUserToPerson(
          sql,
          ctx.partnership.id,
          batch.map((r) => r.email),
        )
        for (const w of written) {
          changed.push(w.id)
          if (w.inserted) added++
        }
        onProgress?.(Math.min(start + BATCH, writable.length), writable.length)
      }
      return {
        added,
        updated: changed.length - added,
        unchanged: writable.length - changed.length,
        leftOut: rows.length - writable.length,
      }
    })
    if (outcome.added + outcome.updated >= REFRESH_AFTER) await db.refreshStatistics(['people'])
    return outcome
  }

  function tableOf(content: string): CsvTable {
    const reading = readCsv(Buffer.from(content, 'utf8'))
    if (!reading.ok) throw new ValidationError([{ field: 'file', text: reading.reason }])
    return reading.table
  }

  async function stored(ctx: Context, id: string) {
    const scope = agencyScopeOf(ctx)
    const found = isUuid(id) ? await db.tenant(scopeOf(ctx), (sql) => importById(sql, id)) : undefined
    // A file may hold other agencies' staff, so an agency lead sees only the imports they made.
    if (!found || (scope && found.createdBy !== ctx.actor.userId)) throw new NotFoundError('Import')
    return found
  }

  return {
    check,
    commit,

    /** Keeps an uploaded file for the steps that follow, or refuses it with the reason. */
    async upload(ctx: Context, filename: string, bytes: Buffer): Promise<string> {
      agencyScopeOf(ctx)
      const reading = readCsv(bytes)
      if (!reading.ok) throw new ValidationError([{ field: 'file', text: reading.reason }])
      // Stored as decoded text, so later steps read it the same way whatever it was saved as.
      const { text } = decodeCsv(bytes)
      return db.tenant(scopeOf(ctx), async (sql) => {
        await sql.auditAs('person.import.upload')
        const row = await sql.one<{ id: string }>(
          `INSERT INTO people_imports (partnership_id, filename, content, encoding, mapping, created_by)
           VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
          [
            ctx.partnership.id,
            filename.slice(0, 200),
            text,
            reading.table.encoding,
            JSON.stringify(guessMapping(reading.table.headers)),
            ctx.actor.userId,
          ],
        )
        return row.id
      })
    },

    async columns(ctx: Context, id: string) {
      const upload = await stored(ctx, id)
      const table = tableOf(upload.content)
      return {
        upload,
        headers: table.headers,
        mapping: (upload.mapping ?? {}) as Mapping,
        sample: table.rows.slice(0, 3),
      }
    },

    async setColumns(ctx: Context, id: string, mapping: Mapping): Promise<void> {
      const upload = await stored(ctx, id)
      const table = tableOf(upload.content)
      const valid = Object.fromEntries(
        importFields.flatMap((field) => {
          const column = mapping[field]
          return column !== undefined &&
            Number.isInteger(column) &&
            column >= 0 &&
            column < table.headers.length
            ? [[field, column]]
            : []
        }),
      ) as Mapping
      const missing = missingFields(valid)
      if (missing.length) {
        throw new ValidationError(
          missing.map((field) => ({
            field,
            text: `Select the column that holds each person’s ${field === 'email' ? 'work email' : field.replace(/([A-Z])/g, ' $1').toLowerCase()}`,
          })),
        )
      }
      await db.tenant(scopeOf(ctx), async (sql) => {
        await sql.auditAs('person.import.columns')
        await sql.query('UPDATE people_imports SET mapping = $2 WHERE id = $1', [id, JSON.stringify(valid)])
      })
    },

    async preview(ctx: Context, id: string) {
      const upload = await stored(ctx, id)
      const mapping = (upload.mapping ?? {}) as Mapping
      if (missingFields(mapping).length) throw new ConflictError('Choose the columns first')
      return { upload, preview: await check(ctx, tableOf(upload.content), mapping) }
    },

    async commitUpload(ctx: Context, id: string): Promise<Outcome> {
      const upload = await stored(ctx, id)
      if (upload.status === 'committed') return upload.outcome as Outcome
      const mapping = (upload.mapping ?? {}) as Mapping
      const checked = await check(ctx, tableOf(upload.content), mapping)
      const result = await commit(ctx, checked.rows)
      const outcome: Outcome = {
        ...result,
        leftOut: result.leftOut + new Set(checked.problems.filter((p) => p.blocking).map((p) => p.row)).size,
      }
      await db.tenant(scopeOf(ctx), async (sql) => {
        await sql.auditAs('person.import.commit')
        await sql.query(`UPDATE people_imports SET status = 'committed', outcome = $2 WHERE id = $1`, [
          id,
          JSON.stringify(outcome),
        ])
      })
      return outcome
    },

    async outcome(ctx: Context, id: string): Promise<Outcome | null> {
      const upload = await stored(ctx, id)
      return upload.status === 'committed' ? (upload.outcome as Outcome) : null
    },
  }
}

export type ImportService = ReturnType<typeof createImportService>
