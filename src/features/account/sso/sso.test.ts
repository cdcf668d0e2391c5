import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { issuerProblem } from '#platform/auth/oidc.ts'
import { systemContext } from '#platform/context.ts'
import type { Browser, TestApp } from '#test/support/app.ts'
import { page, testApp } from '#test/support/app.ts'
import type { BookingWorld } from '#test/support/booking.ts'
import { bookingWorld } from '#test/support/booking.ts'
import type { TestProvider } from '#test/support/oidc-provider.ts'
import { CASCADE_CLIENT, testProvider } from '#test/support/oidc-provider.ts'
import { createSignOnService } from './service.ts'

const CALLBACK = 'http://localhost:3000/sign-in/organisation/callback'

/** What the next answer from a provider's token endpoint becomes, when a test tampers with it. */
let tamper: ((response: Response) => Promise<Response>) | undefined

let t: TestApp
let idp: TestProvider
let w: BookingWorld
let norfolkId: string
let jerseyId: string
let trustedAgency: string
let otherAgency: string
let providerId: string

beforeAll(async () => {
  t = await testApp({
    oidcFetch: async (url, options) => {
      const response = await fetch(url, options as RequestInit)
      const change = tamper
      if (change && new URL(url).pathname.endsWith('/token')) {
        tamper = undefined
        return change(response)
      }
      return response
    },
  })
  idp = await testProvider(CALLBACK)
  w = await bookingWorld(t)
  norfolkId = w.partnership.id
  jerseyId = (await t.partnership('jersey')).id
  trustedAgency = await w.agency('Shire County Council', 'children_services')
  otherAgency = await w.agency('Shire Academy Trust', 'education')
})
afterAll(async () => {
  await idp?.close()
  await t?.close()
})

const fieldsFor = (overrides: Record<string, string> = {}) => ({
  name: 'Shire Entra ID',
  issuer: idp.issuer,
  clientId: CASCADE_CLIENT.id,
  clientSecret: CASCADE_CLIENT.secret,
  passwordsOff: 'no',
  'domain-0': 'shire.gov.uk',
  'agency-0': trustedAgency,
  'trusted-0': 'yes',
  'domain-1': 'shire-academy.org.uk',
  'agency-1': otherAgency,
  'domain-2': 'norfolk.example.org',
  'agency-2': otherAgency,
  ...overrides,
})

/** Starts signing in with an organisation's account and follows the provider back to Cascade's callback URL. */
async function throughProvider(browser: Browser, email: string, login = email): Promise<URL> {
  const started = await browser.submit(
    '/sign-in/organisation',
    { organisationEmail: email },
    { from: '/sign-in' },
  )
  // A page that moves on to the provider by itself (a form may only redirect to Cascade).
  expect(started.statusCode).toBe(200)
  const to = String(page(started.body)('#continue').attr('href'))
  expect(page(started.body)('meta[http-equiv="refresh"]').attr('content')).toBe(`0; url=${to}`)
  expect(to.startsWith(`${idp.issuer}/`)).toBe(true)
  const authorization = new URL(to)
  // The flow carries PKCE, state and nonce.
  expect(authorization.searchParams.get('code_challenge_method')).toBe('S256')
  expect(authorization.searchParams.get('state')).toBeTruthy()
  expect(authorization.searchParams.get('nonce')).toBeTruthy()
  return idp.signIn(to, login)
}

async function signOnAs(email: string) {
  const browser = t.browser()
  const back = await throughProvider(browser, email)
  const response = await browser.get(`${back.pathname}${back.search}`)
  return { browser, response }
}

const userByEmail = (email: string) =>
  t.db.anonymous({}, (sql) =>
    sql.maybeOne<{ id: string; password_hash: string | null }>(
      'SELECT id, password_hash FROM users WHERE lower(email) = lower($1)',
      [email],
    ),
  )

const rolesOf = (email: string) =>
  t.db.tenant({ partnershipId: norfolkId, userId: null }, async (sql) =>
    (
      await sql.query<{ role: string }>(
        'SELECT m.role FROM memberships m JOIN users u ON u.id = m.user_id WHERE lower(u.email) = lower($1) ORDER BY m.role',
        [email],
      )
    ).map((r) => r.role),
  )

