import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { anAuditCycle, anAuditTemplate } from '#features/audits/test-fixtures.ts'
import { aQaRound } from '#features/quality/test-fixtures.ts'
import type { PartnershipRef } from '#platform/auth/identity.ts'
import type { TenantScope } from '#platform/db/database.ts'
import type { TestApp } from '#test/support/app.ts'
import { page, testApp } from '#test/support/app.ts'

// Drafts of the long answer forms: an audit return's answer, a self-assessment's ratings of a
// course, and an evaluation from its emailed link. Each is saved by the "Save as draft" button
// without JavaScript, fills the form again when it is reopened, is its owner's alone, and is
// gone once the form is sent.

let t: TestApp
let p: PartnershipRef
let scope: TenantScope
const users: Record<string, string> = {}
const lead = 'agency-lead@shropshire.example.org'
const admin = 'admin@shropshire.example.org'
let ledAgency = ''

async function draftCount(where = 'true', values: unknown[] = []): Promise<number> {
  const row = await t.db.platform((sql) =>
    sql.one<{ n: number }>(`SELECT count(*)::int AS n FROM form_drafts WHERE ${where}`, values),
  )
  return row.n
}

beforeAll(async () => {
  t = await testApp()
  p = await t.partnership('shropshire')
  scope = { partnershipId: p.id, userId: null, actor: 'test' }
  for (const email of [lead, admin]) {
    const user = await t.db.anonymous({}, (sql) =>
      sql.one<{ id: string }>('SELECT id FROM users WHERE email = $1', [email]),
    )
    users[email] = user.id
  }
  const led = await t.db.tenant(scope, (sql) =>
    sql.one<{ ids: string[] }>(
      `SELECT agency_ids AS ids FROM memberships WHERE user_id = $1 AND role = 'agency-lead'`,
      [users[lead]],
    ),
  )
  ledAgency = led.ids[0] as string
}, 120_000)

afterAll(() => t?.close())

describe('an audit return’s answer', () => {
  let url = ''
  beforeAll(async () => {
    const template = await anAuditTemplate(t.db, p.id, { title: 'Section 11 (drafts)' })
    const cycle = await anAuditCycle(t.db, p.id, {
      versionId: template.versionId,
      openedOn: '2026-11-02',
      returns: [{ agencyId: ledAgency, status: 'not_started' }],
    })
    url = `/audits/returns/${cycle.returns[0]?.id}/standards/${template.standardIds[0]}`
  })

  it('saves a draft without JavaScript, says so, and fills the form from it when reopened', async () => {
    const browser = await t.signIn(lead)
    const form = page((await browser.get(url)).body)
    expect(form('form[data-draft-form] button[name="_draft"][value="save"]').text()).toBe('Save as draft')
    const saved = await browser.post(url, {
      rating: 'good',
      narrative: 'Half written: every new starter is trained',
      version: '0',
      _draft: 'save',
    })
    expect(saved.statusCode).toBe(200)
    const shown = page(saved.body)
    expect(shown('.govuk-notification-banner--success').text()).toContain(
      'Your answers have been saved as a draft',
    )
    expect(shown('textarea[name="narrative"]').text()).toBe('Half written: every new starter is trained')
    // Nothing is saved as the answer, nor audited: it is a scratch copy.
    const answers = await t.db.tenant(scope, (sql) =>
      sql.one<{ n: number }>('SELECT count(*)::int AS n FROM audit_answers WHERE narrative LIKE $1', [
        'Half written%',
      ]),
    )
    expect(answers.n).toBe(0)

    const reopened = page((await (await t.signIn(lead)).get(url)).body)
    expect(reopened('textarea[name="narrative"]').text()).toBe('Half written: every new starter is trained')
    expect(reopened('input[name="rating"][value="good"]').attr('checked')).toBeDefined()
    expect(reopened('.govuk-notification-banner').text()).toContain('answers you saved as a draft')
  })

  it('saves as the page’s script asks, answering with when', async () => {
    const browser = await t.signIn(lead)
    await browser.get(url)
    const saved = await browser.post(url, { narrative: 'Typed a little more', version: '0', _draft: 'auto' })
    expect(saved.statusCode).toBe(200)
    expect(saved.headers['content-type']).toContain('application/json')
    expect(JSON.parse(saved.body)).toEqual({ savedAt: t.clock.now().toISOString() })
    expect(await draftCount('user_id = $1', [users[lead]])).toBe(1)
  })

  it('is the owner’s alone: a colleague who may see the page, or another partnership, finds nothing', async () => {
    const other = page((await (await t.signIn(admin)).get(url)).body)
    expect(other('main').text()).not.toContain('Typed a little more')
    expect(other('.govuk-notification-banner').length).toBe(0)

    // In the database too: row-level security keeps a user's drafts from other users of the
    // partnership and from every other partnership.
    const asAdmin = await t.db.tenant({ partnershipId: p.id, userId: users[admin] ?? null }, (sql) =>
      sql.query('SELECT * FROM form_drafts'),
    )
    expect(asAdmin).toEqual([])
    const norfolk = await t.partnership('norfolk')
    const elsewhere = await t.db.tenant({ partnershipId: norfolk.id, userId: users[lead] ?? null }, (sql) =>
      sql.query('SELECT * FROM form_drafts'),
    )
    expect(elsewhere).toEqual([])
    expect(
      await t.services.drafts.draftOf(
        { partnershipId: norfolk.id, userId: users[lead] as string },
        url.slice(1).replaceAll('/', ':'),
      ),
    ).toBeNull()
  })

  it('is deleted when the answer is saved', async () => {
    const browser = await t.signIn(lead)
    await browser.get(url)
    const sent = await browser.post(url, {
      rating: 'good',
      narrative: 'Every new starter is trained',
      version: '0',
    })
    expect(sent.statusCode).toBe(303)
    expect(await draftCount('user_id = $1', [users[lead]])).toBe(0)
    const reopened = page((await browser.get(url)).body)
    expect(reopened('textarea[name="narrative"]').text()).toBe('Every new starter is trained')
    expect(reopened('.govuk-notification-banner').length).toBe(0)
  })
})

