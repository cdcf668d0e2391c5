import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '#test/support/app.ts'
import { page, TEST_NOW, testApp } from '#test/support/app.ts'
import type { BookingWorld } from '#test/support/booking.ts'
import { bookingWorld } from '#test/support/booking.ts'

let t: TestApp
let w: BookingWorld
let toAllocate: string
let toRegister: string

beforeAll(async () => {
  t = await testApp()
  w = await bookingWorld(t)
  const agency = await w.agency('Shire Constabulary', 'police')
  const [ada, bo, cy] = [
    await w.person(agency, { first: 'Ada' }),
    await w.person(agency, { first: 'Bo' }),
    await w.person(agency, { first: 'Cy' }),
  ]
  // Applications for this one close six weeks before it, on 9 December 2026.
  toAllocate = await w.session(await w.course('Allocated in December'), '2027-01-20T09:30:00Z')
  await w.apply(toAllocate, ada)
  // Places confirmed now; its register is due on 1 February 2027.
  toRegister = await w.session(await w.course('Registered in February'), '2027-02-01T09:30:00Z')
  await w.apply(toRegister, bo)
  await t.services.booking.shortlistNow(w.admin, toRegister)
  // The demo trainer delivers it.
  await t.db.tenant(w.scope, (sql) =>
    sql.query(
      `INSERT INTO session_trainers (partnership_id, session_id, person_id)
       SELECT $1, $2, p.id FROM people p JOIN users u ON u.id = p.user_id WHERE u.email = 'trainer@norfolk.example.org'`,
      [w.partnership.id, toRegister],
    ),
  )
  // An approval from December 2025 lapses in December 2026 without a CPD questionnaire.
  await t.services.trainers.approve(w.admin, {
    personId: cy,
    courseId: await w.course('Delivered by Cy'),
    trainedOn: '2025-12-15',
    cpdCompletedOn: null,
  })
  await t.services.concerns.complain(w.admin, {
    name: 'Fran Family',
    email: 'fran@example.org',
    details: 'The venue had no step-free entrance.',
  })
})
afterAll(() => t?.close())
afterEach(() => t.clock.set(TEST_NOW))

const toDoOf = async (email: string) => {
  const $ = page((await (await t.signIn(email)).get('/dashboard')).body)
  return {
    $,
    text: (id: string) => $(`#to-do-${id}`).text().replace(/\s+/g, ' ').trim(),
    link: (id: string) => $(`#to-do-${id} > a`).attr('href'),
    links: (id: string) =>
      $(`#to-do-${id} li a`)
        .map((_, a) => $(a).attr('href'))
        .get(),
  }
}

