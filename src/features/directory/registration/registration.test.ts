import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureUser, grantRole } from '#platform/auth/users.ts'
import type { Browser, TestApp } from '#test/support/app.ts'
import { page, testApp } from '#test/support/app.ts'

let t: TestApp
let norfolkId: string
let ledAgency: { id: string; name: string }
let otherAgency: { id: string; name: string }

beforeAll(async () => {
  t = await testApp()
  norfolkId = (await t.partnership('norfolk')).id
  const agencies = await t.db.tenant({ partnershipId: norfolkId, userId: null }, async (sql) => {
    const lead = await sql.one<{ agency_ids: string[] }>(
      `SELECT m.agency_ids FROM memberships m JOIN users u ON u.id = m.user_id
        WHERE u.email = 'agency-lead@norfolk.example.org' AND m.role = 'agency-lead'`,
    )
    const led = await sql.one<{ id: string; name: string }>('SELECT id, name FROM agencies WHERE id = $1', [
      lead.agency_ids[0],
    ])
    const other = await sql.one<{ id: string; name: string }>(
      'SELECT id, name FROM agencies WHERE NOT (id = ANY($1)) ORDER BY name LIMIT 1',
      [lead.agency_ids],
    )
    return { led, other }
  })
  ledAgency = agencies.led
  otherAgency = agencies.other
})
afterAll(() => t?.close())

const form = (email: string, agencyId: string) => ({
  firstName: 'Priya',
  lastName: 'Sharma',
  email,
  agencyId,
  role: 'Family support worker',
  managerName: 'Sam Boss',
  managerEmail: 'sam.boss@example.org',
})

async function mailTo(address: string): Promise<{ subject: string; text_body: string }[]> {
  return t.db.platform((sql) =>
    sql.query(`SELECT subject, text_body FROM outbox WHERE to_address = $1 ORDER BY created_at, id`, [
      address,
    ]),
  )
}

async function personByEmail(email: string) {
  return t.db.tenant({ partnershipId: norfolkId, userId: null }, (sql) =>
    sql.query<{ id: string; status: string; user_id: string | null }>(
      'SELECT id, status, user_id FROM people WHERE email_key = lower($1)',
      [email],
    ),
  )
}

async function rolesOf(email: string): Promise<string[]> {
  const rows = await t.db.tenant({ partnershipId: norfolkId, userId: null }, (sql) =>
    sql.query<{ role: string }>(
      'SELECT m.role FROM memberships m JOIN users u ON u.id = m.user_id WHERE lower(u.email) = lower($1)',
      [email],
    ),
  )
  return rows.map((r) => r.role)
}

/** Signs in as a registrant, who has no password, through a sign-in link from the outbox. */
async function signInByLink(email: string): Promise<Browser> {
  const browser = t.browser()
  await browser.submit('/sign-in/link', { email })
  await t.services.accounts.linksWritten()
  const sent = await mailTo(email)
  const tokens = sent.map((m) => m.text_body.match(/\/sign-in\/link\/([A-Za-z0-9_-]+)/)?.[1]).filter(Boolean)
  expect(tokens).toHaveLength(1)
  const token = tokens[0]
  await browser.get(`/sign-in/link/${token}`)
  const signedIn = await browser.post(`/sign-in/link/${token}`, {})
  expect(signedIn.statusCode).toBe(303)
  return browser
}

