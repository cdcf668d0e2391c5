import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { aReviewWithRecommendation } from '#features/actions/test-fixtures.ts'
import type { Browser, TestApp } from '#test/support/app.ts'
import { page, testApp } from '#test/support/app.ts'

let t: TestApp
let norfolkId: string
let publishedReviewId: string
let findingId: string
let unpublishedReviewId: string
const browsers: Record<string, Browser> = {}

const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n')
const program = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(126, 0x90), Buffer.from('PE\0\0')])

beforeAll(async () => {
  t = await testApp()
  norfolkId = (await t.partnership('norfolk')).id
  publishedReviewId = (await aReviewWithRecommendation(t.db, norfolkId, { reference: 'CSPR-LP1' })).reviewId
  unpublishedReviewId = (
    await aReviewWithRecommendation(t.db, norfolkId, { reference: 'CSPR-LP2', status: 'in_progress' })
  ).reviewId
  findingId = await t.db.tenant({ partnershipId: norfolkId, userId: null }, async (sql) => {
    const row = await sql.one<{ id: string }>(
      `INSERT INTO findings (partnership_id, review_id, text) VALUES ($1, $2, 'Cumulative neglect was not seen') RETURNING id`,
      [norfolkId, publishedReviewId],
    )
    return row.id
  })
  for (const role of ['admin', 'subgroup', 'executive', 'agency-lead', 'practitioner'])
    browsers[role] = await t.signIn(`${role}@norfolk.example.org`)
})
afterAll(() => t?.close())

const fields = (overrides: Record<string, string> = {}) => ({
  type: 'seven_minute_briefing',
  title: 'Child H: seven minutes on cumulative neglect',
  summary: 'What the review found, and what to do differently',
  body: '# Why it matters\n\nSee the <script>alert(1)</script> [report](javascript:alert(1)) and [the guidance](https://example.org/g).',
  links: 'The full report | https://example.org/child-h.pdf',
  visibility: 'public',
  workforce: 'children',
  status: 'draft',
  ...overrides,
})

async function writeProduct(overrides: Record<string, string> = {}, extra: Record<string, string[]> = {}) {
  const browser = browsers.subgroup as Browser
  const form = await browser.get('/learning/products/new')
  const csrf = page(form.body)('input[name=_csrf]').first().val() as string
  const body = new URLSearchParams({ _csrf: csrf, ...fields(overrides) })
  for (const [key, values] of Object.entries(extra)) for (const v of values) body.append(key, v)
  const response = await t.app.inject({
    method: 'POST',
    url: '/learning/products/new',
    headers: { cookie: browser.cookieHeader, 'content-type': 'application/x-www-form-urlencoded' },
    payload: body.toString(),
  })
  expect(response.statusCode, response.body.slice(0, 500)).toBe(303)
  return String(response.headers.location).split('?')[0]?.split('/').pop() as string
}

const productCount = () =>
  t.db.tenant({ partnershipId: norfolkId, userId: null }, (sql) =>
    sql.one<{ n: number }>('SELECT count(*)::int AS n FROM learning_products'),
  )

describe('writing a product', () => {
  it('saves a draft that only the partnership’s overseers can read', async () => {
    const id = await writeProduct({ title: 'A draft briefing' })
    expect((await (browsers.admin as Browser).get(`/learning/${id}`)).statusCode).toBe(200)
    expect((await (browsers.practitioner as Browser).get(`/learning/${id}`)).statusCode).toBe(404)
    expect((await t.browser().get(`/p/norfolk/learning/${id}`)).statusCode).toBe(404)
  })

  it('shows every error at once and saves nothing when the form is wrong', async () => {
    const before = await productCount()
    const response = await (browsers.subgroup as Browser).submit('/learning/products/new', {
      ...fields({
        title: '',
        links: 'Report | javascript:alert(1)',
        'reviewBy-day': '31',
        'reviewBy-month': '2',
        'reviewBy-year': '2027',
      }),
    })
    expect(response.statusCode).toBe(400)
    const summary = page(response.body)('.govuk-error-summary').text()
    expect(summary).toContain('Enter the product’s title')
    expect(summary).toContain('Enter a link as a full web address')
    expect(summary).toMatch(/real date/)
    expect(await productCount()).toEqual(before)
  })

  it('refuses practitioners, agency leads and the executive', async () => {
    for (const role of ['practitioner', 'agency-lead', 'executive'])
      expect((await (browsers[role] as Browser).get('/learning/products/new')).statusCode).toBe(403)
  })

  it('renders Markdown with scripts and javascript: links inert', async () => {
    const id = await writeProduct({ status: 'published', title: 'An inert briefing' })
    const html = (await t.browser().get(`/p/norfolk/learning/${id}`)).body
    const $ = page(html)
    expect($('.cascade-markdown h2').text()).toBe('Why it matters')
    expect($('.cascade-markdown script').length).toBe(0)
    expect($('.cascade-markdown a[href^="javascript"]').length).toBe(0)
    expect($('.cascade-markdown a[href="https://example.org/g"]').length).toBe(1)
    expect(html).toContain('&lt;script&gt;')
  })
})

