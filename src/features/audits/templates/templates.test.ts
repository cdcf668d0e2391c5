import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PartnershipRef } from '#platform/auth/identity.ts'
import type { TenantScope } from '#platform/db/database.ts'
import type { TestApp } from '#test/support/app.ts'
import { page, testApp } from '#test/support/app.ts'

let t: TestApp
let p: PartnershipRef
let scope: TenantScope
const tokens: Record<string, string> = {}

const admin = 'admin@shropshire.example.org'
const lead = 'agency-lead@shropshire.example.org'
const subgroup = 'subgroup@shropshire.example.org'

const api = (as: string, method: 'GET' | 'POST', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: { authorization: `Bearer ${tokens[as]}` }, payload })

const aStandard = (ref: string, title = `Standard ${ref}`) => ({
  ref,
  title,
  question: `How does the agency meet ${ref}?`,
  guidance: 'What good looks like.',
  evidenceExpected: 'Policies and minutes.',
})

const body = (title: string, extra: object = {}) => ({
  kind: 'section_11',
  title,
  scale: 'four_point',
  sections: [
    { title: 'Leadership', standards: [aStandard('1.1'), aStandard('1.2')] },
    { title: 'Training', standards: [aStandard('2.1')] },
  ],
  ...extra,
})

async function count(table: string): Promise<number> {
  return (
    await t.db.tenant(scope, (sql) => sql.one<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))
  ).n
}

beforeAll(async () => {
  t = await testApp()
  p = await t.partnership('shropshire')
  scope = { partnershipId: p.id, userId: null, actor: 'test' }
  for (const email of [admin, lead, subgroup]) {
    const user = await t.db.anonymous({}, (sql) =>
      sql.one<{ id: string }>('SELECT id FROM users WHERE email = $1', [email]),
    )
    tokens[email] = await t.services.tokens.create({ partnershipId: p.id, userId: user.id, name: 'test' })
  }
}, 120_000)

afterAll(async () => {
  await t?.close()
})

describe('audit templates through the API', () => {
  it('saves a template as version 1 and lists it with its sections and standards', async () => {
    const created = await api(admin, 'POST', '/api/v1/audit-templates', body('Section 11: API'))
    expect(created.statusCode).toBe(201)
    expect(created.json()).toMatchObject({ title: 'Section 11: API', version: 1, scale: 'four_point' })
    const listed = await api(subgroup, 'GET', '/api/v1/audit-templates')
    expect(listed.statusCode).toBe(200)
    const mine = listed.json().items.find((i: { title: string }) => i.title === 'Section 11: API')
    expect(mine.sections.map((s: { title: string }) => s.title)).toEqual(['Leadership', 'Training'])
    expect(mine.sections[0].standards.map((s: { ref: string }) => s.ref)).toEqual(['1.1', '1.2'])
  })

  it('saves a change as a new version and leaves the saved one as it was; the database refuses to change it', async () => {
    const first = (await api(admin, 'POST', '/api/v1/audit-templates', body('Section 11: versions'))).json()
    const second = await api(
      admin,
      'POST',
      '/api/v1/audit-templates',
      body('Section 11: versions', {
        templateId: first.templateId,
        scale: 'rag',
        note: 'Adds online safety',
        sections: [{ title: 'Online safety', standards: [aStandard('3.1', 'Filtering')] }],
      }),
    )
    expect(second.statusCode).toBe(201)
    expect(second.json()).toMatchObject({
      templateId: first.templateId,
      version: 2,
      scale: 'rag',
      note: 'Adds online safety',
    })
    const old = await t.services.auditTemplates.version(
      { partnership: p, actor: { userId: null, roles: ['admin'], agencyIds: [] } },
      first.id,
    )
    expect(old.version).toBe(1)
    expect(old.scale).toBe('four_point')
    expect(old.sections.flatMap((s) => s.standards.map((d) => d.ref))).toEqual(['1.1', '1.2', '2.1'])
    await expect(
      t.db.tenant(scope, (sql) =>
        sql.query(`UPDATE audit_standards SET title = 'Changed' WHERE version_id = $1`, [first.id]),
      ),
    ).rejects.toThrow(/never changes/)
    await expect(
      t.db.tenant(scope, (sql) => sql.query('DELETE FROM audit_sections WHERE version_id = $1', [first.id])),
    ).rejects.toThrow(/never changes/)
  })

  it('refuses a reference used twice in a version, naming the standard, and saves nothing', async () => {
    const before = await count('audit_templates')
    const response = await api(
      admin,
      'POST',
      '/api/v1/audit-templates',
      body('Section 11: twice', {
        sections: [
          { title: 'Leadership', standards: [aStandard('1.1')] },
          { title: 'Training', standards: [aStandard('2.1'), aStandard('1.1')] },
        ],
      }),
    )
    expect(response.statusCode).toBe(400)
    const errors = response.json().errors as { field: string; message: string }[]
    expect(errors).toEqual([
      {
        field: 'sections.1.standards.1.ref',
        message: expect.stringMatching(
          /^Section 2, standard 2: reference 1.1 is already used by section 1, standard 1/,
        ),
      },
    ])
    expect(await count('audit_templates')).toBe(before)
  })

  it('answers a standard without its question with a 400 naming where it is, and keeps the template to admins', async () => {
    const missing = body('Section 11: missing')
    missing.sections[1] = { title: 'Training', standards: [{ ...aStandard('2.1'), question: ' ' }] }
    const response = await api(admin, 'POST', '/api/v1/audit-templates', missing)
    expect(response.statusCode).toBe(400)
    expect(response.json().errors.map((e: { field: string }) => e.field)).toContain(
      'sections.1.standards.0.question',
    )
    const bad = await api(admin, 'POST', '/api/v1/audit-templates', {
      ...body('Section 11: scale'),
      scale: 'five_point',
    })
    expect(bad.statusCode).toBe(400)
    expect((await api(lead, 'POST', '/api/v1/audit-templates', body('Section 11: lead'))).statusCode).toBe(
      403,
    )
    expect((await api(lead, 'GET', '/api/v1/audit-templates')).statusCode).toBe(403)
  })
})

