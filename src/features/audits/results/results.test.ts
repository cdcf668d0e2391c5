import { PDFParse } from 'pdf-parse'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TenantScope } from '#platform/db/database.ts'
import type { TestApp } from '#test/support/app.ts'
import { page, testApp } from '#test/support/app.ts'
import { anAuditCycle, anAuditTemplate } from '../test-fixtures.ts'

let t: TestApp
let scope: TenantScope
let pid = ''
const users: Record<string, string> = {}
const tokens: Record<string, string> = {}
let led = ''
let other = ''
let third = ''
let cycleId = ''
let template: Awaited<ReturnType<typeof anAuditTemplate>>

const admin = 'admin@shropshire.example.org'
const executive = 'executive@shropshire.example.org'
const lead = 'agency-lead@shropshire.example.org'
const practitioner = 'practitioner@shropshire.example.org'

beforeAll(async () => {
  t = await testApp()
  pid = (await t.partnership('shropshire')).id
  scope = { partnershipId: pid, userId: null, actor: 'test' }
  for (const email of [admin, executive, lead, practitioner]) {
    users[email] = (
      await t.db.anonymous({}, (sql) =>
        sql.one<{ id: string }>('SELECT id FROM users WHERE email = $1', [email]),
      )
    ).id
    tokens[email] = await t.services.tokens.create({
      partnershipId: pid,
      userId: users[email] as string,
      name: 't',
    })
  }
  await t.db.tenant(scope, async (sql) => {
    const ids = (
      await sql.one<{ ids: string[] }>(
        `SELECT agency_ids AS ids FROM memberships WHERE user_id = $1 AND role = 'agency-lead'`,
        [users[lead]],
      )
    ).ids
    led = ids[0] as string
    const rest = await sql.query<{ id: string }>(
      'SELECT id FROM agencies WHERE NOT (id = ANY($1::uuid[])) ORDER BY name LIMIT 2',
      [ids],
    )
    other = rest[0]?.id as string
    third = rest[1]?.id as string
  })
  template = await anAuditTemplate(t.db, pid, {
    title: 'Section 11 results',
    sections: 2,
    standardsPerSection: 2,
  })
  const [s1, s2, s3] = template.standardIds as [string, string, string]
  // Last year's cycle: the lead's agency was good on 1.1 and inadequate on 1.2; the other agency
  // did not answer 1.2.
  await anAuditCycle(t.db, pid, {
    versionId: template.versionId,
    title: 'Section 11 2025',
    openedOn: '2025-11-01',
    returns: [
      {
        agencyId: led,
        status: 'concluded',
        ratings: { [s1]: 'good', [s2]: 'inadequate', [s3]: 'outstanding' },
      },
      { agencyId: other, status: 'concluded', rating: 'requires_improvement', unanswered: [s2] },
    ],
  })
  const cycle = await anAuditCycle(t.db, pid, {
    versionId: template.versionId,
    title: 'Section 11 2026',
    returns: [
      {
        agencyId: led,
        status: 'challenge',
        ratings: { [s1]: 'outstanding', [s2]: 'inadequate', [s3]: 'good' },
      },
      { agencyId: other, status: 'concluded', rating: 'good' },
      { agencyId: third, status: 'in_progress', rating: 'inadequate' },
    ],
  })
  cycleId = cycle.id
  // At the challenge event the lead's agency's 1.1 was revised down to requires improvement.
  await t.db.tenant(scope, async (sql) => {
    const event = await sql.one<{ id: string }>(
      `INSERT INTO audit_challenge_events (partnership_id, cycle_id, held_on, attendees) VALUES ($1, $2, '2026-11-20', 'Chair') RETURNING id`,
      [pid, cycleId],
    )
    await sql.query(
      `UPDATE audit_answers SET review = 'challenged', review_note = 'No records', reviewed_at = now(),
         challenge_event_id = $3, resolution = 'revised', revised_rating = 'requires_improvement', resolution_note = 'Agreed'
        WHERE return_id = $1 AND standard_id = $2`,
      [cycle.returns[0]?.id, s1, event.id],
    )
  })
})
afterAll(() => t.close())

