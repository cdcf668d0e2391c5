import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { systemContext } from '#platform/context.ts'
import type { TestApp } from '#test/support/app.ts'
import { page, testApp } from '#test/support/app.ts'

let t: TestApp
let norfolkId: string
const ids = { kept: '', duplicate: '', report: '' }

beforeAll(async () => {
  t = await testApp()
  norfolkId = (await t.partnership('norfolk')).id
  const ctx = systemContext(await t.partnership('norfolk'), 'test')
  const agencies = await t.services.directory.currentAgencies(ctx)
  const [police, nursery] = [agencies[0], agencies[1]]
  if (!police || !nursery) throw new Error('no agencies')
  const add = async (email: string, agencyId: string, managerEmail: string | null = null) =>
    (
      await t.services.directory.addPerson(ctx, {
        firstName: 'Sam',
        lastName: email.startsWith('sam') ? 'Taylor' : 'Report',
        email,
        agencyId,
        managerEmail,
        status: 'active',
      })
    ).id
  ids.kept = await add('sam.taylor@example.org', police.id)
  ids.duplicate = await add('s.taylor@old-employer.example.org', nursery.id)
  ids.report = await add('report@example.org', police.id, 's.taylor@old-employer.example.org')
  // The duplicate moved once before, so it has history of its own.
  await t.services.directory.changePerson(ctx, ids.duplicate, { agencyId: police.id })
  await t.services.directory.changePerson(ctx, ids.duplicate, { agencyId: nursery.id })
})
afterAll(() => t?.close())

const idOf = async (email: string) =>
  (
    await t.db.tenant({ partnershipId: norfolkId, userId: null }, (sql) =>
      sql.one<{ id: string }>('SELECT id FROM people WHERE email = $1', [email]),
    )
  ).id

const spellsOf = (personId: string) =>
  t.db.tenant({ partnershipId: norfolkId, userId: null }, (sql) =>
    sql.query<{ agency_id: string }>('SELECT agency_id FROM agency_spells WHERE person_id = $1', [personId]),
  )

describe('merging two records of the same person', () => {
  it('checks the two records first, then merges, keeping the duplicate’s history on the record kept', async () => {
    const admin = await t.signIn('admin@norfolk.example.org')
    const check = await admin.submit(`/people/${ids.kept}/merge`, {
      duplicateEmail: 'S.Taylor@old-employer.example.org',
    })
    expect(check.statusCode).toBe(200)
    expect(page(check.body)('h1').text()).toBe('Check the merge')
    // Nothing has changed yet.
    expect(
      (
        await t.services.directory.listPeople(systemContext(await t.partnership('norfolk'), 't'), {
          q: 's.taylor@old-employer.example.org',
          sort: 'name',
          page: 1,
          pageSize: 5,
        })
      ).total,
    ).toBe(1)

    const spellsBefore = (await spellsOf(ids.duplicate)).length
    const merged = await admin.post(`/people/${ids.kept}/merge`, {
      duplicateEmail: 's.taylor@old-employer.example.org',
      confirm: 'yes',
    })
    expect(merged.statusCode).toBe(303)

    const kept = page((await admin.get(`/people/${ids.kept}`)).body)
    expect(kept('main').text()).toContain('s.taylor@old-employer.example.org')
    // Its past spells, and its time at its last agency, are now the kept record's.
    expect(await spellsOf(ids.duplicate)).toEqual([])
    expect((await spellsOf(ids.kept)).length).toBe(spellsBefore + 1)
    // The duplicate leaves every list and cannot be opened.
    expect((await admin.get(`/people/${ids.duplicate}`)).statusCode).toBe(404)
    expect(page((await admin.get('/people?q=old-employer')).body)('tbody tr').length).toBe(0)
    // The person it managed is managed by the record kept.
    const report = page((await admin.get(`/people/${ids.report}`)).body)
    expect(report('main').text()).toContain('sam.taylor@example.org')
    // The merge is in the audit trail.
    const trail = await t.db.tenant({ partnershipId: norfolkId, userId: null }, (sql) =>
      sql.query(`SELECT 1 FROM audit_events WHERE action = 'person.merge' AND entity_id = $1`, [
        ids.duplicate,
      ]),
    )
    expect(trail.length).toBe(1)
  })

  it('says what is wrong with the duplicate named, and changes nothing', async () => {
    const admin = await t.signIn('admin@norfolk.example.org')
    for (const [duplicateEmail, message] of [
      ['', 'Enter the work email of the duplicate record'],
      ['nobody@example.org', 'Nobody in the directory has this email address'],
      ['sam.taylor@example.org', 'not this one'],
    ] as const) {
      const response = await admin.submit(`/people/${ids.kept}/merge`, { duplicateEmail, confirm: 'yes' })
      expect(response.statusCode).toBe(400)
      expect(page(response.body)('.govuk-error-summary').text()).toContain(message)
    }
  })

  it('answers an agency lead only about their own agencies: someone elsewhere reads as unknown', async () => {
    const lead = await t.signIn('agency-lead@norfolk.example.org')
    const practitionerId = await idOf('practitioner@norfolk.example.org')
    const answers: string[] = []
    // Nobody has the first; the second is someone's in an agency the lead does not lead.
    for (const duplicateEmail of ['nobody@example.org', 'sam.taylor@example.org']) {
      for (const confirm of ['', 'yes']) {
        const response = await lead.submit(`/people/${practitionerId}/merge`, { duplicateEmail, confirm })
        expect(response.statusCode).toBe(400)
        answers.push(page(response.body)('.govuk-error-summary .govuk-list').text().trim())
      }
    }
    expect(new Set(answers)).toEqual(new Set(['Nobody in your agencies has this email address']))
  })

  it('has an agency lead’s merge re-point line managers only in the agencies they lead', async () => {
    const ctx = systemContext(await t.partnership('norfolk'), 'test')
    const agencies = await t.services.directory.currentAgencies(ctx)
    const homeStart = agencies.find((a) => a.name === 'Home-Start Norfolk')?.id ?? ''
    const elsewhere = agencies[0]?.id ?? ''
    const add = async (email: string, agencyId: string, managerEmail: string | null = null) =>
      (
        await t.services.directory.addPerson(ctx, {
          firstName: 'Lee',
          lastName: 'Lead',
          email,
          agencyId,
          managerEmail,
          status: 'active',
        })
      ).id
    const kept = await add('lee.kept@example.org', homeStart)
    await add('lee.duplicate@example.org', homeStart)
    const ownReport = await add('own.report@example.org', homeStart, 'lee.duplicate@example.org')
    const otherReport = await add('other.report@example.org', elsewhere, 'lee.duplicate@example.org')
    const lead = await t.signIn('agency-lead@norfolk.example.org')
    const merged = await lead.submit(`/people/${kept}/merge`, {
      duplicateEmail: 'lee.duplicate@example.org',
      confirm: 'yes',
    })
    expect(merged.statusCode).toBe(303)
    const managerOf = async (id: string) => (await t.services.directory.person(ctx, id)).managerEmail
    expect(await managerOf(ownReport)).toBe('lee.kept@example.org')
    expect(await managerOf(otherReport)).toBe('lee.duplicate@example.org')
  })

  it('keeps an agency lead to people in the agencies they lead', async () => {
    const lead = await t.signIn('agency-lead@norfolk.example.org')
    expect((await lead.get(`/people/${ids.kept}/merge`)).statusCode).toBe(404)
  })
})
