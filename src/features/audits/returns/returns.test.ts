import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PartnershipRef } from '#platform/auth/identity.ts'
import type { Role } from '#platform/auth/roles.ts'
import type { Context } from '#platform/context.ts'
import type { TenantScope } from '#platform/db/database.ts'
import type { TestApp } from '#test/support/app.ts'
import { page, testApp } from '#test/support/app.ts'
import { anAuditCycle, anAuditTemplate } from '../test-fixtures.ts'
import { AnswerConflictError } from './service.ts'

let t: TestApp
let p: PartnershipRef
let scope: TenantScope
const users: Record<string, string> = {}
const names: Record<string, string> = {}
const tokens: Record<string, string> = {}
/** The lead's agency, the practitioner's agency, and an agency no one signing in here leads. */
const agency = { led: '', practitioners: '', other: '' }
let template: Awaited<ReturnType<typeof anAuditTemplate>>

const admin = 'admin@shropshire.example.org'
const subgroup = 'subgroup@shropshire.example.org'
const lead = 'agency-lead@shropshire.example.org'
const trainer = 'trainer@shropshire.example.org'
const practitioner = 'practitioner@shropshire.example.org'

const pdf = Buffer.from('%PDF-1.7\n%%EOF\n')

const api = (as: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: { authorization: `Bearer ${tokens[as]}` }, payload })

/** Ids used more than once on a page: none may be. */
function duplicateIds(html: string): string[] {
  const ids = page(html)('[id]')
    .map((_, e) => page(html)(e).attr('id'))
    .get() as string[]
  return ids.filter((id, i) => ids.indexOf(id) !== i)
}

const ctxOf = (email: string, roles: Role[], agencyIds: string[] = []): Context => ({
  partnership: p,
  actor: { userId: users[email] ?? null, roles, agencyIds },
})

async function answerRow(returnId: string, standardId: string) {
  return t.db.tenant(scope, (sql) =>
    sql.maybeOne<{ rating: string | null; narrative: string | null; version: number; updated_by: string }>(
      'SELECT rating, narrative, version, updated_by FROM audit_answers WHERE return_id = $1 AND standard_id = $2',
      [returnId, standardId],
    ),
  )
}

async function returnRow(id: string) {
  return t.db.tenant(scope, (sql) =>
    sql.one<{
      status: string
      carried_from: string | null
      signed_off_by: string | null
      submitted_at: Date | null
    }>('SELECT status, carried_from, signed_off_by, submitted_at FROM audit_returns WHERE id = $1', [id]),
  )
}

async function count(table: string, where = 'true', values: unknown[] = []): Promise<number> {
  return (
    await t.db.tenant(scope, (sql) =>
      sql.one<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, values),
    )
  ).n
}

/** A new cycle of the shared template with one return for the agency, not started unless told. */
async function aReturn(
  agencyId: string,
  options: {
    status?: 'not_started' | 'in_progress'
    seniorLead?: string
    reviewer?: string
    openedOn?: string
  } = {},
): Promise<string> {
  const cycle = await anAuditCycle(t.db, p.id, {
    versionId: template.versionId,
    openedOn: options.openedOn ?? '2026-11-02',
    returns: [
      {
        agencyId,
        status: options.status ?? 'not_started',
        seniorLeadUserId: options.seniorLead ? (users[options.seniorLead] ?? null) : null,
        reviewerUserId: options.reviewer ? (users[options.reviewer] ?? null) : null,
      },
    ],
  })
  return cycle.returns[0]?.id as string
}

const leadCtx = () => ctxOf(lead, ['agency-lead'], [agency.led])

