import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '#test/support/app.ts'
import { page, testApp } from '#test/support/app.ts'

let t: TestApp
beforeAll(async () => {
  t = await testApp()
})
afterAll(() => t?.close())

const anonymous = (url: string) => t.app.inject({ method: 'GET', url })
const text = (html: string) => page(html)('main').text().replace(/\s+/g, ' ')

const filledIn = {
  controllerName: 'Norfolk County Council',
  controllerAddress: 'County Hall\nMartineau Lane\nNorwich NR1 2DH',
  dpoName: 'The Data Protection Officer',
  dpoContact: 'dpo@norfolk.example.org',
  purposes: '',
  lawfulBasis: '',
  complianceStatus: 'partial',
  knownIssues: 'Some older PDF briefings are not tagged for screen readers.',
  reportContact: 'nscp@norfolk.example.org',
  'preparedOn-day': '23',
  'preparedOn-month': '9',
  'preparedOn-year': '2026',
  'reviewedOn-day': '24',
  'reviewedOn-month': '11',
  'reviewedOn-year': '2026',
}

describe('the public privacy notice and accessibility statement', () => {
  it('gives a partnership that has filled in nothing a correct notice that says what is missing', async () => {
    const response = await anonymous('/p/shropshire/privacy')
    expect(response.statusCode).toBe(200)
    const $ = page(response.body)
    expect($('h1').text()).toContain('Privacy notice')
    expect($('.govuk-inset-text').text()).toContain('the data controller’s name')
    const body = text(response.body)
    // The policy's default retention periods, in plain words.
    expect(body).toContain('your record, 6 years after you leave your agency')
    expect(body).toContain('applications and registers, 6 years after the session')
    expect(body).toContain('what was written in anonymous survey answers, 3 years')
    expect(body).toContain('personal details in the record of changes, 7 years')
    for (const right of ['(access)', '(rectification)', '(erasure)', 'object to how we use your data'])
      expect(body).toContain(right)
    expect(body).toContain('Information Commissioner’s Office (ICO)')
  })

  it('gives the accessibility statement in the regulations’ form, saying what is not yet given', async () => {
    const response = await anonymous('/p/shropshire/accessibility')
    expect(response.statusCode).toBe(200)
    const $ = page(response.body)
    expect(
      $('main h2')
        .toArray()
        .map((h) => $(h).text()),
    ).toEqual([
      'How accessible this website is',
      'Feedback and contact information',
      'Enforcement procedure',
      'Technical information about this website’s accessibility',
      'Non-accessible content',
      'Preparation of this accessibility statement',
    ])
    const body = text(response.body)
    expect(body).toContain('Equality and Human Rights Commission (EHRC)')
    expect(body).toContain('Equality Advisory and Support Service (EASS)')
    expect(body).toContain('has not yet stated how far this website complies')
    expect($('.govuk-inset-text').text()).toContain('the date the statement was last reviewed')
  })

  it('names Jersey’s own regulator for a Jersey partnership', async () => {
    expect(text((await anonymous('/p/jersey/privacy')).body)).toContain(
      'Jersey Office of the Information Commissioner',
    )
  })

  it('answers an unknown partnership with page not found', async () => {
    expect((await anonymous('/p/no-such-partnership/privacy')).statusCode).toBe(404)
    expect((await anonymous('/p/no-such-partnership/accessibility')).statusCode).toBe(404)
  })

  it('links a partnership’s public pages to its own statement and notice from the footer', async () => {
    const $ = page((await anonymous('/p/norfolk/courses')).body)
    const links = $('.govuk-footer a')
      .map((_, a) => $(a).attr('href'))
      .get()
    expect(links).toEqual(expect.arrayContaining(['/p/norfolk/accessibility', '/p/norfolk/privacy']))
    const elsewhere = page((await anonymous('/sign-in')).body)
    expect(elsewhere('.govuk-footer a').first().attr('href')).toBe('/accessibility')
  })
})

describe('the admin’s details page', () => {
  it('prompts the admin with what is missing, and is only for admins', async () => {
    const admin = await t.signIn('admin@south-gloucestershire.example.org')
    const response = await admin.get('/privacy/statement')
    expect(response.statusCode).toBe(200)
    expect(page(response.body)('.govuk-warning-text').text()).toContain('the data controller’s name')
    const practitioner = await t.signIn('practitioner@south-gloucestershire.example.org')
    expect((await practitioner.get('/privacy/statement')).statusCode).toBe(403)
  })

  it('saves the details, audited, and the public pages show them', async () => {
    const admin = await t.signIn('admin@norfolk.example.org')
    await admin.get('/privacy/statement')
    const saved = await admin.submit('/privacy/statement', filledIn)
    expect(saved.statusCode).toBe(303)
    expect(saved.headers.location).toBe('/privacy/statement?saved=1')

    const notice = await anonymous('/p/norfolk/privacy')
    const body = text(notice.body)
    expect(body).toContain('The data controller for your personal data is Norfolk County Council.')
    expect(body).toContain('dpo@norfolk.example.org')
    expect(page(notice.body)('.govuk-inset-text').length).toBe(0)

    const statement = await anonymous('/p/norfolk/accessibility')
    const words = text(statement.body)
    expect(words).toContain(
      'This website is partially compliant with the Web Content Accessibility Guidelines version 2.2 AA standard',
    )
    expect(words).toContain('Some older PDF briefings are not tagged for screen readers.')
    expect(words).toContain(
      'This statement was prepared on 23 September 2026. It was last reviewed on 24 November 2026.',
    )

    const norfolk = await t.partnership('norfolk')
    const events = await t.db.tenant({ partnershipId: norfolk.id, userId: null }, (sql) =>
      sql.query(
        `SELECT 1 FROM audit_events WHERE action = 'privacy.statement' AND entity_type = 'privacy_statements'`,
      ),
    )
    expect(events.length).toBe(1)
  })

  it('refuses text too long and a review before the statement was prepared, changing nothing', async () => {
    const admin = await t.signIn('admin@north-somerset.example.org')
    await admin.get('/privacy/statement')
    const response = await admin.submit('/privacy/statement', {
      ...filledIn,
      controllerName: 'x'.repeat(201),
      'reviewedOn-year': '2025',
    })
    expect(response.statusCode).toBe(400)
    const $ = page(response.body)
    const summary = $('.govuk-error-summary')
    expect(summary.text()).toContain('The data controller’s name must be 200 characters or fewer')
    expect(summary.text()).toContain(
      'The date of the last review must be on or after the date the statement was prepared',
    )
    expect($('.govuk-error-summary a[href="#reviewedOn-day"]').length).toBe(1)
    const future = await admin.submit('/privacy/statement', {
      ...filledIn,
      'preparedOn-year': '2027',
      'reviewedOn-year': '2027',
    })
    expect(future.statusCode).toBe(400)
    expect(page(future.body)('.govuk-error-summary').text()).toContain('must be today or in the past')
    const northSomerset = await t.partnership('north-somerset')
    const rows = await t.db.tenant({ partnershipId: northSomerset.id, userId: null }, (sql) =>
      sql.query('SELECT 1 FROM privacy_statements'),
    )
    expect(rows.length).toBe(0)
  })
})
