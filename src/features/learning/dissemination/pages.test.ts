import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { anotherAgency, aReviewWithRecommendation, userOf } from '#features/actions/test-fixtures.ts'
import { agencyHeadcounts } from '#features/directory/headcount.ts'
import { createToDo } from '#features/home/to-do.ts'
import { aLearningProduct } from '#features/learning/test-fixtures.ts'
import { contextFrom } from '#platform/context.ts'
import { createViews } from '#platform/views/nunjucks.ts'
import type { Browser, TestApp } from '#test/support/app.ts'
import { page, testApp } from '#test/support/app.ts'

let t: TestApp
let norfolkId: string
let leadAgencyId: string
let secondLeadAgencyId: string
let otherAgencyId: string
const browsers: Record<string, Browser> = {}

const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n')
const program = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(126, 0x90), Buffer.from('PE\0\0')])

const scope = () => ({ partnershipId: norfolkId, userId: null, actor: 'test' })

type Mail = { to: string; subject: string; text: string }
async function mailTo(to: string): Promise<Mail[]> {
  return t.db.platform((sql) =>
    sql.query<Mail>(
      `SELECT to_address AS to, subject, text_body AS text FROM outbox
        WHERE partnership_id = $1 AND to_address = $2 ORDER BY created_at, id`,
      [norfolkId, to],
    ),
  )
}

async function counts(productId: string) {
  return t.db.tenant(scope(), (sql) =>
    sql.one<{ sends: number; records: number; files: number; confirmations: number }>(
      `SELECT (SELECT count(*)::int FROM learning_product_sends WHERE product_id = $1) AS sends,
              (SELECT count(*)::int FROM dissemination_records WHERE product_id = $1) AS records,
              (SELECT count(*)::int FROM dissemination_evidence e JOIN dissemination_records r ON r.id = e.record_id
                WHERE r.product_id = $1) AS files,
              (SELECT count(*)::int FROM learning_confirmations WHERE product_id = $1) AS confirmations`,
      [productId],
    ),
  )
}

async function setHeadcount(agencyId: string, headcount: number | null) {
  await t.db.tenant(scope(), (sql) =>
    sql.query('UPDATE agencies SET headcount = $2 WHERE id = $1', [agencyId, headcount]),
  )
}

/** The matrix rows on screen: agency id to the words of its status tag and its figures. */
async function matrixOf(as: Browser, productId: string) {
  const response = await as.get(`/learning/${productId}/dissemination`)
  expect(response.statusCode).toBe(200)
  const $ = page(response.body)
  return Object.fromEntries(
    $('#matrix tbody tr')
      .toArray()
      .map((row) => {
        const cells = $(row)
          .find('td')
          .toArray()
          .map((c) => $(c).text().trim())
        return [
          $(row).attr('data-agency'),
          { status: cells[0], staff: cells[1], reach: cells[3], confirmations: cells[4] },
        ]
      }),
  ) as Record<string, { status: string; staff: string; reach: string; confirmations: string }>
}

const record = (overrides: Record<string, string> = {}) => ({
  how: 'team_meeting',
  'on-day': '20',
  'on-month': '11',
  'on-year': '2026',
  staffReached: '6',
  note: 'An agenda item at the team meeting on 20 November',
  ...overrides,
})

beforeAll(async () => {
  t = await testApp()
  norfolkId = (await t.partnership('norfolk')).id
  const lead = await userOf(t.db, norfolkId, 'agency-lead@norfolk.example.org')
  leadAgencyId = lead.agencyIds[0] as string
  secondLeadAgencyId = lead.agencyIds[1] as string
  otherAgencyId = await anotherAgency(t.db, norfolkId, lead.agencyIds)
  for (const role of ['admin', 'subgroup', 'executive', 'agency-lead', 'practitioner'])
    browsers[role] = await t.signIn(`${role}@norfolk.example.org`)
})
afterAll(() => t?.close())