beforeAll(async () => {
  t = await testApp()
  p = await t.partnership('shropshire')
  scope = { partnershipId: p.id, userId: null, actor: 'test' }
  for (const email of [admin, subgroup, lead, trainer, practitioner]) {
    const user = await t.db.anonymous({}, (sql) =>
      sql.one<{ id: string; name: string }>('SELECT id, display_name AS name FROM users WHERE email = $1', [
        email,
      ]),
    )
    users[email] = user.id
    names[email] = user.name
    tokens[email] = await t.services.tokens.create({ partnershipId: p.id, userId: user.id, name: 'test' })
  }
  await t.db.tenant(scope, async (sql) => {
    const led = await sql.one<{ ids: string[] }>(
      `SELECT agency_ids AS ids FROM memberships WHERE user_id = $1 AND role = 'agency-lead'`,
      [users[lead]],
    )
    agency.led = led.ids[0] as string
    const practitioners = await sql.one<{ agency_id: string }>(
      'SELECT agency_id FROM people WHERE user_id = $1',
      [users[practitioner]],
    )
    agency.practitioners = practitioners.agency_id
    const other = await sql.one<{ id: string }>(
      `SELECT id FROM agencies WHERE NOT archived AND NOT id = ANY($1::uuid[]) AND id <> $2 ORDER BY lower(name) LIMIT 1`,
      [led.ids, agency.practitioners],
    )
    agency.other = other.id
  })
  template = await anAuditTemplate(t.db, p.id, {
    title: 'Section 11 (returns)',
    sections: 2,
    standardsPerSection: 2,
  })
}, 120_000)

afterAll(async () => {
  await t?.close()
})

describe('who sees a return', () => {
  it('shows it to its agency’s lead, its reviewer and admins; anyone else is told it is not found', async () => {
    const id = await aReturn(agency.led, { reviewer: subgroup, seniorLead: lead })
    for (const email of [admin, subgroup, lead]) {
      const browser = await t.signIn(email)
      const response = await browser.get(`/audits/returns/${id}`)
      expect({ email, status: response.statusCode }).toEqual({ email, status: 200 })
      expect((await api(email, 'GET', `/api/v1/audit-returns/${id}`)).statusCode).toBe(200)
    }
    for (const email of [trainer, practitioner]) {
      const browser = await t.signIn(email)
      expect((await browser.get(`/audits/returns/${id}`)).statusCode).toBe(404)
      expect(
        (await browser.get(`/audits/returns/${id}/standards/${template.standardIds[0]}`)).statusCode,
      ).toBe(404)
      expect((await api(email, 'GET', `/api/v1/audit-returns/${id}`)).statusCode).toBe(404)
    }
  })

  it('answers another agency’s return as not found to an agency lead, on its page and through the API', async () => {
    const theirs = await aReturn(agency.other)
    const browser = await t.signIn(lead)
    expect((await browser.get(`/audits/returns/${theirs}`)).statusCode).toBe(404)
    const put = await api(lead, 'PUT', `/api/v1/audit-returns/${theirs}/answers/${template.standardIds[0]}`, {
      rating: 'good',
      narrative: 'Ours',
      version: 0,
    })
    expect(put.statusCode).toBe(404)
    expect(await answerRow(theirs, template.standardIds[0] as string)).toBeUndefined()
  })

  it('lets a colleague named on the return see and answer it, and lists it among theirs', async () => {
    const id = await aReturn(agency.practitioners)
    const adminBrowser = await t.signIn(admin)
    const named = await adminBrowser.submit(
      `/audits/returns/${id}/contributors`,
      { email: practitioner.toUpperCase() },
      {
        from: `/audits/returns/${id}`,
      },
    )
    expect(named.statusCode).toBe(303)
    const colleague = await t.signIn(practitioner)
    const shown = page((await colleague.get(`/audits/returns/${id}`)).body)
    expect(shown('#people').nextAll('ul').text()).toContain(names[practitioner])
    const standardId = template.standardIds[0] as string
    const saved = await colleague.submit(
      `/audits/returns/${id}/standards/${standardId}`,
      { rating: 'good', narrative: 'We train every new starter.', version: '0' },
      { from: `/audits/returns/${id}/standards/${standardId}` },
    )
    expect(saved.statusCode).toBe(303)
    expect(await answerRow(id, standardId)).toMatchObject({
      rating: 'good',
      version: 1,
      updated_by: users[practitioner],
    })
    const mine = await t.services.auditReturns.mine(ctxOf(practitioner, ['practitioner'], []))
    expect(mine.map((r) => r.id)).toContain(id)

    // Removed, they no longer see it.
    const removed = await adminBrowser.submit(
      `/audits/returns/${id}/contributors/${users[practitioner]}/remove`,
      {},
      {
        from: `/audits/returns/${id}`,
      },
    )
    expect(removed.statusCode).toBe(303)
    expect((await colleague.get(`/audits/returns/${id}`)).statusCode).toBe(404)
  })

  it('refuses to name someone who is not from the agency, and names no one', async () => {
    const id = await aReturn(agency.led)
    const browser = await t.signIn(lead)
    const response = await browser.submit(
      `/audits/returns/${id}/contributors`,
      { email: trainer },
      {
        from: `/audits/returns/${id}`,
      },
    )
    expect(response.statusCode).toBe(400)
    expect(page(response.body)('.govuk-error-summary').text()).toContain('No one from')
    expect(await count('audit_return_contributors', 'return_id = $1', [id])).toBe(0)
  })
})

