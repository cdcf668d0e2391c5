import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Context } from '#platform/context.ts'
import { systemContext } from '#platform/context.ts'
import type { Browser, TestApp } from '#test/support/app.ts'
import { page, testApp } from '#test/support/app.ts'
import { updatePerson } from '../queries.ts'
import { readCsv } from './read.ts'
import { guessMapping } from './rows.ts'

let t: TestApp
let admin: Context
let lead: Context
const agency = { police: '', homeStart: '', nursery: '' }
const ids = { officer: '', volunteer: '' }

beforeAll(async () => {
  t = await testApp()
  admin = systemContext(await t.partnership('norfolk'), 'test')
  const agencies = await t.services.directory.currentAgencies(admin)
  const named = (name: string) => agencies.find((a) => a.name === name)?.id ?? ''
  agency.police = named('Norfolk Police')
  agency.homeStart = named('Home-Start Norfolk')
  agency.nursery = named('Little Acorns Day Nursery Ltd')
  // The demo lead leads Home-Start and the nursery, as the signed-in lead below does.
  lead = {
    ...admin,
    actor: {
      userId: null,
      label: 'test',
      roles: ['agency-lead'],
      agencyIds: [agency.homeStart, agency.nursery],
    },
  }
  const add = async (firstName: string, email: string, agencyId: string) =>
    (
      await t.services.directory.addPerson(admin, {
        firstName,
        lastName: 'Original',
        email,
        agencyId,
        managerEmail: 'sergeant@example.org',
        status: 'active',
      })
    ).id
  ids.officer = await add('Olivia', 'olivia.officer@police.example.org', agency.police)
  ids.volunteer = await add('Val', 'val.volunteer@homestart.example.org', agency.homeStart)
})
afterAll(() => t?.close())

const header = 'First name,Surname,Work email,Organisation,Job title,Line manager email'

function tableOf(lines: string[]) {
  const reading = readCsv(Buffer.from([header, ...lines].join('\n')))
  if (!reading.ok) throw new Error(reading.reason)
  return reading.table
}

async function stored(id: string) {
  return t.db.tenant({ partnershipId: admin.partnership.id, userId: null }, async (sql) => ({
    person: await sql.one<{ first_name: string; last_name: string; agency_id: string }>(
      'SELECT first_name, last_name, agency_id FROM people WHERE id = $1',
      [id],
    ),
    spells: (await sql.query('SELECT 1 FROM agency_spells WHERE person_id = $1', [id])).length,
  }))
}

const officerUntouched = { person: { first_name: 'Olivia', last_name: 'Original' }, spells: 0 }

