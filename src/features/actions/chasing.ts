import type { PartnershipRef } from '#platform/auth/identity.ts'
import type { Clock } from '#platform/clock.ts'
import { londonDateOf } from '#platform/clock.ts'
import { scopeOf, systemContext } from '#platform/context.ts'
import type { Database, Sql } from '#platform/db/database.ts'
import type { Jobs } from '#platform/jobs.ts'
import type { Email } from '#platform/mail/outbox.ts'
import { enqueueEmails } from '#platform/mail/outbox.ts'
import type { Partnerships } from '#platform/partnerships.ts'
import type { Links } from './chasing-emails.ts'
import { dueReminder, overdueDigest, subgroupSummary } from './chasing-emails.ts'
import {
  actionsByIds,
  claimDueReminders,
  claimOverdueDigests,
  claimSubgroupSummary,
  summaryRecipients,
} from './chasing-queries.ts'

export const DUE_REMINDERS_JOB = 'actions.due-reminders'
export const OVERDUE_DIGEST_JOB = 'actions.overdue-digest'
export const SUBGROUP_SUMMARY_JOB = 'actions.subgroup-summary'

/** The ISO week (2026-W49) of a calendar date: the weekly digest's period. */
export function isoWeekOf(day: string): string {
  const date = new Date(`${day}T00:00:00Z`)
  // The ISO week is the one holding the Thursday of this date's Monday-to-Sunday week.
  const thursday = new Date(date)
  thursday.setUTCDate(date.getUTCDate() + 3 - ((date.getUTCDay() + 6) % 7))
  const year = thursday.getUTCFullYear()
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / 86_400_000 / 7) + 1
  return `${year}-W${String(week).padStart(2, '0')}`
}

export type ChasingDeps = {
  db: Database
  clock: Clock
  publicUrl: string
  mailQueued?: () => void
}

/**
 * Chasing the owners of case-review actions, per partnership: a reminder two weeks before an
 * action is due, a weekly digest of what is overdue, and a monthly summary for the sub-group.
 * Each claims what it sends in action_chasers in the transaction that writes the emails to the
 * outbox, so however often, and on however many workers, it runs, each email goes once.
 */
export function createActionChasing(deps: ChasingDeps) {
  const { db, clock } = deps
  const links: Links = {
    action: (id) => `${deps.publicUrl}/actions/${id}`,
    ours: `${deps.publicUrl}/actions/ours`,
    all: `${deps.publicUrl}/actions`,
  }

  async function pass(
    partnership: PartnershipRef,
    label: string,
    work: (sql: Sql, today: string) => Promise<Email[]>,
  ): Promise<number> {
    const ctx = systemContext(partnership, `job:${label}`)
    const sent = await db.tenant(scopeOf(ctx), async (sql) => {
      await sql.auditAs(label)
      const emails = await work(sql, londonDateOf(clock.now()))
      await enqueueEmails(sql, partnership.id, emails)
      return emails.length
    })
    if (sent) deps.mailQueued?.()
    return sent
  }

  return {
    /** Reminds each owner of an action due within two weeks, once for each due date. */
    remindDue(partnership: PartnershipRef): Promise<number> {
      return pass(partnership, 'actions.remind-due', async (sql, today) =>
        (await claimDueReminders(sql, partnership.id, today)).map((a) =>
          dueReminder(a, partnership.name, links),
        ),
      )
    },

    /** Sends each owner and agency lead, once a week, the overdue actions that are theirs. */
    sendOverdueDigests(partnership: PartnershipRef): Promise<number> {
      return pass(partnership, 'actions.overdue-digest', async (sql, today) => {
        const recipients = await claimOverdueDigests(sql, partnership.id, today, isoWeekOf(today))
        const actions = await actionsByIds(
          sql,
          [...new Set(recipients.flatMap((r) => [...r.own, ...r.agency]))],
          today,
        )
        const of = (ids: readonly string[]) => actions.filter((a) => ids.includes(a.id))
        return recipients.map((r) => overdueDigest(r, of(r.own), of(r.agency), partnership.name, links))
      })
    },

    /** Sends the sub-group (or, with none, the admins) the month's overdue and at-risk actions. */
    sendSubgroupSummary(partnership: PartnershipRef): Promise<number> {
      return pass(partnership, 'actions.subgroup-summary', async (sql, today) => {
        const month = today.slice(0, 7)
        const actions = await claimSubgroupSummary(sql, partnership.id, today, month)
        if (!actions.length) return []
        return (await summaryRecipients(sql)).map((r) =>
          subgroupSummary(r, actions, month, partnership.name, links),
        )
      })
    },
  }
}

export type ActionChasing = ReturnType<typeof createActionChasing>

/**
 * The chasing passes for every partnership, hourly through the working day (London time): each
 * finds what is due from the data, so a pass missed while no worker ran is made up by the next.
 */
export function defineChasingJobs(
  jobs: Jobs,
  partnerships: Pick<Partnerships, 'list'>,
  chasing: Pick<ActionChasing, 'remindDue' | 'sendOverdueDigests' | 'sendSubgroupSummary'>,
) {
  const everyPartnership = (pass: (p: PartnershipRef) => Promise<number>) => async () => {
    for (const partnership of await partnerships.list()) await pass(partnership)
  }
  const workingHours = { cron: '20 7-18 * * 1-5' }
  jobs.define(DUE_REMINDERS_JOB, everyPartnership(chasing.remindDue), workingHours)
  jobs.define(OVERDUE_DIGEST_JOB, everyPartnership(chasing.sendOverdueDigests), workingHours)
  jobs.define(SUBGROUP_SUMMARY_JOB, everyPartnership(chasing.sendSubgroupSummary), workingHours)
}