describe('answering a standard', () => {
  it('saves a rating and narrative, records who and when, and moves the return to in progress', async () => {
    const id = await aReturn(agency.led, { seniorLead: lead })
    const standardId = template.standardIds[1] as string
    const browser = await t.signIn(lead)
    const form = page((await browser.get(`/audits/returns/${id}/standards/${standardId}`)).body)
    expect(form('main form input[name="version"]').val()).toBe('0')
    expect(form('main form input[name="rating"]').length).toBe(4)
    expect(form('main').text()).toContain('Policies and minutes.')
    const saved = await browser.post(`/audits/returns/${id}/standards/${standardId}`, {
      rating: 'requires_improvement',
      narrative: 'Supervision is patchy.',
      version: '0',
    })
    expect(saved.statusCode).toBe(303)
    expect((await returnRow(id)).status).toBe('in_progress')
    const shown = page((await browser.get(`/audits/returns/${id}`)).body)
    expect(shown('main').text()).toContain('Requires improvement')
    expect(shown('main').text()).toContain(names[lead])
    expect(shown('main').text()).toContain('1 of 4 standards answered')
    expect(duplicateIds((await browser.get(`/audits/returns/${id}`)).body)).toEqual([])
    expect(duplicateIds((await browser.get(`/audits/returns/${id}/standards/${standardId}`)).body)).toEqual(
      [],
    )
    expect(duplicateIds((await browser.get(`/audits/returns/${id}/submit`)).body)).toEqual([])
  })

  it('keeps both colleagues’ text when they save the same answer: the later saver sees what changed', async () => {
    const id = await aReturn(agency.led)
    const standardId = template.standardIds[0] as string
    // A colleague named on the lead's agency's return (written straight in: who may be named is tested above).
    await t.db.tenant(scope, (sql) =>
      sql.query(
        'INSERT INTO audit_return_contributors (partnership_id, return_id, user_id) VALUES ($1, $2, $3)',
        [p.id, id, users[practitioner]],
      ),
    )
    const one = await t.signIn(lead)
    const two = await t.signIn(practitioner)
    const url = `/audits/returns/${id}/standards/${standardId}`
    await one.get(url)
    await two.get(url)
    expect(
      (await one.post(url, { rating: 'good', narrative: 'We audit files every quarter.', version: '0' }))
        .statusCode,
    ).toBe(303)
    const later = await two.post(url, {
      rating: 'outstanding',
      narrative: 'We audit files every month.',
      version: '0',
    })
    expect(later.statusCode).toBe(409)
    const $ = page(later.body)
    expect($('.govuk-error-summary').text()).toMatch(
      new RegExp(`${names[lead]} changed this answer at .+ while you were editing`),
    )
    expect($('main form textarea[name="narrative"]').val()).toBe('We audit files every month.')
    expect($('main form input[name="rating"][value="outstanding"]').attr('checked')).toBeDefined()
    expect($('main form input[name="version"]').val()).toBe('1')
    expect($('#saved-answer').text()).toContain('We audit files every quarter.')
    expect($('#saved-answer del').text()).toContain('month.')
    expect($('#saved-answer ins').text()).toContain('quarter.')
    expect($('#saved-answer').text()).toContain('only in yours')
    expect(duplicateIds(later.body)).toEqual([])
    expect(await answerRow(id, standardId)).toMatchObject({
      narrative: 'We audit files every quarter.',
      version: 1,
    })
    // Saving again, deliberately, replaces it.
    expect(
      (await two.post(url, { rating: 'outstanding', narrative: 'We audit files every month.', version: '1' }))
        .statusCode,
    ).toBe(303)
    expect(await answerRow(id, standardId)).toMatchObject({
      narrative: 'We audit files every month.',
      version: 2,
    })
  })

  it('lets exactly one of two saves made at once win, for a first answer and a later one', async () => {
    const id = await aReturn(agency.led)
    const standardId = template.standardIds[2] as string
    const save = (narrative: string, version: number) =>
      t.services.auditReturns.saveAnswer(leadCtx(), id, standardId, { rating: 'good', narrative, version })
    for (const version of [0, 1]) {
      const results = await Promise.allSettled([save(`A${version}`, version), save(`B${version}`, version)])
      const won = results.filter((r) => r.status === 'fulfilled')
      const lost = results.filter((r) => r.status === 'rejected')
      expect(won).toHaveLength(1)
      expect(lost).toHaveLength(1)
      expect((lost[0] as PromiseRejectedResult).reason).toBeInstanceOf(AnswerConflictError)
      const row = await answerRow(id, standardId)
      expect(row?.version).toBe(version + 1)
      expect([`A${version}`, `B${version}`]).toContain(row?.narrative)
    }
  })

  it('refuses a rating outside the template’s scale, naming the ratings allowed, and changes nothing', async () => {
    const rag = await anAuditTemplate(t.db, p.id, { title: 'Adults (returns)', scale: 'rag', sections: 1 })
    const cycle = await anAuditCycle(t.db, p.id, {
      versionId: rag.versionId,
      returns: [{ agencyId: agency.led, status: 'not_started' }],
    })
    const id = cycle.returns[0]?.id as string
    const response = await api(lead, 'PUT', `/api/v1/audit-returns/${id}/answers/${rag.standardIds[0]}`, {
      rating: 'good',
      narrative: 'Fine',
    })
    expect(response.statusCode).toBe(400)
    expect(response.body).toContain('green, amber, red')
    expect(await answerRow(id, rag.standardIds[0] as string)).toBeUndefined()
    // A standard of another template is not one of this return's.
    const stray = await api(lead, 'PUT', `/api/v1/audit-returns/${id}/answers/${template.standardIds[0]}`, {
      rating: 'green',
      narrative: 'Fine',
    })
    expect(stray.statusCode).toBe(404)
    const ok = await api(lead, 'PUT', `/api/v1/audit-returns/${id}/answers/${rag.standardIds[0]}`, {
      rating: 'amber',
      narrative: 'Improving',
      version: 0,
    })
    expect(ok.statusCode).toBe(200)
    expect(ok.json()).toMatchObject({
      ref: '1.1',
      rating: 'amber',
      narrative: 'Improving',
      version: 1,
      updatedBy: names[lead],
    })
    const stale = await api(lead, 'PUT', `/api/v1/audit-returns/${id}/answers/${rag.standardIds[0]}`, {
      rating: 'red',
      narrative: 'Worse',
      version: 0,
    })
    expect(stale.statusCode).toBe(409)
    expect(stale.json().current).toMatchObject({ rating: 'amber', narrative: 'Improving', version: 1 })
    const read = await api(lead, 'GET', `/api/v1/audit-returns/${id}`)
    expect(read.json()).toMatchObject({ status: 'in_progress', answered: 1, total: 2 })
  })
})

