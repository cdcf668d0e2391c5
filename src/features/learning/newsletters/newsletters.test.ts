import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { aLearningProduct } from '#features/learning/test-fixtures.ts'
import type { PartnershipRef } from '#platform/auth/identity.ts'
import { systemContext } from '#platform/context.ts'
import type { Browser, TestApp } from '#test/support/app.ts'
import { page, testApp } from '#test/support/app.ts'
import { unsubscribeToken } from './links.ts'

let t: TestApp
let norfolk: PartnershipRef
let jersey: PartnershipRef
const themes = { neglect: '', exploitation: '' }
const products = { open: '', workforce: '' }

type Mail = { to: string; subject: string; text: string; headers: Record<string, string> }

async function mailTo(to: string, subject?: string): Promise<Mail[]> {
  return t.db.platform((sql) =>
    sql.query<Mail>(
      `SELECT to_address AS to, subject, text_body AS text, headers FROM outbox
        WHERE lower(to_address) = lower($1) AND ($2::text IS NULL OR subject = $2) ORDER BY created_at, id`,
      [to, subject ?? null],
    ),
  )
}

async function subscribers(partnership: PartnershipRef) {
  return t.db.tenant({ partnershipId: partnership.id, userId: null }, (sql) =>
    sql.query<{ id: string; email: string; all_themes: boolean; themes: string[] }>(
      `SELECT s.id, s.email, s.all_themes,
              coalesce((SELECT array_agg(theme_id) FROM newsletter_subscriber_themes WHERE subscriber_id = s.id), '{}') AS themes
         FROM newsletter_subscribers s ORDER BY s.email`,
    ),
  )
}

/** Posts a form as a browser does, repeating a field for each box ticked, with the token from the form's page. */
async function postForm(
  visitor: Browser,
  from: string,
  url: string,
  fields: Record<string, string | string[]>,
) {
  const csrf = String(page((await visitor.get(from)).body)('input[name="_csrf"]').val())
  const body = new URLSearchParams({ _csrf: csrf })
  for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) body.append(k, one)
  return t.app.inject({
    method: 'POST',
    url,
    headers: { cookie: visitor.cookieHeader, 'content-type': 'application/x-www-form-urlencoded' },
    payload: body.toString(),
  })
}

/** Asks to subscribe from the public page, as a visitor. */
function askToSubscribe(email: string, fields: Record<string, string | string[]> = { scope: 'all' }) {
  return postForm(t.browser(), '/p/norfolk/subscribe', '/p/norfolk/subscribe', { email, ...fields })
}

/** The confirmation link emailed to an address, as a path. */
async function confirmLinkOf(email: string): Promise<string> {
  const [mail] = (await mailTo(email))
    .filter((m) => m.subject.startsWith('Confirm your subscription'))
    .reverse()
  const link = mail?.text.match(/https?:\/\/[^\s]+\/p\/norfolk\/subscribe\/confirm\?link=\S+/)?.[0]
  if (!link) throw new Error(`No confirmation link for ${email}`)
  return new URL(link).pathname + new URL(link).search
}

async function confirm(email: string) {
  const visitor = t.browser()
  const path = await confirmLinkOf(email)
  const shown = await visitor.get(path)
  expect(shown.statusCode).toBe(200)
  const token = page(shown.body)('input[name="link"]').val()
  return visitor.post('/p/norfolk/subscribe/confirm', { link: String(token) })
}

/** Writes and sends a newsletter through the pages, as the admin. */
async function sendNewsletter(title: string, fields: Record<string, string | string[]> = {}) {
  const admin = await t.signIn('admin@norfolk.example.org')
  const created = await postForm(admin, '/learning/newsletters/new', '/learning/newsletters/new', {
    title,
    introduction: 'This season’s learning',
    audience: 'all',
    body: 'A word from the chair.',
    products: [products.open, products.workforce],
    ...fields,
  })
  expect(created.statusCode, created.body.slice(0, 2000)).toBe(303)
  const path = String(created.headers.location).split('?')[0] as string
  const sent = await admin.submit(`${path}/send`, {}, { from: path })
  return { admin, path, id: path.split('/').at(-1) as string, sent }
}

