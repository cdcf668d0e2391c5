import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { systemContext } from '#platform/context.ts'
import type { Browser, TestApp } from '#test/support/app.ts'
import { page, testApp } from '#test/support/app.ts'

let t: TestApp
let ns: { id: string; slug: string; name: string }
let practitioner: Browser
let lead: Browser
const ids = { pat: '', tara: '', csePathway: '', cseAwareness: '', cseCourse: '' }

// A PDF as small as one can be: what file-type reads is the header.
const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n')
const CSE_AWARENESS = 'Child sexual exploitation awareness'

const scope = () => ({ partnershipId: ns.id, userId: null, actor: 'test' })

beforeAll(async () => {
  t = await testApp()
  ns = await t.partnership('north-somerset')
  Object.assign(
    ids,
    await t.db.tenant(scope(), (sql) =>
      sql.one<typeof ids>(
        `SELECT (SELECT id FROM people WHERE email = 'practitioner@north-somerset.example.org') AS pat,
                (SELECT id FROM people WHERE email = 'trainer@north-somerset.example.org') AS tara,
                pw.id AS "csePathway", r.id AS "cseAwareness", rc.course_id AS "cseCourse"
           FROM pathways pw JOIN pathway_requirements r ON r.pathway_id = pw.id
           JOIN pathway_requirement_courses rc ON rc.requirement_id = r.id
          WHERE pw.title = 'CSE pathway' AND r.title = $1`,
        [CSE_AWARENESS],
      ),
    ),
  )
  practitioner = await t.signIn('practitioner@north-somerset.example.org')
  lead = await t.signIn('agency-lead@north-somerset.example.org')
})
afterAll(() => t?.close())

/** The standing tag of a requirement in the training page's table. */
function standingOf(body: string, requirement: string): string {
  const $ = page(body)
  const row = $('tbody tr').filter((_, tr) => $(tr).find('th').text().trim().startsWith(requirement))
  return row.find('.govuk-tag').text().trim()
}

async function evidenceCount(personId = ids.pat): Promise<number> {
  const row = await t.db.tenant(scope(), (sql) =>
    sql.one<{ n: number }>('SELECT count(*)::int AS n FROM learning_evidence WHERE person_id = $1', [
      personId,
    ]),
  )
  return row.n
}

async function statusOf(evidenceId: string): Promise<string> {
  const row = await t.db.tenant(scope(), (sql) =>
    sql.one<{ status: string }>('SELECT status FROM learning_evidence WHERE id = $1', [evidenceId]),
  )
  return row.status
}

const fields = (overrides: Record<string, string> = {}) => ({
  kind: 'e_learning',
  title: 'Trust CSE e-learning',
  provider: 'North Somerset Community Trust',
  'completedOn-day': '10',
  'completedOn-month': '11',
  'completedOn-year': '2026',
  hours: '1.5',
  requirementId: ids.cseAwareness,
  ...overrides,
})

/** Evidence recorded for Pat straight through the service, waiting for the lead. */
async function awaitingEvidence(title: string): Promise<string> {
  const made = await t.services.evidence.record(
    systemContext(ns, 'test'),
    ids.pat,
    {
      kind: 'e_learning',
      title,
      provider: 'A trust',
      completedOn: '2026-10-01',
      hours: 2,
      requirementId: null,
    },
    null,
  )
  return made.id
}