describe('audit templates through their pages', () => {
  it('makes a template on one form, says what is wrong where it is, and saves a change as version 2', async () => {
    const browser = await t.signIn(admin)
    const blank = page((await browser.get('/audits/templates/new')).body)
    expect(blank('input[name="s-1-1-ref"]').length).toBe(1)
    const fields = {
      title: 'Section 11: pages',
      kind: 'section_11',
      scale: 'four_point',
      sections: '1',
      'section-1-count': '2',
      'section-1-title': 'Leadership and accountability',
      's-1-1-ref': '1.1',
      's-1-1-title': 'A named senior lead',
      's-1-1-question': '',
      's-1-1-guidance': 'A named person at board level.',
      's-1-1-evidence': 'The organisation chart.',
    }
    const wrong = await browser.submit('/audits/templates/new', fields, { from: '/audits/templates/new' })
    expect(wrong.statusCode).toBe(400)
    const summary = page(wrong.body)('.govuk-error-summary a[href="#s-1-1-question"]')
    expect(summary.text()).toContain('Section 1, standard 1 (1.1): Enter the question')
    expect(page(wrong.body)('#s-1-1-guidance').text()).toBe('A named person at board level.')

    // More blank rows, saving nothing.
    const more = await browser.submit(
      '/audits/templates/new',
      { ...fields, more: 'yes' },
      { from: '/audits/templates/new' },
    )
    expect(more.statusCode).toBe(200)
    expect(page(more.body)('input[name="s-1-4-ref"]').length).toBe(1)

    const saved = await browser.submit(
      '/audits/templates/new',
      { ...fields, 's-1-1-question': 'Who is the senior lead?' },
      { from: '/audits/templates/new' },
    )
    expect(saved.statusCode).toBe(303)
    const url = String(saved.headers.location)
    const id = url.split('/')[3]?.split('?')[0] as string
    const shown = page((await browser.get(url)).body)
    expect(shown('h1').text()).toBe('Section 11: pages')
    expect(shown('main').text()).toContain('1.1 A named senior lead')

    const change = page((await browser.get(`/audits/templates/${id}/change`)).body)
    expect(change('#s-1-1-title').val()).toBe('A named senior lead')
    const changed = await browser.submit(
      `/audits/templates/${id}/change`,
      {
        ...fields,
        's-1-1-question': 'Who is the senior lead?',
        's-1-2-ref': '1.2',
        's-1-2-title': 'Safeguarding policy',
        's-1-2-question': 'Is the policy current?',
        's-1-2-guidance': 'Reviewed yearly.',
        's-1-2-evidence': 'The policy.',
        note: 'Adds the policy',
      },
      { from: `/audits/templates/${id}/change` },
    )
    expect(changed.statusCode).toBe(303)
    const template = page((await browser.get(`/audits/templates/${id}`)).body)
    expect(template('main').text()).toContain('1.2 Safeguarding policy')
    expect(template('main').text()).toContain('Adds the policy')
    const v1 = template('a:contains("Version 1")').attr('href') as string
    const old = page((await browser.get(v1)).body)
    expect(old('main').text()).not.toContain('Safeguarding policy')
  })

  it('keeps the pages to those who run audits and read their results', async () => {
    const leadBrowser = await t.signIn(lead)
    expect((await leadBrowser.get('/audits/templates')).statusCode).toBe(403)
    const reader = await t.signIn(subgroup)
    expect((await reader.get('/audits/templates')).statusCode).toBe(200)
    expect((await reader.get('/audits/templates/new')).statusCode).toBe(403)
  })
})