const personOf = (email: string) =>
  t.db.tenant({ partnershipId: norfolkId, userId: null }, (sql) =>
    sql.maybeOne<{
      id: string
      status: string
      agency_id: string
      user_id: string | null
      first_name: string
    }>('SELECT id, status, agency_id, user_id, first_name FROM people WHERE email_key = lower($1)', [email]),
  )

describe('identity providers, for a partnership’s admins', () => {
  it('adds a provider from the page, keeps its secret encrypted and never shows it, and audits it', async () => {
    const admin = await t.signIn('admin@norfolk.example.org')
    const form = page((await admin.get('/identity-providers/new')).body)
    expect(form('h1').text()).toBe('Add an identity provider')
    expect(form('main').text()).toContain(CALLBACK)
    const added = await admin.post('/identity-providers/new', fieldsFor())
    expect(added.statusCode).toBe(303)
    expect(added.headers.location).toBe('/identity-providers?done=added')

    const list = await admin.get(String(added.headers.location))
    const $ = page(list.body)
    expect($('.govuk-notification-banner').text()).toContain('The identity provider was added')
    expect($('main table').text()).toContain('shire.gov.uk: Shire County Council (trusted)')
    expect($('main table').text()).toContain('shire-academy.org.uk: Shire Academy Trust')
    expect(list.body).not.toContain(CASCADE_CLIENT.secret)
    const href = $('main table a:contains("Change")').attr('href') ?? ''
    providerId = href.split('/').pop() ?? ''
    const edit = await admin.get(href)
    expect(page(edit.body)('#domain-0').val()).toBe('norfolk.example.org')
    expect(edit.body).not.toContain(CASCADE_CLIENT.secret)

    const stored = await t.db.tenant({ partnershipId: norfolkId, userId: null }, (sql) =>
      sql.one<{ client_secret_encrypted: string }>(
        'SELECT client_secret_encrypted FROM identity_providers WHERE id = $1',
        [providerId],
      ),
    )
    expect(stored.client_secret_encrypted).toMatch(/^v1\./)
    expect(stored.client_secret_encrypted).not.toContain(CASCADE_CLIENT.secret)
    const audit = await t.db.tenant({ partnershipId: norfolkId, userId: null }, (sql) =>
      sql.query<{ action: string; after: unknown }>(
        "SELECT action, after FROM audit_events WHERE entity_type IN ('identity_providers', 'identity_provider_domains') ORDER BY id",
      ),
    )
    expect(audit.map((a) => a.action)).toEqual(Array(4).fill('identity-provider.add'))
    expect(JSON.stringify(audit)).not.toContain('client_secret')
    expect(JSON.stringify(audit)).not.toContain(CASCADE_CLIENT.secret)
  })

  it('refuses a provider whose discovery document cannot be read, saying why, and saves nothing', async () => {
    const admin = await t.signIn('admin@norfolk.example.org')
    await admin.get('/identity-providers/new')
    const refused = await admin.post(
      '/identity-providers/new',
      fieldsFor({
        name: 'Nowhere',
        issuer: 'http://127.0.0.1:9/nowhere',
        'domain-0': 'nowhere.example.org',
        'domain-1': '',
        'domain-2': '',
      }),
    )
    expect(refused.statusCode).toBe(400)
    const $ = page(refused.body)
    expect($('.govuk-error-summary').text()).toContain('could not read the provider’s discovery document')
    expect($('#issuer').val()).toBe('http://127.0.0.1:9/nowhere')
    expect(refused.body).not.toContain(CASCADE_CLIENT.secret)
    expect(await t.services.signOn.providersFor('someone@nowhere.example.org')).toEqual([])
  })

  it('maps a domain once in a partnership, and says what is wrong with each field', async () => {
    const admin = await t.signIn('admin@norfolk.example.org')
    await admin.get('/identity-providers/new')
    const twice = await admin.post(
      '/identity-providers/new',
      fieldsFor({ name: 'Another', 'domain-0': 'SHIRE.gov.uk', 'domain-1': '', 'domain-2': '' }),
    )
    expect(twice.statusCode).toBe(400)
    expect(page(twice.body)('#domain-0-error').text()).toContain(
      'shire.gov.uk is already mapped to Shire Entra ID',
    )

    const empty = await admin.post('/identity-providers/new', {
      name: '',
      issuer: 'not a url',
      clientId: '',
      clientSecret: '',
      'domain-0': 'no spaces.org',
      'agency-0': '',
    })
    expect(empty.statusCode).toBe(400)
    const errors = page(empty.body)('.govuk-error-summary').text()
    expect(errors).toContain('Enter the provider’s name')
    expect(errors).toContain('Enter the client ID')
    expect(errors).toContain('Enter the client secret')
    expect(errors).toContain('Enter the email domain as it follows the @')
    expect(errors).toContain('Select the agency')
    expect((await t.services.signOn.list(systemContext(w.partnership, 'test'))).length).toBe(1)
  })

  it('refuses an issuer that is not https in production, and accepts one outside it', async () => {
    expect(issuerProblem('http://login.example.org', true)).toBe('The issuer URL must start with https://')
    expect(issuerProblem('https://login.example.org/tenant/v2.0', true)).toBeUndefined()
    expect(issuerProblem('http://127.0.0.1:4000', false)).toBeUndefined()
    expect(issuerProblem('ftp://login.example.org', false)).toBe('The issuer URL must start with https://')
    const production = createSignOnService({
      db: t.db,
      clock: t.clock,
      production: true,
      publicUrl: 'https://cascade.example.org',
      encryptionKey: t.services.config.dataEncryptionKey,
      registrations: t.services.registrations,
    })
    await expect(
      production.create(systemContext(w.partnership, 'test'), {
        name: 'Plain',
        issuer: idp.issuer,
        clientId: 'cascade',
        clientSecret: 'secret',
        passwordsOff: false,
        domains: [{ domain: 'plain.example.org', agencyId: otherAgency, trusted: false }],
      }),
    ).rejects.toMatchObject({
      errors: [{ field: 'issuer', text: 'The issuer URL must start with https://' }],
    })
  })

  it('lets only admins manage providers', async () => {
    for (const email of ['agency-lead@norfolk.example.org', 'practitioner@norfolk.example.org']) {
      const other = await t.signIn(email)
      expect({ email, status: (await other.get('/identity-providers')).statusCode }).toEqual({
        email,
        status: 403,
      })
    }
  })
})