describe('evidence files', () => {
  it('keeps a PDF, sends it as a download, refuses a file of the wrong kind with no change, and removes one', async () => {
    const id = await aReturn(agency.led)
    const standardId = template.standardIds[0] as string
    const browser = await t.signIn(lead)
    const url = `/audits/returns/${id}/standards/${standardId}`
    await browser.get(url)
    const kept = await browser.upload(`${url}/files`, {
      field: 'file',
      filename: 'policy.pdf',
      content: pdf,
      type: 'application/pdf',
    })
    expect(kept.statusCode).toBe(303)
    expect(await count('audit_evidence_files', 'return_id = $1', [id])).toBe(1)
    const refused = await browser.upload(`${url}/files`, {
      field: 'file',
      filename: 'notes.pdf',
      content: 'just text',
    })
    expect(refused.statusCode).toBe(400)
    expect(page(refused.body)('.govuk-error-summary').text()).toContain('The file must be')
    expect(await count('audit_evidence_files', 'return_id = $1', [id])).toBe(1)
    const fileId = page((await browser.get(url)).body)('a[download]')
      .attr('href')
      ?.split('/')
      .pop() as string
    const download = await browser.get(`/audits/returns/${id}/files/${fileId}`)
    expect(download.headers['content-disposition']).toContain('attachment')
    expect(download.headers['content-type']).toContain('application/pdf')
    // Another agency's lead cannot fetch it.
    const other = await aReturn(agency.other)
    expect((await browser.get(`/audits/returns/${other}/files/${fileId}`)).statusCode).toBe(404)
    expect((await browser.post(`/audits/returns/${id}/files/${fileId}/remove`, {})).statusCode).toBe(303)
    expect(await count('audit_evidence_files', 'return_id = $1', [id])).toBe(0)
  })
})

