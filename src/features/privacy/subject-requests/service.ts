import { zipSync } from 'fflate'
import type { Clock } from '#platform/clock.ts'
import { londonDateOf } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import { requireRole, scopeOf } from '#platform/context.ts'
import type { Database, Sql } from '#platform/db/database.ts'
import { isUuid } from '#platform/db/database.ts'
import { NotFoundError } from '#platform/errors.ts'
import { parseOrThrow } from '#platform/http/forms.ts'
import type { Refusal } from './anonymise.ts'
import { anonymisePerson, erasureRefusals } from './anonymise.ts'
import { erasureForm } from './forms.ts'
import { gatherHeld } from './gather.ts'
import { heldPdf } from './pdf.ts'

/** What an erasure did, as the API answers and the person's page shows. */
export type ErasureOutcome = {
  outcome: 'erased' | 'partly-refused'
  erased: string[]
  refused: Refusal[]
}

/** A subject access or erasure request as recorded. */
export type DataRequest = {
  id: string
  kind: 'export' | 'erasure'
  reason: string | null
  outcome: 'exported' | 'erased' | 'partly-refused'
  erased: string[]
  refused: Refusal[]
  requestedBy: string | null
  at: Date
}

type Subject = { id: string; firstName: string; lastName: string; erasedAt: Date | null }

/**
 * Subject access and erasure (UK GDPR articles 15 and 17): an admin of the person's
 * partnership downloads everything held about one person, or erases them, refused in part
 * where the law requires a record kept. Every request is recorded with its outcome.
 */
export function createSubjectRequestService(deps: { db: Database; clock: Clock }) {
  const { db, clock } = deps

  /** The person, in this partnership; someone else's or merged away is not found. */
  async function subject(sql: Sql, id: string, lock = false): Promise<Subject> {
    const found = isUuid(id)
      ? await sql.maybeOne<Subject>(
          `SELECT id, first_name AS "firstName", last_name AS "lastName", erased_at AS "erasedAt"
             FROM people WHERE id = $1 AND merged_into IS NULL${lock ? ' FOR UPDATE' : ''}`,
          [id],
        )
      : undefined
    if (!found) throw new NotFoundError('Person')
    return found
  }

  async function record(
    sql: Sql,
    ctx: Context,
    personId: string,
    request: Omit<DataRequest, 'id' | 'at' | 'requestedBy'>,
  ): Promise<void> {
    await sql.query(
      `INSERT INTO data_requests (partnership_id, person_id, kind, reason, outcome, erased, refused, requested_by,
                                  requested_by_label, at)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8, $9, $10)`,
      [
        ctx.partnership.id,
        personId,
        request.kind,
        request.reason,
        request.outcome,
        JSON.stringify(request.erased),
        JSON.stringify(request.refused),
        ctx.actor.userId,
        ctx.actor.label ?? null,
        clock.now(),
      ],
    )
  }

  return {
    /** The person a request would be about, for its pages. */
    async subject(ctx: Context, id: string): Promise<Subject> {
      requireRole(ctx, 'admin')
      return db.tenant(scopeOf(ctx), (sql) => subject(sql, id))
    },

    /**
     * Everything held about the person as a zip: one JSON file per kind of record, their evidence
     * files where small enough, and a readable PDF summary. The request is recorded.
     */
    async export(ctx: Context, id: string): Promise<{ filename: string; content: Buffer }> {
      requireRole(ctx, 'admin')
      const now = clock.now()
      const held = await db.tenant({ ...scopeOf(ctx), action: 'person.export' }, async (sql) => {
        const person = await subject(sql, id)
        await record(sql, ctx, person.id, {
          kind: 'export',
          reason: null,
          outcome: 'exported',
          erased: [],
          refused: [],
        })
        return gatherHeld(sql, person.id)
      })
      const folder = `personal-data-${String(held.person.id).slice(0, 8)}-${londonDateOf(now)}`
      const encoder = new TextEncoder()
      const files: Record<string, Uint8Array> = {
        [`${folder}/summary.pdf`]: await heldPdf(held, ctx.partnership.name, now),
        [`${folder}/contents.json`]: encoder.encode(
          JSON.stringify(
            {
              partnership: ctx.partnership.name,
              personId: held.person.id,
              madeAt: now.toISOString(),
              kinds: held.parts.map((p) => ({ file: `${p.id}.json`, label: p.label, count: p.rows.length })),
              files: held.files.map((f) => f.path),
            },
            null,
            2,
          ),
        ),
      }
      for (const part of held.parts)
        files[`${folder}/${part.id}.json`] = encoder.encode(
          JSON.stringify(
            { kind: part.id, label: part.label, count: part.rows.length, rows: part.rows },
            null,
            2,
          ),
        )
      for (const file of held.files) files[`${folder}/${file.path}`] = file.bytes
      return { filename: `${folder}.zip`, content: Buffer.from(zipSync(files)) }
    },

    /** What an erasure would have to keep, and why: shown before the admin confirms. */
    async erasurePreview(ctx: Context, id: string): Promise<{ person: Subject; refused: Refusal[] }> {
      requireRole(ctx, 'admin')
      return db.tenant(scopeOf(ctx), async (sql) => {
        const person = await subject(sql, id)
        return { person, refused: await erasureRefusals(sql, person.id) }
      })
    },

    /**
     * Erases the person (see anonymisePerson), recording the request, its reason and outcome.
     * Asked again for someone already erased, answers with what the first erasure did and changes
     * nothing.
     */
    async erase(ctx: Context, id: string, input: unknown): Promise<ErasureOutcome> {
      requireRole(ctx, 'admin')
      const { reason } = parseOrThrow(erasureForm, input)
      return db.tenant({ ...scopeOf(ctx), action: 'person.erase' }, async (sql) => {
        const person = await subject(sql, id, true)
        if (person.erasedAt) {
          const first = await sql.maybeOne<ErasureOutcome>(
            `SELECT outcome, erased, refused FROM data_requests
              WHERE person_id = $1 AND kind = 'erasure' ORDER BY at, id LIMIT 1`,
            [person.id],
          )
          if (first) return first
        }
        const done = await anonymisePerson(sql, person.id, { now: clock.now() })
        const outcome = done.refused.length ? 'partly-refused' : 'erased'
        await record(sql, ctx, person.id, {
          kind: 'erasure',
          reason,
          outcome,
          erased: done.erased,
          refused: done.refused,
        })
        return { outcome, erased: done.erased, refused: done.refused }
      })
    },

    /** The requests made about the person, newest first, shown on their page. */
    async history(ctx: Context, id: string): Promise<DataRequest[]> {
      if (!ctx.actor.roles.includes('admin')) return []
      return db.tenant(scopeOf(ctx), (sql) =>
        sql.query<DataRequest>(
          `SELECT d.id, d.kind, d.reason, d.outcome, d.erased, d.refused, d.at,
                  coalesce(u.display_name, d.requested_by_label) AS "requestedBy"
             FROM data_requests d LEFT JOIN users u ON u.id = d.requested_by
            WHERE d.person_id = $1 ORDER BY d.at DESC, d.id`,
          [id],
        ),
      )
    },
  }
}

export type SubjectRequestService = ReturnType<typeof createSubjectRequestService>
