import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PartnershipRef } from '#platform/auth/identity.ts'
import type { Jobs } from '#platform/jobs.ts'
import type { TestApp } from '#test/support/app.ts'
import { testApp } from '#test/support/app.ts'
import { anAuditCycle, anAuditTemplate } from '../test-fixtures.ts'
import { AUDIT_CYCLE_REMINDERS_JOB, defineAuditCycleJobs } from './jobs.ts'

let t: TestApp
let p: PartnershipRef
const lead = 'agency-lead@shropshire.example.org'
const ids = { open: '', submitted: '', closed: '' }

async function sent(): Promise<{ to: string; subject: string; text: string }[]> {
  return t.db.platform((sql) =>
    sql.query(
      `SELECT to_address AS to, subject, text_body AS text FROM outbox
        WHERE partnership_id = $1 AND (subject LIKE 'Reminder: safeguarding self-assessment%'
           OR subject LIKE 'Overdue: safeguarding self-assessment%')
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
  const { versionId } = await anAuditTemplate(t.db, p.id)
  const cycle = await anAuditCycle(t.db, p.id, {
    versionId,
    title: 'Winter section 11',
    openedOn: '2026-11-20',
    dueOn: '2026-12-18',
    returns: [
      { agencyId: first, status: 'in_progress' },
      { agencyId: second, status: 'submitted' },
    ],
  })
  ids.open = cycle.returns[0]?.id as string
  ids.submitted = cycle.returns[1]?.id as string
  // A closed cycle is never chased.
  const closed = await anAuditCycle(t.db, p.id, {
    versionId,
    title: 'Closed section 11',
    openedOn: '2026-11-20',
    dueOn: '2026-12-18',
    returns: [{ agencyId: first, status: 'not_started' }],
  })
  ids.closed = closed.returns[0]?.id as string
  await t.db.tenant({ partnershipId: p.id, userId: null, actor: 'test' }, async (sql) => {
    await sql.auditAs('test')
    await sql.query('UPDATE audit_cycles SET closed_at = cascade_now() WHERE id = $1', [closed.id])
  })
}, 120_000)

afterAll(async () => {
  await t?.close()
})

describe('audit reminders', () => {
  it('sends one seven days before the due date and one the day after, to the leads of agencies not submitted, each once', async () => {
    t.clock.set('2026-12-10T09:00:00Z')
    expect(await t.services.auditCycles.remind(p)).toBe(0)

    t.clock.set('2026-12-11T09:00:00Z')
    expect(await t.services.auditCycles.remind(p)).toBe(1)
    let mails = await sent()
    expect(mails).toHaveLength(1)
    expect(mails[0]).toMatchObject({ to: lead })
    expect(mails[0]?.subject).toBe(
      'Reminder: safeguarding self-assessment due on 18 December 2026: Winter section 11',
    )
    expect(mails[0]?.text).toContain(`/audits/returns/${ids.open}`)

    // Two passes at once send it once between them; later passes before the due date, nothing.
    const [a, b] = await Promise.all([t.services.auditCycles.remind(p), t.services.auditCycles.remind(p)])
    expect(a + b).toBe(0)
    t.clock.set('2026-12-18T09:00:00Z')
    expect(await t.services.auditCycles.remind(p)).toBe(0)

    t.clock.set('2026-12-19T09:00:00Z')
    expect(await t.services.auditCycles.remind(p)).toBe(1)
    expect(await t.services.auditCycles.remind(p)).toBe(0)
    t.clock.set('2027-01-05T09:00:00Z')
    expect(await t.services.auditCycles.remind(p)).toBe(0)
    mails = await sent()
    expect(mails).toHaveLength(2)
    expect(mails[1]?.subject).toBe(
      'Overdue: safeguarding self-assessment was due on 18 December 2026: Winter section 11',
    )

    const rows = await t.db.tenant({ partnershipId: p.id, userId: null, actor: 'test' }, (sql) =>
      sql.query<{ id: string; before: Date | null; after: Date | null }>(
        'SELECT id, reminded_before_at AS before, reminded_after_at AS after FROM audit_returns WHERE id = ANY($1::uuid[])',
        [[ids.open, ids.submitted, ids.closed]],
      ),
    )
    const byId = Object.fromEntries(rows.map((r) => [r.id, r]))
    expect(byId[ids.open]?.before).not.toBeNull()
    expect(byId[ids.open]?.after).not.toBeNull()
    expect(byId[ids.submitted]).toMatchObject({ before: null, after: null })
    expect(byId[ids.closed]).toMatchObject({ before: null, after: null })
  })

  it('runs daily for every partnership as a job', async () => {
    const defined: { name: string; options: unknown; run: () => Promise<void> }[] = []
    const jobs = {
      define: (name: string, run: () => Promise<void>, options: unknown) =>
        defined.push({ name, run, options }),
    } as unknown as Jobs
    defineAuditCycleJobs(jobs, t.services.partnerships, t.services.auditCycles)
    expect(defined.map((d) => d.name)).toEqual([AUDIT_CYCLE_REMINDERS_JOB])
    expect(defined[0]?.options).toMatchObject({ cron: '25 8 * * *' })
    await defined[0]?.run()
    expect(await sent()).toHaveLength(2)
  })
})