describe('the identity providers API', () => {
  const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, token: string, payload?: unknown) =>
    t.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}` },
      ...(payload ? { payload } : {}),
    })

  it('adds, lists, changes and removes a provider, never returning the secret', async () => {
    const token = await w.token('admin@norfolk.example.org')
    const created = await api('POST', '/api/v1/identity-providers', token, {
      name: 'Shire Google',
      issuer: idp.issuer,
      clientId: CASCADE_CLIENT.id,
      clientSecret: 'a-secret-only-written',
      domains: [{ domain: 'shire-school.sch.uk', agencyId: otherAgency }],
    })
    expect(created.statusCode).toBe(201)
    const body = created.json()
    expect(body).toMatchObject({
      name: 'Shire Google',
      passwordsOff: false,
      domains: [{ domain: 'shire-school.sch.uk', trusted: false }],
    })
    expect(created.body).not.toContain('a-secret-only-written')
    expect(body).not.toHaveProperty('clientSecret')

    const listed = await api('GET', '/api/v1/identity-providers', token)
    expect(listed.statusCode).toBe(200)
    expect(listed.json().items.map((p: { name: string }) => p.name)).toEqual([
      'Shire Entra ID',
      'Shire Google',
    ])
    expect(listed.body).not.toContain('a-secret-only-written')
    expect(listed.body).not.toContain(CASCADE_CLIENT.secret)

    const changed = await api('PATCH', `/api/v1/identity-providers/${body.id}`, token, {
      name: 'Shire Workspace',
      clientSecret: 'a-new-secret',
    })
    expect(changed.statusCode).toBe(200)
    expect(changed.json()).toMatchObject({
      name: 'Shire Workspace',
      domains: [{ domain: 'shire-school.sch.uk' }],
    })
    expect(changed.body).not.toContain('a-new-secret')

    const wrong = await api('PATCH', `/api/v1/identity-providers/${body.id}`, token, {
      domains: [{ domain: 'shire.gov.uk', agencyId: otherAgency }],
    })
    expect(wrong.statusCode).toBe(400)
    expect(wrong.json().errors[0].message).toContain('already mapped')

    expect((await api('DELETE', `/api/v1/identity-providers/${body.id}`, token)).statusCode).toBe(204)
    expect((await api('DELETE', `/api/v1/identity-providers/${body.id}`, token)).statusCode).toBe(404)
    const actions = await t.db.tenant({ partnershipId: norfolkId, userId: null }, (sql) =>
      sql.query<{ action: string }>(
        `SELECT DISTINCT action FROM audit_events WHERE entity_type = 'identity_providers' AND entity_id = $1`,
        [body.id],
      ),
    )
    expect(actions.map((a) => a.action).sort()).toEqual([
      'identity-provider.add',
      'identity-provider.change',
      'identity-provider.remove',
    ])
  })

  it('refuses anyone but an admin, and is in the OpenAPI document with a write-only secret', async () => {
    const token = await w.token('executive@norfolk.example.org')
    expect((await api('GET', '/api/v1/identity-providers', token)).statusCode).toBe(403)
    const doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json()
    expect(Object.keys(doc.paths['/api/v1/identity-providers'])).toEqual(['get', 'post'])
    expect(Object.keys(doc.paths['/api/v1/identity-providers/{id}']).sort()).toEqual(['delete', 'patch'])
    const answer = JSON.stringify(doc.paths['/api/v1/identity-providers'].get.responses)
    expect(answer).not.toContain('clientSecret')
    expect(JSON.stringify(doc.paths['/api/v1/identity-providers'].post.requestBody)).toContain('clientSecret')
  })
})

describe('signing in with an organisation’s account', () => {
  it('offers it on the sign-in page', async () => {
    const $ = page((await t.browser().get('/sign-in')).body)
    expect($('h2:contains("Sign in with your organisation’s account")').length).toBe(1)
    expect($('form[action="/sign-in/organisation"] #organisationEmail').length).toBe(1)
  })

  it('makes a practitioner of a trusted domain at once, who can then book a place', async () => {
    const { browser, response } = await signOnAs('priya.shah@shire.gov.uk')
    expect(response.statusCode).toBe(303)
    expect(response.headers.location).toBe('/dashboard')
    expect(await rolesOf('priya.shah@shire.gov.uk')).toEqual(['practitioner'])
    const person = await personOf('priya.shah@shire.gov.uk')
    const user = await userByEmail('priya.shah@shire.gov.uk')
    expect(person).toMatchObject({
      status: 'active',
      agency_id: trustedAgency,
      user_id: user?.id,
      first_name: 'Priya',
    })
    expect(user?.password_hash).toBeNull()

    const session = await w.session(await w.course('Signing in with work accounts'), '2027-03-08T09:30:00Z')
    const form = page((await browser.get(`/sessions/${session}/apply`)).body)
    expect(form('main').text()).toContain('Applying for: Priya Shah')
    const applied = await browser.post(`/sessions/${session}/apply`, {
      forWhom: 'self',
      managerEmail: 'manager@shire.gov.uk',
      acceptsOtherDates: 'yes',
    })
    expect(applied.statusCode).toBe(303)
    expect(applied.headers.location).toMatch(/^\/bookings\/[0-9a-f-]+\?done=applied$/)
    const status = await t.db.tenant(w.scope, (sql) =>
      sql.one<{ status: string }>('SELECT status FROM applications WHERE person_id = $1', [person?.id]),
    )
    expect(status.status).toBeTruthy()
  })

  it('makes a registrant of a domain that is not trusted, for the agency’s lead to confirm', async () => {
    const { response } = await signOnAs('sam.jones@shire-academy.org.uk')
    expect(response.statusCode).toBe(303)
    expect(await rolesOf('sam.jones@shire-academy.org.uk')).toEqual(['registrant'])
    expect(await personOf('sam.jones@shire-academy.org.uk')).toMatchObject({
      status: 'pending',
      agency_id: otherAgency,
    })
    const mail = await w.mailTo('sam.jones@shire-academy.org.uk')
    expect(mail.map((m: { subject: string }) => m.subject)).toContain(
      'Your registration with Norfolk Safeguarding Children Partnership',
    )
  })

  it('signs an existing account in, matched by its email, without making another', async () => {
    const before = await userByEmail('practitioner@norfolk.example.org')
    const { browser, response } = await signOnAs('practitioner@norfolk.example.org')
    expect(response.statusCode).toBe(303)
    expect(response.headers.location).toBe('/dashboard')
    expect((await userByEmail('practitioner@norfolk.example.org'))?.id).toBe(before?.id)
    expect(await rolesOf('practitioner@norfolk.example.org')).toEqual(['practitioner'])
    expect((await browser.get('/dashboard')).statusCode).toBe(200)
  })

  it('refuses a state used twice, with a page saying so', async () => {
    const browser = t.browser()
    const back = await throughProvider(browser, 'priya.shah@shire.gov.uk')
    const callback = () =>
      t.app.inject({
        method: 'GET',
        url: `${back.pathname}${back.search}`,
        headers: { cookie: browser.cookieHeader },
      })
    const [first, second] = [await callback(), await callback()]
    expect(first.statusCode).toBe(303)
    expect(second.statusCode).toBe(400)
    expect(page(second.body)('h1').text()).toBe('That sign-in has already been used or has expired')
  })

  it('refuses a callback in a browser that did not start the sign-in', async () => {
    const back = await throughProvider(t.browser(), 'priya.shah@shire.gov.uk')
    const elsewhere = await t.browser().get(`${back.pathname}${back.search}`)
    expect(elsewhere.statusCode).toBe(400)
    expect(page(elsewhere.body)('h1').text()).toBe('That sign-in has already been used or has expired')
  })

  it('refuses an ID token made for another client', async () => {
    const browser = t.browser()
    const back = await throughProvider(browser, 'priya.shah@shire.gov.uk')
    tamper = (response) => idp.reissued(response, (claims) => ({ ...claims, aud: 'another-service' }))
    const refused = await browser.get(`${back.pathname}${back.search}`)
    expect(refused.statusCode).toBe(400)
    const $ = page(refused.body)
    expect($('h1').text()).toBe('Your organisation’s sign-in could not be accepted')
    expect($('main').text()).toContain('made for another service')
    expect(refused.cookies.find((c) => c.name === 'cascade_session')).toBeUndefined()
  })

  it('refuses an ID token that has expired', async () => {
    const browser = t.browser()
    const back = await throughProvider(browser, 'priya.shah@shire.gov.uk')
    const now = Math.floor(t.clock.now().getTime() / 1000)
    tamper = (response) =>
      idp.reissued(response, (claims) => ({ ...claims, iat: now - 7200, exp: now - 3600 }))
    const refused = await browser.get(`${back.pathname}${back.search}`)
    expect(refused.statusCode).toBe(400)
    expect(page(refused.body)('main').text()).toContain('had expired')
  })

  it('refuses a domain that is not mapped, with a page saying so', async () => {
    const refused = await t
      .browser()
      .submit(
        '/sign-in/organisation',
        { organisationEmail: 'alex@elsewhere.example.com' },
        { from: '/sign-in' },
      )
    expect(refused.statusCode).toBe(400)
    const $ = page(refused.body)
    expect($('h1').text()).toBe('Your organisation’s account cannot be used to sign in')
    expect($('main').text()).toContain('@elsewhere.example.com')
  })

  it('refuses an address the provider vouches for outside the domains mapped to it', async () => {
    const browser = t.browser()
    // The person starts with a mapped address and signs in at the provider as another.
    const back = await throughProvider(browser, 'priya.shah@shire.gov.uk', 'mallory@elsewhere.example.com')
    const refused = await browser.get(`${back.pathname}${back.search}`)
    expect(refused.statusCode).toBe(400)
    expect(page(refused.body)('h1').text()).toBe('Your organisation’s account cannot be used to sign in')
    expect(await userByEmail('mallory@elsewhere.example.com')).toBeUndefined()
  })

  it('lets the person choose when several partnerships map their domain', async () => {
    const jersey = systemContext(await t.partnership('jersey'), 'test')
    const island = await t.services.signOn.create(systemContext(await t.partnership('jersey'), 'test'), {
      name: 'Island Entra ID',
      issuer: idp.issuer,
      clientId: CASCADE_CLIENT.id,
      clientSecret: CASCADE_CLIENT.secret,
      passwordsOff: false,
      domains: [
        {
          domain: 'shire.gov.uk',
          agencyId: (
            await t.db.tenant({ partnershipId: jerseyId, userId: null }, (sql) =>
              sql.one<{ id: string }>('SELECT id FROM agencies ORDER BY name LIMIT 1'),
            )
          ).id,
          trusted: true,
        },
      ],
    })
    const browser = t.browser()
    const choose = await browser.submit(
      '/sign-in/organisation',
      { organisationEmail: 'priya.shah@shire.gov.uk' },
      { from: '/sign-in' },
    )
    expect(choose.statusCode).toBe(200)
    const $ = page(choose.body)
    expect($('h1').text().trim()).toBe('Which partnership do you want to sign in to?')
    expect($('input[name="providerId"]').length).toBe(2)
    const unchosen = await browser.post('/sign-in/organisation/choose', {
      organisationEmail: 'priya.shah@shire.gov.uk',
    })
    expect(unchosen.statusCode).toBe(400)
    expect(page(unchosen.body)('.govuk-error-summary').text()).toContain('Select the partnership')
    const chosen = await browser.post('/sign-in/organisation/choose', {
      organisationEmail: 'priya.shah@shire.gov.uk',
      providerId,
    })
    expect(chosen.statusCode).toBe(200)
    expect(String(page(chosen.body)('#continue').attr('href')).startsWith(`${idp.issuer}/`)).toBe(true)
    await t.services.signOn.remove(jersey, island.id)
  })

  it('shows a clear page when the provider cannot be reached, and passwords still work', async () => {
    const ctx = systemContext(w.partnership, 'test')
    const down = await t.services.signOn.create(ctx, {
      name: 'Down Entra ID',
      issuer: idp.issuer,
      clientId: CASCADE_CLIENT.id,
      clientSecret: CASCADE_CLIENT.secret,
      passwordsOff: false,
      domains: [{ domain: 'down.example.org', agencyId: otherAgency, trusted: false }],
    })
    // The provider has moved since it was saved.
    await t.db.tenant({ partnershipId: norfolkId, userId: null }, (sql) =>
      sql.query("UPDATE identity_providers SET issuer = 'http://127.0.0.1:9' WHERE id = $1", [down.id]),
    )
    const refused = await t
      .browser()
      .submit('/sign-in/organisation', { organisationEmail: 'kim@down.example.org' }, { from: '/sign-in' })
    expect(refused.statusCode).toBe(502)
    expect(page(refused.body)('h1').text()).toBe('Your organisation’s sign-in is not available')
    expect(page(refused.body)('main a[href="/sign-in"]').text()).toContain('sign in with your password')
    await t.signIn('admin@norfolk.example.org')
  })

  it('refuses passwords and emailed links for a domain with passwords turned off, whether or not it has an account', async () => {
    const admin = await t.signIn('admin@norfolk.example.org')
    await admin.get(`/identity-providers/${providerId}`)
    const changed = await admin.post(`/identity-providers/${providerId}`, {
      ...fieldsFor({ clientSecret: '' }),
      passwordsOff: 'yes',
      'domain-2': '',
    })
    expect(changed.statusCode).toBe(303)
    const practitioner = await personOf('priya.shah@shire.gov.uk')
    expect(practitioner).toBeTruthy()
    // A link emailed before passwords were turned off no longer signs in either.
    await t.services.accounts.requestSignInLink('priya.shah@shire.gov.uk')
    const sent = (await w.mailTo('priya.shah@shire.gov.uk')).find(
      (m: { subject: string }) => m.subject === 'Your sign-in link for Cascade',
    )
    const path = new URL(sent?.text_body.match(/https?:\/\/\S+\/sign-in\/link\/\S+/)?.[0] ?? 'http://x/none')
      .pathname
    const used = await t.browser().submit(path, {}, { from: path })
    expect(used.statusCode).toBe(400)
    expect(page(used.body)('.govuk-error-summary').text()).toContain(
      'Your organisation signs you in to Cascade',
    )
    expect(used.headers['set-cookie'] ?? '').not.toMatch(/cascade_session=[^;]/)
    for (const email of ['priya.shah@shire.gov.uk', 'nobody@shire.gov.uk']) {
      const browser = t.browser()
      const password = await browser.submit('/sign-in', { email, password: 'anything-at-all' })
      expect(password.statusCode).toBe(400)
      expect(page(password.body)('.govuk-error-summary').text()).toContain(
        'Your organisation signs you in to Cascade',
      )
      expect(page(password.body)('#organisationEmail').val()).toBe(email)
      const link = await browser.submit('/sign-in/link', { email })
      expect(link.statusCode).toBe(400)
      expect(page(link.body)('.govuk-error-summary').text()).toContain(
        'Your organisation signs you in to Cascade',
      )
    }
    await t.services.accounts.linksWritten()
    expect(await w.mailTo('nobody@shire.gov.uk')).toEqual([])
    // Other addresses still sign in with a password; the organisation's people through it.
    await t.signIn('admin@norfolk.example.org')
    expect((await signOnAs('priya.shah@shire.gov.uk')).response.statusCode).toBe(303)
  })
})