describe('a cycle’s results', () => {
  it('shows each agency’s final rating, the change since its last return, completion and the aggregate', async () => {
    const r = await t.services.auditResults.results(
      {
        partnership: { id: pid, slug: 'shropshire', name: 'Shropshire' },
        actor: { userId: users[admin] as string, roles: ['admin'], agencyIds: [] },
      } as never,
      cycleId,
    )
    const [s1, s2, s3, s4] = template.standardIds as [string, string, string, string]
    const cell = (agency: string, standard: string) => r.cells[`${agency} ${standard}`]
    expect(r.cycle.previousTitle).toBe('Section 11 2025')
    expect(cell(led, s1)).toMatchObject({
      rating: 'outstanding',
      finalRating: 'requires_improvement',
      previousRating: 'good',
      change: 'down',
    })
    expect(cell(led, s2)).toMatchObject({ finalRating: 'inadequate', change: 'same' })
    expect(cell(led, s3)).toMatchObject({
      finalRating: 'good',
      previousRating: 'outstanding',
      change: 'down',
    })
    expect(cell(other, s1)).toMatchObject({
      finalRating: 'good',
      previousRating: 'requires_improvement',
      change: 'up',
    })
    expect(cell(other, s2)).toMatchObject({ finalRating: 'good', previousRating: null, change: 'new' })
    // An unsubmitted return's ratings are not results.
    expect(cell(third, s4)).toBeUndefined()
    expect(r.completion).toMatchObject({ total: 3, in_progress: 1, challenge: 1, concluded: 1 })
    expect(r.aggregate[s1]).toEqual({ outstanding: 0, good: 1, requires_improvement: 1, inadequate: 0 })
  })

  it('renders the heatmap by section with words and patterns, blank cells not answered', async () => {
    const res = await (await t.signIn(executive)).get(`/audits/cycles/${cycleId}/results`)
    expect(res.statusCode).toBe(200)
    const $ = page(res.body)
    expect($('#heatmap thead th[data-agency]')).toHaveLength(3)
    expect($('#heatmap .cascade-heatmap__section').first().text()).toBe('Section 1')
    // Columns by agency name, as the head names them; each cell's column is its place in the row.
    const heads = $('#heatmap thead th[data-agency]')
      .map((_, e) => $(e).attr('data-agency'))
      .get()
    const cellOf = (agency: string) => $('#heatmap tr[data-ref="1.1"] td').eq(heads.indexOf(agency))
    expect(cellOf(led).text()).toMatch(/Requires improvement \(revised\)\s*▼ Down/)
    expect(cellOf(led).hasClass('cascade-cell--requires_improvement')).toBe(true)
    expect(cellOf(third).text().trim()).toBe('Not answered')
  })

  it('shows an agency lead only their own agency’s column and the aggregate, on the page, in the CSV and the API', async () => {
    const browser = await t.signIn(lead)
    const res = await browser.get(`/audits/cycles/${cycleId}/results`)
    expect(res.statusCode).toBe(200)
    const $ = page(res.body)
    expect(
      $('#heatmap thead th[data-agency]')
        .map((_, e) => $(e).attr('data-agency'))
        .get(),
    ).toEqual([led])
    expect(res.body).not.toContain(other)
    expect($('#aggregate tr[data-ref="1.1"] td[data-rating="good"]').text()).toBe('1')

    const csv = await browser.get(`/audits/cycles/${cycleId}/results.csv`)
    expect(csv.statusCode).toBe(200)
    expect(csv.headers['content-disposition']).toContain('attachment')
    const lines = csv.body.trim().split('\n')
    expect(lines).toHaveLength(1 + 4)
    expect(lines[0]).toContain(
      'Agency,Section,Ref,Standard,Rating,Final rating,Previous rating,Change,Review,Resolution',
    )
    expect(lines[1]).toContain('Outstanding,Requires improvement,Good,Down,Challenged,Revised')

    const api = await t.app.inject({
      method: 'GET',
      url: `/api/v1/audit-cycles/${cycleId}/results`,
      headers: { authorization: `Bearer ${tokens[lead]}` },
    })
    expect(api.statusCode).toBe(200)
    const body = api.json()
    expect(new Set(body.items.map((i: { agencyId: string }) => i.agencyId))).toEqual(new Set([led]))
    expect(body.completion.total).toBe(3)
    expect(body.aggregate).toHaveLength(4)

    expect((await browser.get(`/audits/cycles/${cycleId}/report`)).statusCode).toBe(403)
    expect((await (await t.signIn(practitioner)).get(`/audits/cycles/${cycleId}/results`)).statusCode).toBe(
      403,
    )
  })

  it('gives result readers every agency through the API, and 404 for a cycle that is not there', async () => {
    const api = (url: string) =>
      t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${tokens[executive]}` } })
    const res = await api(`/api/v1/audit-cycles/${cycleId}/results`)
    expect(res.statusCode).toBe(200)
    const items = res.json().items as {
      agencyId: string
      ref: string
      finalRating: string | null
      change: string | null
    }[]
    expect(items).toHaveLength(12)
    expect(items.find((i) => i.agencyId === led && i.ref === '1.1')).toMatchObject({
      finalRating: 'requires_improvement',
      change: 'down',
    })
    expect((await api('/api/v1/audit-cycles/00000000-0000-4000-8000-000000000000/results')).statusCode).toBe(
      404,
    )
  })

  it('makes the cycle report as a page and a PDF with the cycle’s title in its text', async () => {
    const browser = await t.signIn(admin)
    const report = await browser.get(`/audits/cycles/${cycleId}/report`)
    expect(report.statusCode).toBe(200)
    const $ = page(report.body)
    expect($('#challenged tbody tr')).toHaveLength(1)
    expect($('#changes tr[data-ref="1.1"] td[data-change="down"]').text()).toBe('1')
    const pdf = await browser.get(`/audits/cycles/${cycleId}/report.pdf`)
    expect(pdf.statusCode).toBe(200)
    expect(pdf.headers['content-type']).toBe('application/pdf')
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-')
    const text = (await new PDFParse({ data: pdf.rawPayload }).getText()).text
    expect(text).toContain('Section 11 2026')
    expect(text).toMatch(/Page 1 of \d+/)
    expect(text).toContain('Revised to Requires improvement')
  })
})