describe('registering from the public pages', () => {
  it('registers a practitioner as waiting for confirmation, and tells them and their agency’s lead', async () => {
    const visitor = t.browser()
    const start = page((await visitor.get('/')).body)
    expect(start('a[href="/p/norfolk/register"]').length).toBe(1)
    const response = await visitor.submit(
      '/p/norfolk/register',
      form('priya.sharma@example.org', ledAgency.id),
    )
    expect(response.statusCode).toBe(200)
    expect(page(response.body)('h1').text()).toBe('Check your email')

    expect(await personByEmail('priya.sharma@example.org')).toEqual([
      expect.objectContaining({ status: 'pending', user_id: expect.any(String) }),
    ])
    expect(await rolesOf('priya.sharma@example.org')).toEqual(['registrant'])
    expect((await mailTo('priya.sharma@example.org'))[0]?.subject).toBe(
      'Your registration with Norfolk Safeguarding Children Partnership',
    )
    const lead = await mailTo('agency-lead@norfolk.example.org')
    expect(lead.map((m) => m.subject)).toContain(
      `New registration to confirm: Priya Sharma, ${ledAgency.name}`,
    )
    // The lead of the agency hears of it; admins hear only when an agency has no lead.
    expect(await mailTo('admin@norfolk.example.org')).toEqual([])
  })

  it('lets a registrant see their own record and nothing else until confirmed', async () => {
    const registrant = await signInByLink('priya.sharma@example.org')
    const record = page((await registrant.get('/my-record')).body)
    expect(record('.govuk-inset-text').text()).toContain('has not yet confirmed')
    expect(record('.govuk-summary-list').text()).toContain('priya.sharma@example.org')
    for (const url of ['/people', '/agencies', '/registrations', '/policy', '/audit']) {
      expect({ url, status: (await registrant.get(url)).statusCode }).toEqual({ url, status: 403 })
    }
  })

  it('answers the same for an address already in the directory, creates nothing, and says so by email', async () => {
    const before = await personByEmail('priya.sharma@example.org')
    const response = await t
      .browser()
      .submit('/p/norfolk/register', form('Priya.Sharma@example.org', otherAgency.id))
    expect(response.statusCode).toBe(200)
    expect(page(response.body)('h1').text()).toBe('Check your email')
    expect(await personByEmail('priya.sharma@example.org')).toEqual(before)
    const sent = await mailTo('Priya.Sharma@example.org')
    expect(sent.some((m) => m.text_body.includes('already in the directory'))).toBe(true)
  })

  it('says what is wrong with a registration and creates nothing', async () => {
    const response = await t.browser().submit('/p/norfolk/register', {
      firstName: '',
      lastName: 'Sharma',
      email: 'not an email',
      agencyId: '',
      managerEmail: 'nope',
    })
    expect(response.statusCode).toBe(400)
    const errors = page(response.body)('.govuk-error-summary a')
      .toArray()
      .map((a) => page(response.body)(a).attr('href'))
    expect(errors).toEqual(['#firstName', '#email', '#agencyId', '#managerEmail'])
    const unknownAgency = await t
      .browser()
      .submit('/p/norfolk/register', form('new.person@example.org', '00000000-0000-4000-8000-000000000000'))
    expect(unknownAgency.statusCode).toBe(400)
    expect(await personByEmail('new.person@example.org')).toEqual([])
    expect((await t.browser().get('/p/nowhere/register')).statusCode).toBe(404)
  })
})

