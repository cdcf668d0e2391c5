import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TenantScope } from '#platform/db/database.ts'
import type { TestApp } from '#test/support/app.ts'
import { page, testApp } from '#test/support/app.ts'

let t: TestApp
let scope: TenantScope
const admin = 'admin@jersey.example.org'

const versions = () =>
  t.db.tenant(scope, (sql) =>
    sql.one<{ n: number; latest: number }>(
      'SELECT count(*)::int AS n, max(version) AS latest FROM qa_standard_versions',
    ),
  )

beforeAll(async () => {
  t = await testApp()
  const jersey = await t.partnership('jersey')
  scope = { partnershipId: jersey.id, userId: null }
})
afterAll(() => t.close())

describe('training standards', () => {
  it('are loaded with the demo as version 1, with guidance and the evidence expected, for everyone who uses them', async () => {
    for (const role of ['admin', 'subgroup', 'executive', 'agency-lead', 'trainer']) {
      const browser = await t.signIn(`${role}@jersey.example.org`)
      const response = await browser.get('/quality/standards')
      expect(response.statusCode, role).toBe(200)
      const $ = page(response.body)
      expect($('#version').text()).toContain('Version 1')
      expect(
        $('main ol h3')
          .map((_, h) => $(h).text())
          .get(),
      ).toEqual([
        'Content matches the partnership’s procedures and current learning',
        'Trainers are competent and current',
        'Learning objectives are stated and evaluated',
        'Attendance is recorded',
        'Refresher intervals are set',
        'Learning from reviews is included',
      ])
      expect($('main').text()).toContain('Evidence expected:')
      expect($('a[href="/quality/standards/change"]').length, role).toBe(role === 'admin' ? 1 : 0)
    }
    const practitioner = await t.signIn('practitioner@jersey.example.org')
    expect((await practitioner.get('/quality/standards')).statusCode).toBe(403)
  })

  it('only admins change them', async () => {
    const subgroup = await t.signIn('subgroup@jersey.example.org')
    expect((await subgroup.get('/quality/standards/change')).statusCode).toBe(403)
  })

  it('a half-filled standard is refused against its own box, and nothing is saved', async () => {
    const browser = await t.signIn(admin)
    const before = await versions()
    const form = page((await browser.get('/quality/standards/change')).body)
    const fields: Record<string, string> = {}
    form('form input, form textarea').each((_, el) => {
      const name = form(el).attr('name')
      if (name && form(el).attr('type') !== 'checkbox') fields[name] = (form(el).val() as string) ?? ''
    })
    expect(fields.count).toBe('7')
    fields['title-7'] = 'Equality and diversity are considered'
    const response = await browser.submit('/quality/standards/change', fields)
    expect(response.statusCode).toBe(400)
    const $ = page(response.body)
    expect($('.govuk-error-summary').text()).toContain('Enter the guidance for standard 7')
    expect($('#guidance-7-error').text()).toContain('Enter the guidance for standard 7')
    expect(await versions()).toEqual(before)
  })

  it('a change saves a new version and keeps the old one as it was', async () => {
    const browser = await t.signIn(admin)
    const form = page((await browser.get('/quality/standards/change')).body)
    const fields: Record<string, string> = {}
    form('form input, form textarea').each((_, el) => {
      const name = form(el).attr('name')
      if (name && form(el).attr('type') !== 'checkbox') fields[name] = (form(el).val() as string) ?? ''
    })
    Object.assign(fields, {
      'title-7': 'Equality and diversity are considered',
      'guidance-7': 'Content reflects the diverse communities the workforce serves.',
      'evidence-7': 'Where the material addresses culture, faith, disability and language.',
      'remove-4': 'yes',
      note: 'Added equality; attendance is checked by compliance',
    })
    const response = await browser.submit('/quality/standards/change', fields)
    expect(response.statusCode).toBe(303)
    const shown = page((await browser.get(response.headers.location as string)).body)
    expect(shown('.govuk-notification-banner').text()).toContain(
      'Version 2 of the training standards is saved',
    )
    const titles = shown('main ol h3')
      .map((_, h) => shown(h).text())
      .get()
    expect(titles).toHaveLength(6)
    expect(titles).not.toContain('Attendance is recorded')
    expect(titles.at(-1)).toBe('Equality and diversity are considered')
    const old = shown('a[href^="/quality/standards/versions/"]')
    expect(old.text()).toContain('Version 1')
    const first = page((await browser.get(old.attr('href') as string)).body)
    expect(
      first('main ol h3')
        .map((_, h) => first(h).text())
        .get(),
    ).toContain('Attendance is recorded')
    expect((await versions()).latest).toBe(2)
  })

  it('a saved version never changes in the database', async () => {
    await expect(
      t.db.tenant(scope, (sql) => sql.query(`UPDATE qa_standards SET title = 'Changed'`)),
    ).rejects.toThrow(/never changes/)
  })
})
