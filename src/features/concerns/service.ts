import { trainsOn } from '#features/register/queries.ts'
import { sessionById } from '#features/sessions/queries.ts'
import type { Clock } from '#platform/clock.ts'
import { londonDateText } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import { requireRole, scopeOf } from '#platform/context.ts'
import type { Database, Sql } from '#platform/db/database.ts'
import { isUuid } from '#platform/db/database.ts'
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '#platform/errors.ts'
import { enqueueEmail } from '#platform/mail/outbox.ts'

export type Complaint = {
  id: string
  courseId: string | null
  courseTitle: string | null
  complainantName: string
  complainantEmail: string
  details: string
  status: 'open' | 'responded'
  response: string | null
  receivedAt: Date
  respondedAt: Date | null
}

const complaintColumns = `k.id, k.course_id AS "courseId", c.title AS "courseTitle", k.complainant_name AS "complainantName",
  k.complainant_email AS "complainantEmail", k.details, k.status, k.response, k.received_at AS "receivedAt",
  k.responded_at AS "respondedAt"`

const email = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

function text(value: string, field: string, label: string, max: number) {
  const trimmed = value.trim()
  if (!trimmed) return { problem: { field, text: `Enter ${label}` } }
  if (trimmed.length > max)
    return {
      problem: {
        field,
        text: `${label[0]?.toUpperCase()}${label.slice(1)} must be ${max.toLocaleString('en-GB')} characters or fewer`,
      },
    }
  return { value: trimmed }
}

/** The partnership's admins' email addresses, to tell them of a concern. */
function adminEmails(sql: Sql): Promise<{ email: string }[]> {
  return sql.query(
    `SELECT DISTINCT u.email FROM memberships m JOIN users u ON u.id = m.user_id
      WHERE m.role = 'admin' AND NOT u.disabled ORDER BY u.email`,
  )
}

/**
 * Conduct and complaints (Norfolk 12f). A trainer records a concern about a delegate's conduct
 * on their session; the delegate's line manager and the admins are told. A complaint about
 * training is logged, from anyone signed in, and tracked until an admin responds.
 */
