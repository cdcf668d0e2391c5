import { withdrawHeldApplications } from '#features/booking/queries.ts'
import type { Clock } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import { scopeOf } from '#platform/context.ts'
import type { Database, Sql } from '#platform/db/database.ts'
import { isUuid } from '#platform/db/database.ts'
import { ConflictError, NotFoundError, ValidationError } from '#platform/errors.ts'
import { enqueueEmail } from '#platform/mail/outbox.ts'
import type { Partnerships } from '#platform/partnerships.ts'
import { activeAgencies, agencyById, personByEmail } from '../queries.ts'
import { agencyScopeOf } from '../service.ts'
import {
  alreadyRegistered,
  joiningToConfirm,
  registrationConfirmed,
  registrationReceived,
  registrationRejected,
  registrationToDecide,
} from './emails.ts'
import type { RegistrationInput } from './forms.ts'
import { JOIN_LINK_DAYS, joinLinkExpiry, joinToken, readJoinToken } from './join-links.ts'

export type Registration = {
  id: string
  firstName: string
  lastName: string
  email: string
  agencyId: string
  agencyName: string
  role: string | null
  managerName: string | null
  managerEmail: string | null
  status: 'active' | 'pending' | 'rejected' | 'left'
  registeredAt: Date | null
  userId: string | null
  decisionReason: string | null
}

const registrationColumns = `p.id, p.first_name AS "firstName", p.last_name AS "lastName", p.email,
  p.agency_id AS "agencyId", a.name AS "agencyName", p.role, p.manager_name AS "managerName",
  p.manager_email AS "managerEmail", p.status, p.registered_at AS "registeredAt", p.user_id AS "userId",
  p.decision_reason AS "decisionReason"`

/** Who hears of a registration: the agency's leads, or the partnership's admins when it has none. */
async function decidersOf(sql: Sql, agencyId: string): Promise<string[]> {
  const rows = await sql.query<{ email: string; role: string }>(
    `SELECT DISTINCT u.email, m.role FROM memberships m JOIN users u ON u.id = m.user_id
      WHERE NOT u.disabled AND ((m.role = 'agency-lead' AND $1 = ANY(m.agency_ids)) OR m.role = 'admin')`,
    [agencyId],
  )
  const leads = rows.filter((r) => r.role === 'agency-lead')
  return [...new Set((leads.length ? leads : rows).map((r) => r.email))]
}

/**
 * Self-registration: a practitioner registers with their work email and agency, and holds the
 * registrant role (their own record, nothing more) until the agency's lead confirms them.
 */
