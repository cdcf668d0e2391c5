import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { aQaRound } from '#features/quality/test-fixtures.ts'
import type { PartnershipRef } from '#platform/auth/identity.ts'
import type { Jobs } from '#platform/jobs.ts'
import type { TestApp } from '#test/support/app.ts'
import { testApp } from '#test/support/app.ts'
import { defineQaRoundJobs, QA_ROUND_REMINDERS_JOB } from './jobs.ts'

let t: TestApp
let p: PartnershipRef
const lead = 'agency-lead@shropshire.example.org'
let open = ''
let submitted = ''
let notStarted = ''

async function sent(): Promise<{ to: string; subject: string; text: string }[]> {
  return t.db.platform((sql) =>
    sql.query(
      `SELECT to_address AS to, subject, text_body AS text FROM outbox
        WHERE partnership_id = $1 AND (subject LIKE 'Reminder: self-assessment%' OR subject LIKE 'Overdue: self-assessment%')
        ORDER BY created_at, id`,
      [p.id],
    ),
  )
}

beforeAll(async () => {
  t = await testApp()
  p = await t.partnership('shropshire')
  const led = await t.db.tenant({ partnershipId: p.id, userId: null, actor: 'test' }, (sql) =>
    sql.one<{ ids: string[] }>(
      `SELECT m.agency_ids AS ids FROM memberships m JOIN users u ON u.id = m.user_id
        WHERE u.email = $1 AND m.role = 'agency-lead'`,
      [lead],
    ),
  )
  const [first, second] = led.ids as [string, string]
  const round = await aQaRound(t.db, p.id, {
    title: 'Winter self-assessment',
    openedOn: '2026-11-20',
    dueOn: '2026-12-18',
    returns: [
      { agencyId: first, status: 'in_progress' },
      { agencyId: second, status: 'submitted' },
    ],
  })
  open = round.returns[0]?.id as string
  submitted = round.returns[1]?.id as string
  // A return not started in another round, due later: reminded on its own dates.
  const later = await aQaRound(t.db, p.id, {
    title: 'Spring self-assessment',
    openedOn: '2026-11-20',
    dueOn: '2027-03-31',
    returns: [{ agencyId: first, status: 'not_started' }],
  })
  notStarted = later.returns[0]?.id as string
}, 120_000)

afterAll(async () => {
  await t?.close()
})

describe('self-assessment reminders', () => {
  it('sends one before the due date and one after it, to the leads of agencies not submitted, each once', async () => {
    // Well before the due date: nothing.
    t.clock.set('2026-12-10T09:00:00Z')
    expect(await t.services.qaRounds.remindDue(p)).toBe(0)

    // Seven days before: the lead of the agency still working on it.
    t.clock.set('2026-12-11T09:00:00Z')
    expect(await t.services.qaRounds.remindDue(p)).toBe(1)
    let mails = await sent()
    expect(mails).toHaveLength(1)
    expect(mails[0]).toMatchObject({ to: lead })
    expect(mails[0]?.subject).toContain(
      'Reminder: self-assessment due on 18 December 2026: Winter self-assessment',
    )
    expect(mails[0]?.text).toContain(`/quality/returns/${open}`)

    // Running again that day, or later before the due date, sends nothing more.
    expect(await t.services.qaRounds.remindDue(p)).toBe(0)
    t.clock.set('2026-12-18T09:00:00Z')
    expect(await t.services.qaRounds.remindDue(p)).toBe(0)
    expect(await sent()).toHaveLength(1)

    // The day after the due date: once.
    t.clock.set('2026-12-19T09:00:00Z')
    expect(await t.services.qaRounds.remindDue(p)).toBe(1)
    expect(await t.services.qaRounds.remindDue(p)).toBe(0)
    t.clock.set('2026-12-25T09:00:00Z')
    expect(await t.services.qaRounds.remindDue(p)).toBe(0)
    mails = await sent()
    expect(mails).toHaveLength(2)
    expect(mails[1]?.subject).toContain('Overdue: self-assessment was due on 18 December 2026')

    const rows = await t.db.tenant({ partnershipId: p.id, userId: null, actor: 'test' }, (sql) =>
      sql.query<{ id: string; before: Date | null; after: Date | null }>(
        'SELECT id, reminded_before_at AS before, reminded_after_at AS after FROM qa_returns WHERE id = ANY($1::uuid[])',
        [[open, submitted, notStarted]],
      ),
    )
    const byId = Object.fromEntries(rows.map((r) => [r.id, r]))
    expect(byId[open]?.before).not.toBeNull()
    expect(byId[open]?.after).not.toBeNull()
    // A submitted return is never chased; the later round's waits for its own dates.
    expect(byId[submitted]).toMatchObject({ before: null, after: null })
    expect(byId[notStarted]).toMatchObject({ before: null, after: null })
  })

  it('runs daily for every partnership as a job', async () => {
    const defined: { name: string; options: unknown; run: () => Promise<void> }[] = []
    const jobs = {
      define: (name: string, run: () => Promise<void>, options: unknown) =>
        defined.push({ name, run, options }),
    } as unknown as Jobs
    defineQaRoundJobs(jobs, t.services.partnerships, t.services.qaRounds)
    expect(defined.map((d) => d.name)).toEqual([QA_ROUND_REMINDERS_JOB])
    expect(defined[0]?.options).toMatchObject({ cron: '20 8 * * *' })
    // The later round's reminder, seven days before 31 March 2027, goes when the job runs then.
    t.clock.set('2027-03-24T08:20:00Z')
    await defined[0]?.run()
    const mails = await sent()
    expect(mails.at(-1)?.subject).toContain('Spring self-assessment')
    await defined[0]?.run()
    expect(await sent()).toHaveLength(mails.length)
  })
})