describe('starting from the last return', () => {
  it('copies ratings and narratives for the same refs from another version (not files), once, and only into an empty return', async () => {
    const own = await anAuditTemplate(t.db, p.id, {
      title: 'Section 11 (carried)',
      sections: 1,
      standardsPerSection: 2,
    })
    await anAuditCycle(t.db, p.id, {
      versionId: own.versionId,
      title: 'Section 11 2025',
      openedOn: '2025-11-03',
      returns: [{ agencyId: agency.led, status: 'in_progress', rating: 'inadequate' }],
    })
    // Version 2 keeps standard 1.1, drops 1.2 and adds 1.3.
    const version2 = await t.db.tenant(scope, async (sql) => {
      await sql.auditAs('test')
      const v = await sql.one<{ id: string }>(
        `INSERT INTO audit_template_versions (partnership_id, template_id, version, scale) VALUES ($1, $2, 2, 'four_point') RETURNING id`,
        [p.id, own.templateId],
      )
      const section = await sql.one<{ id: string }>(
        `INSERT INTO audit_sections (partnership_id, version_id, position, title) VALUES ($1, $2, 1, 'Leadership') RETURNING id`,
        [p.id, v.id],
      )
      for (const [position, ref] of [
        [1, '1.1'],
        [2, '1.3'],
      ] as const)
        await sql.query(
          `INSERT INTO audit_standards (partnership_id, version_id, section_id, position, ref, title, question, guidance,
             evidence_expected) VALUES ($1, $2, $3, $4, $5, 'Standard', 'How?', 'Guidance', 'Evidence')`,
          [p.id, v.id, section.id, position, ref],
        )
      return v.id
    })
    const cycle = await anAuditCycle(t.db, p.id, {
      versionId: version2,
      openedOn: '2026-11-05',
      returns: [{ agencyId: agency.led, status: 'not_started' }],
    })
    const id = cycle.returns[0]?.id as string
    const browser = await t.signIn(lead)
    const shown = page((await browser.get(`/audits/returns/${id}`)).body)
    expect(shown('main').text()).toContain('Start from your last return')
    expect(shown('main').text()).toContain('Evidence files are not copied')
    const carried = await browser.post(`/audits/returns/${id}/carry-forward`, {})
    expect(carried.statusCode).toBe(303)
    const copied = await t.db.tenant(scope, (sql) =>
      sql.query<{ ref: string; rating: string }>(
        `SELECT s.ref, x.rating FROM audit_answers x JOIN audit_standards s ON s.id = x.standard_id WHERE x.return_id = $1`,
        [id],
      ),
    )
    expect(copied).toEqual([{ ref: '1.1', rating: 'inadequate' }])
    expect(await returnRow(id)).toMatchObject({ status: 'in_progress' })
    expect((await returnRow(id)).carried_from).not.toBeNull()
    const again = await browser.post(`/audits/returns/${id}/carry-forward`, {})
    expect(again.statusCode).toBe(409)
    expect(page(again.body)('.govuk-error-summary').text()).toContain('already has answers')
  })
})

