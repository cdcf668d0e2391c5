import { leadsOf } from '#features/learning/dissemination/queries.ts'
import type { PartnershipRef } from '#platform/auth/identity.ts'
import type { Clock } from '#platform/clock.ts'
import { londonDateOf } from '#platform/clock.ts'
import { scopeOf, systemContext } from '#platform/context.ts'
import type { Database } from '#platform/db/database.ts'
import type { Email } from '#platform/mail/outbox.ts'
import { enqueueEmails } from '#platform/mail/outbox.ts'
import { calendarOn } from '../calendar.ts'
import { boundsOf, periodContaining, previousOf } from '../period.ts'
import { digestEmail } from './emails.ts'
import { agencyFacts } from './facts.ts'
import { claimDigests, digestAgency } from './queries.ts'

/**
 * Each agency's digest of the quarter just ended, emailed to its leads once: the quarter is
 * claimed per agency in the transaction that writes the emails, so a pass missed is made up by
 * the next and none goes twice.
 */
export function createDigestMail(deps: {
  db: Database
  clock: Clock
  publicUrl: string
  mailQueued?: () => void
}) {
  const { db, clock } = deps

  return {
    /** Emails the digest of the quarter before today's to each agency's leads not yet sent it; how many emails. */
    async send(partnership: PartnershipRef): Promise<number> {
      const ctx = systemContext(partnership, 'job:reports.agency-digest')
      const today = londonDateOf(clock.now())
      const sent = await db.tenant(scopeOf(ctx), async (sql) => {
        await sql.auditAs('reports.agency-digest')
        const calendar = await calendarOn(sql, partnership.id, today)
        const period = previousOf(
          periodContaining(today, 'quarter', calendar.startMonth),
          calendar.startMonth,
        )
        // A quarter over before the partnership's records begin has nothing to say.
        if (period.end <= calendar.since) return 0
        const agencyIds = await claimDigests(sql, partnership.id, period.key)
        const leads = await leadsOf(sql, agencyIds)
        const { bounds } = boundsOf(period, calendar.startMonth)
        const emails: Email[] = []
        for (const agencyId of agencyIds) {
          const agency = await digestAgency(sql, agencyId)
          if (!agency) continue
          const facts = await agencyFacts(sql, {
            partnershipId: partnership.id,
            agencyId,
            headcount: agency.headcount,
            bounds,
            today,
            calendar,
          })
          const link = `${deps.publicUrl}/agencies/${agencyId}/digest?period=${period.key}`
          for (const lead of leads.filter((l) => l.agencyIds.includes(agencyId)))
            emails.push(digestEmail(lead, { agency, period, facts }, partnership.name, link))
        }
        await enqueueEmails(sql, partnership.id, emails)
        return emails.length
      })
      if (sent) deps.mailQueued?.()
      return sent
    },
  }
}

export type DigestMail = ReturnType<typeof createDigestMail>