describe('what needs doing, on an admin’s home page', () => {
  it('counts each kind of work waiting and links to where it is done', async () => {
    t.clock.set('2026-12-10T09:00:00Z')
    const home = await toDoOf('admin@norfolk.example.org')
    expect(home.text('allocate')).toMatch(/^1 session with places to allocate/)
    expect(home.links('allocate')).toEqual([`/sessions/${toAllocate}/places`])
    expect(home.text('cpd')).toMatch(
      /^1 trainer approval lapsing in the next 60 days Cy .+: Delivered by Cy, lapses on 15 December 2026$/,
    )
    expect(home.link('cpd')).toBe('/trainers?due=cpd')
    expect(home.links('cpd')[0]).toMatch(/^\/trainers\/people\/[0-9a-f-]+$/)
    expect(home.text('complaints')).toBe('1 complaint open')
    expect(home.link('complaints')).toBe('/complaints')
    // The demo partnership has one registrant waiting.
    expect(home.text('registrations')).toBe('1 registration to confirm')
    expect(home.link('registrations')).toBe('/registrations')
    // The demo session of 23 November still has its register to take.
    expect(home.text('registers')).toMatch(/^1 register to take/)
    // Nothing below minimum and no contract due: no line for them, not a zero.
    expect(home.$('#to-do-below-minimum, #to-do-contracts').length).toBe(0)
    expect(home.$('#to-do-none').length).toBe(0)
  })

  it('counts a register to take once the session has started, for the admin and its trainer', async () => {
    t.clock.set('2027-02-01T10:00:00Z')
    // With the demo session of 23 November, whose register is still to take, newest first.
    const admin = await toDoOf('admin@norfolk.example.org')
    expect(admin.text('registers')).toMatch(/^2 registers to take/)
    expect(admin.links('registers')[0]).toBe(`/sessions/${toRegister}/register`)
    const trainer = await toDoOf('trainer@norfolk.example.org')
    expect(trainer.text('registers')).toMatch(/^2 registers to take/)
    expect(trainer.links('registers')[0]).toBe(`/sessions/${toRegister}/register`)
    const practitioner = await toDoOf('practitioner@norfolk.example.org')
    expect(practitioner.$('#to-do-registers').length).toBe(0)
  })

  it('no longer counts a register once everyone is marked', async () => {
    t.clock.set('2027-02-01T10:00:00Z')
    const register = await t.services.register.register(w.admin, toRegister)
    await t.services.register.mark(
      w.admin,
      toRegister,
      register.rows.map((row) => ({ personId: row.personId, part: 1, mark: 'attended' as const })),
    )
    const home = await toDoOf('admin@norfolk.example.org')
    expect(home.links('registers')).not.toContain(`/sessions/${toRegister}/register`)
  })

  it('drops a trainer’s register once everyone is marked, asking at once for the invitations of an ended session', async () => {
    const trainer = await t.signIn('trainer@shropshire.example.org')
    const home = page((await trainer.get('/dashboard')).body)
    const link = home('#to-do-registers li a').attr('href') ?? ''
    expect(link).toMatch(/^\/sessions\/[0-9a-f-]+\/register$/)
    const register = page((await trainer.get(link)).body)
    const people = register('input[name="personId"]')
      .map((_, input) => register(input).attr('value'))
      .get()
    expect(people.length).toBe(3)
    const asked = t.jobs.registersCompleted
    for (const personId of people)
      expect((await trainer.post(link, { personId, part: '1', mark: 'attended' })).statusCode).toBe(303)
    expect(page((await trainer.get('/dashboard')).body)('#to-do-registers').length).toBe(0)
    // The session has ended, so its last mark asks for the after-course invitations at once.
    expect(t.jobs.registersCompleted).toBe(asked + 1)
  })

  it('says nothing is waiting when nothing is', async () => {
    const shropshire = await bookingWorld(t, 'shropshire')
    for (const registrant of await t.services.registrations.pending(shropshire.admin))
      await t.services.registrations.reject(shropshire.admin, registrant.id, 'Not one of our agencies')
    // The demo's case-review register leaves a rapid review to decide and an action to verify;
    // its published briefing makes a knowledge audit due.
    await t.db.tenant(
      { partnershipId: shropshire.admin.partnership.id, userId: null, actor: 'test' },
      async (sql) => {
        await sql.query('DELETE FROM learning_products')
        await sql.query('DELETE FROM reviews')
      },
    )
    const home = await toDoOf('admin@shropshire.example.org')
    expect(home.$('#to-do-none').text()).toBe('Nothing is waiting for you.')
    expect(home.$('.cascade-to-do').length).toBe(0)
  })
})