describe('an agency’s headcount', () => {
  it('is the declared one, else the agency’s active people in the directory', async () => {
    await setHeadcount(otherAgencyId, null)
    const [counted] = await t.db.tenant(scope(), (sql) => agencyHeadcounts(sql, [otherAgencyId]))
    const people = await t.db.tenant(scope(), (sql) =>
      sql.one<{ n: number }>(
        `SELECT count(*)::int AS n FROM people WHERE agency_id = $1 AND status = 'active' AND merged_into IS NULL`,
        [otherAgencyId],
      ),
    )
    expect(counted).toEqual({ agencyId: otherAgencyId, headcount: people.n, declared: false })
    await setHeadcount(otherAgencyId, 350)
    const [declared] = await t.db.tenant(scope(), (sql) => agencyHeadcounts(sql, [otherAgencyId]))
    expect(declared).toEqual({ agencyId: otherAgencyId, headcount: 350, declared: true })
  })

  it('is changed by an admin on the agency’s form, and a negative one is refused', async () => {
    const admin = browsers.admin as Browser
    const agency = await t.db.tenant(scope(), (sql) =>
      sql.one<Record<string, string>>(
        'SELECT name, category, sector, workforce FROM agencies WHERE id = $1',
        [otherAgencyId],
      ),
    )
    const url = `/agencies/${otherAgencyId}/edit`
    const refused = await admin.submit(url, { ...agency, headcount: '-3' })
    expect(refused.statusCode).toBe(400)
    expect(page(refused.body)('.govuk-error-summary').text()).toContain('The headcount cannot be negative')
    expect((await admin.submit(url, { ...agency, headcount: '1,250' })).statusCode).toBe(303)
    const shown = page((await admin.get(`/agencies/${otherAgencyId}`)).body)('main').text()
    expect(shown).toContain('1250 (declared)')
    expect((await admin.get(url)).body).toContain('value="1250"')
  })
})

describe('sending a product to agencies', () => {
  it('emails each agency lead once, naming their agencies, and records each agency sent', async () => {
    const product = await aLearningProduct(t.db, norfolkId, { title: 'Neglect: seven minutes' })
    const before = (await mailTo('agency-lead@norfolk.example.org')).length
    const response = await (browsers.subgroup as Browser).submit(
      `/learning/${product.id}/dissemination/send`,
      {},
      { from: `/learning/${product.id}/dissemination` },
    )
    expect(response.statusCode).toBe(303)
    const banner = page((await (browsers.subgroup as Browser).get(String(response.headers.location))).body)
    expect(banner('.govuk-notification-banner').text()).toMatch(/Sent to \d+ agencies/)
    const mails = (await mailTo('agency-lead@norfolk.example.org')).slice(before)
    expect(mails).toHaveLength(1)
    expect(mails[0]?.subject).toBe('Learning to pass on: Neglect: seven minutes')
    expect(mails[0]?.text).toContain(`/learning/${product.id}\n`)
    expect(mails[0]?.text).toContain(`/learning/${product.id}/dissemination/${leadAgencyId}`)
    expect(mails[0]?.text).toContain(`/learning/${product.id}/dissemination/${secondLeadAgencyId}`)
    const agencies = await t.db.tenant(scope(), (sql) =>
      sql.one<{ n: number }>('SELECT count(*)::int AS n FROM agencies WHERE NOT archived'),
    )
    expect((await counts(product.id)).sends).toBe(agencies.n)
  })

  it('reaches only agencies not yet sent it, unless the new version is resent', async () => {
    const product = await aLearningProduct(t.db, norfolkId, {
      title: 'Resent briefing',
      audience: { sectors: ['voluntary', 'early_years'] },
    })
    await t.services.dissemination.send(contextFor('admin'), product.id)
    const sends = (await counts(product.id)).sends
    const before = (await mailTo('agency-lead@norfolk.example.org')).length
    const again = await t.services.dissemination.send(contextFor('admin'), product.id)
    expect(again).toMatchObject({ sent: 0, emails: 0, alreadySent: sends })
    expect((await mailTo('agency-lead@norfolk.example.org')).length).toBe(before)
    await t.db.tenant(scope(), (sql) =>
      sql.query('UPDATE learning_products SET version = 2 WHERE id = $1', [product.id]),
    )
    expect((await t.services.dissemination.send(contextFor('admin'), product.id)).sent).toBe(0)
    const resent = await t.services.dissemination.send(contextFor('admin'), product.id, { resend: true })
    expect(resent).toMatchObject({ sent: sends, resent: sends })
    const subjects = (await mailTo('agency-lead@norfolk.example.org')).map((m) => m.subject)
    expect(subjects.filter((s) => s.endsWith('Resent briefing')).sort()).toEqual([
      'Learning to pass on: Resent briefing',
      'Updated learning to pass on: Resent briefing',
    ])
  })

  it('refuses a draft and is not offered to an agency lead', async () => {
    const draft = await aLearningProduct(t.db, norfolkId, { status: 'draft' })
    await expect(t.services.dissemination.send(contextFor('admin'), draft.id)).rejects.toThrow(/published/)
    const published = await aLearningProduct(t.db, norfolkId)
    const lead = browsers['agency-lead'] as Browser
    expect(
      page((await lead.get(`/learning/${published.id}/dissemination`)).body)('form[action$="/send"]').length,
    ).toBe(0)
    const refused = await lead.post(`/learning/${published.id}/dissemination/send`, {})
    expect(refused.statusCode).toBe(403)
    expect((await counts(published.id)).sends).toBe(0)
  })
})

