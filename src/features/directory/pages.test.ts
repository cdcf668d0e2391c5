import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '#test/support/app.ts'
import { page, testApp } from '#test/support/app.ts'

let t: TestApp
beforeAll(async () => {
  t = await testApp()
})
afterAll(() => t?.close())

async function agencyIdNamed(name: string): Promise<string> {
  const norfolk = await t.partnership('norfolk')
  return (
    await t.db.tenant({ partnershipId: norfolk.id, userId: null }, (sql) =>
      sql.one<{ id: string }>('SELECT id FROM agencies WHERE name = $1', [name]),
    )
  ).id
}

describe('the directory pages', () => {
  it('adds an agency, and shows the fee its category brings', async () => {
    const admin = await t.signIn('admin@norfolk.example.org')
    await admin.get('/agencies/new')
    const response = await admin.post('/agencies/new', {
      name: 'Acorn Out of School Club',
      category: 'voluntary',
      saferProgrammeMember: 'yes',
      sector: 'early_years',
      workforce: 'children',
    })
    expect(response.statusCode).toBe(303)
    const shown = page((await admin.get(String(response.headers.location))).body)
    expect(shown('main').text()).toMatch(/Fee for a place today\s*£40\.00/)
  })

  it('lists every problem with an agency at once and keeps what was typed', async () => {
    const admin = await t.signIn('admin@norfolk.example.org')
    await admin.get('/agencies/new')
    const response = await admin.post('/agencies/new', { name: '<b>Bold</b>', category: 'private' })
    const $ = page(response.body)
    expect(response.statusCode).toBe(400)
    expect($('.govuk-error-summary li').length).toBe(2)
    expect($('.govuk-error-summary a[href="#sector"]').text()).toBe('Select the agency’s sector')
    expect($('.govuk-error-summary a[href="#workforce"]').text()).toMatch(/children, adults or both/)
    expect($('#name').val()).toBe('<b>Bold</b>')
    expect(response.body).not.toContain('<b>Bold</b>')
  })

  it('adds a person, and finds them by a search', async () => {
    const lead = await t.signIn('agency-lead@norfolk.example.org')
    await lead.get('/people/new')
    const agencyId = await agencyIdNamed('Home-Start Norfolk')
    const added = await lead.post('/people/new', {
      firstName: 'Sam',
      lastName: 'Volunteer',
      email: 'sam.volunteer@example.org',
      agencyId,
      role: 'Family support volunteer',
      managerName: 'Chris Coordinator',
      managerEmail: 'chris@example.org',
    })
    expect(added.statusCode).toBe(303)
    const list = page((await lead.get('/people?q=volunt')).body)
    expect(list('tbody tr').length).toBe(1)
    expect(list('tbody').text()).toMatch(/Volunteer, Sam/)
  })

  it('does not let an agency lead add someone to an agency they do not lead', async () => {
    const lead = await t.signIn('agency-lead@norfolk.example.org')
    await lead.get('/people/new')
    const response = await lead.post('/people/new', {
      firstName: 'Pat',
      lastName: 'Police',
      email: 'pat.police@example.org',
      agencyId: await agencyIdNamed('Norfolk Police'),
    })
    expect(response.statusCode).toBe(400)
    expect(page(response.body)('.govuk-error-summary a[href="#agencyId"]').text()).toMatch(
      /agencies you lead/,
    )
  })

  it('exports people as CSV with formulas neutralised', async () => {
    const admin = await t.signIn('admin@norfolk.example.org')
    await admin.get('/people/new')
    await admin.post('/people/new', {
      firstName: '=HYPERLINK("http://evil.example","click")',
      lastName: 'Formula',
      email: 'formula@example.org',
      agencyId: await agencyIdNamed('Norfolk Police'),
    })
    const csv = await admin.get('/people.csv?q=formula')
    expect(csv.headers['content-type']).toMatch(/text\/csv/)
    expect(csv.body).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`)
    expect(csv.body).not.toMatch(/^=|,=/m)
  })

  it('exports the agencies as CSV, with formulas neutralised, and filters people by tier', async () => {
    const admin = await t.signIn('admin@norfolk.example.org')
    await admin.get('/agencies/new')
    await admin.post('/agencies/new', {
      name: '@SUM(1+1) Trust',
      category: 'voluntary',
      sector: 'voluntary',
      workforce: 'both',
    })
    const csv = await admin.get('/agencies.csv')
    expect(csv.headers['content-type']).toMatch(/text\/csv/)
    expect(csv.body).toContain('Norfolk Police')
    expect(csv.body).toContain(`'@SUM(1+1) Trust`)
    expect(csv.body).not.toMatch(/^@|,@/m)

    const shropshire = await t.signIn('admin@shropshire.example.org')
    const tiers = page((await shropshire.get('/people')).body)('#tier option')
      .toArray()
      .map((o) => page('')(o).text())
    expect(tiers[0]).toBe('Any tier')
    expect(tiers.length).toBeGreaterThan(1)
  })

  it('shows the agency history of a person who moved', async () => {
    const admin = await t.signIn('admin@norfolk.example.org')
    const list = page((await admin.get('/people?q=sam%20volunteer')).body)
    const href = String(list('tbody a').attr('href'))
    await admin.get(`${href}/edit`)
    const moved = await admin.post(`${href}/edit`, {
      firstName: 'Sam',
      lastName: 'Volunteer',
      email: 'sam.volunteer@example.org',
      agencyId: await agencyIdNamed('Norfolk Police'),
      status: 'active',
    })
    expect(moved.statusCode).toBe(303)
    const shown = page((await admin.get(href)).body)
    expect(shown('main li').text()).toMatch(/Norfolk Police: from 24 November 2026, now/)
    expect(shown('main li').text()).toMatch(/Home-Start Norfolk: from 24 November 2026 to 24 November 2026/)
  })
})