describe('signing off and submitting', () => {
  it('lets only the senior lead submit, lists what is unanswered, submits once and tells the reviewer', async () => {
    const id = await aReturn(agency.led, { seniorLead: lead, reviewer: subgroup })
    const ctx = leadCtx()
    await t.services.auditReturns.saveAnswer(ctx, id, template.standardIds[0] as string, {
      rating: 'good',
      narrative: 'Done',
    })
    // Someone who is not the senior lead is told who must.
    expect((await api(admin, 'POST', `/api/v1/audit-returns/${id}/submit`)).statusCode).toBe(403)
    const adminPage = page((await (await t.signIn(admin)).get(`/audits/returns/${id}/submit`)).body)
    expect(adminPage('main').text()).toContain(`Only the return’s senior lead, ${names[lead]}`)

    const incomplete = await api(lead, 'POST', `/api/v1/audit-returns/${id}/submit`)
    expect(incomplete.statusCode).toBe(400)
    expect(incomplete.body).toContain('1.2')
    expect(incomplete.body).not.toContain('standard 1.1')
    const browser = await t.signIn(lead)
    const refused = await browser.submit(`/audits/returns/${id}/submit`, {})
    expect(refused.statusCode).toBe(400)
    const links = page(refused.body)('.govuk-error-summary a')
      .map((_, a) => page(refused.body)(a).attr('href'))
      .get()
    expect(links).toContain(`/audits/returns/${id}/standards/${template.standardIds[3]}`)
    expect((await returnRow(id)).status).toBe('in_progress')

    for (const standardId of template.standardIds.slice(1))
      await t.services.auditReturns.saveAnswer(ctx, id, standardId, { rating: 'good', narrative: 'Done' })
    const submitted = await api(lead, 'POST', `/api/v1/audit-returns/${id}/submit`)
    expect(submitted.statusCode).toBe(200)
    expect(submitted.json()).toMatchObject({ status: 'submitted', signedOffBy: names[lead] })
    expect(await returnRow(id)).toMatchObject({ status: 'submitted', signed_off_by: users[lead] })
    const mail = await t.db.platform((sql) =>
      sql.query<{ to: string; text: string }>(
        `SELECT to_address AS to, text_body AS text FROM outbox WHERE partnership_id = $1 AND subject LIKE 'Audit return submitted%'`,
        [p.id],
      ),
    )
    expect(mail.filter((m) => m.text.includes(`/audits/returns/${id}`)).map((m) => m.to)).toEqual([subgroup])

    expect((await api(lead, 'POST', `/api/v1/audit-returns/${id}/submit`)).statusCode).toBe(409)
    const late = await api(lead, 'PUT', `/api/v1/audit-returns/${id}/answers/${template.standardIds[0]}`, {
      rating: 'inadequate',
      narrative: 'Changed',
      version: 1,
    })
    expect(late.statusCode).toBe(409)
    expect(late.body).toContain('can no longer be changed')
    expect(await answerRow(id, template.standardIds[0] as string)).toMatchObject({ rating: 'good' })
  })

  it('refuses in the database a change to a submitted return’s answers, but lets its reviewer’s view be kept', async () => {
    const cycle = await anAuditCycle(t.db, p.id, {
      versionId: template.versionId,
      returns: [{ agencyId: agency.other, status: 'submitted' }],
    })
    const id = cycle.returns[0]?.id as string
    await expect(
      t.db.tenant(scope, (sql) =>
        sql.query(`UPDATE audit_answers SET narrative = 'Rewritten' WHERE return_id = $1`, [id]),
      ),
    ).rejects.toThrow(/no longer change/)
    await t.db.tenant(scope, (sql) =>
      sql.query(`UPDATE audit_answers SET review = 'agreed', reviewed_at = now() WHERE return_id = $1`, [id]),
    )
    expect(await count('audit_answers', "return_id = $1 AND review = 'agreed'", [id])).toBe(4)
  })
})

describe('the API’s document', () => {
  it('describes reading a return, saving an answer and submitting', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json()
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/audit-returns/{id}',
        '/api/v1/audit-returns/{id}/answers/{standardId}',
        '/api/v1/audit-returns/{id}/submit',
      ]),
    )
    expect(Object.keys(doc.paths['/api/v1/audit-returns/{id}/answers/{standardId}'].put.responses)).toContain(
      '409',
    )
  })
})