describe('your training', () => {
  it('points a practitioner with no pathway to the partnership’s decision tree', async () => {
    const $ = page((await practitioner.get('/training')).body)
    expect($('h1').text()).toBe('Your training')
    expect($('.govuk-summary-list').text()).toContain('No pathway set yet')
    expect($('a[href="/p/north-somerset/pathway"]').length).toBe(1)
  })

  it('says plainly when the user has no record in the partnership’s directory', async () => {
    await t.db.tenant(scope(), (sql) =>
      sql.query(`UPDATE people SET user_id = NULL WHERE email = 'subgroup@north-somerset.example.org'`),
    )
    const subgroup = await t.signIn('subgroup@north-somerset.example.org')
    const response = await subgroup.get('/training')
    expect(response.statusCode).toBe(200)
    expect(page(response.body)('main').text()).toContain('not in North Somerset')
  })

  describe('on the CSE pathway', () => {
    beforeAll(async () => {
      await t.services.standing.setPathway(systemContext(ns, 'test'), ids.pat, ids.csePathway)
    })

    it('shows the CSE awareness requirement not evidenced, with its course’s next dates to book', async () => {
      const response = await practitioner.get('/training?saved=pathway')
      const $ = page(response.body)
      expect($('.govuk-notification-banner').text()).toContain('Pathway saved to your record')
      expect($('.govuk-summary-list').text()).toContain('CSE pathway')
      expect(standingOf(response.body, CSE_AWARENESS)).toBe('Not evidenced')
      const why = $('tbody tr')
        .filter((_, tr) => $(tr).find('th').text().trim().startsWith(CSE_AWARENESS))
        .text()
      expect(why).toContain('No certificate or verified evidence for it yet')
      expect($(`a[href="/p/north-somerset/courses/${ids.cseCourse}"]`).length).toBeGreaterThan(0)
    })

    it('lists required requirements before optional ones', async () => {
      const $ = page((await practitioner.get('/training')).body)
      const names = $('table')
        .first()
        .find('tbody th')
        .toArray()
        .map((th) => $(th).text())
      const firstOptional = names.findIndex((n) => n.includes('(optional)'))
      expect(firstOptional).toBeGreaterThan(0)
      expect(names.slice(firstOptional).every((n) => n.includes('(optional)'))).toBe(true)
    })

    it('takes a certificate the lead verifies, after which the requirement is up to date', async () => {
      const form = page((await practitioner.get('/training/evidence/new')).body)
      expect(form('form[enctype="multipart/form-data"]').length).toBe(1)
      expect(form('label[for="requirementId"]').text()).toContain('(optional)')

      const added = await practitioner.upload(
        '/training/evidence/new',
        { field: 'file', filename: 'cse-certificate.pdf', content: pdf, type: 'application/pdf' },
        fields(),
      )
      expect(added.statusCode).toBe(303)
      expect(added.headers.location).toBe('/training?added=evidence')
      const mine = await practitioner.get('/training?added=evidence')
      expect(page(mine.body)('.govuk-notification-banner').text()).toContain('Learning from elsewhere added')
      expect(page(mine.body)('main').text()).toContain('Waiting for the agency lead')
      expect(standingOf(mine.body, CSE_AWARENESS)).toBe('Not evidenced')

      const queue = page((await lead.get('/evidence')).body)
      const link = queue('a').filter((_, a) => queue(a).text().includes('Trust CSE e-learning'))
      expect(queue('main').text()).toContain('Pat Practitioner')
      const href = String(link.attr('href'))
      expect(href).toMatch(/^\/evidence\/[0-9a-f-]{36}$/)

      const details = page((await lead.get(href)).body)
      expect(details('main').text()).toContain('1.5 hours')
      const fileHref = String(details(`a[href="${href}/file"]`).attr('href'))
      const file = await lead.get(fileHref)
      expect(file.statusCode).toBe(200)
      expect(file.headers['content-disposition']).toMatch(/^attachment; filename="cse-certificate.pdf"/)
      expect(file.headers['cache-control']).toBe('private, no-store')
      expect(file.headers['x-content-type-options']).toBe('nosniff')
      expect(file.rawPayload.equals(pdf)).toBe(true)

      const decided = await lead.submit(href, { decision: 'verified' })
      expect(decided.statusCode).toBe(303)
      expect(decided.headers.location).toBe('/evidence?decided=1')
      expect(
        page((await lead.get('/evidence?decided=1')).body)('.govuk-notification-banner').text(),
      ).toContain('Decision saved')

      const after = await practitioner.get('/training')
      expect(standingOf(after.body, CSE_AWARENESS)).toBe('Up to date')
      expect(page(after.body)('main').text()).toContain('Evidenced by Trust CSE e-learning')
    })

    it('shows an evidence file only to those who may see the person’s record', async () => {
      const [evidence] = (await t.services.evidence.ofPerson(systemContext(ns, 'test'), ids.pat)).filter(
        (e) => e.fileName,
      )
      const url = `/evidence/${evidence?.id}/file`
      expect((await practitioner.get(url)).statusCode).toBe(200)
      expect((await (await t.signIn('trainer@north-somerset.example.org')).get(url)).statusCode).toBe(404)
      expect((await (await t.signIn('admin@norfolk.example.org')).get(url)).statusCode).toBe(404)
    })

    it('refuses a date in the future, no hours and over 100 hours, saying why, and saves nothing', async () => {
      const before = await evidenceCount()
      const future = await practitioner.submit(
        '/training/evidence/new',
        fields({ 'completedOn-day': '25', hours: '0' }),
      )
      expect(future.statusCode).toBe(400)
      const $ = page(future.body)
      const summary = $('.govuk-error-summary').text()
      expect(summary).toContain('The date completed must be today or in the past')
      expect(summary).toContain('The hours must be more than 0')
      expect($('.govuk-error-summary a[href="#completedOn-day"]').length).toBe(1)
      expect($('input[name="title"]').val()).toBe('Trust CSE e-learning')

      const tooMany = await practitioner.submit('/training/evidence/new', fields({ hours: '101' }))
      expect(tooMany.statusCode).toBe(400)
      expect(page(tooMany.body)('.govuk-error-summary').text()).toContain('The hours must be 100 or fewer')

      const empty = await practitioner.submit('/training/evidence/new', {})
      expect(empty.statusCode).toBe(400)
      const missing = page(empty.body)('.govuk-error-summary').text()
      expect(missing).toContain('Select what kind of learning it was')
      expect(missing).toContain('Enter the date it was completed')
      expect(missing).toContain('Enter the hours as a number, like 1.5')
      const unreal = await practitioner.submit(
        '/training/evidence/new',
        fields({ 'completedOn-day': '31', 'completedOn-month': '2' }),
      )
      expect(unreal.statusCode).toBe(400)
      expect(page(unreal.body)('.govuk-error-summary').text()).toContain(
        'The date completed must be a real date',
      )
      expect(await evidenceCount()).toBe(before)
    })

    it('refuses a program named as a certificate, and saves nothing', async () => {
      const before = await evidenceCount()
      const program = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(126, 0x90), Buffer.from('PE\0\0')])
      const response = await practitioner.upload(
        '/training/evidence/new',
        { field: 'file', filename: 'certificate.pdf', content: program, type: 'application/pdf' },
        fields(),
      )
      expect(response.statusCode).toBe(400)
      expect(page(response.body)('.govuk-error-summary').text()).toContain('The file is a program')
      expect(await evidenceCount()).toBe(before)
    })

    it('refuses to turn evidence down without a reason, and shows the reason given', async () => {
      const id = await awaitingEvidence('Team briefing on exploitation')
      const bare = await lead.submit(`/evidence/${id}`, { decision: 'rejected', reason: ' ' })
      expect(bare.statusCode).toBe(400)
      expect(page(bare.body)('.govuk-error-summary').text()).toContain('Say why the evidence is not accepted')
      expect(await statusOf(id)).toBe('awaiting')

      const none = await lead.submit(`/evidence/${id}`, {})
      expect(none.statusCode).toBe(400)
      expect(page(none.body)('.govuk-error-summary').text()).toContain(
        'Select whether you verify the evidence',
      )

      const rejected = await lead.submit(`/evidence/${id}`, {
        decision: 'rejected',
        reason: 'The record does not show who attended',
      })
      expect(rejected.statusCode).toBe(303)
      const mine = page((await practitioner.get('/training')).body)('main').text()
      expect(mine).toContain('Not accepted')
      expect(mine).toContain('The record does not show who attended')
    })

    it('says so when the evidence has been decided already, and changes nothing', async () => {
      const id = await awaitingEvidence('Conference on contextual safeguarding')
      await lead.get(`/evidence/${id}`)
      const admin = await t.signIn('admin@north-somerset.example.org')
      expect((await admin.submit(`/evidence/${id}`, { decision: 'verified' })).statusCode).toBe(303)
      const late = await lead.post(`/evidence/${id}`, { decision: 'rejected', reason: 'Not enough' })
      expect(late.statusCode).toBe(409)
      const $ = page(late.body)
      expect($('main').text()).toContain('This evidence has already been decided')
      expect($('form[action^="/evidence/"]').length).toBe(0)
      expect(await statusOf(id)).toBe('verified')
    })

    it('lets the agency lead see a member of staff’s training and record evidence for them', async () => {
      const response = await lead.get(`/people/${ids.pat}/training`)
      const $ = page(response.body)
      expect($('.govuk-caption-l').text()).toBe('Pat Practitioner')
      expect(standingOf(response.body, CSE_AWARENESS)).toBe('Up to date')
      expect($('a[href="/training/certificate"]').length).toBe(0)

      const before = await evidenceCount()
      const added = await lead.submit(
        `/people/${ids.pat}/training/evidence/new`,
        fields({ title: 'Agency induction: exploitation', requirementId: '' }),
      )
      expect(added.statusCode).toBe(303)
      expect(added.headers.location).toBe(`/people/${ids.pat}/training?added=evidence`)
      const banner = page((await lead.get(String(added.headers.location))).body)('.govuk-notification-banner')
      expect(banner.text()).toContain('counts once verified in Evidence to verify')
      expect(await evidenceCount()).toBe(before + 1)
    })

    it('answers 404 for another agency’s person and evidence, and for another partnership', async () => {
      const theirs = await t.services.evidence.record(
        systemContext(ns, 'test'),
        ids.tara,
        {
          kind: 'shadowing',
          title: 'Shadowing a CSE worker',
          provider: 'Trust',
          completedOn: '2026-09-01',
          hours: 3,
          requirementId: null,
        },
        null,
      )
      expect((await lead.get(`/evidence/${theirs.id}`)).statusCode).toBe(404)
      expect((await lead.post(`/evidence/${theirs.id}`, { decision: 'verified' })).statusCode).toBe(404)
      expect(await statusOf(theirs.id)).toBe('awaiting')
      expect((await lead.get(`/people/${ids.tara}/training`)).statusCode).toBe(404)
      expect((await lead.post(`/people/${ids.tara}/training/evidence/new`, fields())).statusCode).toBe(404)
      expect(await evidenceCount(ids.tara)).toBe(1)
      expect(page((await lead.get('/evidence')).body)('main').text()).not.toContain('Shadowing a CSE worker')

      const norfolk = await t.signIn('admin@norfolk.example.org')
      expect((await norfolk.get(`/evidence/${theirs.id}`)).statusCode).toBe(404)
      expect((await norfolk.get(`/people/${ids.pat}/training`)).statusCode).toBe(404)
    })

    it('keeps the queue and another person’s training from practitioners', async () => {
      expect((await practitioner.get('/evidence')).statusCode).toBe(403)
      expect((await practitioner.get(`/people/${ids.pat}/training`)).statusCode).toBe(403)
    })
  })

  describe('a certificate from another partnership', () => {
    beforeAll(async () => {
      // Starting from nothing evidenced, so the certificate is what changes the standing.
      await t.db.tenant(scope(), async (sql) => {
        await sql.auditAs('test')
        await sql.query('DELETE FROM learning_evidence WHERE person_id = $1', [ids.pat])
      })
    })

    it('refuses a forged code, saying none was found, and saves nothing', async () => {
      const response = await practitioner.submit('/training/certificate', { code: 'ZZZZ-ZZZZ-ZZZZ' })
      expect(response.statusCode).toBe(404)
      const $ = page(response.body)
      expect($('.govuk-error-summary').text()).toContain('No certificate was found with that code')
      expect($('input[name="code"]').val()).toBe('ZZZZ-ZZZZ-ZZZZ')
      expect(await evidenceCount()).toBe(0)
    })

    it('asks for a code when none is typed', async () => {
      const response = await practitioner.submit('/training/certificate', { code: '' })
      expect(response.statusCode).toBe(400)
      expect(page(response.body)('.govuk-error-summary').text()).toContain(
        'Enter the certificate’s verification code',
      )
    })

    it('counts a recognised certificate for the requirement, once', async () => {
      expect(standingOf((await practitioner.get('/training')).body, CSE_AWARENESS)).toBe('Not evidenced')
      const response = await practitioner.submit('/training/certificate', { code: 'csea ware sg26' })
      expect(response.statusCode).toBe(303)
      expect(response.headers.location).toBe('/training?added=certificate')
      const after = await practitioner.get('/training?added=certificate')
      expect(page(after.body)('.govuk-notification-banner').text()).toContain(
        'Certificate added to your record',
      )
      expect(standingOf(after.body, CSE_AWARENESS)).toBe('Up to date')
      expect(page(after.body)('main').text()).toContain('CSEA-WARE-SG26')

      const again = await practitioner.submit('/training/certificate', { code: 'CSEA-WARE-SG26' })
      expect(again.statusCode).toBe(400)
      expect(page(again.body)('.govuk-error-summary').text()).toContain('added already')
    })
  })
})
