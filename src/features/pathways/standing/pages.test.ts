import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Sql } from '#platform/db/database.ts'
import type { Browser, TestApp } from '#test/support/app.ts'
import { page, testApp } from '#test/support/app.ts'

// The test clock's today is 24 November 2026: due within 3 months runs to 24 February 2027.
let t: TestApp
let admin: Browser
let ns: { id: string }
let ids: {
  homeStart: string
  childrenServices: string
  otherPartnershipAgency: string
  mandatory: string
  cse: string
  retired: string
  requirement: string
  pat: string
  wendy: string
}

const tenant = <T>(run: (sql: Sql) => Promise<T>) => t.db.tenant({ partnershipId: ns.id, userId: null }, run)

/** A verified piece of evidence for the mandatory pathway's one requirement, completed on the day given. */
const evidence = (personId: string, completedOn: string) =>
  tenant(async (sql) => {
    await sql.auditAs('test')
    await sql.query(
      `INSERT INTO learning_evidence (partnership_id, person_id, kind, title, provider, completed_on, minutes,
                                      requirement_id, status, decided_at)
       VALUES ($1, $2, 'single_agency_course', 'Safeguarding in our agency', 'Home-Start', $3, 180, $4, 'verified', now())`,
      [ns.id, personId, completedOn, ids.requirement],
    )
  })

const pathwaysSet = () =>
  tenant<{ n: number }[]>((sql) =>
    sql.query('SELECT count(*)::int AS n FROM people WHERE pathway_id IS NOT NULL'),
  ).then(([row]) => row?.n)

const cells = ($: ReturnType<typeof page>, selector: string) =>
  $(selector)
    .find('td, th')
    .toArray()
    .map((c) => $(c).text().trim())

const rowOf = ($: ReturnType<typeof page>, table: string, name: string) =>
  cells($, `${table} tbody tr:has(th:contains("${name}"))`)

beforeAll(async () => {
  t = await testApp()
  ns = await t.partnership('north-somerset')
  const sg = await t.partnership('south-gloucestershire')
  const one = async (query: string, params: unknown[] = []) =>
    (await tenant<{ id: string }[]>((sql) => sql.query(query, params)))[0]?.id as string
  const agency = (name: string) => one('SELECT id FROM agencies WHERE name = $1', [name])
  const pathway = (title: string) => one('SELECT id FROM pathways WHERE title = $1', [title])
  const person = (email: string) => one('SELECT id FROM people WHERE email = $1', [email])
  const mandatory = await pathway('Mandatory pathway')
  ids = {
    homeStart: await agency('Home-Start North Somerset'),
    childrenServices: await agency("North Somerset Council Children's Services"),
    otherPartnershipAgency: (
      await t.db.tenant({ partnershipId: sg.id, userId: null }, (sql) =>
        sql.one<{ id: string }>('SELECT id FROM agencies ORDER BY name LIMIT 1'),
      )
    ).id,
    mandatory,
    cse: await pathway('CSE pathway'),
    retired: '',
    requirement: await one('SELECT id FROM pathway_requirements WHERE pathway_id = $1', [mandatory]),
    pat: await person('practitioner@north-somerset.example.org'),
    wendy: await person('admin@north-somerset.example.org'),
  }
  // Three more early help workers at Pat's agency: one whose refresher falls due in January, one
  // whose fell due in October, and one refreshed last year.
  for (const [first, completedOn] of [
    ['Ada', '2024-01-10'],
    ['Bea', '2023-10-01'],
    ['Cal', '2025-06-01'],
  ] as const) {
    const id = await tenant<{ id: string }[]>(async (sql) => {
      await sql.auditAs('test')
      return sql.query(
        `INSERT INTO people (partnership_id, first_name, last_name, email, agency_id, role)
         VALUES ($1, $2, 'Helper', $3, $4, 'Early help worker') RETURNING id`,
        [ns.id, first, `${first.toLowerCase()}.helper@example.org`, ids.homeStart],
      )
    }).then(([row]) => row?.id as string)
    await evidence(id, completedOn)
  }
  ids.retired = await tenant<{ id: string }[]>(async (sql) => {
    await sql.auditAs('test')
    return sql.query(
      `INSERT INTO pathways (partnership_id, title, audience, status) VALUES ($1, 'Old pathway', 'No one now', 'retired') RETURNING id`,
      [ns.id],
    )
  }).then(([row]) => row?.id as string)
  admin = await t.signIn('admin@north-somerset.example.org')
})
afterAll(() => t?.close())

