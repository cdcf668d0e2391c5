import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PartnershipRef } from '#platform/auth/identity.ts'
import type { TenantScope } from '#platform/db/database.ts'
import type { TestApp } from '#test/support/app.ts'
import { testApp } from '#test/support/app.ts'

let t: TestApp
let ns: PartnershipRef
let scope: TenantScope
const PRACTITIONER = 'practitioner@north-somerset.example.org'
const LEAD = 'agency-lead@north-somerset.example.org'

const mailTo = (address: string) =>
  t.db.platform((sql) =>
    sql.query<{ subject: string; text_body: string }>(
      'SELECT subject, text_body FROM outbox WHERE to_address = $1 ORDER BY created_at, subject',
      [address],
    ),
  )

beforeAll(async () => {
  t = await testApp()
  ns = await t.partnership('north-somerset')
  scope = { partnershipId: ns.id, userId: null, actor: 'test' }
  // The practitioner on the CSE pathway, with verified evidence for both its required
  // requirements: one lapsing in two months, one in sixteen days (the test clock's today is
  // 24 November 2026, and each is refreshed every three years).
  await t.db.tenant(scope, async (sql) => {
    await sql.auditAs('test')
    const person = await sql.one<{ id: string }>(
      `UPDATE people SET pathway_id = (SELECT id FROM pathways WHERE title = 'CSE pathway') WHERE email = $1 RETURNING id`,
      [PRACTITIONER],
    )
    await sql.query(
      `INSERT INTO learning_evidence (partnership_id, person_id, kind, title, provider, completed_on, minutes, requirement_id,
                                      status, decided_at, decided_by_label)
       SELECT $1, $2, 'e_learning', 'Learning for ' || r.title, 'A trust', d::date, 120, r.id, 'verified', now(), 'test'
         FROM pathway_requirements r
         JOIN pathways pw ON pw.id = r.pathway_id AND pw.title = 'CSE pathway'
         JOIN (VALUES (1, '2024-01-24'), (2, '2023-12-10')) AS v(position, d) ON v.position = r.position`,
      [ns.id, person.id],
    )
  })
})
afterAll(() => t?.close())

describe('reminders of training about to lapse', () => {
  it('emails the practitioner once for everything lapsing within three months, each stage once', async () => {
    expect(await t.services.pathwayReminders.remind(ns)).toBe(1)
    const [email, ...more] = await mailTo(PRACTITIONER)
    expect(more).toEqual([])
    expect(email?.subject).toBe('Your safeguarding training needs refreshing by 10 December 2026')
    expect(email?.text_body).toContain(
      '- Multi-agency safeguarding, refreshed every three years: refresh by 24 January 2027',
    )
    expect(email?.text_body).toContain('- Child sexual exploitation awareness: refresh by 10 December 2026')
    expect(email?.text_body).toContain('/training')
    // Claimed: the next pass sends nothing again.
    expect(await t.services.pathwayReminders.remind(ns)).toBe(0)
    const stages = await t.db.tenant(scope, (sql) =>
      sql.query<{ ahead: string; due_on: string }>(
        `SELECT ahead, to_char(due_on, 'YYYY-MM-DD') AS due_on FROM pathway_reminders ORDER BY due_on`,
      ),
    )
    expect(stages).toEqual([
      { ahead: '1 month', due_on: '2026-12-10' },
      { ahead: '3 months', due_on: '2027-01-24' },
    ])
  })

  it('sends each agency’s leads a monthly summary, once a month', async () => {
    const sent = await t.services.pathwayReminders.summarise(ns)
    expect(sent).toBeGreaterThan(0)
    const summaries = (await mailTo(LEAD)).filter((e) =>
      e.subject.startsWith('Safeguarding training this month'),
    )
    const practitionerAgency = summaries.find((e) => e.text_body.includes('- 1 person due within 3 months'))
    expect(practitionerAgency?.text_body).toContain('/agencies/')
    expect(await t.services.pathwayReminders.summarise(ns)).toBe(0)
  })
})