describe('versions', () => {
  it('makes a new version when a published product changes, saying what changed, and none when nothing did', async () => {
    const id = await writeProduct({ status: 'published', title: 'Versioned briefing' })
    const browser = browsers.subgroup as Browser
    const same = await browser.submit(
      `/learning/${id}/edit`,
      fields({ status: '', title: 'Versioned briefing' }),
    )
    expect(same.statusCode).toBe(303)
    expect(String(same.headers.location)).toContain('done=changed')
    const changed = await browser.submit(
      `/learning/${id}/edit`,
      fields({
        title: 'Versioned briefing, revised',
        summary: 'Now with the board’s response',
        changeNote: 'The board responded',
      }),
    )
    expect(String(changed.headers.location)).toContain('done=versioned')
    const added = await browser.upload(`/learning/${id}/files`, {
      field: 'file',
      filename: 'poster.pdf',
      content: pdf,
      type: 'application/pdf',
    })
    expect(added.statusCode).toBe(303)
    const $ = page((await browser.get(`/learning/${id}`)).body)
    const history = $('table.govuk-table tbody tr')
      .map((_, row) => $(row).text().replace(/\s+/g, ' ').trim())
      .get()
    expect(history).toHaveLength(3)
    expect(history[0]).toMatch(/^3 .*Added poster\.pdf/)
    expect(history[1]).toMatch(/^2 .*Changed the title and the summary.*The board responded/)
    expect(history[2]).toMatch(/^1 .*First published/)
  })

  it('never takes a published product back to draft', async () => {
    const id = await writeProduct({ status: 'published', title: 'Stays published' })
    const response = await (browsers.admin as Browser).submit(
      `/learning/${id}/status`,
      { status: 'draft' },
      { from: `/learning/${id}` },
    )
    expect(response.statusCode).toBe(400)
    const api = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/learning-products/${id}`,
      headers: { authorization: `Bearer ${await token('admin')}` },
      payload: { status: 'draft' },
    })
    expect(api.statusCode).toBe(409)
  })

  it('takes a withdrawn product out of the library, and back when published again', async () => {
    const id = await writeProduct({ status: 'published', title: 'Withdrawn briefing' })
    const browser = browsers.admin as Browser
    await browser.submit(`/learning/${id}/status`, { status: 'withdrawn' }, { from: `/learning/${id}` })
    expect((await t.browser().get(`/p/norfolk/learning/${id}`)).statusCode).toBe(404)
    expect((await (browsers.practitioner as Browser).get('/learning?q=withdrawn')).body).not.toContain(
      'Withdrawn briefing',
    )
    await browser.submit(`/learning/${id}/status`, { status: 'published' }, { from: `/learning/${id}` })
    expect((await (browsers.practitioner as Browser).get(`/learning/${id}`)).statusCode).toBe(200)
  })
})

describe('files', () => {
  it('refuses a program under a document’s name and keeps nothing', async () => {
    const id = await writeProduct({ title: 'Files briefing' })
    const response = await (browsers.subgroup as Browser).upload(`/learning/${id}/files`, {
      field: 'file',
      filename: 'briefing.pdf',
      content: program,
      type: 'application/pdf',
    })
    expect(response.statusCode).toBe(400)
    expect(page(response.body)('.govuk-error-summary').text()).toContain('program')
  })

  it('refuses a file over 20 MB', async () => {
    const id = await writeProduct({ title: 'Big file briefing' })
    const big = Buffer.concat([pdf, Buffer.alloc(21 * 1024 * 1024, 0x20)])
    const response = await (browsers.subgroup as Browser).upload(`/learning/${id}/files`, {
      field: 'file',
      filename: 'big.pdf',
      content: big,
      type: 'application/pdf',
    })
    expect(response.statusCode).toBe(400)
    expect(page(response.body)('.govuk-error-summary').text()).toContain('smaller than 20 MB')
  })

  it('serves a public product’s file to anyone, as a download', async () => {
    const id = await writeProduct({ status: 'published', title: 'Public file briefing' })
    await (browsers.subgroup as Browser).upload(`/learning/${id}/files`, {
      field: 'file',
      filename: 'brief.pdf',
      content: pdf,
      type: 'application/pdf',
    })
    const link = page((await t.browser().get(`/p/norfolk/learning/${id}`)).body)('a[download]').attr(
      'href',
    ) as string
    const file = await t.browser().get(link)
    expect(file.statusCode).toBe(200)
    expect(file.headers['content-disposition']).toContain('attachment')
    expect(file.headers['content-type']).toBe('application/pdf')
  })
})

describe('the library', () => {
  it('shows public products to visitors and workforce products only to people signed in', async () => {
    await writeProduct({ status: 'published', title: 'Workforce only briefing', visibility: 'workforce' })
    const publicPage = (await t.browser().get('/p/norfolk/learning?q=workforce')).body
    expect(publicPage).not.toContain('Workforce only briefing')
    expect((await (browsers.practitioner as Browser).get('/learning?q=workforce')).body).toContain(
      'Workforce only briefing',
    )
  })

  it('answers 404 for another partnership’s product on the public pages', async () => {
    const jersey = await t.partnership('jersey')
    const { aLearningProduct } = await import('./test-fixtures.ts')
    const theirs = await aLearningProduct(t.db, jersey.id, {
      title: 'Jersey public briefing',
      visibility: 'public',
    })
    expect((await t.browser().get(`/p/jersey/learning/${theirs.id}`)).statusCode).toBe(200)
    expect((await t.browser().get(`/p/norfolk/learning/${theirs.id}`)).statusCode).toBe(404)
    expect((await t.browser().get('/p/norfolk/learning?q=Jersey')).body).not.toContain(
      'Jersey public briefing',
    )
  })

  it('filters by kind and searches by stemmed words', async () => {
    await writeProduct({
      status: 'published',
      type: 'poster',
      title: 'Poster on bruising in babies who are not mobile',
    })
    const posters = page((await t.browser().get('/p/norfolk/learning?type=poster')).body)
    expect(posters('h2 a').text()).toContain('Poster on bruising')
    expect(posters('h2 a').text()).not.toContain('Child H')
    const searched = page((await t.browser().get('/p/norfolk/learning?q=bruise')).body)
    expect(searched('h2 a').text()).toContain('Poster on bruising')
  })

  it('shows only published source reviews to readers', async () => {
    const id = await writeProduct(
      { status: 'published', title: 'Sourced briefing' },
      {
        reviewIds: [unpublishedReviewId],
        findingIds: [findingId],
      },
    )
    const reader = page((await (browsers.practitioner as Browser).get(`/learning/${id}`)).body)
    expect(reader.text()).toContain('CSPR-LP1')
    expect(reader.text()).toContain('Cumulative neglect was not seen')
    expect(reader.text()).not.toContain('CSPR-LP2')
    expect(page((await (browsers.admin as Browser).get(`/learning/${id}`)).body).text()).toContain('CSPR-LP2')
  })
})

const tokens: Record<string, string> = {}
async function token(role: string): Promise<string> {
  if (tokens[role]) return tokens[role]
  const user = await t.db.anonymous({}, (sql) =>
    sql.one<{ id: string }>('SELECT id FROM users WHERE email = $1', [`${role}@norfolk.example.org`]),
  )
  tokens[role] = await t.services.tokens.create({
    partnershipId: norfolkId,
    userId: user.id,
    name: `learning ${role}`,
  })
  return tokens[role]
}

describe('the API', () => {
  it('writes, publishes, versions and lists products with the contract’s field names', async () => {
    const auth = { authorization: `Bearer ${await token('admin')}` }
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/learning-products',
      headers: auth,
      payload: {
        type: 'seven_minute_briefing',
        title: 'API briefing',
        summary: 'From the API',
        body: '## Why',
        themes: [],
        audience: { workforce: 'children', sectors: ['health'], tiers: [] },
        reviewIds: [],
        findingIds: [findingId],
        visibility: 'workforce',
        status: 'published',
      },
    })
    expect(created.statusCode, created.body).toBe(201)
    const product = created.json()
    expect(product).toMatchObject({
      version: 1,
      status: 'published',
      reviewIds: [publishedReviewId],
      findingIds: [findingId],
    })
    const patched = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/learning-products/${product.id}`,
      headers: auth,
      payload: { body: '## Why it matters', changeNote: 'Clearer heading' },
    })
    expect(patched.json()).toMatchObject({ version: 2, body: '## Why it matters' })
    const read = (
      await t.app.inject({ url: `/api/v1/learning-products/${product.id}`, headers: auth })
    ).json()
    expect(read.versions[0]).toMatchObject({
      version: 2,
      changes: 'Changed the text',
      changeNote: 'Clearer heading',
    })
    const list = await t.app.inject({ url: '/api/v1/learning-products?q=API', headers: auth })
    expect(list.json().items.map((p: { id: string }) => p.id)).toContain(product.id)
  })

  it('takes a file as multipart and checks it by its content', async () => {
    const auth = { authorization: `Bearer ${await token('subgroup')}` }
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/learning-products',
      headers: auth,
      payload: { type: 'poster', title: 'API poster' },
    })
    const id = created.json().id
    const send = (content: Buffer, filename: string) => {
      const boundary = '----cascadeapi'
      return t.app.inject({
        method: 'POST',
        url: `/api/v1/learning-products/${id}/files`,
        headers: { ...auth, 'content-type': `multipart/form-data; boundary=${boundary}` },
        payload: Buffer.concat([
          Buffer.from(
            `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/pdf\r\n\r\n`,
          ),
          content,
          Buffer.from(`\r\n--${boundary}--\r\n`),
        ]),
      })
    }
    const added = await send(pdf, 'poster.pdf')
    expect(added.statusCode, added.body).toBe(201)
    expect(added.json()).toMatchObject({ filename: 'poster.pdf', contentType: 'application/pdf' })
    const refused = await send(program, 'poster.pdf')
    expect(refused.statusCode).toBe(400)
    const read = (await t.app.inject({ url: `/api/v1/learning-products/${id}`, headers: auth })).json()
    expect(read.files).toHaveLength(1)
  })

  it('refuses a finding of another partnership and a practitioner writing', async () => {
    const jersey = await t.partnership('jersey')
    const { reviewId } = await aReviewWithRecommendation(t.db, jersey.id, { reference: 'JSY-LP' })
    const jerseyFinding = await t.db.tenant({ partnershipId: jersey.id, userId: null }, async (sql) => {
      const review = { id: reviewId }
      return (
        await sql.one<{ id: string }>(
          `INSERT INTO findings (partnership_id, review_id, text) VALUES ($1, $2, 'Jersey') RETURNING id`,
          [jersey.id, review.id],
        )
      ).id
    })
    const refused = await t.app.inject({
      method: 'POST',
      url: '/api/v1/learning-products',
      headers: { authorization: `Bearer ${await token('admin')}` },
      payload: { type: 'briefing', title: 'Leaky', findingIds: [jerseyFinding] },
    })
    expect(refused.statusCode).toBe(400)
    const practitioner = await t.app.inject({
      method: 'POST',
      url: '/api/v1/learning-products',
      headers: { authorization: `Bearer ${await token('practitioner')}` },
      payload: { type: 'briefing', title: 'Mine' },
    })
    expect(practitioner.statusCode).toBe(403)
  })
})

