import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '#test/support/app.ts'
import { testApp } from '#test/support/app.ts'
import { demoPartnerships } from './partnerships.ts'
import { seedDemo } from './seed.ts'

let t: TestApp
beforeAll(async () => {
  t = await testApp()
})
afterAll(() => t?.close())

type Register = {
  subgroups: number
  reviews: { reference: string; status: string; notified: string; transitions: number; agencies: number }[]
  findings: number
  themed: number
  responses: string[]
  actions: { status: string; due: string; owner: string; agency: string | null; subgroup: string | null }[]
}

async function register(slug: string): Promise<Register> {
  const p = await t.partnership(slug)
  return t.db.tenant({ partnershipId: p.id, userId: null, actor: 'test' }, async (sql) => ({
    subgroups: (await sql.one<{ n: number }>('SELECT count(*)::int AS n FROM subgroups')).n,
    reviews: await sql.query(
      `SELECT r.reference, r.status, to_char(r.notified_on, 'YYYY-MM-DD') AS notified,
              (SELECT count(*)::int FROM review_transitions t WHERE t.review_id = r.id) AS transitions,
              (SELECT count(*)::int FROM review_agencies a WHERE a.review_id = r.id) AS agencies
         FROM reviews r ORDER BY r.reference`,
    ),
    findings: (await sql.one<{ n: number }>('SELECT count(*)::int AS n FROM findings')).n,
    themed: (await sql.one<{ n: number }>('SELECT count(DISTINCT finding_id)::int AS n FROM finding_themes'))
      .n,
    responses: (
      await sql.query<{ response: string }>('SELECT response FROM recommendations ORDER BY response')
    ).map((r) => r.response),
    actions: await sql.query(
      `SELECT a.status, to_char(a.due_on, 'YYYY-MM-DD') AS due, u.email AS owner, ag.name AS agency, sg.name AS subgroup
         FROM actions a JOIN users u ON u.id = a.owner_user_id
         LEFT JOIN agencies ag ON ag.id = a.owning_agency_id LEFT JOIN subgroups sg ON sg.id = a.owning_subgroup_id
        ORDER BY a.due_on`,
    ),
  }))
}

describe('the demo case-review register', () => {
  it('gives every demo partnership its sub-groups, three reviews and their actions, once however often it is seeded', async () => {
    const norfolk = await register('norfolk')
    expect(norfolk.subgroups).toBe(3)
    // The test clock is 24 November 2026: ten working days before is 10 November.
    expect(norfolk.reviews).toEqual([
      {
        reference: 'CSPR-2025-01',
        status: 'actions_in_progress',
        notified: '2025-09-20',
        transitions: 5,
        agencies: 2,
      },
      { reference: 'RR-2026-02', status: 'closed', notified: '2026-07-27', transitions: 3, agencies: 2 },
      { reference: 'RR-2026-04', status: 'notified', notified: '2026-11-10', transitions: 1, agencies: 3 },
    ])
    expect(norfolk.findings).toBe(3)
    expect(norfolk.themed).toBe(3)
    expect(norfolk.responses).toEqual(['accepted', 'not_accepted', 'partially_accepted'])
    expect(norfolk.actions).toEqual([
      {
        status: 'at_risk',
        due: '2026-11-12',
        owner: 'agency-lead@norfolk.example.org',
        agency: 'Home-Start Norfolk',
        subgroup: null,
      },
      {
        status: 'completed',
        due: '2026-11-14',
        owner: 'subgroup@norfolk.example.org',
        agency: null,
        subgroup: 'Learning and development sub-group',
      },
      {
        status: 'on_track',
        due: '2026-12-24',
        owner: 'agency-lead@norfolk.example.org',
        agency: 'Home-Start Norfolk',
        subgroup: null,
      },
      {
        status: 'on_track',
        due: '2027-01-23',
        owner: 'subgroup@norfolk.example.org',
        agency: null,
        subgroup: 'Case review sub-group',
      },
    ])

    await seedDemo(t.db)
    expect(await register('norfolk')).toEqual(norfolk)
    for (const demo of demoPartnerships) {
      const other = await register(demo.slug)
      expect([other.subgroups, other.reviews.length, other.findings, other.actions.length]).toEqual([
        3, 3, 3, 4,
      ])
    }
  })
})
