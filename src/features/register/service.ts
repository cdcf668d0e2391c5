import type { PolicyRules } from '#features/policy/policy.ts'
import { rulesInForceOn } from '#features/policy/queries.ts'
import type { PolicyService } from '#features/policy/service.ts'
import type { Session } from '#features/sessions/queries.ts'
import { sessionById } from '#features/sessions/queries.ts'
import type { Clock } from '#platform/clock.ts'
import { londonDateOf, londonDateText } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import { scopeOf } from '#platform/context.ts'
import type { Database, Sql } from '#platform/db/database.ts'
import { isUniqueViolation, isUuid } from '#platform/db/database.ts'
import type { FieldError } from '#platform/errors.ts'
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '#platform/errors.ts'
import { enqueueEmails } from '#platform/mail/outbox.ts'
import { issueCertificates, settleBookings } from './consequences.ts'
import type { RegisterRow } from './queries.ts'
import {
  marksOf,
  placesOf,
  registerOf,
  registerRows,
  trainsOn,
  unmarkedPlaces,
  writeMarks,
} from './queries.ts'
import type { Mark } from './rules.ts'
import { isCorrection, markingRefusal } from './rules.ts'

export type MarkInput = { personId: string; part: number; mark: Mark; reason?: string | null }

/** A session's register as its page and the API show it. */
export type Register = { session: Session; rows: RegisterRow[]; canMark: boolean; corrections: boolean }

/**
 * The register: taken for each part of a session by its trainers or an admin, one mark per
 * person per part, each mark its own request so nothing is lost when a connection drops. Every
 * change settles the booking's charge and certificate again (see consequences.ts).
 */
