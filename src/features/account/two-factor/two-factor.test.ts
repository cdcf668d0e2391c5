import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { hashPassword } from '#platform/auth/passwords.ts'
import type { Role } from '#platform/auth/roles.ts'
import { codeAt, STEP_SECONDS } from '#platform/auth/second-factor.ts'
import { ensureUser, grantRole } from '#platform/auth/users.ts'
import { systemContext } from '#platform/context.ts'
import { DEMO_PASSWORD } from '#src/demo/partnerships.ts'
import type { Browser, TestApp } from '#test/support/app.ts'
import { page, TEST_NOW, testApp } from '#test/support/app.ts'
import { createSecondFactorService, MAX_CODES_PER_MINUTE } from './service.ts'

let t: TestApp
let passwordHash: string
beforeAll(async () => {
  t = await testApp()
  passwordHash = await hashPassword(DEMO_PASSWORD)
})
beforeEach(() => t.clock.set(TEST_NOW))
afterAll(() => t?.close())

let made = 0
/** A new account (not a demo one) with a role in Norfolk and a directory record there. */
async function newMember(role: Role): Promise<{ email: string; userId: string; personId: string }> {
  made++
  const email = `member-${made}-${role}@two-factor.example.org`
  const norfolk = await t.partnership('norfolk')
  const agency = await t.db.tenant({ partnershipId: norfolk.id, userId: null }, (sql) =>
    sql.one<{ id: string }>('SELECT id FROM agencies ORDER BY name LIMIT 1'),
  )
  const person = await t.services.directory.addPerson(systemContext(norfolk, 'test'), {
    firstName: 'Morgan',
    lastName: `Member${made}`,
    email,
    agencyId: agency.id,
    status: 'active',
  })
  const user = await ensureUser(t.db, { email, displayName: `Morgan Member${made}`, passwordHash })
  await grantRole(t.db, {
    partnershipId: norfolk.id,
    userId: user.id,
    role,
    agencyIds: role === 'agency-lead' ? [agency.id] : [],
    actor: 'test',
  })
  return { email, userId: user.id, personId: person.id }
}

async function passwordSignIn(email: string) {
  const browser = t.browser()
  const response = await browser.submit('/sign-in', { email, password: DEMO_PASSWORD })
  return { browser, response }
}

/** The key shown on the set-up page, without its spaces. */
function keyOn(html: string): string {
  return page(html)('#key').text().replace(/\s+/g, '')
}

/** Sets up a second factor through the sign-in pages; answers with the key and recovery codes. */
async function enrolThroughSignIn(email: string) {
  const { browser, response } = await passwordSignIn(email)
  expect(response.headers.location).toBe('/sign-in/second-factor/set-up')
  const setUp = await browser.get('/sign-in/second-factor/set-up')
  const key = keyOn(setUp.body)
  const confirmed = await browser.post('/sign-in/second-factor/set-up', {
    code: await codeAt(key, t.clock.now()),
  })
  expect(confirmed.statusCode).toBe(200)
  const recoveryCodes = page(confirmed.body)('li code')
    .map((_, el) => page(confirmed.body)(el).text())
    .get()
  const done = await browser.post('/sign-in/second-factor/continue', {})
  expect(done.statusCode).toBe(303)
  expect(done.headers.location).toBe('/dashboard')
  return { browser, key, recoveryCodes }
}

/** A code that is wrong for the key now: not the code of this step or of one either side. */
async function wrongCode(key: string, avoid = 0): Promise<string> {
  const at = t.clock.now().getTime()
  const right = await Promise.all([-1, 0, 1].map((s) => codeAt(key, new Date(at + s * STEP_SECONDS * 1000))))
  for (let n = 100000 + avoid; ; n++) if (!right.includes(String(n))) return String(n)
}

const signedIn = async (browser: Browser) => (await browser.get('/dashboard')).statusCode === 200

async function outboxTo(email: string) {
  return t.db.platform((sql) =>
    sql.query<{ subject: string; text_body: string }>(
      'SELECT subject, text_body FROM outbox WHERE to_address = $1 ORDER BY created_at',
      [email],
    ),
  )
}

