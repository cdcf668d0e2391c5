import type { PolicyService } from '#features/policy/service.ts'
import type { PartnershipRef } from '#platform/auth/identity.ts'
import type { Clock } from '#platform/clock.ts'
import { londonDateOf } from '#platform/clock.ts'
import { scopeOf, systemContext } from '#platform/context.ts'
import type { Database } from '#platform/db/database.ts'
import type { Jobs } from '#platform/jobs.ts'
import type { Email } from '#platform/mail/outbox.ts'
import { enqueueEmails } from '#platform/mail/outbox.ts'
import type { Partnerships } from '#platform/partnerships.ts'
import type { Links } from './emails.ts'
import { overdueToSubgroup, reminderToLead } from './emails.ts'
import type { Unanswered } from './queries.ts'
import { claimChasers, leadsOf, subgroupRecipients, unanswered } from './queries.ts'
import { addDays, chaseStage } from './rules.ts'

export const DISSEMINATION_CHASING_JOB = 'learning.dissemination-chasing'

/**
 * Chasing agencies that have not answered a product sent to them, per partnership: after the
 * policy's `disseminationReminderDays` with nothing recorded (not even an acknowledgement), the
 * agency's leads are reminded, once; after a second period with still nothing, the sub-group
 * (or, with none, the admins) is told, once per product and agency, and the agency is on the
 * overdue list. Each claims what it sends in dissemination_chasers in the transaction that
 * writes the emails, so however often, and on however many workers, it runs, each goes once.
 */
export function createDisseminationChasing(deps: {
  db: Database
  clock: Clock
  policy: Pick<PolicyService, 'rulesOn'>
  publicUrl: string
  mailQueued?: () => void
}) {
  const { db, clock } = deps
  const links: Links = {
    product: (productId) => `${deps.publicUrl}/learning/${productId}`,
    record: (productId, agencyId) => `${deps.publicUrl}/learning/${productId}/dissemination/${agencyId}`,
    toPassOn: `${deps.publicUrl}/learning/to-pass-on`,
    overdue: `${deps.publicUrl}/learning/dissemination/overdue`,
  }

  return {
    /** Reminds and escalates for one partnership; gives how many emails it wrote. */
    async chase(partnership: PartnershipRef): Promise<{ reminded: number; escalated: number }> {
      const ctx = systemContext(partnership, 'job:learning.dissemination-chasing')
      const today = londonDateOf(clock.now())
      const { disseminationReminderDays: days } = await deps.policy.rulesOn(ctx, today)
      const counts = await db.tenant(scopeOf(ctx), async (sql) => {
        await sql.auditAs('learning.dissemination-chasing')
        const emails: Email[] = []

        // Everything past the reminder days with nothing recorded; the rule says which stage.
        const waiting = await unanswered(sql, addDays(today, -days), null)
        const stage = (u: Unanswered) =>
          chaseStage({ firstSentOn: u.firstSentOn, today, days, answered: false })
        const late = waiting.filter((u) => stage(u) === 'overdue')
        // A second period after the reminder, still nothing: the sub-group hears, once. An agency
        // found only now past both (no pass ran between) is not reminded as well.
        const lateClaimed = await claimChasers(sql, partnership.id, 'overdue', late)
        await claimChasers(sql, partnership.id, 'reminder', late)
        const newlyLate = late.filter((u) => lateClaimed.has(`${u.productId}/${u.agencyId}`))
        if (newlyLate.length)
          for (const to of await subgroupRecipients(sql))
            emails.push(overdueToSubgroup(to, newlyLate, partnership.name, links))

        // Past the reminder days: each agency's leads reminded once per product.
        const due = waiting.filter((u) => stage(u) === 'remind')
        const claimed = await claimChasers(sql, partnership.id, 'reminder', due)
        const toRemind = due.filter((u) => claimed.has(`${u.productId}/${u.agencyId}`))
        const leads = await leadsOf(sql, [...new Set(toRemind.map((u) => u.agencyId))])
        const products = [...new Set(toRemind.map((u) => u.productId))]
        let reminded = 0
        for (const productId of products) {
          const items = toRemind.filter((u) => u.productId === productId)
          const title = items[0]?.productTitle ?? ''
          for (const lead of leads) {
            const theirs = items.filter((u) => lead.agencyIds.includes(u.agencyId))
            if (!theirs.length) continue
            reminded += 1
            emails.push(
              reminderToLead(
                lead,
                { id: productId, title },
                theirs.map((u) => ({ id: u.agencyId, name: u.agencyName, firstSentOn: u.firstSentOn })),
                partnership.name,
                links,
              ),
            )
          }
        }
        await enqueueEmails(sql, partnership.id, emails)
        return { reminded, escalated: emails.length - reminded }
      })
      if (counts.reminded + counts.escalated) deps.mailQueued?.()
      return counts
    },
  }
}

export type DisseminationChasing = ReturnType<typeof createDisseminationChasing>

/** The chasing pass for every partnership, hourly through the working day (London time). */
export function defineDisseminationJobs(
  jobs: Jobs,
  partnerships: Pick<Partnerships, 'list'>,
  chasing: Pick<DisseminationChasing, 'chase'>,
) {
  jobs.define(
    DISSEMINATION_CHASING_JOB,
    async () => {
      for (const partnership of await partnerships.list()) await chasing.chase(partnership)
    },
    { cron: '40 7-18 * * 1-5' },
  )
}