describe('setting pathways by role', () => {
  it('offers the roles the staff hold, with how many hold each', async () => {
    const $ = page((await admin.get(`/agencies/${ids.homeStart}/pathways`)).body)
    expect($('h1').text()).toBe('Staff pathways and standing')
    const roles = $('#role option')
      .toArray()
      .map((o) => $(o).text().trim())
    expect(roles).toEqual([
      'Choose a role',
      'Agency Safeguarding Lead (1 person)',
      'Early help worker (4 people)',
    ])
    const pathways = $('#pathwayId option')
      .toArray()
      .map((o) => $(o).text().trim())
    expect(pathways).toContain('Mandatory pathway')
    expect(pathways).not.toContain('Old pathway')
  })

  it('refuses the form without a role, or with a retired or unknown pathway, and changes nothing', async () => {
    const url = `/agencies/${ids.homeStart}/pathways/by-role`
    const from = `/agencies/${ids.homeStart}/pathways`
    const summary = (body: string) => {
      const $ = page(body)
      return $('.govuk-error-summary a')
        .toArray()
        .map((a) => [$(a).attr('href'), $(a).text().trim()])
    }
    const none = await admin.submit(url, { role: '', pathwayId: ids.mandatory }, { from })
    expect(none.statusCode).toBe(400)
    expect(summary(none.body)).toEqual([['#role', 'Select a role']])
    expect(page(none.body)('#pathwayId option:selected').text()).toBe('Mandatory pathway')

    const neither = await admin.submit(url, {}, { from })
    expect(summary(neither.body)).toEqual([
      ['#role', 'Select a role'],
      ['#pathwayId', 'Select a pathway'],
    ])
    const notHeld = await admin.submit(url, { role: 'Lion tamer', pathwayId: ids.mandatory }, { from })
    expect(summary(notHeld.body)).toEqual([['#role', 'Select one of the roles your staff hold']])
    for (const pathwayId of [ids.retired, '00000000-0000-4000-8000-000000000000', 'nonsense']) {
      const response = await admin.submit(url, { role: 'early help worker', pathwayId }, { from })
      expect(response.statusCode).toBe(400)
      expect(summary(response.body)).toEqual([['#pathwayId', 'Choose one of the partnership’s pathways']])
    }
    expect(await pathwaysSet()).toBe(0)
  })

  it('sets the pathway of everyone holding the role, and shows each one’s standing in words', async () => {
    const sent = await admin.submit(
      `/agencies/${ids.homeStart}/pathways/by-role`,
      // Any case: a role is the same role however it was typed.
      { role: 'EARLY HELP WORKER', pathwayId: ids.mandatory },
      { from: `/agencies/${ids.homeStart}/pathways` },
    )
    expect(sent.statusCode).toBe(303)
    expect(sent.headers.location).toBe(`/agencies/${ids.homeStart}/pathways?set=4`)
    const $ = page((await admin.get(String(sent.headers.location))).body)
    expect($('.govuk-notification-banner').text()).toContain('Pathway set for 4 people')
    const row = (name: string) => rowOf($, '#staff', name)
    expect(row('Ada Helper')).toEqual([
      'Ada Helper',
      'Early help worker',
      'Mandatory pathway',
      'Due within 3 months',
      'Change pathway for Ada Helper',
    ])
    expect(row('Bea Helper')[3]).toBe('Overdue')
    expect(row('Cal Helper')[3]).toBe('Up to date')
    expect(row('Pat Practitioner')[3]).toBe('Not evidenced')
    expect(row('Lee Lead').slice(2, 4)).toEqual(['Not set', 'No pathway set'])
    expect($('#staff a[href$="/training"]').first().attr('href')).toMatch(
      /^\/people\/[0-9a-f-]{36}\/training$/,
    )
    // The standing is a tag, and its words are there for those who do not see its colour.
    expect($('#staff .govuk-tag').length).toBe(4)
  })

  it('filters the staff by pathway', async () => {
    const $ = page((await admin.get(`/agencies/${ids.homeStart}/pathways?pathwayId=${ids.mandatory}`)).body)
    expect($('#staff tbody tr').length).toBe(4)
    expect($('#staff').text()).not.toContain('Lee Lead')
    expect((await admin.get(`/agencies/${ids.homeStart}/pathways?pathwayId=nonsense`)).statusCode).toBe(404)
  })
})