describe('products given with a course', () => {
  it('shows reading before the course on its public page, and names a workforce product with a way to sign in', async () => {
    const courseId = await t.db.tenant({ partnershipId: norfolkId, userId: null }, async (sql) => {
      const row = await sql.one<{ id: string }>(
        "SELECT id FROM courses WHERE status = 'published' ORDER BY title LIMIT 1",
      )
      return row.id
    })
    const publicId = await writeProduct({ status: 'published', title: 'Pre-reading for the course' })
    const workforceId = await writeProduct({
      status: 'published',
      title: 'Follow-up for staff',
      visibility: 'workforce',
    })
    const admin = browsers.admin as Browser
    expect(
      (await admin.submit(`/courses/${courseId}/learning`, { productId: publicId, purpose: 'pre_reading' }))
        .statusCode,
    ).toBe(303)
    expect(
      (await admin.submit(`/courses/${courseId}/learning`, { productId: workforceId, purpose: 'follow_up' }))
        .statusCode,
    ).toBe(303)
    const again = await admin.submit(`/courses/${courseId}/learning`, {
      productId: publicId,
      purpose: 'pre_reading',
    })
    expect(again.statusCode).toBe(409)
    const $ = page((await t.browser().get(`/p/norfolk/courses/${courseId}`)).body)
    const section = $('h2:contains("Before and after the course")').parent().text()
    expect(section).toContain('Pre-reading for the course')
    expect($(`a[href="/p/norfolk/learning/${publicId}"]`).length).toBe(1)
    expect($(`a[href="/p/norfolk/learning/${workforceId}"]`).length).toBe(0)
    expect(section).toMatch(/Follow-up for staff \(sign in/)
    const related = page((await t.browser().get(`/p/norfolk/learning/${publicId}`)).body)
    expect(related('h2:contains("Related courses") + ul').text()).toContain('read this before the course')
  })

  it('refuses a product that is not the partnership’s', async () => {
    const jersey = await t.partnership('jersey')
    const { aLearningProduct } = await import('./test-fixtures.ts')
    const other = await aLearningProduct(t.db, jersey.id)
    const courseId = await t.db.tenant(
      { partnershipId: norfolkId, userId: null },
      async (sql) => (await sql.one<{ id: string }>('SELECT id FROM courses LIMIT 1')).id,
    )
    const response = await (browsers.admin as Browser).submit(`/courses/${courseId}/learning`, {
      productId: other.id,
      purpose: 'pre_reading',
    })
    expect(response.statusCode).toBe(400)
  })
})

describe('from a review', () => {
  it('lists the review’s products on its page, drafts only to overseers, and starts a new one citing it', async () => {
    const published = await writeProduct(
      { status: 'published', title: 'From the review, published' },
      { reviewIds: [publishedReviewId] },
    )
    await writeProduct({ title: 'From the review, a draft' }, { reviewIds: [publishedReviewId] })
    const reader = page((await (browsers.practitioner as Browser).get(`/reviews/${publishedReviewId}`)).body)
    expect(reader(`a[href="/learning/${published}"]`).length).toBe(1)
    expect(reader.text()).not.toContain('From the review, a draft')
    const admin = page((await (browsers.admin as Browser).get(`/reviews/${publishedReviewId}`)).body)
    expect(admin.text()).toMatch(/From the review, a draft, 7-minute briefing \(draft\)/)
    const form = page(
      (
        await (browsers.admin as Browser).get(
          admin('a:contains("Write a product from this review")').attr('href') as string,
        )
      ).body,
    )
    expect(form(`input[name=reviewIds][value="${publishedReviewId}"]`).attr('checked')).toBeDefined()
  })
})

describe('review-by dates', () => {
  it('lists a published product whose review-by date has come on the admin’s home page and in its own list', async () => {
    await writeProduct({
      status: 'published',
      title: 'Due for review briefing',
      'reviewBy-day': '20',
      'reviewBy-month': '11',
      'reviewBy-year': '2026',
    })
    const home = page((await (browsers.admin as Browser).get('/dashboard')).body)
    expect(home('a[href="/learning/products?due=review"]').text()).toMatch(
      /learning products? due for review/,
    )
    const due = page((await (browsers.admin as Browser).get('/learning/products?due=review')).body)
    expect(due('tbody').text()).toContain('Due for review briefing')
    expect(due('tbody').text()).not.toContain('Versioned briefing')
  })
})
