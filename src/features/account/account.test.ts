import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '#test/support/app.ts'
import { page, testApp } from '#test/support/app.ts'

let t: TestApp
beforeAll(async () => {
  t = await testApp()
})
afterAll(() => t?.close())

const genericFailure = /Enter a correct email address and password/

describe('signing in with a password', () => {
  it('signs in a user with one partnership straight to their home page', async () => {
    const browser = t.browser()
    const response = await browser.submit('/sign-in', {
      email: 'admin@norfolk.example.org',
      password: 'cascade-demo',
    })
    expect(response.statusCode).toBe(303)
    expect(response.headers.location).toBe('/dashboard')
    const home = await browser.get('/dashboard')
    expect(home.statusCode).toBe(200)
    expect(page(home.body)('h1').text()).toBe('Norfolk Safeguarding Children Partnership')
  })

  it('offers someone new a way to register with each partnership', async () => {
    const signIn = page((await t.browser().get('/sign-in?returnTo=/bookings')).body)
    const links = signIn('a[href$="/register"]')
      .map((_, a) => signIn(a).attr('href'))
      .get()
    expect(links).toContain('/p/norfolk/register')
    expect(links).toHaveLength(5)
  })

  it('treats the email address without regard to case', async () => {
    const response = await t
      .browser()
      .submit('/sign-in', { email: 'Admin@Norfolk.Example.org', password: 'cascade-demo' })
    expect(response.statusCode).toBe(303)
  })

  it('gives the same answer for an unknown email as for a wrong password', async () => {
    const unknown = await t
      .browser()
      .submit('/sign-in', { email: 'nobody@norfolk.example.org', password: 'cascade-demo' })
    const wrong = await t
      .browser()
      .submit('/sign-in', { email: 'trainer@norfolk.example.org', password: 'wrong password' })
    expect(unknown.statusCode).toBe(400)
    expect(wrong.statusCode).toBe(400)
    expect(page(unknown.body)('.govuk-error-summary').text()).toMatch(genericFailure)
    expect(page(unknown.body)('.govuk-error-summary').text()).toBe(
      page(wrong.body)('.govuk-error-summary').text(),
    )
  })

  it('says what is missing, keeps the email typed, and links each error to its field', async () => {
    const response = await t.browser().submit('/sign-in', { email: 'not-an-email', password: '' })
    const $ = page(response.body)
    expect(response.statusCode).toBe(400)
    expect($('.govuk-error-summary a[href="#email"]').text()).toMatch(/correct format/)
    expect($('.govuk-error-summary a[href="#password"]').text()).toBe('Enter your password')
    expect($('#email').val()).toBe('not-an-email')
    expect($('title').text()).toMatch(/^Error: /)
  })

  it('pauses an account after five wrong passwords, without saying so, even for the right password', async () => {
    const email = 'subgroup@jersey.example.org'
    for (let attempt = 0; attempt < 5; attempt++) {
      await t.browser().submit('/sign-in', { email, password: `wrong ${attempt}` })
    }
    const locked = await t.browser().submit('/sign-in', { email, password: 'cascade-demo' })
    expect(locked.statusCode).toBe(400)
    expect(page(locked.body)('.govuk-error-summary').text()).toMatch(genericFailure)
    t.clock.advance(16 * 60_000)
    const later = await t.browser().submit('/sign-in', { email, password: 'cascade-demo' })
    expect(later.statusCode).toBe(303)
  })

  it('pauses an account however many wrong passwords arrive at once, then refuses the right one', async () => {
    const email = 'executive@north-somerset.example.org'
    const guesses = await Promise.all(
      Array.from({ length: 30 }, (_, attempt) =>
        t.browser().submit('/sign-in', { email, password: `wrong ${attempt}` }),
      ),
    )
    expect(guesses.map((response) => response.statusCode)).toEqual(guesses.map(() => 400))
    const user = await t.db.platform((sql) =>
      sql.one<{ locked_until: Date | null }>('SELECT locked_until FROM users WHERE email = $1', [email]),
    )
    expect(user.locked_until).toBeInstanceOf(Date)
    expect(user.locked_until?.getTime()).toBeGreaterThan(t.clock.now().getTime())
    const right = await t.browser().submit('/sign-in', { email, password: 'cascade-demo' })
    expect(right.statusCode).toBe(400)
    expect(page(right.body)('.govuk-error-summary').text()).toMatch(genericFailure)
  })

  it('refuses a sign-in form posted without its CSRF token', async () => {
    const browser = t.browser()
    await browser.get('/sign-in')
    const response = await browser.post(
      '/sign-in',
      { email: 'admin@norfolk.example.org', password: 'cascade-demo' },
      { csrf: 'forged' },
    )
    expect(response.statusCode).toBe(403)
  })

  it('returns to the page asked for, but never to another site', async () => {
    const browser = t.browser()
    await browser.get('/sign-in?returnTo=/policy')
    const back = await browser.post('/sign-in', {
      email: 'admin@norfolk.example.org',
      password: 'cascade-demo',
      returnTo: '/policy',
    })
    expect(back.headers.location).toBe('/policy')
    const elsewhere = await t.browser().submit('/sign-in', {
      email: 'admin@norfolk.example.org',
      password: 'cascade-demo',
      returnTo: '//evil.example.com/',
    })
    expect(elsewhere.headers.location).toBe('/dashboard')
  })
})