describe('two-factor sign-in', () => {
  it('makes a new admin set one up before any session, with a QR code and the key as text', async () => {
    const admin = await newMember('admin')
    const { browser, response } = await passwordSignIn(admin.email)
    expect(response.statusCode).toBe(303)
    expect(response.headers.location).toBe('/sign-in/second-factor/set-up')
    expect(response.cookies.find((c) => c.name === 'cascade_session' && c.value)).toBeUndefined()
    // Half signed in: nothing but the set-up pages.
    expect(await signedIn(browser)).toBe(false)
    expect((await browser.get('/account')).statusCode).not.toBe(200)
    expect(await t.services.secondFactors.needsSecondFactor(admin.userId)).toBe('enrol')

    const setUp = await browser.get('/sign-in/second-factor/set-up')
    expect(setUp.statusCode).toBe(200)
    const $ = page(setUp.body)
    expect($('img[src^="data:image/svg+xml;base64,"]').attr('alt')).toMatch(/QR code/)
    const key = keyOn(setUp.body)
    expect(key).toMatch(/^[A-Z2-7]{32}$/)
    expect($('#key').text()).toMatch(/^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$/)
    // The key is kept encrypted.
    const stored = await t.db.platform((sql) =>
      sql.one<{ secret_encrypted: string }>(
        'SELECT secret_encrypted FROM second_factors WHERE user_id = $1',
        [admin.userId],
      ),
    )
    expect(stored.secret_encrypted).not.toContain(key)
    // Reloading shows the same key, so a scan already made still works.
    expect(keyOn((await browser.get('/sign-in/second-factor/set-up')).body)).toBe(key)

    const wrong = await browser.post('/sign-in/second-factor/set-up', { code: await wrongCode(key) })
    expect(wrong.statusCode).toBe(400)
    expect(page(wrong.body)('.govuk-error-summary').text()).toMatch(/not right/)
    expect(await signedIn(browser)).toBe(false)
    // Continuing before a code is right goes back to set-up.
    expect((await browser.post('/sign-in/second-factor/continue', {})).headers.location).toBe(
      '/sign-in/second-factor/set-up',
    )

    const right = await browser.post('/sign-in/second-factor/set-up', {
      code: await codeAt(key, t.clock.now()),
    })
    expect(right.statusCode).toBe(200)
    const codes = page(right.body)('li code')
      .map((_, el) => page(right.body)(el).text())
      .get()
    expect(codes).toHaveLength(10)
    expect(new Set(codes).size).toBe(10)
    expect(page(right.body)('button').text()).toMatch(/I have saved my recovery codes/)
    const hashes = await t.db.platform((sql) =>
      sql.query<{ code_hash: string }>(
        'SELECT code_hash FROM second_factor_recovery_codes WHERE user_id = $1',
        [admin.userId],
      ),
    )
    expect(hashes).toHaveLength(10)
    expect(hashes.map((h) => h.code_hash)).not.toContain(codes[0])

    const done = await browser.post('/sign-in/second-factor/continue', {})
    expect(done.headers.location).toBe('/dashboard')
    expect(await signedIn(browser)).toBe(true)
    expect(await t.services.secondFactors.needsSecondFactor(admin.userId)).toBe('verify')
  })

  it('asks for a code at each sign-in after, refusing a wrong one and one used already in its window', async () => {
    const admin = await newMember('admin')
    const { key } = await enrolThroughSignIn(admin.email)
    t.clock.advance(5 * 60_000)

    const { browser, response } = await passwordSignIn(admin.email)
    expect(response.headers.location).toBe('/sign-in/second-factor')
    expect(await signedIn(browser)).toBe(false)
    const wrong = await browser.submit('/sign-in/second-factor', { code: await wrongCode(key) })
    expect(wrong.statusCode).toBe(400)
    expect(await signedIn(browser)).toBe(false)
    const code = await codeAt(key, t.clock.now())
    const right = await browser.post('/sign-in/second-factor', { code })
    expect(right.statusCode).toBe(303)
    expect(right.headers.location).toBe('/dashboard')
    expect(await signedIn(browser)).toBe(true)

    // The same code, in the same window, is refused.
    const again = await passwordSignIn(admin.email)
    const reused = await again.browser.submit('/sign-in/second-factor', { code })
    expect(reused.statusCode).toBe(400)
    expect(await signedIn(again.browser)).toBe(false)
  })

  it('accepts a code from the previous window once, and never again', async () => {
    const admin = await newMember('executive')
    const { key } = await enrolThroughSignIn(admin.email)
    t.clock.advance(10 * 60_000)
    const previous = await codeAt(key, new Date(t.clock.now().getTime() - STEP_SECONDS * 1000))
    const first = await passwordSignIn(admin.email)
    const accepted = await first.browser.submit('/sign-in/second-factor', { code: previous })
    expect(accepted.statusCode).toBe(303)
    const second = await passwordSignIn(admin.email)
    const reused = await second.browser.submit('/sign-in/second-factor', { code: previous })
    expect(reused.statusCode).toBe(400)
    // Two steps back is outside the window altogether.
    t.clock.advance(2 * 60_000)
    const stale = await codeAt(key, new Date(t.clock.now().getTime() - 2 * STEP_SECONDS * 1000))
    expect((await second.browser.post('/sign-in/second-factor', { code: stale })).statusCode).toBe(400)
    expect(
      (await second.browser.post('/sign-in/second-factor', { code: await codeAt(key, t.clock.now()) }))
        .statusCode,
    ).toBe(303)
  })

  it('lets each recovery code sign in once', async () => {
    const lead = await newMember('agency-lead')
    const { recoveryCodes } = await enrolThroughSignIn(lead.email)
    const code = recoveryCodes[3] ?? ''
    const first = await passwordSignIn(lead.email)
    const used = await first.browser.submit('/sign-in/second-factor/recovery', { code: code.toUpperCase() })
    expect(used.statusCode).toBe(303)
    expect(await signedIn(first.browser)).toBe(true)
    expect(await t.services.secondFactors.recoveryCodesLeft(lead.userId)).toBe(9)
    const second = await passwordSignIn(lead.email)
    const again = await second.browser.submit('/sign-in/second-factor/recovery', { code })
    expect(again.statusCode).toBe(400)
    expect(page(again.body)('.govuk-error-summary').text()).toMatch(/recovery code is not right, or was used/)
    expect(await signedIn(second.browser)).toBe(false)
  })

  it('locks second-factor sign-in after 20 wrong codes in a minute, and emails the user', async () => {
    const admin = await newMember('subgroup')
    const { key } = await enrolThroughSignIn(admin.email)
    t.clock.advance(5 * 60_000)
    const { browser } = await passwordSignIn(admin.email)
    await browser.get('/sign-in/second-factor')
    const wrongCodes = await Promise.all(
      Array.from({ length: MAX_CODES_PER_MINUTE }, (_, i) => wrongCode(key, i * 10)),
    )
    // Sent at once: each counts, and only the twentieth locks.
    const answers = await Promise.all(
      wrongCodes.map((code) => t.services.secondFactors.verifyCode(admin.userId, code)),
    )
    expect(answers.filter((a) => !a.ok && a.reason === 'locked')).toHaveLength(1)
    const mail = await outboxTo(admin.email)
    expect(mail.filter((m) => /paused/.test(m.subject))).toHaveLength(1)
    // Even the right code is refused while locked.
    const locked = await browser.post('/sign-in/second-factor', { code: await codeAt(key, t.clock.now()) })
    expect(locked.statusCode).toBe(429)
    expect(page(locked.body)('.govuk-error-summary').text()).toMatch(/paused for 15 minutes/)
    expect(await signedIn(browser)).toBe(false)
    // After the pause, the right code works.
    t.clock.advance(16 * 60_000)
    const later = await passwordSignIn(admin.email)
    const accepted = await later.browser.submit('/sign-in/second-factor', {
      code: await codeAt(key, t.clock.now()),
    })
    expect(accepted.statusCode).toBe(303)
  })

  it('lets an admin reset a member’s second factor with a reason: audited, emailed, signed out', async () => {
    const member = await newMember('admin')
    const { browser: memberBrowser } = await enrolThroughSignIn(member.email)
    const admin = await t.signIn('admin@norfolk.example.org')
    const person = page((await admin.get(`/people/${member.personId}`)).body)
    expect(person(`a[href="/people/${member.personId}/second-factor/reset"]`)).toHaveLength(1)
    const form = await admin.get(`/people/${member.personId}/second-factor/reset`)
    expect(form.statusCode).toBe(200)

    const noReason = await admin.post(`/people/${member.personId}/second-factor/reset`, { reason: '  ' })
    expect(noReason.statusCode).toBe(400)
    expect(page(noReason.body)('.govuk-error-summary').text()).toMatch(/Enter why/)
    expect(await t.services.secondFactors.enrolled(member.userId)).toBe(true)

    const reset = await admin.post(`/people/${member.personId}/second-factor/reset`, {
      reason: 'Lost their phone; checked by a call to their manager',
    })
    expect(reset.statusCode).toBe(200)
    expect(await t.services.secondFactors.enrolled(member.userId)).toBe(false)
    expect(await signedIn(memberBrowser)).toBe(false)
    const mail = await outboxTo(member.email)
    expect(mail.some((m) => /second factor was reset/.test(m.subject))).toBe(true)
    const norfolk = await t.partnership('norfolk')
    const audit = await t.db.tenant({ partnershipId: norfolk.id, userId: null }, (sql) =>
      sql.query<{ action: string; after: { reason: string; user_id: string } }>(
        "SELECT action, after FROM audit_events WHERE entity_type = 'second_factor_resets' ORDER BY id",
      ),
    )
    expect(audit.at(-1)).toMatchObject({
      action: 'second-factor.reset',
      after: { reason: 'Lost their phone; checked by a call to their manager', user_id: member.userId },
    })
    // Their role needs one, so they set up a new one at their next sign-in.
    expect((await passwordSignIn(member.email)).response.headers.location).toBe(
      '/sign-in/second-factor/set-up',
    )
  })

  it('lets only admins reset, never their own, and never another partnership’s member', async () => {
    const member = await newMember('trainer')
    const lead = await t.signIn('agency-lead@norfolk.example.org')
    expect((await lead.get(`/people/${member.personId}/second-factor/reset`)).statusCode).toBe(403)
    const jersey = await t.signIn('admin@jersey.example.org')
    expect((await jersey.get(`/people/${member.personId}/second-factor/reset`)).statusCode).toBe(404)
    const self = await newMember('admin')
    const norfolk = await t.partnership('norfolk')
    await expect(
      t.services.secondFactors.reset(
        { partnership: norfolk, actor: { userId: self.userId, roles: ['admin'], agencyIds: [] } },
        self.personId,
        'testing',
      ),
    ).rejects.toThrow(/Another admin/)
  })

  it('is a choice for other roles, made from the account, and asked for once chosen', async () => {
    const trainer = await newMember('trainer')
    const { browser, response } = await passwordSignIn(trainer.email)
    expect(response.headers.location).toBe('/dashboard')
    expect(await t.services.secondFactors.needsSecondFactor(trainer.userId)).toBeNull()
    const account = page((await browser.get('/account')).body)
    expect(account('a[href="/account/second-factor"]')).toHaveLength(1)
    expect(page((await browser.get('/account/second-factor')).body)('h1').text()).toBe('Two-factor sign-in')
    const setUp = await browser.get('/account/second-factor/set-up')
    const key = keyOn(setUp.body)
    const confirmed = await browser.post('/account/second-factor/set-up', {
      code: await codeAt(key, t.clock.now()),
    })
    expect(confirmed.statusCode).toBe(200)
    expect(page(confirmed.body)('li code')).toHaveLength(10)
    expect(page((await browser.get('/account/second-factor')).body)('main').text()).toMatch(
      /10 unused recovery codes/,
    )
    t.clock.advance(60_000)
    expect((await passwordSignIn(trainer.email)).response.headers.location).toBe('/sign-in/second-factor')
  })

  it('does not make demo accounts set one up, but asks once a demo account has chosen it', async () => {
    const demo = 'subgroup@shropshire.example.org'
    const { browser, response } = await passwordSignIn(demo)
    expect(response.headers.location).toBe('/dashboard')
    const key = keyOn((await browser.get('/account/second-factor/set-up')).body)
    await browser.post('/account/second-factor/set-up', { code: await codeAt(key, t.clock.now()) })
    t.clock.advance(60_000)
    expect((await passwordSignIn(demo)).response.headers.location).toBe('/sign-in/second-factor')
  })

  it('ignores the demo mark in production, where every admin must use one', async () => {
    const demoAdmin = await t.db.anonymous({}, (sql) =>
      sql.one<{ id: string }>(`SELECT id FROM users WHERE email = 'admin@jersey.example.org'`),
    )
    expect(await t.services.secondFactors.needsSecondFactor(demoAdmin.id)).toBeNull()
    const production = createSecondFactorService({
      db: t.db,
      clock: t.clock,
      encryptionKey: t.services.config.dataEncryptionKey,
      production: true,
      mailQueued: () => {},
    })
    expect(await production.needsSecondFactor(demoAdmin.id)).toBe('enrol')
  })

  it('asks for the second factor after a sign-in link too', async () => {
    const admin = await newMember('admin')
    const browser = t.browser()
    await browser.submit('/sign-in/link', { email: admin.email })
    await t.services.accounts.linksWritten()
    const [mail] = await outboxTo(admin.email)
    const link = mail?.text_body.match(/\/sign-in\/link\/[A-Za-z0-9_-]+/)?.[0] ?? ''
    const used = await browser.submit(link, {})
    expect(used.headers.location).toBe('/sign-in/second-factor/set-up')
    expect(await signedIn(browser)).toBe(false)
  })

  it('sends a sign-in that waited too long back to the start', async () => {
    const admin = await newMember('admin')
    const { browser } = await passwordSignIn(admin.email)
    t.clock.advance(11 * 60_000)
    const late = await browser.get('/sign-in/second-factor/set-up')
    expect(late.statusCode).toBe(303)
    expect(late.headers.location).toBe('/sign-in')
    expect(await t.services.secondFactors.forgetExpiredChallenges()).toBeGreaterThan(0)
  })
})