describe('what needs doing, for other roles', () => {
  it('shows a sub-group member the needs waiting for a proposal', async () => {
    const home = await toDoOf('subgroup@norfolk.example.org')
    expect(home.text('needs-to-propose')).toBe('1 training need to propose on')
    expect(home.link('needs-to-propose')).toBe('/needs?status=requested')
  })

  it('shows an agency lead the registrations and their staff’s applications waiting for them', async () => {
    const { agencyIds } = await t.db.tenant(w.scope, (sql) =>
      sql.one<{ agencyIds: string[] }>(
        `SELECT m.agency_ids AS "agencyIds" FROM memberships m JOIN users u ON u.id = m.user_id
          WHERE u.email = 'agency-lead@norfolk.example.org' AND m.role = 'agency-lead'`,
      ),
    )
    const staff = await w.person(agencyIds[0] ?? '', { first: 'Dee' })
    const held = await w.apply(toAllocate, staff)
    // Held for the lead's approval, as after repeated no-shows.
    await t.db.tenant(w.scope, (sql) =>
      sql.query('UPDATE applications SET approval_needed_at = $2 WHERE id = $1', [held, new Date(TEST_NOW)]),
    )
    const home = await toDoOf('agency-lead@norfolk.example.org')
    expect(home.link('registrations')).toBe('/registrations')
    expect(home.text('approvals')).toMatch(
      /^1 application waiting for your approval Dee Tester: Allocated in December/,
    )
    expect(home.links('approvals')).toEqual([`/bookings/${held}`])
  })

  it('shows an agency lead the learning evidence their staff wait for them to verify', async () => {
    const pat = await t.db.tenant(w.scope, (sql) =>
      sql.one<{ id: string }>(`SELECT id FROM people WHERE email = 'practitioner@norfolk.example.org'`),
    )
    await t.db.tenant(w.scope, async (sql) => {
      await sql.auditAs('test')
      await sql.query(
        `INSERT INTO learning_evidence (partnership_id, person_id, kind, title, provider, completed_on, minutes)
         VALUES ($1, $2, 'e_learning', 'Level 3 e-learning', 'A trust', '2026-06-01', 90)`,
        [w.scope.partnershipId, pat.id],
      )
    })
    const home = await toDoOf('agency-lead@norfolk.example.org')
    expect(home.text('evidence-to-verify')).toMatch(/^1 piece of learning evidence to verify/)
    expect(home.link('evidence-to-verify')).toBe('/evidence')
    const practitioner = await toDoOf('practitioner@norfolk.example.org')
    expect(practitioner.text('evidence-to-verify')).toBe('')
  })

  it('never shows a practitioner an admin’s work', async () => {
    t.clock.set('2026-12-10T09:00:00Z')
    const home = await toDoOf('practitioner@norfolk.example.org')
    expect(home.$('#to-do, .cascade-to-do').length).toBe(0)
    const body = home.$('main').html() ?? ''
    for (const adminOnly of ['/complaints', '/trainers', '/registrations', '/places'])
      expect(body).not.toContain(adminOnly)
    expect(home.$('#next-place').text()).toMatch(/no place booked/)
  })
})

describe('the way to training for a signed-in practitioner', () => {
  it('is in the menu and on their home page, to their own partnership catalogue', async () => {
    const practitioner = await t.signIn('practitioner@norfolk.example.org')
    const response = await practitioner.get('/dashboard')
    expect(response.statusCode).toBe(200)
    const links = response.body.match(/href="\/p\/norfolk\/courses"/g) ?? []
    expect(links.length).toBeGreaterThanOrEqual(2)
    expect(response.body).toMatch(/href="\/p\/norfolk\/courses"[^>]*>\s*Find training/)
    expect(response.body).not.toMatch(/href="\/audit"/)
  })
})

describe('the menu page', () => {
  it('groups an admin’s pages under headings, and the header links to it', async () => {
    const admin = await t.signIn('admin@norfolk.example.org')
    const header = page((await admin.get('/dashboard')).body)
    const headerLinks = header('.govuk-service-navigation__list a')
      .map((_, a) => header(a).attr('href'))
      .get()
    expect(headerLinks).toContain('/menu')
    expect(headerLinks).not.toContain('/audit')
    const $ = page((await admin.get('/menu')).body)
    const settings = $('h2:contains("Partnership settings")').next('ul')
    expect(
      settings
        .find('a')
        .map((_, a) => $(a).attr('href'))
        .get(),
    ).toEqual([
      '/policy',
      '/audit',
      '/privacy/statement',
      '/privacy/retention',
      '/api-tokens',
      '/identity-providers',
    ])
  })
})