describe('sessions', () => {
  it('gives a new session id at sign-in and ends the old one', async () => {
    const browser = await t.signIn('trainer@norfolk.example.org')
    const before = browser.cookieHeader
    await browser.submit(
      '/sign-in',
      { email: 'trainer@norfolk.example.org', password: 'cascade-demo' },
      { from: '/account' },
    )
    expect(browser.cookieHeader).not.toBe(before)
    const old = await t.app.inject({ method: 'GET', url: '/dashboard', headers: { cookie: before } })
    expect(old.statusCode).toBe(303)
  })

  it('ends a session left idle longer than the idle limit', async () => {
    const browser = await t.signIn('executive@jersey.example.org')
    expect((await browser.get('/dashboard')).statusCode).toBe(200)
    t.clock.advance(31 * 60_000)
    expect((await browser.get('/dashboard')).statusCode).toBe(303)
  })

  it('keeps a session in use alive past the idle limit', async () => {
    const browser = await t.signIn('trainer@jersey.example.org')
    for (let step = 0; step < 4; step++) {
      t.clock.advance(20 * 60_000)
      expect((await browser.get('/dashboard')).statusCode).toBe(200)
    }
  })

  it('signs out, and the old cookie no longer works', async () => {
    const browser = await t.signIn('practitioner@jersey.example.org')
    const cookie = browser.cookieHeader
    await browser.get('/dashboard')
    const out = await browser.post('/sign-out', {})
    expect(out.statusCode).toBe(200)
    const again = await t.app.inject({ method: 'GET', url: '/dashboard', headers: { cookie } })
    expect(again.statusCode).toBe(303)
  })

  it('revokes every other session of the user', async () => {
    const phone = await t.signIn('agency-lead@jersey.example.org')
    const desk = await t.signIn('agency-lead@jersey.example.org')
    await desk.get('/account')
    await desk.post('/account/sessions', {})
    expect((await desk.get('/dashboard')).statusCode).toBe(200)
    expect((await phone.get('/dashboard')).statusCode).toBe(303)
  })
})

describe('signing in with a link', () => {
  it('emails a one-time link that signs in once, and says the same for an unknown address', async () => {
    const sent = await t.browser().submit('/sign-in/link', { email: 'trainer@shropshire.example.org' })
    const unknown = await t.browser().submit('/sign-in/link', { email: 'nobody@shropshire.example.org' })
    await t.services.accounts.linksWritten()
    expect(page(sent.body)('h1').text()).toBe('Check your email')
    expect(page(unknown.body)('p').first().text()).toMatch(
      /If nobody@shropshire.example.org belongs to an account/,
    )

    const mail = await t.db.platform((sql) =>
      sql.query<{ to_address: string; text_body: string }>(
        `SELECT to_address, text_body FROM outbox WHERE to_address LIKE '%shropshire%'`,
      ),
    )
    expect(mail.map((m) => m.to_address)).toEqual(['trainer@shropshire.example.org'])
    const link = mail[0]?.text_body.match(/\/sign-in\/link\/([A-Za-z0-9_-]+)/)?.[1]
    expect(link).toBeTruthy()

    const browser = t.browser()
    const confirm = await browser.get(`/sign-in/link/${link}`)
    expect(confirm.statusCode).toBe(200)
    const used = await browser.post(`/sign-in/link/${link}`, {})
    expect(used.headers.location).toBe('/dashboard')
    const again = await t.browser().submit(`/sign-in/link/${link}`, {})
    expect(again.statusCode).toBe(400)
  })

  it('refuses a link after 15 minutes', async () => {
    await t.browser().submit('/sign-in/link', { email: 'admin@shropshire.example.org' })
    await t.services.accounts.linksWritten()
    const mail = await t.db.platform((sql) =>
      sql.one<{ text_body: string }>(
        `SELECT text_body FROM outbox WHERE to_address = 'admin@shropshire.example.org'`,
      ),
    )
    const link = mail.text_body.match(/\/sign-in\/link\/([A-Za-z0-9_-]+)/)?.[1]
    t.clock.advance(16 * 60_000)
    const response = await t.browser().submit(`/sign-in/link/${link}`, {})
    expect(response.statusCode).toBe(400)
    expect(page(response.body)('h1').text()).toBe('That sign-in link has expired')
  })
})

