import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, TestApp } from '#test/support/app.ts'
import { page, testApp } from '#test/support/app.ts'
import { anotherAgency, aReviewWithRecommendation, userOf } from './test-fixtures.ts'

let t: TestApp
let norfolkId: string
let leadAgencyId: string
let otherAgencyId: string
let recommendationId: string
let reviewId: string
const browsers: Record<string, Browser> = {}

// A PDF as small as one can be: what file-type reads is the header.
const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n')
// A Windows program's first bytes, under a document's name.
const program = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(126, 0x90), Buffer.from('PE\0\0')])

beforeAll(async () => {
  t = await testApp()
  norfolkId = (await t.partnership('norfolk')).id
  const lead = await userOf(t.db, norfolkId, 'agency-lead@norfolk.example.org')
  leadAgencyId = lead.agencyIds[0] as string
  otherAgencyId = await anotherAgency(t.db, norfolkId, lead.agencyIds)
  const made = await aReviewWithRecommendation(t.db, norfolkId, { reference: 'CSPR-PAGES' })
  recommendationId = made.recommendationId
  reviewId = made.reviewId
  for (const role of ['admin', 'subgroup', 'executive', 'agency-lead', 'trainer', 'practitioner'])
    browsers[role] = await t.signIn(`${role}@norfolk.example.org`)
  browsers.jersey = await t.signIn('admin@jersey.example.org')
})
afterAll(() => t?.close())

const fields = (overrides: Record<string, string> = {}) => ({
  description: 'School nurses record the <b>child’s</b> words at every contact',
  ownedBy: 'agency',
  owningAgencyId: leadAgencyId,
  ownerEmail: 'practitioner@norfolk.example.org',
  successMeasure: '=HYPERLINK("http://evil.example","audit")',
  'dueOn-day': '31',
  'dueOn-month': '3',
  'dueOn-year': '2027',
  ...overrides,
})

async function raisedOnScreen(overrides: Record<string, string> = {}): Promise<string> {
  const response = await (browsers.subgroup as Browser).submit(
    `/recommendations/${recommendationId}/actions/new`,
    fields(overrides),
  )
  expect(response.statusCode).toBe(303)
  return String(response.headers.location)
}

async function counts() {
  return t.db.tenant({ partnershipId: norfolkId, userId: null }, (sql) =>
    sql.one<{ updates: number; files: number }>(
      'SELECT (SELECT count(*)::int FROM action_updates) AS updates, (SELECT count(*)::int FROM action_evidence) AS files',
    ),
  )
}

describe('raising an action on screen', () => {
  it('says what is missing, linked to each field, and keeps what was typed', async () => {
    const subgroup = browsers.subgroup as Browser
    const form = page((await subgroup.get(`/recommendations/${recommendationId}/actions/new`)).body)
    expect(form('input[name="ownedBy"]').length).toBeGreaterThan(0)
    expect(form('input[name="dueOn-day"]').length).toBe(1)
    const response = await subgroup.post(`/recommendations/${recommendationId}/actions/new`, {
      description: 'Keep this',
      ownerEmail: 'nobody@example.org',
    })
    expect(response.statusCode).toBe(400)
    const $ = page(response.body)
    expect(
      $('.govuk-error-summary a')
        .toArray()
        .map((a) => $(a).attr('href')),
    ).toEqual(['#ownedBy', '#successMeasure', '#dueOn-day'])
    expect($('#description').val()).toBe('Keep this')
    expect($('#ownerEmail').val()).toBe('nobody@example.org')
  })

  it('names an unknown owner and a due date before the review was notified', async () => {
    const response = await (browsers.subgroup as Browser).submit(
      `/recommendations/${recommendationId}/actions/new`,
      fields({ ownerEmail: 'nobody@norfolk.example.org', 'dueOn-year': '2025' }),
    )
    expect(response.statusCode).toBe(400)
    const summary = page(response.body)('.govuk-error-summary').text()
    expect(summary).toContain('No one signs in to this partnership with that email address')
    expect(summary).toContain(
      'The due date must be on or after the day the review was notified, 2 March 2026',
    )
  })

  it('refuses a recommendation the board did not accept, saying why', async () => {
    const declined = await aReviewWithRecommendation(t.db, norfolkId, { response: 'not_accepted' })
    const response = await (browsers.subgroup as Browser).submit(
      `/recommendations/${declined.recommendationId}/actions/new`,
      fields(),
    )
    expect(response.statusCode).toBe(409)
    expect(page(response.body)('.govuk-error-summary').text()).toContain(
      'The board did not accept this recommendation',
    )
  })

  it('raises the action and shows it back as text, markup escaped, linked to its review', async () => {
    const url = await raisedOnScreen()
    const $ = page((await (browsers.subgroup as Browser).get(url)).body)
    expect($('main').html()).toContain('&lt;b&gt;child’s&lt;/b&gt;')
    expect($('main b').length).toBe(0)
    expect($(`a[href="/reviews/${reviewId}"]`).first().text()).toBe('CSPR-PAGES')
    expect($('main').text()).toContain('Agencies make sure the voice of the child is recorded at every visit')
    expect($('form[action$="/verify"]').length).toBe(0)
    expect($('form[action$="/extend"]').length).toBe(1)
  })
})