export function createRegisterService(deps: {
  db: Database
  clock: Clock
  policy: PolicyService
  publicUrl: string
  mailQueued?: () => void
  /**
   * Called once the register of a session that has ended has a mark for everyone on every part,
   * so the after-course invitations go now rather than at the evaluation's next quarter-hour pass.
   */
  registerCompleted?: () => void
}) {
  const { db, clock } = deps

  /** The session, if the actor may take its register: an admin, or one of its trainers. */
  /** The session, for its trainers and admins: the session and whether they train on it are read together. */
  async function sessionToMark(sql: Sql, ctx: Context, sessionId: string): Promise<Session> {
    if (!isUuid(sessionId)) throw new NotFoundError('Session')
    const admin = ctx.actor.roles.includes('admin')
    const [session, trains] = await Promise.all([
      sessionById(sql, sessionId),
      !admin && ctx.actor.roles.includes('trainer') ? trainsOn(sql, sessionId, ctx.actor.userId) : false,
    ])
    if (!session) throw new NotFoundError('Session')
    if (!admin && !trains)
      throw new ForbiddenError('Only the session’s trainers and admins can take its register')
    return session
  }

  /** The policy of the session's date: a charge keeps the fee that applied on its day. */
  async function rulesFor(ctx: Context, sessionId: string): Promise<PolicyRules> {
    const session = isUuid(sessionId)
      ? await db.tenant(scopeOf(ctx), (sql) => sessionById(sql, sessionId))
      : undefined
    return deps.policy.rulesOn(ctx, londonDateOf(session?.startsAt ?? clock.now()))
  }

  return {
    async register(ctx: Context, sessionId: string): Promise<Register> {
      if (!isUuid(sessionId)) throw new NotFoundError('Session')
      return db.read(scopeOf(ctx), async (sql) => {
        // The register is read along with the check of who asks; it is shown only if they may.
        const [session, rows] = await Promise.all([
          sessionToMark(sql, ctx, sessionId),
          registerOf(sql, sessionId),
        ])
        const now = clock.now()
        return {
          session,
          rows,
          canMark: markingRefusal(session.parts, 1, now) === null,
          corrections: isCorrection(session.parts, now),
        }
      })
    },

    /**
     * Takes marks. All or nothing: a mark for someone without a place, for a part that has not
     * started, or changing a mark after the session without a reason, refuses the lot. The same
     * mark twice changes nothing; two different marks for the same part, the later wins.
     */
    async mark(ctx: Context, sessionId: string, marks: readonly MarkInput[]): Promise<RegisterRow[]> {
      // Marking is what a trainer does over and over while people arrive: one transaction
      // reads the rules of the session's day, takes the marks and settles what follows.
      // Its statements find places, marks and charges by ids given as arrays: each keeps one plan.
      const scope = { ...scopeOf(ctx), action: 'register.mark', keepPlans: true }
      if (!isUuid(sessionId)) throw new NotFoundError('Session')
      const rows = await db.tenant(scope, async (sql) => {
        // One register change at a time per session, so charges and certificates follow the
        // last: the lock is taken before the places are read, in the same write as the check
        // of who asks (someone refused holds it only until their transaction rolls back).
        const [session, , places] = await Promise.all([
          sessionToMark(sql, ctx, sessionId),
          sql.query('SELECT 1 FROM sessions WHERE id = $1 FOR UPDATE', [sessionId]),
          placesOf(sql, sessionId, marks.map((m) => m.personId).filter(isUuid)),
        ])
        const [rules, earlier] = await Promise.all([
          rulesInForceOn(sql, londonDateOf(session.startsAt)),
          marksOf(sql, [...places.values()]),
        ])
        const now = clock.now()
        const correcting = isCorrection(session.parts, now)
        const problems: FieldError[] = []
        const writes: { applicationId: string; part: number; mark: Mark; reason: string | null }[] = []
        for (const [i, m] of marks.entries()) {
          const refusal = markingRefusal(session.parts, m.part, now)
          const place = places.get(m.personId)
          const reason = m.reason?.trim() || null
          if (refusal) problems.push({ field: `marks.${i}.part`, text: refusal })
          else if (!place)
            problems.push({
              field: `marks.${i}.personId`,
              text: 'This person does not have a place on this session',
            })
          else {
            const previous = earlier.get(`${place}:${m.part}`)
            if (correcting && previous !== undefined && previous !== m.mark && !reason)
              problems.push({
                field: `marks.${i}.reason`,
                text: 'Give a reason for correcting the register after the session',
              })
            writes.push({ applicationId: place, part: m.part, mark: m.mark, reason })
          }
        }
        if (problems.length) throw new ValidationError(problems)
        const [, settled] = await Promise.all([
          writeMarks(
            sql,
            { partnershipId: ctx.partnership.id, sessionId: session.id, by: ctx.actor.userId, now },
            writes,
          ),
          registerRows(sql, [...new Set(writes.map((w) => w.applicationId))]),
        ])
        await settleBookings(
          sql,
          { partnership: ctx.partnership, session, rules, publicUrl: deps.publicUrl, now },
          settled,
        )
        // Once the session has ended (when a change is a correction), the last missing mark
        // makes the after-course evaluation due for everyone who came.
        const completed = correcting && (await unmarkedPlaces(sql, session.id, session.parts.length)) === 0
        return { settled, completed }
      })
      deps.mailQueued?.()
      if (rows.completed) deps.registerCompleted?.()
      return rows.settled
    },

    /**
     * Adds someone who came without a place on the register: a substitute nobody recorded, in
     * place of someone from the same agency (whose place then passes without charge), or a
     * walk-in. Their marks are then taken as anyone's.
     */
    async addWalkIn(
      ctx: Context,
      sessionId: string,
      input: { personId: string; insteadOf?: string | null },
    ): Promise<string> {
      try {
        return await db.tenant(scopeOf(ctx), async (sql) => {
          const session = await sessionToMark(sql, ctx, sessionId)
          await sql.query('SELECT 1 FROM sessions WHERE id = $1 FOR UPDATE', [session.id])
          const now = clock.now()
          const refusal = markingRefusal(session.parts, 1, now)
          if (refusal) throw new ValidationError([{ field: 'personId', text: refusal }])
          const person = isUuid(input.personId)
            ? await sql.maybeOne<{ id: string; name: string; email: string; agencyId: string }>(
                `SELECT id, first_name || ' ' || last_name AS name, email, agency_id AS "agencyId" FROM people
                  WHERE id = $1 AND merged_into IS NULL AND status = 'active'`,
                [input.personId],
              )
            : undefined
          if (!person) throw new ValidationError([{ field: 'personId', text: 'Select who came' }])
          let replaced: { id: string; name: string; managerEmail: string } | undefined
          if (input.insteadOf) {
            replaced = await sql.maybeOne(
              `SELECT a.id, p.first_name || ' ' || p.last_name AS name, a.manager_email AS "managerEmail"
                 FROM applications a JOIN people p ON p.id = a.person_id
                WHERE a.id = $1 AND a.session_id = $2 AND a.status = 'confirmed' AND a.agency_id = $3`,
              [input.insteadOf, session.id, person.agencyId],
            )
            if (!replaced)
              throw new ValidationError([
                {
                  field: 'insteadOf',
                  text: `Select someone from ${person.name}’s agency with a place on this session`,
                },
              ])
          }
          await sql.auditAs('register.walk-in')
          if (replaced) {
            await sql.query('DELETE FROM attendance WHERE application_id = $1', [replaced.id])
            await sql.query(
              `UPDATE applications SET status = 'cancelled', reason = $2, ended_at = $3, ended_by = $4, updated_at = $3
                WHERE id = $1`,
              [
                replaced.id,
                `passed to ${person.name} on the day (${londonDateText(now)}), without charge`,
                now,
                ctx.actor.userId,
              ],
            )
            await sql.query(`DELETE FROM charges WHERE application_id = $1 AND invoice_id IS NULL`, [
              replaced.id,
            ])
          }
          const row = await sql.one<{ id: string }>(
            `INSERT INTO applications (partnership_id, session_id, person_id, agency_id, manager_email, status, reason,
               confirmed_at, substitute_for, applied_by)
             VALUES ($1, $2, $3, $4, $5, 'confirmed', $6, $7, $8, $9) RETURNING id`,
            [
              ctx.partnership.id,
              session.id,
              person.id,
              person.agencyId,
              // Who their manager is was never asked; until someone records it, mail goes to them.
              replaced?.managerEmail ?? person.email,
              replaced ? `came in place of ${replaced.name}` : 'came without a place',
              now,
              replaced?.id ?? null,
              ctx.actor.userId,
            ],
          )
          return row.id
        })
      } catch (error) {
        if (isUniqueViolation(error)) throw new ConflictError('That person is already on this session')
        throw error
      }
    },

    /** Someone who came, found by their work email, for the trainer to add to the register. */
    async walkInByEmail(
      ctx: Context,
      sessionId: string,
      email: string,
      insteadOf: string | null,
    ): Promise<string> {
      const person = await db.tenant(scopeOf(ctx), async (sql) => {
        await sessionToMark(sql, ctx, sessionId)
        return sql.maybeOne<{ id: string }>(
          `SELECT id FROM people WHERE lower(email) = lower($1) AND merged_into IS NULL AND status = 'active'`,
          [email.trim()],
        )
      })
      if (!person)
        throw new ValidationError([
          { field: 'email', text: 'No one with that email address is in the partnership’s directory' },
        ])
      return this.addWalkIn(ctx, sessionId, { personId: person.id, insteadOf })
    },

    /**
     * Records that a person completed the after-course evaluation, and issues their
     * certificate if they attended in full. The evaluation feature calls this.
     */
    async evaluationCompleted(ctx: Context, applicationId: string): Promise<void> {
      const sessionId = await db.tenant(scopeOf(ctx), async (sql) =>
        isUuid(applicationId)
          ? (
              await sql.maybeOne<{ sessionId: string }>(
                'SELECT session_id AS "sessionId" FROM applications WHERE id = $1',
                [applicationId],
              )
            )?.sessionId
          : undefined,
      )
      if (!sessionId) throw new NotFoundError('Booking')
      const rules = await rulesFor(ctx, sessionId)
      await db.tenant(scopeOf(ctx), async (sql) => {
        await sql.auditAs('evaluation.complete')
        await sql.query(
          `INSERT INTO evaluation_completions (partnership_id, application_id, stage) VALUES ($1, $2, 'after_course')
           ON CONFLICT DO NOTHING`,
          [ctx.partnership.id, applicationId],
        )
        const session = await sessionById(sql, sessionId)
        const [row] = await registerRows(sql, [applicationId])
        if (!session || !row) return
        const complete =
          row.marks.length === session.parts.length && row.marks.every((m) => m.mark === 'attended')
        if (!complete) return
        const emails = await issueCertificates(
          sql,
          { partnership: ctx.partnership, session, rules, publicUrl: deps.publicUrl, now: clock.now() },
          [row],
        )
        await enqueueEmails(sql, ctx.partnership.id, emails)
      })
      deps.mailQueued?.()
    },
  }
}

export type RegisterService = ReturnType<typeof createRegisterService>