describe('a self-assessment’s ratings of a course', () => {
  it('saves a draft, fills the form from it, and deletes it when the ratings are saved', async () => {
    const round = await aQaRound(t.db, p.id, {
      title: 'Self-assessment (drafts)',
      returns: [{ agencyId: ledAgency, status: 'in_progress', courses: ['Neglect toolkit'] }],
    })
    const ret = round.returns[0]
    const url = `/quality/returns/${ret?.id}/courses/${ret?.courseIds[0]}`
    const browser = await t.signIn(lead)
    const form = page((await browser.get(url)).body)
    const narrative = form('form[data-draft-form] textarea[name^="narrative-"]')
      .first()
      .attr('name') as string
    expect(narrative).toBeTruthy()

    const saved = await browser.post(url, { [narrative]: 'Draft narrative for the toolkit', _draft: 'save' })
    expect(saved.statusCode).toBe(200)
    expect(page(saved.body)('.govuk-notification-banner--success').length).toBe(1)
    const reopened = page((await browser.get(url)).body)
    expect(reopened(`textarea[name="${narrative}"]`).text()).toBe('Draft narrative for the toolkit')

    const sent = await browser.post(url, { [narrative]: 'Final narrative for the toolkit' })
    expect(sent.statusCode).toBe(303)
    expect(await draftCount(`form_key LIKE 'self-assessment:%'`)).toBe(0)
    const after = page((await browser.get(url)).body)
    expect(after(`textarea[name="${narrative}"]`).text()).toBe('Final narrative for the toolkit')
  })
})

describe('an evaluation from its emailed link', () => {
  async function linkTo(stage: 'at_booking' | 'after_course'): Promise<string> {
    const application = await t.db.tenant(scope, (sql) =>
      sql.one<{ id: string }>(
        `SELECT a.id FROM applications a
          WHERE NOT EXISTS (SELECT 1 FROM evaluation_responses r WHERE r.application_id = a.id)
          ORDER BY a.id LIMIT 1`,
      ),
    )
    const link = t.services.evaluationCycle.linkFor(
      p,
      application.id,
      stage,
      new Date(t.clock.now().getTime() + 30 * 86_400_000),
    )
    return new URL(link).pathname
  }

  it('keeps a draft found again by the same link only', async () => {
    const url = await linkTo('at_booking')
    const visitor = t.browser()
    const form = page((await visitor.get(url)).body)
    expect(form('form[data-draft-form]').length).toBe(1)
    expect(form('script[src^="/assets/timeout.js"]').length).toBe(1)
    const radio = form('form[data-draft-form] input[type="radio"]').last()
    const [field, value] = [radio.attr('name') as string, radio.attr('value') as string]
    expect(field).toBeTruthy()

    const saved = await visitor.post(url, { [field]: value, _draft: 'save' })
    expect(saved.statusCode).toBe(200)
    expect(page(saved.body)('.govuk-notification-banner--success').length).toBe(1)
    expect(await draftCount('link_hash IS NOT NULL AND user_id IS NULL')).toBe(1)

    // Opened again, in another browser, from the same link: the draft is there.
    const again = page((await t.browser().get(url)).body)
    expect(again(`input[name="${field}"][value="${value}"]`).attr('checked')).toBeDefined()
    expect(again('.govuk-notification-banner').text()).toContain('answers you saved as a draft')
    // Another link (another booking's) finds nothing.
    const otherApplication = await t.db.tenant(scope, (sql) =>
      sql.one<{ id: string }>('SELECT id FROM applications ORDER BY id DESC LIMIT 1'),
    )
    const otherLink = t.services.evaluationCycle.linkFor(
      p,
      otherApplication.id,
      'at_booking',
      new Date(t.clock.now().getTime() + 30 * 86_400_000),
    )
    const other = page((await t.browser().get(new URL(otherLink).pathname)).body)
    expect(other('.govuk-notification-banner').length).toBe(0)
  })

  it('deletes the draft once the answers are sent', async () => {
    const url = await linkTo('at_booking')
    const visitor = t.browser()
    const form = page((await visitor.get(url)).body)
    const fields: Record<string, string> = {}
    form('form[data-draft-form] input[type="radio"]').each((_, input) => {
      const name = form(input).attr('name') as string
      if (!(name in fields)) fields[name] = form(input).attr('value') as string
    })
    form('form[data-draft-form] textarea').each((_, area) => {
      fields[form(area).attr('name') as string] = 'An answer'
    })
    await visitor.post(url, { ...fields, _draft: 'save' })
    expect(await draftCount('link_hash IS NOT NULL')).toBe(1)
    const sent = await visitor.post(url, fields)
    expect(page(sent.body)('h1').text().trim()).toBe('Thank you')
    expect(await draftCount('link_hash IS NOT NULL')).toBe(0)
  })
})