beforeAll(async () => {
  t = await testApp()
  norfolk = await t.partnership('norfolk')
  jersey = await t.partnership('jersey')
  const ctx = systemContext(norfolk, 'test')
  themes.neglect = (
    await t.services.courses.addTheme(ctx, { name: 'Neglect (newsletter)', framework: null })
  ).id
  themes.exploitation = (
    await t.services.courses.addTheme(ctx, { name: 'Exploitation (newsletter)', framework: null })
  ).id
  products.open = (
    await aLearningProduct(t.db, norfolk.id, { title: 'Child H: seven minutes', themeIds: [themes.neglect] })
  ).id
  products.workforce = (
    await aLearningProduct(t.db, norfolk.id, {
      title: 'Staff-only guidance',
      visibility: 'workforce',
      themeIds: [themes.exploitation],
    })
  ).id
})
afterAll(() => t?.close())

describe('subscribing by theme from the public page', () => {
  it('emails a link to confirm and keeps nothing until it is followed', async () => {
    const response = await askToSubscribe('pat.jones@example.org', {
      scope: 'chosen',
      themes: [themes.neglect],
    })
    expect(response.statusCode).toBe(200)
    expect(page(response.body)('h1').text()).toBe('Check your email')
    expect((await subscribers(norfolk)).map((s) => s.email)).not.toContain('pat.jones@example.org')
    const [mail] = await mailTo('pat.jones@example.org')
    expect(mail?.subject).toMatch(/^Confirm your subscription/)
    expect(mail?.text).toContain('Neglect (newsletter)')
  })

  it('answers the same whether or not the address already subscribes', async () => {
    await askToSubscribe('known@example.org')
    await confirm('known@example.org')
    const text = (body: string) =>
      page(body)('main')
        .text()
        .replace(/\s+/g, ' ')
        .replace(/\S+@\S+/g, '')
    const known = await askToSubscribe('known@example.org')
    const stranger = await askToSubscribe('stranger@example.org')
    expect(known.statusCode).toBe(stranger.statusCode)
    expect(text(known.body)).toBe(text(stranger.body))
  })

  it('asks for a theme when the themes are to be chosen, and for a real address', async () => {
    const response = await askToSubscribe('not an address', { scope: 'chosen' })
    expect(response.statusCode).toBe(400)
    const summary = page(response.body)('.govuk-error-summary').text()
    expect(summary).toContain('Enter an email address in the correct format')
    expect(summary).toContain('Select at least one theme, or choose all themes')
    expect(await mailTo('not an address')).toEqual([])
  })

  it('changes nothing when the link is only opened, and subscribes on the button', async () => {
    await askToSubscribe('sam.lee@example.org', { scope: 'chosen', themes: [themes.neglect] })
    const visitor = t.browser()
    const shown = await visitor.get(await confirmLinkOf('sam.lee@example.org'))
    expect(page(shown.body)('h1').text()).toBe('Confirm your subscription')
    expect(page(shown.body)('main').text()).toContain('Neglect (newsletter)')
    expect((await subscribers(norfolk)).map((s) => s.email)).not.toContain('sam.lee@example.org')
    const done = await visitor.post('/p/norfolk/subscribe/confirm', {
      link: String(page(shown.body)('input[name="link"]').val()),
    })
    expect(done.statusCode).toBe(200)
    expect(page(done.body)('h1').text()).toContain('You have subscribed')
    expect((await subscribers(norfolk)).find((s) => s.email === 'sam.lee@example.org')).toMatchObject({
      all_themes: false,
      themes: [themes.neglect],
    })
  })

  it('refuses a confirmation link that was altered, or made for another partnership', async () => {
    await askToSubscribe('alex@example.org')
    const path = await confirmLinkOf('alex@example.org')
    const altered = `${path.slice(0, -4)}AAAA`
    expect((await t.browser().get(altered)).statusCode).toBe(400)
    const elsewhere = path.replace('/p/norfolk/', '/p/jersey/')
    const refused = await t.browser().get(elsewhere)
    expect(refused.statusCode).toBe(400)
    expect(page(refused.body)('h1').text()).toBe('That link is not right')
  })

  it('refuses a confirmation posted without the page’s form token', async () => {
    await askToSubscribe('csrf@example.org')
    const token = new URLSearchParams((await confirmLinkOf('csrf@example.org')).split('?')[1]).get('link')
    const response = await t.app.inject({
      method: 'POST',
      url: '/p/norfolk/subscribe/confirm',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ link: String(token) }).toString(),
    })
    expect(response.statusCode).toBe(403)
    expect((await subscribers(norfolk)).map((s) => s.email)).not.toContain('csrf@example.org')
  })

  it('keeps the address out of the audit trail', async () => {
    await askToSubscribe('private.person@example.org')
    await confirm('private.person@example.org')
    const events = await t.db.tenant({ partnershipId: norfolk.id, userId: null }, (sql) =>
      sql.query<{ before: unknown; after: unknown }>(
        `SELECT before, after FROM audit_events WHERE entity_type = 'newsletter_subscribers' ORDER BY id DESC LIMIT 20`,
      ),
    )
    expect(events.length).toBeGreaterThan(0)
    expect(JSON.stringify(events)).not.toContain('@example.org')
  })
})

