import type { PolicyRules } from '#features/policy/policy.ts'
import type { Clock } from '#platform/clock.ts'
import { londonDateText } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import { scopeOf } from '#platform/context.ts'
import type { Database, Sql } from '#platform/db/database.ts'
import { isUuid } from '#platform/db/database.ts'
import { ConflictError, ForbiddenError, NotFoundError } from '#platform/errors.ts'
import { enqueueEmail } from '#platform/mail/outbox.ts'
import type { Application } from './queries.ts'
import { applicationById } from './queries.ts'

const MONTH = 30.44 * 86_400_000

/**
 * How many courses a person missed (every part marked as not attended) in the policy's window
 * before now, when the policy asks for approval after repeated no-shows; 0 otherwise.
 */
export async function recentNoShows(
  sql: Sql,
  personId: string,
  rules: Pick<PolicyRules, 'noShowsBeforeApproval' | 'noShowWindowMonths'>,
  now: Date,
): Promise<number> {
  if (rules.noShowsBeforeApproval <= 0) return 0
  const row = await sql.one<{ n: number }>(
    `SELECT count(*)::int AS n FROM applications a JOIN sessions s ON s.id = a.session_id
      WHERE a.person_id = $1 AND s.starts_at >= $2 AND s.starts_at < $3
        AND EXISTS (SELECT 1 FROM attendance m WHERE m.application_id = a.id)
        AND NOT EXISTS (SELECT 1 FROM attendance m WHERE m.application_id = a.id AND m.mark <> 'absent')`,
    [personId, new Date(now.getTime() - rules.noShowWindowMonths * MONTH), now],
  )
  return row.n
}

/** Marks a new application as needing approval and asks the agency's leads for it. */
export async function askForApproval(
  sql: Sql,
  partnershipId: string,
  application: { id: string; name: string; agencyId: string; courseTitle: string; startsAt: Date },
  missed: number,
  publicUrl: string,
  now: Date,
): Promise<void> {
  await sql.query('UPDATE applications SET approval_needed_at = $2 WHERE id = $1', [application.id, now])
  const leads = await sql.query<{ email: string }>(
    `SELECT DISTINCT u.email FROM memberships m JOIN users u ON u.id = m.user_id
      WHERE m.role = 'agency-lead' AND $1 = ANY(m.agency_ids) AND NOT u.disabled ORDER BY u.email`,
    [application.agencyId],
  )
  for (const lead of leads)
    await enqueueEmail(sql, partnershipId, {
      to: lead.email,
      subject: `Approval needed: ${application.name}, ${application.courseTitle}`,
      text: [
        'Hello,',
        '',
        `${application.name} has applied for ${application.courseTitle} on ${londonDateText(application.startsAt)}.`,
        `They did not attend ${missed} courses recently, so the application needs your approval before they can be given a place:`,
        `${publicUrl}/bookings/${application.id}`,
      ].join('\n'),
    })
}

/** An agency lead's (or an admin's) approval of an application held after repeated no-shows. */
export function createApproval(deps: { db: Database; clock: Clock }) {
  return {
    async approve(ctx: Context, id: string): Promise<Application> {
      return deps.db.tenant(scopeOf(ctx), async (sql) => {
        const application = isUuid(id) ? await applicationById(sql, id) : undefined
        if (!application) throw new NotFoundError('Application')
        const { roles, agencyIds } = ctx.actor
        if (
          !roles.includes('admin') &&
          !(roles.includes('agency-lead') && agencyIds.includes(application.agencyId))
        )
          throw new ForbiddenError('Only a lead of their agency can approve this application')
        const held = await sql.maybeOne<{ approvedAt: Date | null }>(
          `SELECT approved_at AS "approvedAt" FROM applications WHERE id = $1 AND approval_needed_at IS NOT NULL FOR UPDATE`,
          [application.id],
        )
        if (!held) throw new ConflictError('This application does not need approval')
        if (held.approvedAt) throw new ConflictError('This application has already been approved')
        await sql.auditAs('application.approve')
        await sql.query('UPDATE applications SET approved_at = $2, approved_by = $3 WHERE id = $1', [
          application.id,
          deps.clock.now(),
          ctx.actor.userId,
        ])
        return (await applicationById(sql, application.id)) as Application
      })
    },
  }
}
