import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TenantScope } from '#platform/db/database.ts'
import type { TestApp } from '#test/support/app.ts'
import { page, testApp } from '#test/support/app.ts'

let t: TestApp
let scope: TenantScope
let homeStart = ''
const LEAD = 'agency-lead@north-somerset.example.org'
const PRACTITIONER = 'practitioner@north-somerset.example.org'

const evidenceCount = () =>
  t.db.tenant(scope, (sql) =>
    sql.one<{ n: number }>('SELECT count(*)::int AS n FROM learning_evidence').then((r) => r.n),
  )

beforeAll(async () => {
  t = await testApp()
  const ns = await t.partnership('north-somerset')
  scope = { partnershipId: ns.id, userId: null, actor: 'test' }
  homeStart = await t.db.tenant(scope, async (sql) => {
    await sql.auditAs('test')
    await sql.query(
      `UPDATE people SET pathway_id = (SELECT id FROM pathways WHERE title = 'CSE pathway') WHERE email = $1`,
      [PRACTITIONER],
    )
    return sql
      .one<{ id: string }>('SELECT agency_id AS id FROM people WHERE email = $1', [PRACTITIONER])
      .then((r) => r.id)
  })
})
afterAll(() => t?.close())

const upload = async (csv: string) => {
  const lead = await t.signIn(LEAD)
  const url = `/agencies/${homeStart}/evidence/import`
  await lead.get(url)
  return lead.upload(url, { field: 'file', filename: 'evidence.csv', content: csv })
}

describe('importing an agency’s learning evidence from a spreadsheet', () => {
  it('refuses the whole file when any row is wrong, saying which and why, and imports nothing', async () => {
    const csv = [
      'Email,Title,Provider,Completed on,Hours,Kind,Requirement',
      `${PRACTITIONER},Level 3 e-learning,A trust,01/03/2026,2,E-learning,Child sexual exploitation awareness`,
      `trainer@north-somerset.example.org,Elsewhere,A trust,01/03/2026,2,,`,
      `${PRACTITIONER},Future,A trust,01/03/2027,2,,`,
      `${PRACTITIONER},Nothing,A trust,01/03/2026,0,,`,
      `${PRACTITIONER},Too long,A trust,01/03/2026,101,,`,
      `${PRACTITIONER},Wrong kind,A trust,01/03/2026,1,Knitting,`,
      `${PRACTITIONER},Wrong requirement,A trust,01/03/2026,1,,Basket weaving`,
    ].join('\n')
    const refused = await upload(csv)
    expect(refused.statusCode).toBe(400)
    const problems = page(refused.body)('main ul.govuk-list--bullet li')
      .toArray()
      .map((li) => page(refused.body)(li).text().trim())
    // The trainer works for another agency: a lead cannot record evidence for them.
    expect(problems).toEqual([
      'Row 4: the date completed must be today or in the past',
      'Row 5: the hours must be more than 0',
      'Row 6: the hours must be 100 or fewer',
      expect.stringContaining('Row 7: the kind must be one of: Single-agency course'),
      'Row 3: no one with that email is on Home-Start North Somerset’s current staff',
      'Row 8: “Basket weaving” is not a requirement of their pathway',
    ])
    expect(await evidenceCount()).toBe(0)
  })

  it('refuses what is not a CSV file, or has no headings it knows', async () => {
    const binary = await upload('\u0000\u0001\u0002PK\u0003\u0004 not a csv')
    expect(binary.statusCode).toBe(400)
    expect(binary.body).toContain('looks like a spreadsheet or other binary file')
    const headings = await upload('Name,When\nPat,yesterday')
    expect(headings.statusCode).toBe(400)
    expect(headings.body).toContain(
      'The file needs a column headed “Email”, “Title”, “Provider”, “Completed on”, “Hours”',
    )
    expect(await evidenceCount()).toBe(0)
  })

  it('imports a good file as verified by the lead, counting at once; the same file again changes nothing', async () => {
    const csv = [
      'Work email,Course title,Provider,Date completed,CPD hours,Type,Requirement',
      `${PRACTITIONER.toUpperCase()},CSE awareness (trust),A trust,2026-03-01,1.5,e-learning,child sexual exploitation awareness`,
      `${PRACTITIONER},Team supervision on exploitation,Home-Start,15/04/2026,1,Supervision,`,
    ].join('\r\n')
    const imported = await upload(csv)
    expect(imported.statusCode, imported.body).toBe(303)
    const lead = await t.signIn(LEAD)
    const done = await lead.get(String(imported.headers.location))
    expect(page(done.body)('.govuk-notification-banner').text()).toContain('2 pieces of evidence imported')
    const rows = await t.db.tenant(scope, (sql) =>
      sql.query<{ title: string; minutes: number; status: string; requirement: string | null }>(
        `SELECT e.title, e.minutes, e.status, r.title AS requirement FROM learning_evidence e
           LEFT JOIN pathway_requirements r ON r.id = e.requirement_id ORDER BY e.completed_on`,
      ),
    )
    expect(rows).toEqual([
      {
        title: 'CSE awareness (trust)',
        minutes: 90,
        status: 'verified',
        requirement: 'Child sexual exploitation awareness',
      },
      { title: 'Team supervision on exploitation', minutes: 60, status: 'verified', requirement: null },
    ])
    const standing = await t.db.tenant(scope, (sql) =>
      sql.one<{ due: string }>(
        `SELECT to_char(rs.due_on, 'YYYY-MM-DD') AS due FROM requirement_standings rs
           JOIN people p ON p.id = rs.person_id JOIN pathway_requirements r ON r.id = rs.requirement_id
          WHERE p.email = $1 AND r.title = 'Child sexual exploitation awareness'`,
        [PRACTITIONER],
      ),
    )
    expect(standing.due).toBe('2029-03-01')
    const again = await upload(csv)
    expect(again.statusCode).toBe(303)
    expect(String(again.headers.location)).toContain('imported=0&already=2')
    expect(await evidenceCount()).toBe(2)
  })

  it('is for the agency’s own lead: another agency’s import page is not found', async () => {
    const other = await t.db.tenant(scope, (sql) =>
      sql.one<{ id: string }>('SELECT id FROM agencies WHERE id <> $1 ORDER BY name LIMIT 1', [homeStart]),
    )
    const lead = await t.signIn(LEAD)
    const leads = await t.db.platform((sql) =>
      sql.one<{ ids: string[] }>(
        `SELECT m.agency_ids AS ids FROM memberships m JOIN users u ON u.id = m.user_id WHERE u.email = $1 AND m.role = 'agency-lead'`,
        [LEAD],
      ),
    )
    expect(leads.ids).not.toContain(other.id)
    expect((await lead.get(`/agencies/${other.id}/evidence/import`)).statusCode).toBe(404)
  })
})