describe('an agency lead’s staff import', () => {
  it('shows a row whose email belongs to someone in another agency as a problem, and leaves them out', async () => {
    const table = tableOf([
      'Olivia,Takeover,OLIVIA.OFFICER@police.example.org,Home-Start Norfolk,Volunteer,m@example.org',
      'Val,Volunteer,val.volunteer@homestart.example.org,Home-Start Norfolk,Befriender,m@example.org',
    ])
    const preview = await t.services.imports.check(lead, table, guessMapping(table.headers))
    expect(preview.problems).toEqual([
      {
        row: 2,
        text: 'Row 2 work email “OLIVIA.OFFICER@police.example.org” belongs to someone in another agency: ask an admin',
        blocking: true,
      },
    ])
    expect(preview.rows.map((r) => r.row)).toEqual([3])
    expect(preview).toMatchObject({ toAdd: 0, toUpdate: 1, unchanged: 0 })
  })

  it('never moves someone in another agency, even when the row reaches the write', async () => {
    const table = tableOf([
      'Olivia,Takeover,olivia.officer@police.example.org,Home-Start Norfolk,Volunteer,m@example.org',
    ])
    // As if the preview had been made before Olivia joined the police: the row is written as it stands.
    const { rows } = await t.services.imports.check(admin, table, guessMapping(table.headers))
    const outcome = await t.services.imports.commit(lead, rows)
    expect(outcome).toEqual({ added: 0, updated: 0, unchanged: 0, leftOut: 1 })
    expect(await stored(ids.officer)).toMatchObject({
      ...officerUntouched,
      person: { ...officerUntouched.person, agency_id: agency.police },
    })
  })

  it('still adds and updates the lead’s own staff, and moves them between the agencies they lead', async () => {
    const table = tableOf([
      'Val,Volunteer-Moved,val.volunteer@homestart.example.org,Little Acorns Day Nursery Ltd,Nursery nurse,m@example.org',
      'Nia,New,nia.new@homestart.example.org,Home-Start Norfolk,Befriender,m@example.org',
    ])
    const preview = await t.services.imports.check(lead, table, guessMapping(table.headers))
    expect(preview.problems).toEqual([])
    const outcome = await t.services.imports.commit(lead, preview.rows)
    expect(outcome).toEqual({ added: 1, updated: 1, unchanged: 0, leftOut: 0 })
    expect(await stored(ids.volunteer)).toMatchObject({
      person: { last_name: 'Volunteer-Moved', agency_id: agency.nursery },
      spells: 1,
    })
  })

  it('lets an admin’s import move anyone between agencies', async () => {
    const table = tableOf(['Nia,New,nia.new@homestart.example.org,Norfolk Police,Analyst,m@example.org'])
    const preview = await t.services.imports.check(admin, table, guessMapping(table.headers))
    expect(preview.problems).toEqual([])
    expect(await t.services.imports.commit(admin, preview.rows)).toEqual({
      added: 0,
      updated: 1,
      unchanged: 0,
      leftOut: 0,
    })
  })

  it('on screen, lists the row as a problem, imports the rest, and the lead still cannot open her record', async () => {
    const browser: Browser = await t.signIn('agency-lead@norfolk.example.org')
    await browser.get('/people/import')
    const uploaded = await browser.upload('/people/import', {
      field: 'file',
      filename: 'staff.csv',
      content: [
        header,
        'Olivia,Takeover,olivia.officer@police.example.org,Home-Start Norfolk,Volunteer,m@example.org',
        'Omar,Other,omar.other@homestart.example.org,Home-Start Norfolk,Befriender,m@example.org',
      ].join('\n'),
    })
    const columnsUrl = String(uploaded.headers.location)
    await browser.get(columnsUrl)
    const chosen = await browser.post(columnsUrl, {
      firstName: '0',
      lastName: '1',
      email: '2',
      agency: '3',
      role: '4',
      managerEmail: '5',
    })
    const previewUrl = String(chosen.headers.location)
    const preview = page((await browser.get(previewUrl)).body)
    expect(preview('tbody').text()).toContain('belongs to someone in another agency: ask an admin')
    expect(preview('button').text()).toContain('Import 1 person')
    const committed = await browser.post(previewUrl, {})
    const done = page((await browser.get(String(committed.headers.location))).body)
    expect(done('.govuk-summary-list').text()).toMatch(/Added\s+1/)
    expect(done('.govuk-summary-list').text()).toMatch(/Rows left out\s+1/)
    expect(await stored(ids.officer)).toMatchObject(officerUntouched)
    expect((await browser.get(`/people/${ids.officer}`)).statusCode).toBe(404)
  })
})

describe('every change to a person', () => {
  it('is refused at the write when the person is in an agency the actor may not manage', async () => {
    await t.db.tenant({ partnershipId: admin.partnership.id, userId: null }, async (sql) => {
      const changed = await updatePerson(
        sql,
        ids.officer,
        {
          firstName: 'Olivia',
          lastName: 'Takeover',
          email: 'olivia.officer@police.example.org',
          agencyId: agency.homeStart,
          role: null,
          tier: null,
          managerName: null,
          managerEmail: null,
          status: 'active',
        },
        new Date(),
        '2026-11-24',
        [agency.homeStart, agency.nursery],
      )
      expect(changed).toBe(false)
    })
    expect(await stored(ids.officer)).toMatchObject(officerUntouched)
  })
})