export function createConcernService(deps: { db: Database; clock: Clock; mailQueued?: () => void }) {
  const { db, clock } = deps

  return {
    async raiseConcern(
      ctx: Context,
      sessionId: string,
      input: { personId: string; concern: string },
    ): Promise<string> {
      const concern = text(input.concern, 'concern', 'what happened', 4000)
      if (concern.problem) throw new ValidationError([concern.problem])
      const id = await db.tenant(scopeOf(ctx), async (sql) => {
        const session = isUuid(sessionId) ? await sessionById(sql, sessionId) : undefined
        if (!session) throw new NotFoundError('Session')
        if (!ctx.actor.roles.includes('admin') && !(await trainsOn(sql, session.id, ctx.actor.userId)))
          throw new ForbiddenError(
            'Only the session’s trainers and admins can record a concern about a delegate',
          )
        const place = isUuid(input.personId)
          ? await sql.maybeOne<{ id: string; name: string; managerEmail: string }>(
              `SELECT a.id, p.first_name || ' ' || p.last_name AS name, a.manager_email AS "managerEmail"
                 FROM applications a JOIN people p ON p.id = a.person_id
                WHERE a.session_id = $1 AND a.person_id = $2 AND a.status = 'confirmed'`,
              [session.id, input.personId],
            )
          : undefined
        if (!place)
          throw new ValidationError([
            { field: 'personId', text: 'Select a delegate with a place on this session' },
          ])
        await sql.auditAs('concern.raise')
        const row = await sql.one<{ id: string }>(
          `INSERT INTO conduct_concerns (partnership_id, session_id, application_id, person_id, concern, raised_by)
           VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
          [ctx.partnership.id, session.id, place.id, input.personId, concern.value, ctx.actor.userId],
        )
        const lines = [
          `The trainer of ${session.courseTitle} on ${londonDateText(session.startsAt)} recorded a concern about the conduct of ${place.name}:`,
          '',
          concern.value ?? '',
        ]
        await enqueueEmail(sql, ctx.partnership.id, {
          to: place.managerEmail,
          subject: `A concern about ${place.name} at training`,
          text: ['Hello,', '', `You are named as ${place.name}’s line manager.`, ...lines].join('\n'),
        })
        for (const admin of await adminEmails(sql))
          await enqueueEmail(sql, ctx.partnership.id, {
            to: admin.email,
            subject: `Conduct concern: ${place.name}, ${session.courseTitle}`,
            text: ['Hello,', '', ...lines].join('\n'),
          })
        return row.id
      })
      deps.mailQueued?.()
      return id
    },

    /** Logs a complaint about training, from the person signed in (or, for an admin, on someone's behalf). */
    async complain(
      ctx: Context,
      input: { courseId?: string | null; name: string; email: string; details: string },
    ): Promise<string> {
      const problems = []
      const name = text(input.name, 'name', 'your name', 200)
      const details = text(input.details, 'details', 'what the complaint is about', 8000)
      if (name.problem) problems.push(name.problem)
      if (!email.test(input.email.trim()) || input.email.trim().length > 320)
        problems.push({
          field: 'email',
          text: 'Enter an email address in the correct format, like name@example.com',
        })
      if (details.problem) problems.push(details.problem)
      if (problems.length) throw new ValidationError(problems)
      const id = await db.tenant(scopeOf(ctx), async (sql) => {
        const courseId = input.courseId && isUuid(input.courseId) ? input.courseId : null
        if (
          input.courseId &&
          !(courseId && (await sql.maybeOne('SELECT 1 FROM courses WHERE id = $1', [courseId])))
        )
          throw new ValidationError([{ field: 'courseId', text: 'Select a course from the list' }])
        await sql.auditAs('complaint.log')
        const row = await sql.one<{ id: string }>(
          `INSERT INTO complaints (partnership_id, course_id, complainant_name, complainant_email, details, made_by)
           VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
          [ctx.partnership.id, courseId, name.value, input.email.trim(), details.value, ctx.actor.userId],
        )
        await enqueueEmail(sql, ctx.partnership.id, {
          to: input.email.trim(),
          subject: 'We have your complaint',
          text: [
            `Dear ${name.value},`,
            '',
            'Thank you for telling us. We have logged your complaint and will reply to you at this address.',
          ].join('\n'),
        })
        return row.id
      })
      deps.mailQueued?.()
      return id
    },

    async complaints(ctx: Context): Promise<Complaint[]> {
      requireRole(ctx, 'admin')
      return db.tenant(scopeOf(ctx), (sql) =>
        sql.query<Complaint>(
          `SELECT ${complaintColumns} FROM complaints k LEFT JOIN courses c ON c.id = k.course_id
            ORDER BY k.status, k.received_at DESC LIMIT 500`,
        ),
      )
    },

    async complaint(ctx: Context, id: string): Promise<Complaint> {
      requireRole(ctx, 'admin')
      const found = isUuid(id)
        ? await db.tenant(scopeOf(ctx), (sql) =>
            sql.maybeOne<Complaint>(
              `SELECT ${complaintColumns} FROM complaints k LEFT JOIN courses c ON c.id = k.course_id WHERE k.id = $1`,
              [id],
            ),
          )
        : undefined
      if (!found) throw new NotFoundError('Complaint')
      return found
    },

    /** An admin's response, sent to the complainant; a complaint is answered once. */
    async respond(ctx: Context, id: string, response: string): Promise<void> {
      requireRole(ctx, 'admin')
      const answer = text(response, 'response', 'the response', 8000)
      if (answer.problem) throw new ValidationError([answer.problem])
      const complaint = await this.complaint(ctx, id)
      if (complaint.status === 'responded')
        throw new ConflictError('This complaint has already been answered')
      await db.tenant(scopeOf(ctx), async (sql) => {
        await sql.auditAs('complaint.respond')
        const updated = await sql.query(
          `UPDATE complaints SET status = 'responded', response = $2, responded_by = $3, responded_at = $4
            WHERE id = $1 AND status = 'open' RETURNING id`,
          [complaint.id, answer.value, ctx.actor.userId, clock.now()],
        )
        if (!updated.length) throw new ConflictError('This complaint has already been answered')
        await enqueueEmail(sql, ctx.partnership.id, {
          to: complaint.complainantEmail,
          subject: 'Our response to your complaint',
          text: [`Dear ${complaint.complainantName},`, '', answer.value ?? ''].join('\n'),
        })
      })
      deps.mailQueued?.()
    },
  }
}

export type ConcernService = ReturnType<typeof createConcernService>
