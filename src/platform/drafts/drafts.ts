import { hashToken } from '../auth/secrets.ts'
import type { Clock } from '../clock.ts'
import type { Context } from '../context.ts'
import type { Database } from '../db/database.ts'
import { ValidationError } from '../errors.ts'

/**
 * Who a draft belongs to: a signed-in user, or whoever holds an emailed link (its token, which
 * only its hash ever reaches the database as). Always within one partnership.
 */
export type DraftOwner =
  | { partnershipId: string; userId: string }
  | { partnershipId: string; linkToken: string }

/** The fields of a form as it was being filled in: text, or several values of a checkbox group. */
export type DraftValues = Record<string, string | string[]>

export type Draft = { values: DraftValues; savedAt: Date }

/** Fields that are the form's machinery, not what was typed: never kept. */
const MACHINERY = new Set(['_csrf', '_draft'])
/** A draft larger than this is not a form being typed into. */
const MOST_CHARACTERS = 200_000
const FORM_KEY = /^[a-z0-9:_-]{1,200}$/
/** A draft nobody came back to within this many days is dropped: it is a scratch copy, not a record. */
export const DRAFT_DAYS = 30

/** The typed fields of a submitted form body, without its token or buttons. */
export function draftValuesOf(body: Record<string, unknown>): DraftValues {
  const values: DraftValues = {}
  for (const [name, value] of Object.entries(body)) {
    if (MACHINERY.has(name)) continue
    if (typeof value === 'string') values[name] = value
    else if (Array.isArray(value)) values[name] = value.filter((v): v is string => typeof v === 'string')
  }
  return values
}

function ownerOf(owner: DraftOwner): { userId: string | null; linkHash: string | null } {
  return 'userId' in owner
    ? { userId: owner.userId, linkHash: null }
    : { userId: null, linkHash: hashToken(owner.linkToken) }
}

function checkKey(formKey: string): void {
  if (!FORM_KEY.test(formKey)) throw new Error(`Not a form key: ${formKey}`)
}

/**
 * Drafts of long answer forms, shared by every page that has one: `saveDraft` when someone
 * presses "Save as draft" (or the page saves for them), `draftOf` to fill the form in again,
 * `discardDraft` once the form is sent. A draft is keyed by its owner and the form, so two
 * people (or two links) never see each other's; row-level security holds a user's drafts to
 * that user, not only to the partnership.
 */
export function createDrafts(deps: { db: Database; clock: Clock }) {
  const { db } = deps
  const scope = (owner: DraftOwner) => ({
    partnershipId: owner.partnershipId,
    userId: 'userId' in owner ? owner.userId : null,
    actor: 'userId' in owner ? undefined : 'form-link',
  })

  return {
    /** Keeps the form's fields as they are now, replacing the owner's earlier draft of the same form. */
    async saveDraft(owner: DraftOwner, formKey: string, body: Record<string, unknown>): Promise<Draft> {
      checkKey(formKey)
      const values = draftValuesOf(body)
      const json = JSON.stringify(values)
      if (json.length > MOST_CHARACTERS)
        throw new ValidationError([
          {
            field: 'form',
            text: 'The answers are too long to save as a draft: shorten them, or send the form',
          },
        ])
      const { userId, linkHash } = ownerOf(owner)
      return db.tenant(scope(owner), async (sql) => {
        // Drafts nobody came back to are dropped as new ones are kept: no job needed.
        await sql.query(
          `DELETE FROM form_drafts WHERE partnership_id = $1 AND saved_at < cascade_now() - make_interval(days => $2)`,
          [owner.partnershipId, DRAFT_DAYS],
        )
        const row = await sql.one<{ saved_at: Date }>(
          `INSERT INTO form_drafts (partnership_id, user_id, link_hash, form_key, draft_values, saved_at)
           VALUES ($1, $2, $3, $4, $5::jsonb, cascade_now())
           ON CONFLICT (partnership_id, form_key, (coalesce(user_id::text, link_hash)))
           DO UPDATE SET draft_values = EXCLUDED.draft_values, saved_at = EXCLUDED.saved_at
           RETURNING saved_at`,
          [owner.partnershipId, userId, linkHash, formKey, json],
        )
        return { values, savedAt: row.saved_at }
      })
    },

    /** The owner's draft of the form, if they kept one in the last 30 days. */
    async draftOf(owner: DraftOwner, formKey: string): Promise<Draft | null> {
      checkKey(formKey)
      const { userId, linkHash } = ownerOf(owner)
      const rows = await db.read(scope(owner), (sql) =>
        sql.query<{ draft_values: DraftValues; saved_at: Date }>(
          `SELECT draft_values, saved_at FROM form_drafts
            WHERE partnership_id = $1 AND form_key = $2
              AND coalesce(user_id::text, link_hash) = coalesce($3::uuid::text, $4)
              AND saved_at >= cascade_now() - make_interval(days => $5)`,
          [owner.partnershipId, formKey, userId, linkHash, DRAFT_DAYS],
        ),
      )
      const row = rows[0]
      return row ? { values: row.draft_values, savedAt: row.saved_at } : null
    },

    /** Forgets the draft: the form was sent, so what it held is saved for real. */
    async discardDraft(owner: DraftOwner, formKey: string): Promise<void> {
      checkKey(formKey)
      const { userId, linkHash } = ownerOf(owner)
      await db.tenant(scope(owner), (sql) =>
        sql.query(
          `DELETE FROM form_drafts
            WHERE partnership_id = $1 AND form_key = $2
              AND coalesce(user_id::text, link_hash) = coalesce($3::uuid::text, $4)`,
          [owner.partnershipId, formKey, userId, linkHash],
        ),
      )
    },
  }
}

export type Drafts = ReturnType<typeof createDrafts>

/** The signed-in user's own drafts, in the partnership they are working in. */
export function draftOwnerOf(ctx: Context): DraftOwner {
  if (!ctx.actor.userId) throw new Error('Only a signed-in user keeps drafts')
  return { partnershipId: ctx.partnership.id, userId: ctx.actor.userId }
}