describe('sending a newsletter', () => {
  it('reaches confirmed subscribers with an unsubscribe link and headers, and no unconfirmed address', async () => {
    await askToSubscribe('reader@example.org')
    await confirm('reader@example.org')
    await askToSubscribe('unconfirmed@example.org')
    const { sent, path, admin } = await sendNewsletter('Winter learning')
    expect(sent.statusCode).toBe(303)

    const [mail] = (await mailTo('reader@example.org')).filter((m) => m.subject.startsWith('Winter learning'))
    expect(mail?.text).toContain('A word from the chair.')
    expect(mail?.text).toContain('Child H: seven minutes')
    const header = mail?.headers['List-Unsubscribe'] ?? ''
    expect(header).toMatch(/^<http:\/\/[^>]+\/p\/norfolk\/unsubscribe\?token=[^>]+>$/)
    expect(mail?.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click')
    expect(mail?.text).toContain(header.slice(1, -1))
    expect((await mailTo('unconfirmed@example.org')).filter((m) => m.subject.startsWith('Winter'))).toEqual(
      [],
    )

    const shown = page((await admin.get(path)).body)
    const count = (await subscribers(norfolk)).length
    expect(shown('main').text()).toMatch(new RegExp(`to ${count} subscribers`))
  })

  it('refuses a second press clearly, and sends nothing more', async () => {
    const { admin, path } = await sendNewsletter('Sent once')
    const before = (await mailTo('reader@example.org')).filter((m) =>
      m.subject.startsWith('Sent once'),
    ).length
    expect(before).toBe(1)
    const again = await admin.submit(`${path}/send`, {}, { from: path })
    expect(again.statusCode).toBe(409)
    expect(page(again.body)('.govuk-error-summary').text()).toContain('This newsletter has already been sent')
    expect((await mailTo('reader@example.org')).filter((m) => m.subject.startsWith('Sent once')).length).toBe(
      1,
    )
    // Nor can it be changed now.
    expect((await admin.get(`${path}/edit`)).statusCode).toBe(409)
  })

  it('refuses a newsletter with no products and no text', async () => {
    const admin = await t.signIn('admin@norfolk.example.org')
    const response = await postForm(admin, '/learning/newsletters/new', '/learning/newsletters/new', {
      title: 'Nothing in it',
      introduction: '',
      body: '  ',
      audience: 'all',
    })
    expect(response.statusCode).toBe(400)
    expect(page(response.body)('.govuk-error-summary').text()).toContain(
      'Choose products or write the text: a newsletter cannot be empty',
    )
  })

  it('goes only to subscribers of its themes, and those of every theme, when so chosen', async () => {
    await askToSubscribe('exploitation.only@example.org', { scope: 'chosen', themes: [themes.exploitation] })
    await confirm('exploitation.only@example.org')
    await sendNewsletter('Neglect special', { audience: 'themes', themes: [themes.neglect] })
    const got = async (email: string) =>
      (await mailTo(email)).some((m) => m.subject.startsWith('Neglect special'))
    expect(await got('sam.lee@example.org')).toBe(true)
    expect(await got('reader@example.org')).toBe(true)
    expect(await got('exploitation.only@example.org')).toBe(false)
  })

  it('lets only admins and the sub-group write and send', async () => {
    const practitioner = await t.signIn('practitioner@norfolk.example.org')
    expect((await practitioner.get('/learning/newsletters/new')).statusCode).toBe(403)
    expect(
      (await (await t.signIn('subgroup@norfolk.example.org')).get('/learning/newsletters')).statusCode,
    ).toBe(200)
  })
})

describe('leaving with one click', () => {
  it('unsubscribes on a mail client’s one-click post, without a page or sign-in, and twice is fine', async () => {
    await askToSubscribe('leaver@example.org')
    await confirm('leaver@example.org')
    await sendNewsletter('Before leaving')
    const [mail] = (await mailTo('leaver@example.org')).filter((m) => m.subject.startsWith('Before leaving'))
    const url = new URL((mail?.headers['List-Unsubscribe'] ?? '').slice(1, -1))
    const post = () =>
      t.app.inject({
        method: 'POST',
        url: url.pathname + url.search,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'List-Unsubscribe=One-Click',
      })
    const first = await post()
    expect(first.statusCode).toBe(200)
    expect(first.headers['content-type']).toMatch(/^text\/plain/)
    expect((await subscribers(norfolk)).map((s) => s.email)).not.toContain('leaver@example.org')
    expect((await post()).statusCode).toBe(200)

    await sendNewsletter('After leaving')
    expect((await mailTo('leaver@example.org')).filter((m) => m.subject.startsWith('After leaving'))).toEqual(
      [],
    )
  })

  it('shows a page with a button for the link in the email, and changes nothing on opening it', async () => {
    await askToSubscribe('clicker@example.org')
    await confirm('clicker@example.org')
    const id = (await subscribers(norfolk)).find((s) => s.email === 'clicker@example.org')?.id as string
    const path = `/p/norfolk/unsubscribe?token=${unsubscribeToken(t.services.config.sessionSecret, norfolk.id, id)}`
    const visitor = t.browser()
    const shown = await visitor.get(path)
    expect(shown.statusCode).toBe(200)
    expect(page(shown.body)('form button').text().trim()).toBe('Unsubscribe')
    expect((await subscribers(norfolk)).map((s) => s.email)).toContain('clicker@example.org')
    const done = await visitor.post(path, {})
    expect(done.statusCode).toBe(200)
    expect(page(done.body)('h1').text()).toBe('You have unsubscribed')
    expect((await subscribers(norfolk)).map((s) => s.email)).not.toContain('clicker@example.org')
    expect(page((await visitor.get(path)).body)('h1').text()).toBe('You are not subscribed')
  })

  it('refuses a forged token clearly, and a token from another partnership, removing no one', async () => {
    const before = (await subscribers(norfolk)).length
    const someone = (await subscribers(norfolk))[0]?.id as string
    const forged = `${someone}.${'A'.repeat(32)}`
    const shown = await t.browser().get(`/p/norfolk/unsubscribe?token=${forged}`)
    expect(shown.statusCode).toBe(400)
    expect(page(shown.body)('h1').text()).toBe('That unsubscribe link is not right')
    const oneClick = await t.app.inject({
      method: 'POST',
      url: `/p/norfolk/unsubscribe?token=${forged}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    })
    expect(oneClick.statusCode).toBe(400)
    // Signed for Jersey, posted to Norfolk.
    const moved = unsubscribeToken(t.services.config.sessionSecret, jersey.id, someone)
    const elsewhere = await t.app.inject({
      method: 'POST',
      url: `/p/norfolk/unsubscribe?token=${moved}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    })
    expect(elsewhere.statusCode).toBe(400)
    expect((await subscribers(norfolk)).length).toBe(before)
  })
})

describe('a signed-in practitioner’s subscription', () => {
  it('subscribes with the account’s address at once, changes themes and leaves', async () => {
    const practitioner = await t.signIn('practitioner@norfolk.example.org')
    expect(page((await practitioner.get('/account')).body)('a[href="/learning/subscription"]').length).toBe(1)
    const post = (fields: Record<string, string | string[]>) =>
      postForm(practitioner, '/learning/subscription', '/learning/subscription', fields)
    expect((await post({ scope: 'chosen', themes: [themes.neglect] })).statusCode).toBe(303)
    const mine = async () =>
      (await subscribers(norfolk)).find((s) => s.email === 'practitioner@norfolk.example.org')
    expect(await mine()).toMatchObject({ all_themes: false, themes: [themes.neglect] })
    expect((await post({ scope: 'chosen', themes: [themes.exploitation] })).statusCode).toBe(303)
    expect(await mine()).toMatchObject({ themes: [themes.exploitation] })
    expect((await post({ scope: 'chosen' })).statusCode).toBe(400)
    expect(
      (await practitioner.submit('/learning/subscription/cancel', {}, { from: '/learning/subscription' }))
        .statusCode,
    ).toBe(303)
    expect(await mine()).toBeUndefined()
  })
})

describe('the public archive', () => {
  it('lists only sent newsletters, to anyone, and shows one with its products linked', async () => {
    const draftAdmin = await t.signIn('admin@norfolk.example.org')
    const draft = await postForm(draftAdmin, '/learning/newsletters/new', '/learning/newsletters/new', {
      title: 'Still a draft',
      body: 'Not yet',
      audience: 'all',
    })
    const draftPath = String(draft.headers.location).split('?')[0] as string
    const { id } = await sendNewsletter('Archived issue', {
      body: 'Read this <script>alert(1)</script> and [this](javascript:alert(1)) and [that](https://example.org/x).',
    })
    const archive = await t.browser().get('/p/norfolk/newsletters')
    expect(archive.statusCode).toBe(200)
    const links = page(archive.body)('main a')
      .map((_, a) => page(archive.body)(a).text())
      .get()
    expect(links).toContain('Archived issue')
    expect(links).not.toContain('Still a draft')
    expect((await t.browser().get(`/p/norfolk/newsletters/${draftPath.split('/').at(-1)}`)).statusCode).toBe(
      404,
    )

    const one = await t.browser().get(`/p/norfolk/newsletters/${id}`)
    expect(one.statusCode).toBe(200)
    const $ = page(one.body)
    expect($(`a[href="/p/norfolk/learning/${products.open}"]`).text()).toBe('Child H: seven minutes')
    expect(
      $(`a[href="/sign-in?returnTo=${encodeURIComponent(`/learning/${products.workforce}`)}"]`).text(),
    ).toBe('Staff-only guidance')
    // Markdown is inert: HTML shows as text and a javascript: link is no link.
    expect(one.body).not.toContain('<script>alert(1)</script>')
    expect($('main').text()).toContain('<script>alert(1)</script>')
    expect($('a[href^="javascript:"]').length).toBe(0)
    expect($('a[href="https://example.org/x"]').text()).toBe('that')
  })

  it('does not show another partnership’s newsletter under this one’s address', async () => {
    const ctx = systemContext(jersey, 'test')
    const id = await t.services.newsletters.create(ctx, {
      title: 'Jersey issue',
      introduction: '',
      body: 'For Jersey',
      productIds: [],
      allSubscribers: true,
      themeIds: [],
    })
    await t.services.newsletters.send(ctx, id)
    expect((await t.browser().get(`/p/jersey/newsletters/${id}`)).statusCode).toBe(200)
    expect((await t.browser().get(`/p/norfolk/newsletters/${id}`)).statusCode).toBe(404)
  })
})

describe('sending in batches', () => {
  it('writes one email per subscriber for 1,200 subscribers, a batch at a time, and counts them', async () => {
    const shropshire = await t.partnership('shropshire')
    await t.db.tenant({ partnershipId: shropshire.id, userId: null }, (sql) =>
      sql.query(
        `INSERT INTO newsletter_subscribers (partnership_id, email, all_themes)
         SELECT $1, 'reader' || n || '@example.org', true FROM generate_series(1, 1200) AS n`,
        [shropshire.id],
      ),
    )
    const ctx = systemContext(shropshire, 'test')
    const id = await t.services.newsletters.create(ctx, {
      title: 'Shropshire to everyone',
      introduction: '',
      body: 'Hello all',
      productIds: [],
      allSubscribers: true,
      themeIds: [],
    })
    const events = async () =>
      t.db.tenant({ partnershipId: shropshire.id, userId: null }, (sql) =>
        sql.one<{ n: number }>(
          `SELECT count(*)::int AS n FROM audit_events WHERE entity_type = 'newsletters' AND entity_id = $1`,
          [id],
        ),
      )
    expect(await t.services.newsletters.send(ctx, id)).toBe(1200)
    const rows = await t.db.platform((sql) =>
      sql.one<{ n: number; people: number }>(
        `SELECT count(*)::int AS n, count(DISTINCT to_address)::int AS people FROM outbox
          WHERE partnership_id = $1 AND subject LIKE 'Shropshire to everyone%'`,
        [shropshire.id],
      ),
    )
    expect(rows).toEqual({ n: 1200, people: 1200 })
    // Written, started, three batches of at most 500, and sent: each batch its own change.
    expect((await events()).n).toBe(6)
    await expect(t.services.newsletters.send(ctx, id)).rejects.toThrow(/already been sent/)
  })

  it('finishes a send that stopped part way, from where it stopped, writing no one twice', async () => {
    const northSomerset = await t.partnership('north-somerset')
    const scope = { partnershipId: northSomerset.id, userId: null }
    await t.db.tenant(scope, (sql) =>
      sql.query(
        `INSERT INTO newsletter_subscribers (partnership_id, email, all_themes)
         SELECT $1, 'ns' || n || '@example.org', true FROM generate_series(1, 30) AS n`,
        [northSomerset.id],
      ),
    )
    const ctx = systemContext(northSomerset, 'test')
    const id = await t.services.newsletters.create(ctx, {
      title: 'Stopped half way',
      introduction: '',
      body: 'Hello',
      productIds: [],
      allSubscribers: true,
      themeIds: [],
    })
    // The process ended after writing the first ten.
    const ids = await t.db.tenant(scope, (sql) =>
      sql.query<{ id: string }>('SELECT id FROM newsletter_subscribers ORDER BY id'),
    )
    await t.db.tenant(scope, (sql) =>
      sql.query(
        `UPDATE newsletters SET status = 'sending', sending_from = $2, recipients = 10, sent_through = $3 WHERE id = $1`,
        [id, t.clock.now(), ids[9]?.id],
      ),
    )
    expect(await t.services.newsletters.finishSending()).toBe(1)
    const written = await t.db.platform((sql) =>
      sql.query<{ to: string }>(
        `SELECT to_address AS to FROM outbox WHERE partnership_id = $1 AND subject LIKE 'Stopped half way%'`,
        [northSomerset.id],
      ),
    )
    expect(written).toHaveLength(20)
    const newsletter = await t.db.tenant(scope, (sql) =>
      sql.one<{ status: string; recipients: number }>(
        'SELECT status, recipients FROM newsletters WHERE id = $1',
        [id],
      ),
    )
    expect(newsletter).toEqual({ status: 'sent', recipients: 30 })
    expect(await t.services.newsletters.finishSending()).toBe(0)
  })

  it('never changes a newsletter once sent, in the database itself', async () => {
    const ctx = systemContext(jersey, 'test')
    const id = await t.services.newsletters.create(ctx, {
      title: 'Frozen',
      introduction: '',
      body: 'As sent',
      productIds: [],
      allSubscribers: true,
      themeIds: [],
    })
    await t.services.newsletters.send(ctx, id)
    await expect(
      t.db.tenant({ partnershipId: jersey.id, userId: null }, (sql) =>
        sql.query(`UPDATE newsletters SET body = 'Rewritten' WHERE id = $1`, [id]),
      ),
    ).rejects.toThrow(/cannot be changed/)
    await expect(
      t.db.tenant({ partnershipId: jersey.id, userId: null }, (sql) =>
        sql.query(
          `UPDATE newsletters SET status = 'draft', sending_from = NULL, sent_at = NULL WHERE id = $1`,
          [id],
        ),
      ),
    ).rejects.toThrow(/cannot be sent again/)
  })
})

describe('emailing subscribers about a product', () => {
  it('tells subscribers of its themes and of every theme, with the unsubscribe headers', async () => {
    const ctx = systemContext(norfolk, 'test')
    const product = await aLearningProduct(t.db, norfolk.id, {
      title: 'Exploitation briefing',
      themeIds: [themes.exploitation],
    })
    const written = await t.db.tenant({ partnershipId: norfolk.id, userId: null }, (sql) =>
      t.services.newsletters.notifySubscribers(sql, ctx, product.id),
    )
    const everyone = await subscribers(norfolk)
    const expected = everyone.filter((s) => s.all_themes || s.themes.includes(themes.exploitation))
    expect(written).toBe(expected.length)
    const told = async (email: string) =>
      (await mailTo(email)).filter((m) => m.subject.includes('Exploitation briefing'))
    const [mail] = await told('exploitation.only@example.org')
    expect(mail?.text).toContain(`/p/norfolk/learning/${product.id}`)
    expect(mail?.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click')
    expect(await told('sam.lee@example.org')).toEqual([])
  })

  it('tells no one of a product that is not published', async () => {
    const ctx = systemContext(norfolk, 'test')
    const draft = await aLearningProduct(t.db, norfolk.id, { status: 'draft', themeIds: [themes.neglect] })
    const written = await t.db.tenant({ partnershipId: norfolk.id, userId: null }, (sql) =>
      t.services.newsletters.notifySubscribers(sql, ctx, draft.id),
    )
    expect(written).toBe(0)
  })
})
