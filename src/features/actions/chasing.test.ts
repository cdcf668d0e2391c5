import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PartnershipRef } from '#platform/auth/identity.ts'
import type { TenantScope } from '#platform/db/database.ts'
import type { Jobs } from '#platform/jobs.ts'
import type { TestApp } from '#test/support/app.ts'
import { testApp } from '#test/support/app.ts'
import {
  DUE_REMINDERS_JOB,
  defineChasingJobs,
  isoWeekOf,
  OVERDUE_DIGEST_JOB,
  SUBGROUP_SUMMARY_JOB,
} from './chasing.ts'

let t: TestApp
let p: PartnershipRef
let scope: TenantScope
const handlers = new Map<string, (data: Record<string, unknown>) => Promise<void>>()
const runAll = async () => {
  for (const name of [DUE_REMINDERS_JOB, OVERDUE_DIGEST_JOB, SUBGROUP_SUMMARY_JOB])
    await handlers.get(name)?.({})
}

const practitioner = 'practitioner@north-somerset.example.org'
const lead = 'agency-lead@north-somerset.example.org'
const subgroup = 'subgroup@north-somerset.example.org'
const admin = 'admin@north-somerset.example.org'
const ids: Record<string, string> = {}

type Mail = { to: string; subject: string; text: string }
async function mail(): Promise<Mail[]> {
  return t.db.platform((sql) =>
    sql.query<Mail>(
      `SELECT to_address AS to, subject, text_body AS text FROM outbox
        WHERE partnership_id = $1 ORDER BY created_at, id`,
      [p.id],
    ),
  )
}
/** What was sent, as "recipient: subject" counts, so a duplicate shows as a 2. */
async function sent(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {}
  for (const m of await mail()) {
    const key = `${m.to}: ${m.subject}`
    counts[key] = (counts[key] ?? 0) + 1
  }
  return counts
}

beforeAll(async () => {
  t = await testApp()
  p = await t.partnership('north-somerset')
  scope = { partnershipId: p.id, userId: null, actor: 'test' }
  const jobs = { define: (name: string, handler: never) => handlers.set(name, handler) } as unknown as Jobs
  defineChasingJobs(jobs, t.services.partnerships, t.services.actionChasing)

  // A review with actions in every state the chasing looks at; the demo's own actions are set
  // aside so this test knows every action in the partnership.
  await t.db.tenant(scope, async (sql) => {
    await sql.auditAs('test')
    await sql.query('DELETE FROM actions')
    const user = async (email: string) =>
      (await sql.one<{ id: string }>('SELECT id FROM users WHERE email = $1', [email])).id
    const agency = async (like: string) =>
      (await sql.one<{ id: string }>('SELECT id FROM agencies WHERE name LIKE $1', [like])).id
    const homeStart = await agency('Home-Start%') // led by the demo agency lead
    const police = await agency('% Police') // led by no one
    const group = await sql.one<{ id: string }>(
      `INSERT INTO subgroups (partnership_id, name) VALUES ($1, 'Chasing test sub-group') RETURNING id`,
      [p.id],
    )
    const review = await sql.one<{ id: string }>(
      `INSERT INTO reviews (partnership_id, type, reference, title, status, notified_on, decision, decision_on, published_on)
       VALUES ($1, 'cspr', 'CSPR-TEST-07', 'Child T', 'published', '2026-01-12', 'review', '2026-02-02', '2026-09-01')
       RETURNING id`,
      [p.id],
    )
    const recommendation = await sql.one<{ id: string }>(
      `INSERT INTO recommendations (partnership_id, review_id, text, addressed_to, response, responded_at)
       VALUES ($1, $2, 'Agencies act on cumulative neglect', 'agencies', 'accepted', '2026-09-10') RETURNING id`,
      [p.id, review.id],
    )
    const action = async (
      name: string,
      o: { owner: string; agency?: string; group?: string; due: string; status: string },
    ) => {
      const row = await sql.one<{ id: string }>(
        `INSERT INTO actions (partnership_id, review_id, recommendation_id, description, owning_agency_id,
                              owning_subgroup_id, owner_user_id, success_measure, due_on, original_due_on, status)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'An audit shows the change', $8, $8, $9) RETURNING id`,
        [
          p.id,
          review.id,
          recommendation.id,
          `${name}: brief every early help worker`,
          o.agency ?? null,
          o.group ?? null,
          await user(o.owner),
          o.due,
          o.status,
        ],
      )
      ids[name] = row.id
    }
    await action('Soon', { owner: practitioner, agency: homeStart, due: '2026-12-01', status: 'on_track' })
    await action('Late', { owner: practitioner, agency: homeStart, due: '2026-11-10', status: 'on_track' })
    await action('Risky', { owner: subgroup, group: group.id, due: '2026-12-20', status: 'at_risk' })
    await action('Done', { owner: lead, agency: homeStart, due: '2026-11-01', status: 'completed' })
    await action('Police', { owner: practitioner, agency: police, due: '2026-11-20', status: 'not_started' })
  })
})
afterAll(() => t?.close())