describe('confirming and rejecting registrations', () => {
  it('shows a lead only their agencies’ registrations, and an admin all of them', async () => {
    await t.browser().submit('/p/norfolk/register', form('oli.other@example.org', otherAgency.id))
    const lead = await t.signIn('agency-lead@norfolk.example.org')
    const leads = (await lead.get('/registrations')).body
    expect(leads).toContain('priya.sharma@example.org')
    expect(leads).not.toContain('oli.other@example.org')
    const oli = (await personByEmail('oli.other@example.org'))[0]
    expect(
      (await lead.submit(`/registrations/${oli?.id}/confirm`, {}, { from: '/registrations' })).statusCode,
    ).toBe(404)
    const admin = await t.signIn('admin@norfolk.example.org')
    expect((await admin.get('/registrations')).body).toContain('oli.other@example.org')
  })

  it('confirms a registrant as a practitioner, once, and tells them', async () => {
    const lead = await t.signIn('agency-lead@norfolk.example.org')
    const priya = (await personByEmail('priya.sharma@example.org'))[0]
    const confirmed = await lead.submit(`/registrations/${priya?.id}/confirm`, {}, { from: '/registrations' })
    expect(confirmed.statusCode).toBe(303)
    expect(confirmed.headers.location).toBe(`/registrations?done=confirmed&person=${priya?.id}`)
    const listed = page((await lead.get(String(confirmed.headers.location))).body)
    expect(listed('.govuk-notification-banner--success[role="alert"] h3').text()).toBe(
      'You confirmed Priya Sharma',
    )
    expect(listed('.govuk-notification-banner--success').text()).toContain(
      `practitioner of ${ledAgency.name}`,
    )
    expect((await personByEmail('priya.sharma@example.org'))[0]?.status).toBe('active')
    expect(await rolesOf('priya.sharma@example.org')).toEqual(['practitioner'])
    expect((await mailTo('priya.sharma@example.org')).map((m) => m.subject)).toContain(
      'Your registration with Norfolk Safeguarding Children Partnership is confirmed',
    )
    const again = await lead.submit(`/registrations/${priya?.id}/confirm`, {}, { from: '/registrations' })
    expect(again.statusCode).toBe(409)
  })

  it('shows no banner for a word it does not know, a decision not made, or someone outside the lead’s agencies', async () => {
    const lead = await t.signIn('agency-lead@norfolk.example.org')
    const [priya] = await personByEmail('priya.sharma@example.org')
    const [oli] = await personByEmail('oli.other@example.org')
    for (const query of [
      `done=welcomed&person=${priya?.id}`,
      `done=rejected&person=${priya?.id}`,
      `done=confirmed&person=${oli?.id}`,
      'done=confirmed&person=not-an-id',
      'done=confirmed',
    ])
      expect(
        page((await lead.get(`/registrations?${query}`)).body)('.govuk-notification-banner').length,
      ).toBe(0)
  })

  it('rejects a registration only with a reason, which the registrant is sent', async () => {
    const admin = await t.signIn('admin@norfolk.example.org')
    const oli = (await personByEmail('oli.other@example.org'))[0]
    const blank = await admin.submit(`/registrations/${oli?.id}/reject`, { reason: ' ' })
    expect(blank.statusCode).toBe(400)
    expect(page(blank.body)('.govuk-error-summary').text()).toContain('Say why')
    expect((await personByEmail('oli.other@example.org'))[0]?.status).toBe('pending')

    const rejected = await admin.submit(`/registrations/${oli?.id}/reject`, {
      reason: 'Nobody of that name works in our team.',
    })
    expect(rejected.statusCode).toBe(303)
    expect(rejected.headers.location).toBe(`/registrations?done=rejected&person=${oli?.id}`)
    expect(
      page((await admin.get(String(rejected.headers.location))).body)('.govuk-notification-banner h3').text(),
    ).toBe('You did not confirm Priya Sharma')
    expect((await personByEmail('oli.other@example.org'))[0]?.status).toBe('rejected')
    // A lead of another agency is not told who was decided in an agency they do not lead.
    const lead = await t.signIn('agency-lead@norfolk.example.org')
    expect(
      page((await lead.get(String(rejected.headers.location))).body)('.govuk-notification-banner').length,
    ).toBe(0)
    expect(await rolesOf('oli.other@example.org')).toEqual([])
    const told = await mailTo('oli.other@example.org')
    expect(told.some((m) => m.text_body.includes('Nobody of that name works in our team.'))).toBe(true)
  })
})