describe('asking for a sign-in link', () => {
  it('answers before the address is looked up, and writes the link after', async () => {
    const email = 'executive@shropshire.example.org'
    const outbox = () =>
      t.db.platform((sql) => sql.query('SELECT id FROM outbox WHERE to_address = $1', [email]))
    const accounts = t.services.accounts
    const original = accounts.requestSignInLink
    // The lookup waits until the test lets it go on, so the answer can come only if it does not wait for it.
    let asked!: () => void
    const wasAsked = new Promise<void>((resolve) => {
      asked = resolve
    })
    let goOn!: () => void
    const held = new Promise<void>((resolve) => {
      goOn = resolve
    })
    let writing: Promise<void> | undefined
    accounts.requestSignInLink = (address: string) => {
      writing = held.then(() => original(address))
      asked()
      return writing
    }
    try {
      const browser = t.browser()
      await browser.get('/sign-in/link')
      let answer: Awaited<ReturnType<typeof browser.post>> | undefined
      const posting = browser.post('/sign-in/link', { email }).then((response) => {
        answer = response
      })
      await wasAsked
      // A turn of the event loop, for an answer already sent to arrive.
      await new Promise(setImmediate)
      expect(answer?.statusCode).toBe(200)
      expect(page(answer?.body ?? '')('h1').text()).toBe('Check your email')
      expect(await outbox()).toEqual([])
      goOn()
      await posting
    } finally {
      goOn()
      accounts.requestSignInLink = original
    }
    await writing
    expect(await outbox()).toHaveLength(1)
  })
})

describe('sign-in rate limits', () => {
  let limited: TestApp
  beforeAll(async () => {
    limited = await testApp({ env: { SIGN_IN_ATTEMPTS_PER_MINUTE: '3' } })
  })
  afterAll(() => limited?.close())

  /** Tries an email once from each of four addresses, and gives back the statuses and the last page's text. */
  async function fromFourAddresses(url: string, fields: Record<string, string>, first: number) {
    const statuses: number[] = []
    let last = ''
    for (let n = 0; n < 4; n++) {
      const response = await limited.browser({ address: `198.51.100.${first + n}` }).submit(url, fields)
      statuses.push(response.statusCode)
      last = page(response.body)('main').text()
    }
    return { statuses, last }
  }

  it('answers 429 after too many attempts from one address in a minute', async () => {
    const statuses: number[] = []
    for (let attempt = 0; attempt < 4; attempt++) {
      const response = await limited
        .browser()
        .submit('/sign-in', { email: 'admin@norfolk.example.org', password: 'wrong' })
      statuses.push(response.statusCode)
    }
    expect(statuses).toEqual([400, 400, 400, 429])
  })

  it('answers 429 after too many attempts against one account from many addresses, the same for an unknown email', async () => {
    const known = await fromFourAddresses(
      '/sign-in',
      { email: 'trainer@jersey.example.org', password: 'wrong' },
      10,
    )
    const unknown = await fromFourAddresses(
      '/sign-in',
      { email: 'nobody@jersey.example.org', password: 'wrong' },
      20,
    )
    expect(known.statuses).toEqual([400, 400, 400, 429])
    expect(unknown).toEqual(known)
  })

  it('limits sign-in links asked for one account from many addresses, the same for an unknown email', async () => {
    const known = await fromFourAddresses('/sign-in/link', { email: 'admin@jersey.example.org' }, 30)
    const unknown = await fromFourAddresses('/sign-in/link', { email: 'nobody-else@jersey.example.org' }, 40)
    expect(known.statuses).toEqual([200, 200, 200, 429])
    expect(unknown.statuses).toEqual(known.statuses)
    expect(unknown.last).toBe(known.last)
  })

  it('lets an account be tried again the next minute', async () => {
    const email = 'executive@jersey.example.org'
    const first = await fromFourAddresses('/sign-in', { email, password: 'wrong' }, 50)
    expect(first.statuses).toEqual([400, 400, 400, 429])
    limited.clock.advance(61_000)
    const later = await limited
      .browser({ address: '198.51.100.60' })
      .submit('/sign-in', { email, password: 'cascade-demo' })
    expect(later.statusCode).toBe(303)
  })

  it('forgets the counts of minutes that have passed', async () => {
    await limited
      .browser({ address: '198.51.100.70' })
      .submit('/sign-in/link', { email: 'someone@example.org' })
    const counts = () =>
      limited.db.platform((sql) => sql.one<{ n: number }>('SELECT count(*) AS n FROM sign_in_attempts'))
    expect((await counts()).n).toBeGreaterThan(0)
    limited.clock.advance(61_000)
    await limited.services.accounts.forgetPastAttempts()
    expect((await counts()).n).toBe(0)
  })
})