describe('chasing the owners of case-review actions', () => {
  it('names ISO weeks as the calendar does, across a year end', () => {
    expect(isoWeekOf('2026-11-24')).toBe('2026-W48')
    expect(isoWeekOf('2026-11-30')).toBe('2026-W49')
    expect(isoWeekOf('2027-01-01')).toBe('2026-W53')
    expect(isoWeekOf('2027-01-04')).toBe('2027-W01')
  })

  it('reminds, digests and summarises once each, and again only for a new date, week or month', async () => {
    // Tuesday 24 November 2026, week 48.
    await runAll()
    const first = {
      [`${practitioner}: Action due on 1 December 2026: CSPR-TEST-07`]: 1,
      [`${practitioner}: 2 actions are overdue`]: 1,
      [`${lead}: 1 action is overdue`]: 1,
      [`${subgroup}: Actions overdue or at risk: November 2026`]: 1,
    }
    expect(await sent()).toEqual(first)

    const all = await mail()
    const reminder = all.find((m) => m.subject.startsWith('Action due'))?.text ?? ''
    expect(reminder).toContain('CSPR-TEST-07 (Child T)')
    expect(reminder).toContain('Soon: brief every early help worker')
    expect(reminder).toContain(`/actions/${ids.Soon}`)
    const own = all.find((m) => m.to === practitioner && m.subject.endsWith('overdue'))?.text ?? ''
    expect(own).toContain(`/actions/${ids.Late}`)
    expect(own).toContain(`/actions/${ids.Police}`)
    expect(own).toContain('Due: 10 November 2026')
    expect(own).toContain('/actions/ours')
    // The agency lead hears of their agency's overdue action, not another agency's.
    const theirs = all.find((m) => m.to === lead)?.text ?? ''
    expect(theirs).toContain('Your agency’s (1)')
    expect(theirs).toContain(`/actions/${ids.Late}`)
    expect(theirs).not.toContain(ids.Police)
    const summary = all.find((m) => m.to === subgroup)?.text ?? ''
    expect(summary).toContain(
      '3 actions from case reviews needing the sub-group’s attention: 2 overdue and 1 at risk',
    )
    expect(summary).toContain('Chasing test sub-group')
    expect(summary).toContain(`/actions/${ids.Risky}`)
    expect(summary).not.toContain(ids.Done)
    expect(summary).not.toContain(ids.Soon)

    // Again the same day, twice at once as two workers would, and the next day: nothing more.
    await Promise.all([runAll(), runAll()])
    t.clock.set('2026-11-25T09:00:00Z')
    await runAll()
    expect(await sent()).toEqual(first)

    // Monday 30 November, week 49, still November: a new digest, no new summary.
    t.clock.set('2026-11-30T08:30:00Z')
    await runAll()
    await runAll()
    const week49 = {
      ...first,
      [`${practitioner}: 2 actions are overdue`]: 2,
      [`${lead}: 1 action is overdue`]: 2,
    }
    expect(await sent()).toEqual(week49)

    // 1 December: a new month's summary; the same week's digest is not sent again.
    t.clock.set('2026-12-01T08:30:00Z')
    await runAll()
    const december = { ...week49, [`${subgroup}: Actions overdue or at risk: December 2026`]: 1 }
    expect(await sent()).toEqual(december)

    // An extension to a later date is reminded of again, once.
    await t.db.tenant(scope, async (sql) => {
      await sql.auditAs('test')
      await sql.query(`UPDATE actions SET due_on = '2026-12-10' WHERE id = $1`, [ids.Soon])
    })
    await runAll()
    await runAll()
    const extended = { ...december, [`${practitioner}: Action due on 10 December 2026: CSPR-TEST-07`]: 1 }
    expect(await sent()).toEqual(extended)

    // The at-risk action comes within two weeks on 6 December, a Sunday; no pass runs that day,
    // and the next one reminds its owner, once.
    t.clock.set('2026-12-08T09:00:00Z')
    await runAll()
    await runAll()
    expect(await sent()).toEqual({
      ...extended,
      [`${practitioner}: 2 actions are overdue`]: 3,
      [`${lead}: 1 action is overdue`]: 3,
      [`${subgroup}: Action due on 20 December 2026: CSPR-TEST-07`]: 1,
    })
  })

  it('sends the summary to the admins when the partnership has no sub-group members, and nothing when nothing is late', async () => {
    t.clock.set('2027-01-05T09:00:00Z')
    await t.db.tenant(scope, async (sql) => {
      await sql.auditAs('test')
      await sql.query(`DELETE FROM memberships WHERE role = 'subgroup'`)
    })
    await runAll()
    const january = (await sent())[`${admin}: Actions overdue or at risk: January 2027`]
    expect(january).toBe(1)

    // Everything finished: February brings no summary and no digest.
    await t.db.tenant(scope, async (sql) => {
      await sql.auditAs('test')
      await sql.query(`UPDATE actions SET status = 'completed'`)
    })
    const before = (await mail()).length
    t.clock.set('2027-02-02T09:00:00Z')
    await runAll()
    expect((await mail()).length).toBe(before)
  })
})
