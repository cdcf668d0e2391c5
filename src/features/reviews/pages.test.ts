import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { systemContext } from '#platform/context.ts'
import type { Browser, TestApp } from '#test/support/app.ts'
import { page, testApp } from '#test/support/app.ts'

let t: TestApp
let norfolkId: string
let themeId: string
let admin: Browser
let subgroup: Browser
let practitioner: Browser

beforeAll(async () => {
  t = await testApp()
  const norfolk = await t.partnership('norfolk')
  norfolkId = norfolk.id
  themeId = (
    await t.services.courses.addTheme(systemContext(norfolk, 'test'), { name: 'Neglect', framework: null })
  ).id
  admin = await t.signIn('admin@norfolk.example.org')
  subgroup = await t.signIn('subgroup@norfolk.example.org')
  practitioner = await t.signIn('practitioner@norfolk.example.org')
})
afterAll(() => t?.close())

const summaryLinks = (html: string) => {
  const $ = page(html)
  return $('.govuk-error-summary a')
    .toArray()
    .map((a) => $(a).attr('href'))
}

let serial = 0
const aReview = (fields: Record<string, string> = {}) => ({
  type: 'cspr',
  reference: `LCSPR-${++serial}`,
  title: 'Child H',
  'notifiedOn-day': '1',
  'notifiedOn-month': '9',
  'notifiedOn-year': '2026',
  themes: themeId,
  summary: 'A child aged four, neglected over years',
  ...fields,
})

/** Records a review on screen as the sub-group, and answers its page address. */
async function recorded(fields: Record<string, string> = {}): Promise<string> {
  const response = await subgroup.submit('/reviews/new', aReview(fields))
  expect(response.statusCode).toBe(303)
  const location = String(response.headers.location)
  expect(location).toMatch(/\?done=recorded$/)
  return location.replace(/\?.*$/, '')
}

async function step(url: string, to: string, fields: Record<string, string> = {}, as = subgroup) {
  return as.submit(`${url}/status`, { to, ...fields }, { from: `${url}/status?to=${to}` })
}

async function publishedOnScreen(): Promise<string> {
  const url = await recorded()
  expect(
    (
      await step(url, 'decision_made', {
        decision: 'review',
        'decisionOn-day': '20',
        'decisionOn-month': '9',
        'decisionOn-year': '2026',
        decisionReason: 'Criteria met',
      })
    ).statusCode,
  ).toBe(303)
  expect((await step(url, 'in_progress')).statusCode).toBe(303)
  expect(
    (
      await step(url, 'published', {
        'publishedOn-day': '20',
        'publishedOn-month': '11',
        'publishedOn-year': '2026',
        reportUrl: 'https://example.org/child-h',
      })
    ).statusCode,
  ).toBe(303)
  return url
}