export function createRegistrationService(deps: {
  db: Database
  clock: Clock
  partnerships: Partnerships
  publicUrl: string
  /** Seals the link that asks the owner of an account to confirm a registration made with its address. */
  secret: string
  mailQueued?: () => void
}) {
  const { db, clock } = deps
  const signInUrl = `${deps.publicUrl}/sign-in/link`

  /**
   * Gives a registrant their record, waiting for their agency's lead, and the registrant role,
   * and tells them and whoever decides.
   */
  async function addRegistrant(
    sql: Sql,
    partnership: { id: string; name: string },
    agency: { id: string; name: string },
    input: RegistrationInput & { userId: string },
    now: Date,
  ): Promise<void> {
    await sql.auditAs('person.register')
    await sql.query(
      `INSERT INTO people (partnership_id, first_name, last_name, email, agency_id, role, manager_name, manager_email,
                           status, user_id, registered_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $9, $10)`,
      [
        partnership.id,
        input.firstName,
        input.lastName,
        input.email,
        agency.id,
        input.role ?? null,
        input.managerName ?? null,
        input.managerEmail ?? null,
        input.userId,
        now,
      ],
    )
    await sql.query(
      `INSERT INTO memberships (partnership_id, user_id, role) VALUES ($1, $2, 'registrant')
       ON CONFLICT (partnership_id, user_id, role) DO NOTHING`,
      [partnership.id, input.userId],
    )
    const about = {
      name: `${input.firstName} ${input.lastName}`,
      agency: agency.name,
      partnership: partnership.name,
    }
    await enqueueEmail(sql, partnership.id, { ...registrationReceived(about, signInUrl), to: input.email })
    for (const to of await decidersOf(sql, agency.id)) {
      await enqueueEmail(sql, partnership.id, {
        ...registrationToDecide({ ...about, email: input.email }, `${deps.publicUrl}/registrations`),
        to,
      })
    }
  }

  async function partnershipBySlug(slug: string) {
    const partnership = await deps.partnerships.bySlug(slug)
    if (!partnership) throw new NotFoundError('Partnership')
    return partnership
  }

  /**
   * A registration waiting in the actor's agencies. Deciding one holds the record until the
   * decision commits, so it cannot move to another agency, or be decided twice, in between.
   */
  async function pendingIn(ctx: Context, sql: Sql, id: string, deciding = false): Promise<Registration> {
    const found = await inActorsAgencies(ctx, sql, id, deciding)
    if (!found) throw new NotFoundError('Registration')
    if (found.status !== 'pending') throw new ConflictError('This registration has already been decided')
    return found
  }

  /** A person's registration, whatever its status, if it is in the actor's agencies. */
  async function inActorsAgencies(
    ctx: Context,
    sql: Sql,
    id: string,
    locking = false,
  ): Promise<Registration | undefined> {
    const scope = agencyScopeOf(ctx)
    const found = isUuid(id)
      ? await sql.maybeOne<Registration>(
          `SELECT ${registrationColumns} FROM people p JOIN agencies a ON a.id = p.agency_id
            WHERE p.id = $1 AND p.merged_into IS NULL${locking ? ' FOR UPDATE OF p' : ''}`,
          [id],
        )
      : undefined
    return found && (!scope || scope.includes(found.agencyId)) ? found : undefined
  }

  return {
    /**
     * Makes a registrant, as registering does, inside the caller's tenant transaction: for a
     * first sign-in through an organisation's account from a domain that is not trusted.
     */
    addRegistrant,

    /** The partnership and the agencies a registrant chooses from. */
    async form(slug: string) {
      const partnership = await partnershipBySlug(slug)
      const agencies = await db.tenant({ partnershipId: partnership.id, userId: null }, (sql) =>
        activeAgencies(sql),
      )
      return { partnership, agencies }
    },

    /**
     * Registers a practitioner. The answer is the same whether or not the email was already
     * known, so the form cannot be used to find out who is in the directory; the email says.
     * An address that already has an account (here or in another partnership) is not given
     * a record or a role here: its owner is emailed a link to confirm (`join`).
     */
    async register(slug: string, input: RegistrationInput, requestId?: string): Promise<void> {
      const partnership = await partnershipBySlug(slug)
      const now = clock.now()
      await db.tenant(
        { partnershipId: partnership.id, userId: null, requestId, actor: 'registration' },
        async (sql) => {
          const agency = await agencyById(sql, input.agencyId)
          if (!agency || agency.archived)
            throw new ValidationError([
              { field: 'agencyId', text: 'Select the agency you work for from the list' },
            ])
          if (input.managerEmail && input.managerEmail.toLowerCase() === input.email.toLowerCase())
            throw new ValidationError([
              { field: 'managerEmail', text: 'Enter your line manager’s email, not your own' },
            ])
          if (await personByEmail(sql, input.email)) {
            await enqueueEmail(sql, partnership.id, {
              ...alreadyRegistered({ partnership: partnership.name }, signInUrl),
              to: input.email,
            })
            return
          }
          const name = `${input.firstName} ${input.lastName}`
          // Creating the account decides, in one statement, whether the address had one.
          const created = await sql.maybeOne<{ id: string }>(
            `INSERT INTO users (email, display_name) VALUES ($1, $2)
             ON CONFLICT ((lower(email))) DO NOTHING RETURNING id`,
            [input.email, name],
          )
          if (!created) {
            const account = await sql.one<{ id: string; email: string }>(
              'SELECT id, email FROM users WHERE lower(email) = lower($1)',
              [input.email],
            )
            const { email: _typed, ...registration } = input
            const token = joinToken(deps.secret, partnership.id, {
              userId: account.id,
              registration,
              expires: joinLinkExpiry(now),
            })
            await enqueueEmail(sql, partnership.id, {
              ...joiningToConfirm(
                { name, agency: agency.name, partnership: partnership.name, days: JOIN_LINK_DAYS },
                `${deps.publicUrl}/p/${partnership.slug}/register/join?link=${token}`,
              ),
              to: account.email,
            })
            return
          }
          await addRegistrant(sql, partnership, agency, { ...input, userId: created.id }, now)
        },
      )
      deps.mailQueued?.()
    },

    /**
     * What a joining link would register, for its owner to check before confirming; no
     * registration when the link was altered or has expired.
     */
    async joining(slug: string, token: string) {
      const partnership = await partnershipBySlug(slug)
      const read = readJoinToken(deps.secret, partnership.id, token, clock.now())
      if (!read.ok) return { partnership, registration: undefined }
      const { registration } = read.link
      const agency = await db.tenant({ partnershipId: partnership.id, userId: null }, (sql) =>
        agencyById(sql, registration.agencyId),
      )
      return { partnership, registration, agencyName: agency?.name ?? '' }
    },

    /**
     * The owner of an account confirms a registration made with its address, by the emailed
     * link: they get a record waiting for their agency's lead and the registrant role, as a new
     * registrant does. Nothing more when the address is in the directory already. False when
     * the link was altered, has expired, or its account or agency is gone.
     */
    async join(slug: string, token: string, requestId?: string) {
      const partnership = await partnershipBySlug(slug)
      const now = clock.now()
      const read = readJoinToken(deps.secret, partnership.id, token, now)
      if (!read.ok) return { partnership, joined: false }
      const { userId, registration } = read.link
      const joined = await db.tenant(
        { partnershipId: partnership.id, userId, requestId, actor: 'registration' },
        async (sql) => {
          const account = await sql.maybeOne<{ email: string }>(
            'SELECT email FROM users WHERE id = $1 AND NOT disabled',
            [userId],
          )
          const agency = await agencyById(sql, registration.agencyId)
          if (!account || !agency || agency.archived) return false
          if (await personByEmail(sql, account.email)) return true
          await addRegistrant(
            sql,
            partnership,
            agency,
            { ...registration, email: account.email, userId },
            now,
          )
          return true
        },
      )
      if (joined) deps.mailQueued?.()
      return { partnership, joined }
    },

    /** The registrations waiting for this lead (their agencies) or admin (every agency). */
    async pending(ctx: Context): Promise<Registration[]> {
      const scope = agencyScopeOf(ctx)
      return db.tenant(scopeOf(ctx), (sql) =>
        sql.query<Registration>(
          `SELECT ${registrationColumns} FROM people p JOIN agencies a ON a.id = p.agency_id
            WHERE p.status = 'pending' AND p.merged_into IS NULL AND ($1::uuid[] IS NULL OR p.agency_id = ANY($1::uuid[]))
            ORDER BY p.registered_at NULLS LAST, p.id`,
          [scope],
        ),
      )
    },

    async registration(ctx: Context, id: string): Promise<Registration> {
      return db.tenant(scopeOf(ctx), (sql) => pendingIn(ctx, sql, id))
    },

    /**
     * A registration the actor could decide, once decided: what the list of registrations
     * names after a decision. Undefined when it is still waiting or not theirs to see.
     */
    async decided(ctx: Context, id: string): Promise<Registration | undefined> {
      const found = await db.tenant(scopeOf(ctx), (sql) => inActorsAgencies(ctx, sql, id))
      return found?.status === 'pending' ? undefined : found
    },

    /** Confirms a registrant: they become an active practitioner of their agency. */
    async confirm(ctx: Context, id: string): Promise<void> {
      await db.tenant(scopeOf(ctx), async (sql) => {
        const r = await pendingIn(ctx, sql, id, true)
        await sql.auditAs('person.confirm')
        await sql.query(
          `UPDATE people SET status = 'active', decided_by = $2, decision_reason = NULL, updated_at = $3 WHERE id = $1`,
          [r.id, ctx.actor.userId, clock.now()],
        )
        if (r.userId) {
          await sql.query(`DELETE FROM memberships WHERE user_id = $1 AND role = 'registrant'`, [r.userId])
          await sql.query(
            `INSERT INTO memberships (partnership_id, user_id, role) VALUES ($1, $2, 'practitioner')
             ON CONFLICT (partnership_id, user_id, role) DO NOTHING`,
            [ctx.partnership.id, r.userId],
          )
        }
        const about = {
          name: `${r.firstName} ${r.lastName}`,
          agency: r.agencyName,
          partnership: ctx.partnership.name,
        }
        await enqueueEmail(sql, ctx.partnership.id, {
          ...registrationConfirmed(about, signInUrl),
          to: r.email,
        })
      })
      deps.mailQueued?.()
    },

    /** Rejects a registration with the reason the registrant is told; their record is kept, marked. */
    async reject(ctx: Context, id: string, reason: string): Promise<void> {
      await db.tenant(scopeOf(ctx), async (sql) => {
        const r = await pendingIn(ctx, sql, id, true)
        await sql.auditAs('person.reject')
        await sql.query(
          `UPDATE people SET status = 'rejected', decided_by = $2, decision_reason = $3, updated_at = $4 WHERE id = $1`,
          [r.id, ctx.actor.userId, reason, clock.now()],
        )
        if (r.userId)
          await sql.query(`DELETE FROM memberships WHERE user_id = $1 AND role = 'registrant'`, [r.userId])
        await withdrawHeldApplications(sql, r.id, clock.now())
        const about = {
          name: `${r.firstName} ${r.lastName}`,
          agency: r.agencyName,
          partnership: ctx.partnership.name,
        }
        await enqueueEmail(sql, ctx.partnership.id, {
          ...registrationRejected({ ...about, reason }),
          to: r.email,
        })
      })
      deps.mailQueued?.()
    },

    /** The signed-in user's own record in this partnership, whatever their status. */
    async ownRecord(ctx: Context): Promise<Registration | undefined> {
      if (!ctx.actor.userId) return undefined
      return db.tenant(scopeOf(ctx), (sql) =>
        sql.maybeOne<Registration>(
          `SELECT ${registrationColumns} FROM people p JOIN agencies a ON a.id = p.agency_id
            WHERE p.user_id = $1 AND p.merged_into IS NULL ORDER BY p.created_at DESC LIMIT 1`,
          [ctx.actor.userId],
        ),
      )
    },
  }
}

export type RegistrationService = ReturnType<typeof createRegistrationService>