describe('evidence files', () => {
  it('takes a PDF from the owner and serves it back only to those who may see the action', async () => {
    const url = await raisedOnScreen()
    const owner = browsers.practitioner as Browser
    const $form = page((await owner.get(url)).body)
    expect($form('form[enctype="multipart/form-data"]').length).toBe(1)
    expect($form('form[action$="/extend"]').length).toBe(0)
    const response = await owner.upload(
      `${url}/updates`,
      { field: 'file', filename: 'audit.pdf', content: pdf, type: 'application/pdf' },
      { note: 'Audit report attached', status: 'completed' },
    )
    expect(response.statusCode).toBe(303)
    const $ = page((await owner.get(url)).body)
    const link = $('a[href*="/evidence/"]')
    expect(link.text()).toBe('audit.pdf')
    const href = String(link.attr('href'))
    const file = await owner.get(href)
    expect(file.statusCode).toBe(200)
    expect(file.headers['content-type']).toBe('application/pdf')
    expect(file.headers['content-disposition']).toMatch(/^attachment; filename="audit.pdf"/)
    expect(file.headers['x-content-type-options']).toBe('nosniff')
    expect(file.headers['content-security-policy']).toContain('sandbox')
    expect(file.rawPayload.equals(pdf)).toBe(true)
    for (const role of ['admin', 'executive', 'agency-lead'])
      expect((await (browsers[role] as Browser).get(href)).statusCode).toBe(200)
    for (const role of ['trainer', 'jersey'])
      expect((await (browsers[role] as Browser).get(href)).statusCode).toBe(404)
  })

  it('refuses a program named as a PDF and saves nothing', async () => {
    const url = await raisedOnScreen()
    const before = await counts()
    const response = await (browsers.practitioner as Browser).upload(
      `${url}/updates`,
      { field: 'file', filename: 'report.pdf', content: program, type: 'application/pdf' },
      { note: 'Here is the report', status: 'completed' },
    )
    expect(response.statusCode).toBe(400)
    const $ = page(response.body)
    expect($('.govuk-error-summary').text()).toContain('The file is a program, not evidence')
    expect($('#note').val()).toBe('Here is the report')
    expect(await counts()).toEqual(before)
    const api = (await (browsers.practitioner as Browser).get(url)).body
    expect(page(api)('.govuk-tag').first().text()).toBe('Not started')
  })

  it('refuses a file of more than 10 MB', async () => {
    const url = await raisedOnScreen()
    const owner = browsers.practitioner as Browser
    await owner.get(url)
    const before = await counts()
    const big = Buffer.concat([pdf, Buffer.alloc(10 * 1024 * 1024)])
    const response = await owner.upload(
      `${url}/updates`,
      { field: 'file', filename: 'big.pdf', content: big },
      { note: 'x' },
    )
    expect(response.statusCode).toBe(400)
    expect(page(response.body)('.govuk-error-summary').text()).toContain(
      'The file must be smaller than 10 MB',
    )
    expect(await counts()).toEqual(before)
  })

  it('refuses an ELF program and a file that is not a document', async () => {
    const url = await raisedOnScreen()
    const owner = browsers.practitioner as Browser
    await owner.get(url)
    const elf = await owner.upload(
      `${url}/updates`,
      {
        field: 'file',
        filename: 'x.pdf',
        content: Buffer.concat([Buffer.from('\x7fELF'), Buffer.alloc(60)]),
      },
      { note: 'x' },
    )
    expect(page(elf.body)('.govuk-error-summary').text()).toContain('The file is a program')
    const text = await owner.upload(
      `${url}/updates`,
      { field: 'file', filename: 'notes.pdf', content: 'just some words' },
      { note: 'x' },
    )
    expect(text.statusCode).toBe(400)
    expect(page(text.body)('.govuk-error-summary').text()).toContain('The file must be a PDF')
  })
})