describe('review register pages', () => {
  it('records a review on screen, warning against real names, and shows markup as text', async () => {
    const form = page((await subgroup.get('/reviews/new')).body)
    expect(form('#title-hint').text().trim()).toBe(
      'Use an anonymised name such as Child H. Do not enter a child’s or adult’s real name or date of birth.',
    )
    const url = await recorded({ title: 'Child <b>K</b>', summary: '<script>alert(1)</script>' })
    expect(url).toMatch(/^\/reviews\/[0-9a-f-]{36}$/)
    const shown = await subgroup.get(url)
    expect(shown.statusCode).toBe(200)
    expect(shown.body).not.toContain('<b>K</b>')
    expect(shown.body).not.toContain('<script>alert(1)</script>')
    const $ = page(shown.body)
    expect($('h1').text()).toContain('Child <b>K</b>')
    expect($('.govuk-summary-list').first().text()).toContain('<script>alert(1)</script>')
    expect($('.govuk-tag').first().text()).toBe('Notified')
    expect($('.moj-timeline__title').text()).toBe('Notified')
  })

  it('says what is wrong with a review, keeps what was typed, and records nothing', async () => {
    const response = await subgroup.submit('/reviews/new', {
      type: '',
      reference: 'R-1',
      title: '',
      'notifiedOn-day': '31',
      'notifiedOn-month': '2',
      'notifiedOn-year': '2026',
      summary: 'Kept',
    })
    expect(response.statusCode).toBe(400)
    expect(summaryLinks(response.body)).toEqual(['#type', '#title', '#notifiedOn-day'])
    const $ = page(response.body)
    expect($('title').text()).toMatch(/^Error: /)
    expect($('#reference').val()).toBe('R-1')
    expect($('#summary').text()).toBe('Kept')
    expect($('#notifiedOn-day').val()).toBe('31')
  })

  it('refuses a reference already used, on the reference', async () => {
    await recorded({ reference: 'DUP-1' })
    const response = await subgroup.submit('/reviews/new', aReview({ reference: 'dup-1' }))
    expect(response.statusCode).toBe(400)
    expect(summaryLinks(response.body)).toEqual(['#reference'])
    expect(page(response.body)('#reference-error').text()).toContain(
      'There is already a review with the reference dup-1',
    )
  })

  it('changes a review’s details on its edit form, an emptied field cleared', async () => {
    const url = await recorded({ leadReviewer: 'Dr A Reviewer' })
    const form = page((await subgroup.get(`${url}/edit`)).body)
    expect(form('#leadReviewer').val()).toBe('Dr A Reviewer')
    expect(form('#notifiedOn-month').val()).toBe('9')
    const fields = {
      type: 'cspr',
      reference: String(form('#reference').val()),
      title: 'Child J',
      'notifiedOn-day': '1',
      'notifiedOn-month': '9',
      'notifiedOn-year': '2026',
      summary: '',
      leadReviewer: '',
      reportUrl: 'http://insecure.example.org/report',
    }
    const refused = await subgroup.submit(`${url}/edit`, fields)
    expect(refused.statusCode).toBe(400)
    expect(summaryLinks(refused.body)).toEqual(['#reportUrl'])
    expect(page(refused.body)('#title').val()).toBe('Child J')
    expect((await subgroup.submit(`${url}/edit`, { ...fields, reportUrl: '' })).statusCode).toBe(303)
    const $ = page((await subgroup.get(url)).body)
    expect($('h1').text()).toContain('Child J')
    expect($('.govuk-summary-list').first().text()).toContain('Not recorded')
  })

  it('moves a review by a form per step, saying what is missing or out of order', async () => {
    const url = await recorded()
    const steps = page((await subgroup.get(url)).body)
    expect(steps(`a[href="${url}/status?to=decision_made"]`).text().trim()).toBe('Record the decision')

    const missing = await step(url, 'decision_made', { decision: 'review', decisionReason: 'Met' })
    expect(missing.statusCode).toBe(400)
    expect(summaryLinks(missing.body)).toEqual(['#decisionOn-day'])
    expect(page(missing.body)('#decisionReason').text()).toBe('Met')

    const early = await subgroup.post(`${url}/status`, {
      to: 'published',
      'publishedOn-day': '1',
      'publishedOn-month': '11',
      'publishedOn-year': '2026',
    })
    expect(early.statusCode).toBe(409)
    expect(page(early.body)('.govuk-error-summary').text()).toContain(
      'Record the decision on the review before it can be published',
    )

    const decided = await step(url, 'decision_made', {
      decision: 'no_review',
      'decisionOn-day': '2',
      'decisionOn-month': '9',
      'decisionOn-year': '2026',
      decisionReason: 'Single-agency learning',
    })
    expect(decided.statusCode).toBe(303)
    const $ = page((await subgroup.get(url)).body)
    expect(decided.headers.location).toBe(`${url}?done=moved`)
    const banner = page((await subgroup.get(String(decided.headers.location))).body)
    expect(banner('.govuk-notification-banner__heading').text()).toBe('The review is now decision made')
    expect($('.govuk-tag').first().text()).toBe('Decision made')
    expect($('.govuk-summary-list').first().text()).toContain('No local review')
    expect($('.moj-timeline__description').first().text()).toContain('Single-agency learning')
  })

  it('adds findings and recommendations on screen, with the board’s response in words', async () => {
    const url = await publishedOnScreen()
    const long = await subgroup.submit(`${url}/findings/new`, { text: 'x'.repeat(100_000) })
    expect(long.statusCode).toBe(400)
    expect(page(long.body)('#text-error').text()).toContain('The finding must be 10,000 characters or fewer')

    expect(
      (
        await subgroup.submit(`${url}/findings/new`, {
          text: 'Supervision <i>missed</i> it',
          themes: themeId,
        })
      ).statusCode,
    ).toBe(303)

    const unreasoned = await subgroup.submit(`${url}/recommendations/new`, {
      text: 'Audit supervision',
      addressedTo: 'partnership',
      response: 'not_accepted',
    })
    expect(unreasoned.statusCode).toBe(400)
    expect(summaryLinks(unreasoned.body)).toEqual(['#responseReason'])
    expect(page(unreasoned.body)('#text').text()).toBe('Audit supervision')

    expect(
      (
        await subgroup.submit(`${url}/recommendations/new`, {
          text: 'Audit supervision',
          addressedTo: 'partnership',
          response: 'accepted',
        })
      ).statusCode,
    ).toBe(303)
    const $ = page((await subgroup.get(url)).body)
    expect($('#findings ~ .govuk-inset-text').first().text()).toContain('Supervision <i>missed</i> it')
    expect($('#findings ~ .govuk-inset-text').first().text()).toContain('Themes: Neglect')
    const card = $('.govuk-summary-card').first()
    expect(card.find('.govuk-tag').first().text()).toBe('Accepted')
    expect(card.find('a[href$="/actions/new"]').text()).toContain('Add an action')
  })

  it('changes the board’s response on its own form', async () => {
    const url = await publishedOnScreen()
    await subgroup.submit(`${url}/recommendations/new`, { text: 'Train', addressedTo: 'partnership' })
    const $ = page((await subgroup.get(url)).body)
    const respond = $('a[href$="/response"]').first().attr('href') as string
    expect($('.govuk-summary-card .govuk-tag').first().text()).toBe('No response yet')
    const refused = await subgroup.submit(respond, { response: 'partially_accepted', responseReason: '' })
    expect(refused.statusCode).toBe(400)
    expect(
      (await subgroup.submit(respond, { response: 'partially_accepted', responseReason: 'Health only' }))
        .statusCode,
    ).toBe(303)
    const updated = page((await subgroup.get(url)).body)
    expect(updated('.govuk-summary-card .govuk-tag').first().text()).toBe('Partially accepted')
    expect(updated('.govuk-summary-card').text()).toContain('Health only')
  })

  it('lists a recommendation’s actions with their status and overdue in words, and closes over them with reasons', async () => {
    const url = await publishedOnScreen()
    await subgroup.submit(`${url}/recommendations/new`, {
      text: 'Train',
      addressedTo: 'partnership',
      response: 'accepted',
    })
    const reviewId = url.split('/').at(-1) as string
    const actionId = await t.db.tenant(
      { partnershipId: norfolkId, userId: null, actor: 'test' },
      async (sql) => {
        const owner = await sql.one<{ id: string }>(
          `SELECT id FROM users WHERE email = 'agency-lead@norfolk.example.org'`,
        )
        const agency = await sql.one<{ id: string }>('SELECT id FROM agencies ORDER BY name LIMIT 1')
        const row = await sql.one<{ id: string }>(
          `INSERT INTO actions (partnership_id, review_id, recommendation_id, description, owning_agency_id, owner_user_id,
           success_measure, due_on, original_due_on)
         SELECT $1, $2, id, 'Refresh neglect training', $3, $4, 'Audit', '2026-11-01', '2026-11-01'
           FROM recommendations WHERE review_id = $2 RETURNING id`,
          [norfolkId, reviewId, agency.id, owner.id],
        )
        return row.id
      },
    )
    const $ = page((await subgroup.get(url)).body)
    const item = $(`a[href="/actions/${actionId}"]`).parent()
    expect(item.text()).toContain('Refresh neglect training')
    expect(
      item
        .find('.govuk-tag')
        .toArray()
        .map((e) => $(e).text()),
    ).toEqual(['Not started', 'Overdue'])

    // The sub-group is told it must wait; an admin is asked for a reason for each action.
    const subgroupClose = page((await subgroup.get(`${url}/status?to=closed`)).body)
    expect(subgroupClose(`textarea[name="openActionReasons.${actionId}"]`).length).toBe(0)
    expect((await step(url, 'closed')).statusCode).toBe(409)

    const form = page((await admin.get(`${url}/status?to=closed`)).body)
    expect(form(`textarea[name="openActionReasons.${actionId}"]`).length).toBe(1)
    const closed = await step(
      url,
      'closed',
      { [`openActionReasons.${actionId}`]: 'Commissioning changed' },
      admin,
    )
    expect(closed.statusCode).toBe(303)
    const updated = page((await admin.get(url)).body)
    expect(updated('.govuk-tag').first().text()).toBe('Closed')
    expect(updated(`a[href="/actions/${actionId}"]`).parent().find('.govuk-tag').first().text()).toBe(
      'Closed, not achieved',
    )
    expect(updated('.moj-timeline__description').first().text()).toContain(
      'Refresh neglect training: Commissioning changed',
    )
  })

  it('warns on the review and the admin’s home page when a rapid review’s 15 working days have passed', async () => {
    const url = await recorded({ type: 'rapid_review', 'notifiedOn-day': '2', 'notifiedOn-month': '11' })
    const $ = page((await admin.get(url)).body)
    expect($('.govuk-warning-text').text()).toContain('The decision was due by 23 November 2026')
    expect($('.govuk-summary-list').first().text()).toContain('23 November 2026 (missed)')
    const home = page((await admin.get('/dashboard')).body)
    expect(home('body').text()).toContain('rapid review past its 15 working days without a decision')
    const subgroupHome = page((await subgroup.get('/dashboard')).body)
    expect(subgroupHome('body').text()).toContain('past its 15 working days')
  })

  it('filters the register with a GET form', async () => {
    await recorded({ type: 'sar', reference: 'SAR-ONLY', 'notifiedOn-year': '2023' })
    const $ = page((await subgroup.get('/reviews?type=sar&year=2023&status=bogus')).body)
    const rows = $('tbody tr')
    expect(rows.length).toBe(1)
    expect(rows.text()).toContain('SAR-ONLY')
    expect(rows.text()).toContain('Safeguarding adults review')
    expect($('#type').val()).toBe('sar')
  })

  it('shows practitioners published reviews only, and none of the editors’ forms', async () => {
    const hidden = await recorded()
    const shown = await publishedOnScreen()
    const list = (await practitioner.get('/reviews')).body
    expect(list).toContain(shown)
    expect(list).not.toContain(hidden)
    expect(list).not.toContain('Record a review')
    expect((await practitioner.get(hidden)).statusCode).toBe(404)
    expect((await practitioner.get(`${shown}/edit`)).statusCode).toBe(403)
    expect((await practitioner.get('/reviews/new')).statusCode).toBe(403)
    const $ = page((await practitioner.get(shown)).body)
    expect($('#recommendations').length).toBe(0)
    expect($('body').text()).not.toContain('Criteria met')
    expect((await subgroup.get('/reviews/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404)
    expect((await subgroup.get('/reviews/nonsense')).statusCode).toBe(404)
    expect(
      page((await practitioner.get('/dashboard')).body)('a[href="/reviews"]')
        .text()
        .trim(),
    ).toBe('Case reviews')
  })

  it('shows an involved agency lead the review before publication, with only their agencies’ actions', async () => {
    const lead = await t.signIn('agency-lead@norfolk.example.org')
    const scope = { partnershipId: norfolkId, userId: null, actor: 'test' }
    const { led, other } = await t.db.tenant(scope, async (sql) => {
      const m = await sql.one<{ agency_ids: string[] }>(
        `SELECT m.agency_ids FROM memberships m JOIN users u ON u.id = m.user_id
          WHERE u.email = 'agency-lead@norfolk.example.org' AND m.role = 'agency-lead'`,
      )
      const o = await sql.one<{ id: string }>(
        'SELECT id FROM agencies WHERE NOT (id = ANY($1::uuid[])) LIMIT 1',
        [m.agency_ids],
      )
      return { led: m.agency_ids[0] as string, other: o.id }
    })
    const url = await recorded({ agencyIds: led })
    const reviewId = url.split('/').at(-1) as string
    // Actions are raised on accepted recommendations; written straight to the table here.
    await t.db.tenant(scope, async (sql) => {
      const rec = await sql.one<{ id: string }>(
        `INSERT INTO recommendations (partnership_id, review_id, text, addressed_to, response)
         VALUES ($1, $2, 'Train staff', 'partnership', 'accepted') RETURNING id`,
        [norfolkId, reviewId],
      )
      const owner = await sql.one<{ id: string }>(
        `SELECT id FROM users WHERE email = 'admin@norfolk.example.org'`,
      )
      for (const [description, agency] of [
        ['Ours to do', led],
        ['Theirs to do', other],
      ])
        await sql.query(
          `INSERT INTO actions (partnership_id, review_id, recommendation_id, description, owning_agency_id, owner_user_id,
             success_measure, due_on, original_due_on)
           VALUES ($1, $2, $3, $4, $5, $6, 'Audit', '2027-03-01', '2027-03-01')`,
          [norfolkId, reviewId, rec.id, description, agency, owner.id],
        )
    })
    const response = await lead.get(url)
    expect(response.statusCode).toBe(200)
    const $ = page(response.body)
    expect($('#recommendations').length).toBe(1)
    expect($('.govuk-summary-card').text()).toContain('Ours to do')
    expect($('.govuk-summary-card').text()).not.toContain('Theirs to do')
    expect($('a[href$="/actions/new"]').length).toBe(0)
    expect($('a[href$="/edit"]').length).toBe(0)
  })

  it('counts themes across reviews and findings by year, as far as the reader may see', async () => {
    // Unpublished, so only the register's overseers count it.
    await recorded({ 'notifiedOn-year': '2021' })
    const $ = page((await subgroup.get('/reviews/themes')).body)
    expect($('main li').text()).toMatch(/Neglect: in \d+ reviews since 2021/)
    expect($('table th[scope="row"]').first().text()).toBe('Neglect')
    expect($('table thead th').eq(1).text()).toBe('2021')
    const reader = page((await practitioner.get('/reviews/themes')).body)
    expect(reader('main li').text()).not.toContain('since 2021')
  })
})