describe('the workforce compliance roll-up', () => {
  it('counts the people on a pathway by standing, with percentages, by agency, sector and pathway', async () => {
    const response = await admin.get('/compliance')
    expect(response.statusCode).toBe(200)
    const $ = page(response.body)
    expect($('h1').text()).toBe('Workforce compliance')
    expect($('#total caption').text().trim()).toBe('4 people on a pathway')
    expect(cells($, '#total tbody')).toEqual([
      'Up to date',
      '1',
      '25%',
      'Due within 3 months',
      '1',
      '25%',
      'Overdue',
      '1',
      '25%',
      'Not evidenced',
      '1',
      '25%',
    ])
    const { n: noPathway } = await tenant((sql) =>
      sql.one<{ n: number }>(
        "SELECT count(*)::int AS n FROM people WHERE status = 'active' AND merged_into IS NULL AND pathway_id IS NULL",
      ),
    )
    expect($('#no-pathway').text().trim()).toBe(`${noPathway} people have no pathway set.`)
    expect(rowOf($, '#by-agency', 'Home-Start North Somerset')).toEqual([
      'Home-Start North Somerset',
      '4',
      '1 (25%)',
      '1 (25%)',
      '1 (25%)',
      '1 (25%)',
      '1',
    ])
    expect(rowOf($, '#by-agency', "Children's Services")).toEqual([
      "North Somerset Council Children's Services",
      '0',
      '0 (0%)',
      '0 (0%)',
      '0 (0%)',
      '0 (0%)',
      '2',
    ])
    // Sectors in words, not their codes.
    expect(rowOf($, '#by-sector', 'Voluntary')[1]).toBe('4')
    expect($('#by-sector').text()).toContain("Local authority children's services")
    expect($('#by-sector').text()).not.toContain('children_services')
    expect(rowOf($, '#by-pathway', 'Mandatory pathway')).toEqual([
      'Mandatory pathway',
      '4',
      '1 (25%)',
      '1 (25%)',
      '1 (25%)',
      '1 (25%)',
    ])
    expect($('#by-agency caption').text()).toBe('By agency')
    expect($('#by-agency td.govuk-table__cell--numeric').length).toBe($('#by-agency td').length)
    // An admin opens each agency's staff.
    expect($('#by-agency a[href]').first().attr('href')).toMatch(/^\/agencies\/[0-9a-f-]{36}\/pathways$/)
    expect($(`#by-agency a[href="/agencies/${ids.homeStart}/pathways"]`).text()).toBe(
      'Home-Start North Somerset',
    )
    expect($('a[href="/compliance.csv"]').text()).toBe('Download as a spreadsheet (CSV)')
  })

  it('filters by agency and pathway, and carries the filter to the spreadsheet', async () => {
    const byAgency = page((await admin.get(`/compliance?agencyId=${ids.childrenServices}&pathwayId=`)).body)
    expect(byAgency('#by-agency tbody tr').length).toBe(1)
    expect(byAgency('#total caption').text().trim()).toBe('0 people on a pathway')
    expect(byAgency('#agencyId option:selected').val()).toBe(ids.childrenServices)
    expect(byAgency(`a[href="/compliance.csv?agencyId=${ids.childrenServices}"]`).length).toBe(1)
    const byPathway = page((await admin.get(`/compliance?pathwayId=${ids.cse}`)).body)
    expect(byPathway('#total caption').text().trim()).toBe('0 people on a pathway')
    expect(byPathway('main').text()).toContain('No one to count.')
    expect((await admin.get('/compliance?pathwayId=nonsense')).statusCode).toBe(404)
    const unknown = '00000000-0000-4000-8000-000000000000'
    expect((await admin.get(`/compliance?pathwayId=${unknown}`)).statusCode).toBe(404)
  })

  it('downloads the roll-up as a spreadsheet: one row per agency and pathway', async () => {
    const response = await admin.get('/compliance.csv')
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8')
    expect(response.headers['content-disposition']).toBe('attachment; filename="workforce-compliance.csv"')
    expect(response.headers['cache-control']).toBe('private, no-store')
    expect(response.body.startsWith('\uFEFFAgency,Sector,Pathway,People,Up to date,% up to date,')).toBe(true)
    const lines = response.body.trim().split('\n')
    expect(lines).toContain('Home-Start North Somerset,Voluntary,Mandatory pathway,4,1,25,1,25,1,25,1,25')
    expect(lines).toContain('Home-Start North Somerset,Voluntary,No pathway set,1,0,0,0,0,0,0,0,0')
    const filtered = (await admin.get(`/compliance.csv?pathwayId=${ids.mandatory}`)).body.trim().split('\n')
    expect(filtered.slice(1)).toEqual([
      'Home-Start North Somerset,Voluntary,Mandatory pathway,4,1,25,1,25,1,25,1,25',
    ])
  })

  it('follows the kept standing when someone gains verified evidence', async () => {
    await evidence(ids.pat, '2026-10-01')
    const $ = page((await admin.get('/compliance')).body)
    expect(rowOf($, '#by-agency', 'Home-Start North Somerset')).toEqual([
      'Home-Start North Somerset',
      '4',
      '2 (50%)',
      '1 (25%)',
      '1 (25%)',
      '0 (0%)',
      '1',
    ])
    const staff = page((await admin.get(`/agencies/${ids.homeStart}/pathways`)).body)
    expect(rowOf(staff, '#staff', 'Pat Practitioner')[3]).toBe('Up to date')
  })

  it('shows the sub-group and executive the whole partnership, without opening agencies’ staff', async () => {
    const executive = await t.signIn('executive@north-somerset.example.org')
    const $ = page((await executive.get('/compliance')).body)
    expect(rowOf($, '#by-agency', 'Home-Start North Somerset')[1]).toBe('4')
    expect($('#by-agency a').length).toBe(0)
    expect((await executive.get(`/agencies/${ids.homeStart}/pathways`)).statusCode).toBe(403)
    // They may still narrow the counts to one agency.
    const one = await executive.get(`/compliance?agencyId=${ids.homeStart}`)
    expect(one.statusCode).toBe(200)
    expect(page(one.body)('#by-agency tbody tr').length).toBe(1)
    const trainer = await t.signIn('trainer@north-somerset.example.org')
    expect((await trainer.get('/compliance')).statusCode).toBe(403)
  })

  it('answers 404 for another partnership’s agency or person', async () => {
    const other = ids.otherPartnershipAgency
    expect((await admin.get(`/compliance?agencyId=${other}`)).statusCode).toBe(404)
    expect((await admin.get(`/compliance.csv?agencyId=${other}`)).statusCode).toBe(404)
    expect((await admin.get(`/agencies/${other}/pathways`)).statusCode).toBe(404)
    const sent = await admin.submit(
      `/agencies/${other}/pathways/by-role`,
      { role: 'early help worker', pathwayId: ids.mandatory },
      { from: '/compliance' },
    )
    expect(sent.statusCode).toBe(404)
    const sg = await t.partnership('south-gloucestershire')
    const { id: theirs } = await t.db.tenant({ partnershipId: sg.id, userId: null }, (sql) =>
      sql.one<{ id: string }>("SELECT id FROM people WHERE email LIKE 'practitioner@%'"),
    )
    expect((await admin.get(`/people/${theirs}/pathway`)).statusCode).toBe(404)
    const set = await admin.submit(
      `/people/${theirs}/pathway`,
      { pathwayId: ids.mandatory },
      { from: '/compliance' },
    )
    expect(set.statusCode).toBe(404)
  })
})