describe('registering an address that already has an account', () => {
  const joinLinkIn = (mail: { text_body: string }[]) =>
    mail
      .map((m) => m.text_body.match(/\/p\/norfolk\/register\/join\?link=([A-Za-z0-9_-]+)/)?.[1])
      .find(Boolean)

  /** Presses the button on a joining link's page, as the link's holder would. */
  const confirmJoining = (link: string, slug = 'norfolk') =>
    t.browser().submit(`/p/${slug}/register/join`, { link }, { from: `/p/${slug}/register` })

  async function userIdOf(email: string): Promise<string> {
    const user = await t.db.platform((sql) =>
      sql.one<{ id: string }>('SELECT id FROM users WHERE lower(email) = lower($1)', [email]),
    )
    return user.id
  }

  it('answers as for a new address, and creates nothing for the account until its owner follows the emailed link', async () => {
    const email = 'trainer@jersey.example.org'
    const leadMail = async () => (await mailTo('agency-lead@norfolk.example.org')).length
    const fresh = await t
      .browser()
      .submit('/p/norfolk/register', form('new.starter@example.org', ledAgency.id))
    const toldBefore = await leadMail()
    const known = await t
      .browser()
      .submit('/p/norfolk/register', form('Trainer@Jersey.example.org', ledAgency.id))
    expect(known.statusCode).toBe(fresh.statusCode)
    expect(page(known.body)('main').text().replace('Trainer@Jersey.example.org', 'them')).toBe(
      page(fresh.body)('main').text().replace('new.starter@example.org', 'them'),
    )

    expect(await personByEmail(email)).toEqual([])
    expect(await rolesOf(email)).toEqual([])
    expect(await leadMail()).toBe(toldBefore)
    const link = joinLinkIn(await mailTo(email))
    expect(link).toBeTruthy()

    const owner = t.browser()
    const confirming = await owner.get(`/p/norfolk/register/join?link=${link}`)
    expect(confirming.statusCode).toBe(200)
    expect(page(confirming.body)('main').text()).toContain(ledAgency.name)
    expect(await personByEmail(email)).toEqual([])

    const joined = await owner.post('/p/norfolk/register/join', { link: link ?? '' })
    expect(joined.statusCode).toBe(200)
    expect(await personByEmail(email)).toEqual([
      expect.objectContaining({ status: 'pending', user_id: await userIdOf(email) }),
    ])
    expect(await rolesOf(email)).toEqual(['registrant'])
    expect(await leadMail()).toBe(toldBefore + 1)
  })

  it('does the same for a user of this partnership with no record in its directory', async () => {
    const email = 'board.member@norfolk.example.org'
    const user = await ensureUser(t.db, { email, displayName: 'Board Member', passwordHash: null })
    const norfolk = await t.partnership('norfolk')
    await grantRole(t.db, { partnershipId: norfolk.id, userId: user.id, role: 'executive', actor: 'test' })
    const response = await t.browser().submit('/p/norfolk/register', form(email, ledAgency.id))
    expect(response.statusCode).toBe(200)
    expect(await personByEmail(email)).toEqual([])
    expect(await rolesOf(email)).toEqual(['executive'])
    const link = joinLinkIn(await mailTo(email))
    expect(link).toBeTruthy()
    expect((await confirmJoining(link ?? '')).statusCode).toBe(200)
    expect(await personByEmail(email)).toEqual([expect.objectContaining({ status: 'pending' })])
    expect((await rolesOf(email)).sort()).toEqual(['executive', 'registrant'])
  })

  it('refuses a joining link that was altered or is out of date, and creates nothing', async () => {
    const email = 'admin@jersey.example.org'
    await t.browser().submit('/p/norfolk/register', form(email, ledAgency.id))
    const link = joinLinkIn(await mailTo(email)) ?? ''
    const altered = `${link.slice(0, -4)}${link.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`
    expect((await confirmJoining(altered)).statusCode).toBe(400)
    expect((await confirmJoining(link, 'jersey')).statusCode).toBe(400)
    t.clock.advance(8 * 24 * 60 * 60_000)
    const late = await confirmJoining(link)
    expect(late.statusCode).toBe(400)
    expect(page(late.body)('h1').text()).toBe('That link has expired')
    expect(await personByEmail(email)).toEqual([])
    expect(await rolesOf(email)).toEqual([])
  })
})