const contexts: Record<string, ReturnType<typeof contextFrom>> = {}
function contextFor(role: string) {
  const ctx = contexts[role]
  if (!ctx) throw new Error(`No context for ${role}`)
  return ctx
}
beforeAll(async () => {
  const partnership = await t.partnership('norfolk')
  for (const role of ['admin', 'subgroup', 'agency-lead', 'practitioner'] as const) {
    const user = await userOf(t.db, norfolkId, `${role}@norfolk.example.org`)
    contexts[role] = contextFrom({
      user: { id: user.id },
      partnership,
      roles: [role],
      agencyIds: role === 'agency-lead' ? user.agencyIds : [],
    } as never)
  }
})

describe('an agency lead recording dissemination', () => {
  let productId: string
  const url = () => `/learning/${productId}/dissemination/${leadAgencyId}`

  beforeAll(async () => {
    productId = (await aLearningProduct(t.db, norfolkId, { title: 'Cumulative harm' })).id
    await t.services.dissemination.send(contextFor('admin'), productId)
    await setHeadcount(leadAgencyId, 10)
  })

  it('shows the agency as not yet acknowledged once sent, and acknowledged after the lead says so', async () => {
    const lead = browsers['agency-lead'] as Browser
    expect((await matrixOf(browsers.admin as Browser, productId))[leadAgencyId]?.status).toBe(
      'Not yet acknowledged',
    )
    const response = await lead.submit(`${url()}/acknowledge`, {}, { from: url() })
    expect(response.statusCode).toBe(303)
    expect(page((await lead.get(String(response.headers.location))).body)('#status').text()).toBe(
      'Acknowledged',
    )
    // Acknowledging again changes nothing.
    await lead.submit(`${url()}/acknowledge`, {}, { from: url() })
    expect((await counts(productId)).records).toBe(1)
  })

  it('refuses a negative number of staff, a date in the future and a record with no evidence', async () => {
    const lead = browsers['agency-lead'] as Browser
    const before = await counts(productId)
    const negative = await lead.submit(url(), record({ staffReached: '-4' }))
    expect(negative.statusCode).toBe(400)
    const $ = page(negative.body)
    expect($('.govuk-error-summary').text()).toContain('The number of staff reached cannot be negative')
    expect($('.govuk-error-summary a').attr('href')).toBe('#staffReached')
    expect($('#note').val()).toBe('An agenda item at the team meeting on 20 November')
    const future = await lead.submit(url(), record({ 'on-year': '2027' }))
    expect(future.statusCode).toBe(400)
    expect(page(future.body)('.govuk-error-summary').text()).toContain('must be today or in the past')
    const bare = await lead.submit(url(), record({ note: '' }))
    expect(bare.statusCode).toBe(400)
    expect(page(bare.body)('.govuk-error-summary').text()).toContain('Add a note or choose a file')
    expect(await counts(productId)).toEqual(before)
  })

  it('records how it was passed on, with a file as evidence, and adds the records up', async () => {
    const lead = browsers['agency-lead'] as Browser
    await lead.get(url())
    const first = await lead.upload(
      url(),
      { field: 'file', filename: 'agenda.pdf', content: pdf, type: 'application/pdf' },
      record({ note: '', staffReached: '4' }),
    )
    expect(first.statusCode).toBe(303)
    expect((await lead.submit(url(), record({ how: 'supervision', staffReached: '3' }))).statusCode).toBe(303)
    const row = (await matrixOf(browsers.admin as Browser, productId))[leadAgencyId]
    expect(row).toMatchObject({ status: 'Disseminated', staff: '7', reach: '70%' })
    const $ = page((await lead.get(url())).body)
    const file = $('a[href*="/evidence/"]')
    expect(file.text()).toBe('agenda.pdf')
    const download = await lead.get(String(file.attr('href')))
    expect(download.statusCode).toBe(200)
    expect(download.headers['content-disposition']).toMatch(/^attachment/)
  })

  it('refuses a program sent as evidence, saving nothing', async () => {
    const lead = browsers['agency-lead'] as Browser
    const before = await counts(productId)
    await lead.get(url())
    const response = await lead.upload(
      url(),
      { field: 'file', filename: 'minutes.pdf', content: program, type: 'application/pdf' },
      record(),
    )
    expect(response.statusCode).toBe(400)
    expect(page(response.body)('.govuk-error-summary').text()).toContain('The file is a program')
    expect(await counts(productId)).toEqual(before)
  })

  it('asks to confirm staff reached above the headcount, then records it and says so', async () => {
    const lead = browsers['agency-lead'] as Browser
    const before = await counts(productId)
    const asked = await lead.submit(url(), record({ staffReached: '5' }))
    expect(asked.statusCode).toBe(200)
    const $ = page(asked.body)
    expect($('.govuk-warning-text').text()).toContain('5 staff reached, with 7 recorded before, is more than')
    expect($('input[name="confirmAboveHeadcount"]').val()).toBe('yes')
    expect($('#staffReached').val()).toBe('5')
    expect(await counts(productId)).toEqual(before)
    const confirmed = await lead.post(url(), {
      ...record({ staffReached: '5' }),
      confirmAboveHeadcount: 'yes',
    })
    expect(confirmed.statusCode).toBe(303)
    expect(String(confirmed.headers.location)).toContain('done=recorded-above')
    const after = page((await lead.get(String(confirmed.headers.location))).body)
    expect(after('.govuk-notification-banner').text()).toContain('more than the agency’s headcount')
    expect((await matrixOf(browsers.admin as Browser, productId))[leadAgencyId]).toMatchObject({
      staff: '12',
      reach: '100%',
    })
  })

  it('refuses a lead recording for an agency they do not lead', async () => {
    const lead = browsers['agency-lead'] as Browser
    const other = `/learning/${productId}/dissemination/${otherAgencyId}`
    expect((await lead.get(other)).statusCode).toBe(403)
    const before = await counts(productId)
    expect((await lead.post(other, record())).statusCode).toBe(403)
    expect((await lead.post(`${other}/acknowledge`, {})).statusCode).toBe(403)
    expect(await counts(productId)).toEqual(before)
  })

  it('lets the sub-group record for any agency', async () => {
    const subgroup = browsers.subgroup as Browser
    const other = `/learning/${productId}/dissemination/${otherAgencyId}`
    expect((await subgroup.submit(other, record({ how: 'intranet', staffReached: '100' }))).statusCode).toBe(
      303,
    )
    expect((await matrixOf(browsers.admin as Browser, productId))[otherAgencyId]?.status).toBe('Disseminated')
  })

  it('shows an agency lead only their own agencies’ rows', async () => {
    const rows = await matrixOf(browsers['agency-lead'] as Browser, productId)
    expect(Object.keys(rows).sort()).toEqual([leadAgencyId, secondLeadAgencyId].sort())
    expect(
      (await (browsers.practitioner as Browser).get(`/learning/${productId}/dissemination`)).statusCode,
    ).toBe(403)
  })

  it('lists the product on the lead’s “Learning to pass on”, and counts what waits on their home page', async () => {
    const $ = page((await (browsers['agency-lead'] as Browser).get('/learning/to-pass-on')).body)
    expect($('main').text()).toContain('Cumulative harm')
    expect($(`a[href="/learning/${productId}/dissemination/${secondLeadAgencyId}"]`).length).toBe(1)
    const toDo = createToDo(t.services)
    const items = await toDo.forActor(contextFor('agency-lead'))
    expect(items.find((i) => i.id === 'learning-to-pass-on')?.href).toBe('/learning/to-pass-on')
  })
})