describe('extending and verifying on screen', () => {
  it('extends with the original date shown, then verifies once completed', async () => {
    const url = await raisedOnScreen()
    const subgroup = browsers.subgroup as Browser
    const missing = await subgroup.submit(`${url}/extend`, { reason: 'Later' }, { from: url })
    expect(missing.statusCode).toBe(400)
    expect(page(missing.body)('.govuk-error-summary a').attr('href')).toBe('#dueOn-day')
    const extended = await subgroup.submit(
      `${url}/extend`,
      { 'dueOn-day': '30', 'dueOn-month': '6', 'dueOn-year': '2027', reason: 'Audit team redeployed' },
      { from: url },
    )
    expect(extended.statusCode).toBe(303)
    const $ = page((await subgroup.get(url)).body)
    expect($('main').text()).toContain('30 June 2027 (extended from 31 March 2027)')
    expect($('.moj-timeline__title').first().text()).toContain(
      'Due date moved from 31 March 2027 to 30 June 2027',
    )
    await (browsers.practitioner as Browser).get(url)
    await (browsers.practitioner as Browser).upload(
      `${url}/updates`,
      { field: 'none', filename: '', content: '' },
      { note: 'Done', status: 'completed' },
    )
    const $done = page((await subgroup.get(url)).body)
    expect($done('form[action$="/verify"]').length).toBe(1)
    const verified = await subgroup.submit(
      `${url}/verify`,
      { verificationNote: 'Audit shows the change' },
      { from: url },
    )
    expect(verified.statusCode).toBe(303)
    const $verified = page((await subgroup.get(url)).body)
    expect($verified('.govuk-tag').first().text()).toBe('Verified')
    expect($verified('form[action$="/updates"]').length).toBe(0)
  })
})

describe('the tracker and our actions', () => {
  it('shows overdue in words, filters, and downloads a CSV with formula cells made safe', async () => {
    const url = await raisedOnScreen({
      'dueOn-day': '1',
      'dueOn-month': '11',
      'dueOn-year': '2026',
      owningAgencyId: otherAgencyId,
    })
    // Due before the test clock's today: overdue already (the API tests move the clock).
    const admin = browsers.admin as Browser
    const $ = page((await admin.get(`/actions?overdue=true&agencyId=${otherAgencyId}`)).body)
    const row = $(`a[href="${url}"]`).closest('tr')
    expect(row.find('.govuk-tag').first().text()).toBe('Overdue')
    expect(row.text()).toContain('Not started')
    expect($('main').html()).not.toContain('<b>child’s</b>')
    const csvHref = String($('a[href^="/actions.csv"]').attr('href'))
    expect(csvHref).toContain('overdue=true')
    const csv = await admin.get(csvHref)
    expect(csv.headers['content-type']).toMatch(/^text\/csv/)
    const rows = parse(csv.body.replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[]
    expect(rows.length).toBe(1)
    expect(rows[0]?.['How we will know practice changed']).toBe(`'=HYPERLINK("http://evil.example","audit")`)
    expect(rows[0]?.Overdue).toBe('Overdue')
  })

  it('keeps the tracker for overseers and gives everyone their own actions', async () => {
    expect((await (browsers['agency-lead'] as Browser).get('/actions')).statusCode).toBe(403)
    expect((await (browsers.executive as Browser).get('/actions')).statusCode).toBe(200)
    const url = await raisedOnScreen({
      owningAgencyId: leadAgencyId,
      ownerEmail: 'admin@norfolk.example.org',
    })
    const lead = page((await (browsers['agency-lead'] as Browser).get('/actions/ours')).body)
    expect(lead(`a[href="${url}"]`).length).toBe(1)
    const trainer = page((await (browsers.trainer as Browser).get('/actions/ours')).body)
    expect(trainer(`a[href="${url}"]`).length).toBe(0)
    expect((await (browsers.trainer as Browser).get(url)).statusCode).toBe(404)
    expect((await (browsers.jersey as Browser).get(url)).statusCode).toBe(404)
    const nav = page((await (browsers.practitioner as Browser).get('/dashboard')).body)
    expect(nav('a[href="/actions/ours"]').length).toBeGreaterThan(0)
    // The practitioner owns the overdue action raised above: their home page says so.
    expect(nav('main').text()).toMatch(/\d+ actions? you own (is|are) overdue/)
    // The lead's home page counts the overdue actions others own for the lead's agencies.
    const before = page((await (browsers['agency-lead'] as Browser).get('/dashboard')).body)
    const count = () =>
      Number(/^(\d+)/.exec(before('#to-do-actions-agencies-overdue').text().trim())?.[1] ?? 0)
    const had = count()
    await raisedOnScreen({
      owningAgencyId: leadAgencyId,
      'dueOn-day': '2',
      'dueOn-month': '11',
      'dueOn-year': '2026',
    })
    const raised = page((await (browsers['agency-lead'] as Browser).get('/dashboard')).body)
    expect(Number(/^(\d+)/.exec(raised('#to-do-actions-agencies-overdue').text().trim())?.[1])).toBe(had + 1)
    expect(raised('#to-do-actions-agencies-overdue a').attr('href')).toBe('/actions/ours')
  })
})
