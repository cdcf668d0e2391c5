import { agencyLeads } from '#features/audits/case-audits/queries.ts'
import { addMonths } from '#features/compliance/rules.ts'
import type { PartnershipRef } from '#platform/auth/identity.ts'
import type { Clock } from '#platform/clock.ts'
import { londonDateOf } from '#platform/clock.ts'
import { scopeOf, systemContext } from '#platform/context.ts'
import type { Database } from '#platform/db/database.ts'
import type { Email } from '#platform/mail/outbox.ts'
import { enqueueEmails } from '#platform/mail/outbox.ts'
import { DUE_SOON_MONTHS } from '../standing/rules.ts'
import { reminderEmail, summaryEmail } from './emails.ts'
import type { ClaimedReminder } from './queries.ts'
import { claimReminders, claimSummaries } from './queries.ts'

/**
 * Reminders of training about to lapse, to each practitioner three months and one month
 * before, and each agency's monthly summary to its leads.
 */
export function createPathwayReminders(deps: {
  db: Database
  clock: Clock
  publicUrl: string
  mailQueued?: () => void
}) {
  const { db, clock } = deps

  return {
    async remind(partnership: PartnershipRef): Promise<number> {
      const ctx = systemContext(partnership, 'job:pathways.reminders')
      const today = londonDateOf(clock.now())
      const sent = await db.tenant(scopeOf(ctx), async (sql) => {
        await sql.auditAs('pathways.remind')
        const claimed = await claimReminders(sql, partnership.id, {
          today,
          inOneMonth: addMonths(today, 1),
          inThreeMonths: addMonths(today, DUE_SOON_MONTHS),
        })
        const byPerson = new Map<string, ClaimedReminder[]>()
        for (const r of claimed) byPerson.set(r.personId, [...(byPerson.get(r.personId) ?? []), r])
        const emails = [...byPerson.values()].map((rs) =>
          reminderEmail(rs, partnership.name, `${deps.publicUrl}/training`),
        )
        await enqueueEmails(sql, partnership.id, emails)
        return emails.length
      })
      if (sent) deps.mailQueued?.()
      return sent
    },

    /** This month's summary for each agency's leads, once a month. */
    async summarise(partnership: PartnershipRef): Promise<number> {
      const ctx = systemContext(partnership, 'job:pathways.lead-summary')
      const today = londonDateOf(clock.now())
      const sent = await db.tenant(scopeOf(ctx), async (sql) => {
        await sql.auditAs('pathways.lead-summary')
        const agencies = await claimSummaries(sql, partnership.id, {
          month: `${today.slice(0, 7)}-01`,
          today,
          soon: addMonths(today, DUE_SOON_MONTHS),
        })
        const leads = await agencyLeads(
          sql,
          agencies.map((a) => a.agencyId),
        )
        const emails: Email[] = []
        for (const agency of agencies)
          for (const lead of leads.filter((l) => l.agencyId === agency.agencyId))
            emails.push(
              summaryEmail(
                lead,
                agency,
                partnership.name,
                `${deps.publicUrl}/agencies/${agency.agencyId}/pathways`,
              ),
            )
        await enqueueEmails(sql, partnership.id, emails)
        return emails.length
      })
      if (sent) deps.mailQueued?.()
      return sent
    },
  }
}

export type PathwayReminders = ReturnType<typeof createPathwayReminders>