describe('the matrix as CSV', () => {
  it('gives every row with its status in words, and neutralises formulas', async () => {
    const product = await aLearningProduct(t.db, norfolkId, {
      title: '=HYPERLINK("http://evil.example","x")',
    })
    await t.services.dissemination.send(contextFor('admin'), product.id)
    const response = await (browsers.executive as Browser).get(`/learning/${product.id}/dissemination.csv`)
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toContain('text/csv')
    const rows = parse(response.body.replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[]
    const lead = rows.find((r) => r.Agency && r.Status === 'Not yet acknowledged')
    expect(lead).toBeDefined()
    expect(rows.every((r) => r.Product?.startsWith("'="))).toBe(true)
    expect(Object.keys(rows[0] ?? {})).toContain('Reach (% of headcount)')
  })
})

describe('practitioners confirming', () => {
  let productId: string

  beforeAll(async () => {
    productId = (await aLearningProduct(t.db, norfolkId, { title: 'Voice of the child' })).id
    await t.services.dissemination.send(contextFor('admin'), productId)
  })

  it('counts a signed-in practitioner once, under their agency', async () => {
    const practitioner = browsers.practitioner as Browser
    const from = `/learning/${productId}/dissemination/${leadAgencyId}`
    await (browsers['agency-lead'] as Browser).get(from)
    await practitioner.get('/dashboard')
    const first = await practitioner.post(`/learning/${productId}/confirm`, { kind: 'read' })
    expect(first.statusCode).toBe(200)
    expect(page(first.body)('h1').text()).toBe('Thank you for confirming')
    const again = await practitioner.post(`/learning/${productId}/confirm`, { kind: 'read' })
    expect(page(again.body)('h1').text()).toBe('You had already confirmed this')
    expect((await counts(productId)).confirmations).toBe(1)
    const rows = await matrixOf(browsers.admin as Browser, productId)
    const practitionerAgency = Object.entries(rows).find(([, r]) => r.confirmations === '1')
    expect(practitionerAgency).toBeDefined()
  })

  it('emails each of an agency’s staff their own links once; a link confirms only by its button', async () => {
    const lead = browsers['agency-lead'] as Browser
    const practitionerAgency = await t.db.tenant(scope(), (sql) =>
      sql.one<{ agencyId: string }>(
        `SELECT agency_id AS "agencyId" FROM people WHERE email = 'practitioner@norfolk.example.org'`,
      ),
    )
    const url = `/learning/${productId}/dissemination/${practitionerAgency.agencyId}/staff-links`
    const sent = await lead.submit(
      url,
      {},
      { from: `/learning/${productId}/dissemination/${practitionerAgency.agencyId}` },
    )
    expect(sent.statusCode).toBe(303)
    expect(String(sent.headers.location)).not.toContain('n=0')
    const [mail] = (await mailTo('practitioner@norfolk.example.org')).filter(
      (m) => m.subject === 'Please confirm: Voice of the child',
    )
    expect(mail).toBeDefined()
    const again = await lead.submit(
      url,
      {},
      { from: `/learning/${productId}/dissemination/${practitionerAgency.agencyId}` },
    )
    expect(String(again.headers.location)).toContain('n=0')

    const link = /http:\/\/[^\s]+\/p\/norfolk\/learning\/[^\s]+\/confirm\?token=[^\s]+/.exec(
      (mail?.text ?? '').split('\n').find((l) => l.startsWith('We discussed this in supervision')) ?? '',
    )?.[0]
    expect(link).toBeDefined()
    const path = new URL(link ?? '').pathname + new URL(link ?? '').search
    const visitor = t.browser()
    const before = await counts(productId)
    const shown = await visitor.get(path)
    expect(shown.statusCode).toBe(200)
    expect(page(shown.body)('main button').text().trim()).toBe('We discussed this in supervision')
    expect(await counts(productId)).toEqual(before)
    const token = new URL(link ?? '').searchParams.get('token') ?? ''
    const confirmed = await visitor.post(`/p/norfolk/learning/${productId}/confirm`, { token })
    expect(confirmed.statusCode).toBe(200)
    expect(page(confirmed.body)('.govuk-panel').text()).toContain('Thank you')
    expect((await counts(productId)).confirmations).toBe(before.confirmations + 1)

    const reused = await visitor.post(`/p/norfolk/learning/${productId}/confirm`, { token })
    expect(page(reused.body)('h1').text()).toBe('Already confirmed')
    expect((await counts(productId)).confirmations).toBe(before.confirmations + 1)
  })

  it('refuses a forged link, or one moved to another product, with a clear page', async () => {
    const visitor = t.browser()
    const other = await aLearningProduct(t.db, norfolkId)
    const person = await t.db.tenant(scope(), (sql) =>
      sql.one<{ id: string }>(`SELECT id FROM people WHERE email = 'practitioner@norfolk.example.org'`),
    )
    const forged = `${person.id}.r.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`
    const before = await counts(productId)
    for (const path of [
      `/p/norfolk/learning/${productId}/confirm?token=${forged}`,
      `/p/norfolk/learning/${productId}/confirm?token=nonsense`,
    ]) {
      const response = await visitor.get(path)
      expect(response.statusCode).toBe(404)
      expect(page(response.body)('h1').text()).toBe('This link does not work')
    }
    // A genuine token for one product does not work for another.
    const [mail] = (await mailTo('practitioner@norfolk.example.org')).filter(
      (m) => m.subject === 'Please confirm: Voice of the child',
    )
    const token = /token=([^\s]+)/.exec(mail?.text ?? '')?.[1] ?? ''
    // A forged token sent with a form's CSRF token changes nothing.
    await visitor.get('/sign-in')
    const posted = await visitor.post(`/p/norfolk/learning/${productId}/confirm`, { token: forged })
    expect(posted.statusCode).toBe(404)
    expect((await visitor.get(`/p/norfolk/learning/${other.id}/confirm?token=${token}`)).statusCode).toBe(404)
    expect((await visitor.get(`/p/jersey/learning/${productId}/confirm?token=${token}`)).statusCode).toBe(404)
    expect(await counts(productId)).toEqual(before)
  })
})

describe('a review’s matrix', () => {
  it('shows agencies by the review’s published products, linked from the review, and as CSV', async () => {
    const review = await aReviewWithRecommendation(t.db, norfolkId, { reference: 'CSPR-DISS-1' })
    const briefing = await aLearningProduct(t.db, norfolkId, {
      title: 'Briefing from DISS-1',
      reviewIds: [review.reviewId],
    })
    const poster = await aLearningProduct(t.db, norfolkId, {
      title: 'Poster from DISS-1',
      reviewIds: [review.reviewId],
    })
    await aLearningProduct(t.db, norfolkId, {
      title: 'Draft from DISS-1',
      status: 'draft',
      reviewIds: [review.reviewId],
    })
    await t.services.dissemination.send(contextFor('admin'), briefing.id)
    await t.services.dissemination.acknowledge(contextFor('agency-lead'), briefing.id, leadAgencyId)

    const admin = browsers.admin as Browser
    const reviewPage = page((await admin.get(`/reviews/${review.reviewId}`)).body)
    expect(reviewPage(`a[href="/reviews/${review.reviewId}/dissemination"]`).text()).toBe(
      'Dissemination of this review’s learning',
    )
    const $ = page((await admin.get(`/reviews/${review.reviewId}/dissemination`)).body)
    const headings = $('#matrix thead th')
      .toArray()
      .map((h) => $(h).text().trim())
    expect(headings.slice(1).sort()).toEqual(['Briefing from DISS-1', 'Poster from DISS-1'])
    const column = headings.indexOf('Briefing from DISS-1')
    const cell = (agencyId: string, at: number) =>
      $(`#matrix tr[data-agency="${agencyId}"]`).children().eq(at).find('.govuk-tag').text()
    expect(cell(leadAgencyId, column)).toBe('Acknowledged')
    expect(cell(otherAgencyId, headings.indexOf('Poster from DISS-1'))).toBe('Not sent')

    const csv = await admin.get(`/reviews/${review.reviewId}/dissemination.csv`)
    const rows = parse(csv.body.replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[]
    expect(new Set(rows.map((r) => r.Product))).toEqual(
      new Set(['Briefing from DISS-1', 'Poster from DISS-1']),
    )
    expect(poster.id).toBeDefined()
  })
})

describe('the panel on a product’s page', () => {
  const render = (context: object) =>
    page(
      createViews().render('learning/dissemination/views/product-panel.njk', { csrfToken: 'x', ...context }),
    )

  it('offers a lead their agencies and a practitioner the two confirmations, as buttons that post', async () => {
    const product = await aLearningProduct(t.db, norfolkId, { title: 'Panel briefing' })
    await t.services.dissemination.send(contextFor('admin'), product.id)
    const forLead = render({
      product: { id: product.id, status: 'published' },
      dissemination: await t.services.dissemination.panel(contextFor('agency-lead'), product.id),
    })
    expect(forLead(`a[href="/learning/${product.id}/dissemination/${leadAgencyId}"]`).length).toBe(1)
    expect(forLead('.govuk-tag').first().text()).toBe('Not yet acknowledged')

    const practitioner = contextFor('practitioner')
    const forPractitioner = render({
      product: { id: product.id, status: 'published' },
      dissemination: await t.services.dissemination.panel(practitioner, product.id),
    })
    expect(forPractitioner(`form[action="/learning/${product.id}/confirm"][method="post"]`).length).toBe(2)
    expect(
      forPractitioner('button')
        .toArray()
        .map((b) => forPractitioner(b).text().trim()),
    ).toEqual(['I have read this', 'We discussed this in supervision'])
    expect(forPractitioner(`a[href="/learning/${product.id}/dissemination"]`).length).toBe(0)
    await t.services.dissemination.confirm(practitioner, product.id, 'read')
    const confirmedPanel = render({
      product: { id: product.id, status: 'published' },
      dissemination: await t.services.dissemination.panel(practitioner, product.id),
    })
    expect(confirmedPanel('button').length).toBe(1)
    expect(confirmedPanel('p').text()).toContain('I have read this: confirmed')
  })
})
