import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Browser, TestApp } from '#test/support/app.ts'
import { page, TEST_NOW, testApp } from '#test/support/app.ts'

let t: TestApp
let admin: Browser

beforeAll(async () => {
  t = await testApp()
  admin = await t.signIn('admin@norfolk.example.org')
})
beforeEach(() => t.clock.set(TEST_NOW))
afterAll(() => t?.close())

/** Makes a token for one of the partnership's users, answering its secret and its id. */
async function tokenOf(slug: string, name: string, options: { user?: string; expiresInDays?: number } = {}) {
  const partnership = await t.partnership(slug)
  const user = await t.db.anonymous({}, (sql) =>
    sql.one<{ id: string }>('SELECT id FROM users WHERE email = $1', [
      options.user ?? `admin@${slug}.example.org`,
    ]),
  )
  const secret = await t.services.tokens.create({
    partnershipId: partnership.id,
    userId: user.id,
    name,
    expiresInDays: options.expiresInDays,
  })
  const { id } = await t.db.platform((sql) =>
    sql.one<{ id: string }>('SELECT id FROM api_tokens WHERE partnership_id = $1 AND name = $2', [
      partnership.id,
      name,
    ]),
  )
  return { secret, id }
}

/** The table's rows as the words in each cell. */
function rowsOf(body: string): string[][] {
  const html = page(body)
  return html('table tbody tr')
    .toArray()
    .map((tr) =>
      html(tr)
        .find('td, th')
        .toArray()
        .map((cell) => html(cell).text().replace(/\s+/g, ' ').trim()),
    )
}