describe('an agency lead', () => {
  let lead: Browser
  beforeAll(async () => {
    lead = await t.signIn('agency-lead@north-somerset.example.org')
  })

  it('sees only the agencies they lead', async () => {
    const $ = page((await lead.get('/compliance')).body)
    const agencyRows = $('#by-agency tbody th')
      .toArray()
      .map((th) => $(th).text().trim())
    expect(agencyRows).toEqual(['Home-Start North Somerset'])
    expect($(`#by-agency a[href="/agencies/${ids.homeStart}/pathways"]`).length).toBe(1)
    const agencies = $('#agencyId option')
      .toArray()
      .map((o) => $(o).text().trim())
    expect(agencies).toEqual(['All agencies', 'Home-Start North Somerset', 'Little Acorns Day Nursery Ltd'])
    const csv = (await lead.get('/compliance.csv')).body
    expect(csv).toContain('Home-Start North Somerset')
    expect(csv).not.toContain('Children')
  })

  it('is refused another agency’s figures, staff and people, as if they did not exist', async () => {
    expect((await lead.get(`/compliance?agencyId=${ids.childrenServices}`)).statusCode).toBe(404)
    expect((await lead.get(`/compliance.csv?agencyId=${ids.childrenServices}`)).statusCode).toBe(404)
    expect((await lead.get(`/agencies/${ids.childrenServices}/pathways`)).statusCode).toBe(404)
    const byRole = await lead.submit(
      `/agencies/${ids.childrenServices}/pathways/by-role`,
      { role: 'Workforce Development Officer', pathwayId: ids.mandatory },
      { from: `/agencies/${ids.homeStart}/pathways` },
    )
    expect(byRole.statusCode).toBe(404)
    expect((await lead.get(`/people/${ids.wendy}/pathway`)).statusCode).toBe(404)
    const one = await lead.submit(
      `/people/${ids.wendy}/pathway`,
      { pathwayId: ids.mandatory },
      { from: `/agencies/${ids.homeStart}/pathways` },
    )
    expect(one.statusCode).toBe(404)
    const [wendy] = await tenant<{ pathway_id: string | null }[]>((sql) =>
      sql.query('SELECT pathway_id FROM people WHERE id = $1', [ids.wendy]),
    )
    expect(wendy?.pathway_id).toBeNull()
  })

  it('sets one of their staff’s pathway, and back on the staff page sees it changed', async () => {
    const form = page((await lead.get(`/people/${ids.pat}/pathway`)).body)
    expect(form('h1').text()).toContain('Which pathway should Pat Practitioner follow?')
    expect(form(`input[name="pathwayId"][value="${ids.mandatory}"]`).attr('checked')).toBeDefined()
    expect(form('input[name="pathwayId"][value="none"]').length).toBe(1)
    const sent = await lead.submit(`/people/${ids.pat}/pathway`, { pathwayId: ids.cse })
    expect(sent.statusCode).toBe(303)
    expect(sent.headers.location).toBe(`/agencies/${ids.homeStart}/pathways?changed=${ids.pat}`)
    const $ = page((await lead.get(String(sent.headers.location))).body)
    expect($('.govuk-notification-banner').text()).toContain('Pat Practitioner’s pathway has been changed')
    expect(rowOf($, '#staff', 'Pat Practitioner').slice(2, 4)).toEqual(['CSE pathway', 'Not evidenced'])
  })

  it('must choose a pathway or none, and may clear it', async () => {
    const nothing = await lead.submit(`/people/${ids.pat}/pathway`, {})
    expect(nothing.statusCode).toBe(400)
    expect(page(nothing.body)('.govuk-error-summary a').text()).toBe('Select a pathway, or No pathway')
    const retired = await lead.submit(`/people/${ids.pat}/pathway`, { pathwayId: ids.retired })
    expect(retired.statusCode).toBe(400)
    const [still] = await tenant<{ pathway_id: string | null }[]>((sql) =>
      sql.query('SELECT pathway_id FROM people WHERE id = $1', [ids.pat]),
    )
    expect(still?.pathway_id).toBe(ids.cse)
    expect((await lead.submit(`/people/${ids.pat}/pathway`, { pathwayId: 'none' })).statusCode).toBe(303)
    const $ = page((await lead.get(`/agencies/${ids.homeStart}/pathways`)).body)
    expect(rowOf($, '#staff', 'Pat Practitioner').slice(2, 4)).toEqual(['Not set', 'No pathway set'])
  })
})

describe('the agency compliance page', () => {
  it('links to the staff against their pathways', async () => {
    const $ = page((await admin.get(`/agencies/${ids.homeStart}/compliance`)).body)
    expect($(`a[href="/agencies/${ids.homeStart}/pathways"]`).text()).toBe('Staff against their pathways')
  })
})