describe('the API tokens page', () => {
  it('lists the partnership’s tokens with whose they are, their dates and their status in words', async () => {
    const reports = await tokenOf('norfolk', 'Quarterly reports', {
      user: 'executive@norfolk.example.org',
      expiresInDays: 30,
    })
    const feed = await tokenOf('norfolk', 'HR feed')
    const theirs = await tokenOf('jersey', 'Jersey feed')
    await t.services.tokens.check(feed.secret)
    t.clock.set('2026-12-30T09:00:00Z')
    const response = await (await t.signIn('admin@norfolk.example.org')).get('/api-tokens')
    expect(response.statusCode).toBe(200)
    const rows = rowsOf(response.body)
    const rowOf = (id: string) => rows.find((r) => r[0]?.includes(id.slice(0, 8)))
    expect(rowOf(reports.id)).toEqual([
      `Quarterly reports ${reports.id.slice(0, 8)}`,
      'executive@norfolk.example.org',
      '24 November 2026',
      'Never',
      '24 December 2026',
      'Expired',
      '',
    ])
    expect(rowOf(feed.id)).toEqual([
      `HR feed ${feed.id.slice(0, 8)}`,
      'admin@norfolk.example.org',
      '24 November 2026',
      '24 November 2026',
      '24 November 2027',
      'Active',
      'Revoke token HR feed',
    ])
    expect(page(response.body)('.govuk-tag').first().text().trim()).toMatch(/^(Active|Expired|Revoked)$/)
    expect(rowOf(theirs.id)).toBeUndefined()
    expect(response.body).not.toContain('Jersey feed')
    for (const secret of [reports.secret, feed.secret, theirs.secret])
      expect(response.body).not.toContain(secret)
  })

  it('is linked from an admin’s navigation and no one else’s', async () => {
    // An admin's many pages are grouped on the menu page.
    const link = (body: string) => page(body)('main nav a[href="/api-tokens"]').text().trim()
    expect(link((await admin.get('/menu')).body)).toBe('API tokens')
    const executive = await t.signIn('executive@norfolk.example.org')
    expect(link((await executive.get('/menu')).body)).toBe('')
  })

  it('revokes a token once the admin confirms, says so, and the token is refused from then on', async () => {
    const token = await tokenOf('norfolk', 'Old integration')
    const list = page((await admin.get('/api-tokens')).body)
    const revokeLink = list(`a[href="/api-tokens/${token.id}/revoke"]`)
    expect(revokeLink.text().replace(/\s+/g, ' ').trim()).toBe('Revoke token Old integration')

    const confirm = await admin.get(`/api-tokens/${token.id}/revoke`)
    expect(confirm.statusCode).toBe(200)
    const confirmPage = page(confirm.body)
    expect(confirmPage('h1').text()).toBe('Revoke the API token Old integration')
    expect(confirmPage('.govuk-warning-text').text()).toMatch(/stops working at once/)
    expect(
      confirmPage(`form[method="post"][action="/api-tokens/${token.id}/revoke"] input[name="_csrf"]`),
    ).toHaveLength(1)
    expect((await t.services.tokens.check(token.secret)).status).toBe('accepted')

    const revoked = await admin.post(`/api-tokens/${token.id}/revoke`, {})
    expect(revoked.statusCode).toBe(303)
    expect(revoked.headers.location).toBe(`/api-tokens?revoked=${token.id}`)
    const after = page((await admin.get(String(revoked.headers.location))).body)
    expect(after('.govuk-notification-banner--success').text()).toMatch(/Old integration was revoked/)
    expect(rowsOf(after.html()).find((r) => r[0]?.startsWith('Old integration'))?.[5]).toBe('Revoked')

    expect(await t.services.tokens.check(token.secret)).toEqual({ status: 'revoked' })
    const audited = await t.db.platform((sql) =>
      sql.query<{ action: string; email: string }>(
        `SELECT e.action, u.email FROM audit_events e JOIN users u ON u.id = e.actor_user_id
          WHERE e.entity_type = 'api_tokens' AND e.entity_id = $1 AND e.action = 'api-token.revoke'`,
        [token.id],
      ),
    )
    expect(audited).toEqual([{ action: 'api-token.revoke', email: 'admin@norfolk.example.org' }])
  })

  it('says a token is already revoked rather than offer to revoke it again, and revoking again changes nothing', async () => {
    const token = await tokenOf('norfolk', 'Revoked twice')
    expect((await admin.submit(`/api-tokens/${token.id}/revoke`, {})).statusCode).toBe(303)
    const confirm = page((await admin.get(`/api-tokens/${token.id}/revoke`)).body)
    expect(confirm('main').text()).toMatch(/already revoked/)
    expect(confirm('form[action$="/revoke"]')).toHaveLength(0)
    expect((await admin.post(`/api-tokens/${token.id}/revoke`, {})).statusCode).toBe(303)
  })

  it('refuses a revocation without the page’s form token', async () => {
    const token = await tokenOf('norfolk', 'Forged')
    const forged = await admin.post(`/api-tokens/${token.id}/revoke`, {}, { csrf: 'not-the-token' })
    expect(forged.statusCode).toBe(403)
    expect((await t.services.tokens.check(token.secret)).status).toBe('accepted')
  })

  it('is only for admins', async () => {
    const token = await tokenOf('norfolk', 'Not theirs to see')
    for (const email of ['executive@norfolk.example.org', 'practitioner@norfolk.example.org']) {
      const other = await t.signIn(email)
      expect({ email, status: (await other.get('/api-tokens')).statusCode }).toEqual({ email, status: 403 })
      expect((await other.get(`/api-tokens/${token.id}/revoke`)).statusCode).toBe(403)
      expect(
        (await other.submit(`/api-tokens/${token.id}/revoke`, {}, { from: '/dashboard' })).statusCode,
      ).toBe(403)
    }
    expect((await t.services.tokens.check(token.secret)).status).toBe('accepted')
  })

  it('answers 404 for another partnership’s token, which goes on working', async () => {
    const theirs = await tokenOf('jersey', 'Jersey integration')
    expect((await admin.get(`/api-tokens/${theirs.id}/revoke`)).statusCode).toBe(404)
    expect(
      (await admin.submit(`/api-tokens/${theirs.id}/revoke`, {}, { from: '/api-tokens' })).statusCode,
    ).toBe(404)
    expect((await t.services.tokens.check(theirs.secret)).status).toBe('accepted')
  })
})
