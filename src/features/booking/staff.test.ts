import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '#test/support/app.ts'
import { page, testApp } from '#test/support/app.ts'
import type { BookingWorld } from '#test/support/booking.ts'
import { bookingWorld } from '#test/support/booking.ts'
import { aCourse } from '#test/support/builders.ts'

let t: TestApp
let w: BookingWorld
let course: string
let police: string
/** The agency the demo agency lead leads, Home-Start. */
let homeStart: string

const LEAD = 'agency-lead@norfolk.example.org'

beforeAll(async () => {
  t = await testApp()
  w = await bookingWorld(t)
  course = await w.course('Staff learning')
  police = await w.agency('Shire Constabulary', 'police')
  homeStart = await t.db.tenant(
    w.scope,
    async (sql) =>
      (
        await sql.one<{ agencyId: string }>('SELECT agency_id AS "agencyId" FROM people WHERE email = $1', [
          LEAD,
        ])
      ).agencyId,
  )
})
afterAll(() => t?.close())

const bookingIdIn = (location: unknown) => String(location).split('?')[0]?.split('/').at(-1) ?? ''

const applicationOf = (id: string) =>
  t.db.tenant(w.scope, (sql) =>
    sql.one<{ email: string; status: string; answers: unknown }>(
      `SELECT p.email, a.status,
              (SELECT r.answers FROM evaluation_responses r WHERE r.application_id = a.id) AS answers
         FROM applications a JOIN people p ON p.id = a.person_id WHERE a.id = $1`,
      [id],
    ),
  )

const placeFields = { managerEmail: 'manager@example.org', acceptsOtherDates: 'no' }

describe('staff applications and places', () => {
  it('shows a lead their agencies’ staff’s applications with their status, and not another agency’s', async () => {
    const session = await w.session(course, '2027-04-05T09:30:00Z')
    const samira = await w.person(homeStart, { first: 'Samira' })
    const oscar = await w.person(police, { first: 'Oscar' })
    const samirasApplication = await w.apply(session, samira)
    const oscarsApplication = await w.apply(session, oscar)
    const lead = await t.signIn(LEAD)

    const list = page((await lead.get('/bookings/staff')).body)
    expect(list('h1').text()).toBe('Staff applications and places')
    const row = list(`tr:has(a[href="/bookings/${samirasApplication}"])`)
    expect(row.text()).toContain('Samira Tester')
    expect(row.text()).toContain('Staff learning')
    expect(row.find('.govuk-tag').text()).toBe('Applied')
    expect(list('main').text()).not.toContain('Oscar Tester')
    expect(list(`a[href="/bookings/${oscarsApplication}"]`).length).toBe(0)
    // An agency named in the address changes nothing: the lead's agencies come from who they are.
    const asked = page((await lead.get(`/bookings/staff?agencyId=${police}`)).body)
    expect(asked('main').text()).not.toContain('Oscar Tester')

    const admin = page((await (await t.signIn('admin@norfolk.example.org')).get('/bookings/staff')).body)
    expect(admin(`a[href="/bookings/${oscarsApplication}"]`).length).toBe(1)
    const practitioner = await t.signIn('practitioner@norfolk.example.org')
    expect((await practitioner.get('/bookings/staff')).statusCode).toBe(403)
  })

  it('filters by words in the person’s name or the course’s title, and by status', async () => {
    const other = await w.course('Neglect awareness')
    const session = await w.session(other, '2027-04-06T09:30:00Z')
    const id = await w.apply(session, await w.person(homeStart, { first: 'Florence' }))
    const lead = await t.signIn(LEAD)
    const rows = async (query: string) =>
      page((await lead.get(`/bookings/staff?${query}`)).body)('tbody a')
        .map((_, a) => a.attribs.href)
        .get()
    expect(await rows('q=florence')).toEqual([`/bookings/${id}`])
    expect(await rows('q=neglect+aware')).toEqual([`/bookings/${id}`])
    expect(await rows('q=florence+staff')).toEqual([])
    expect(await rows('q=florence&status=applied')).toEqual([`/bookings/${id}`])
    expect(await rows('q=florence&status=confirmed')).toEqual([])
    // LIKE's own characters are taken as typed.
    expect(await rows('q=%25')).toEqual([])
  })

  it('shows the list twenty-five to a page', async () => {
    const paged = await w.course('Paged course')
    const session = await w.session(paged, '2027-04-07T09:30:00Z')
    for (let n = 0; n < 26; n++) await w.apply(session, await w.person(homeStart, { first: `Paged${n}` }))
    const lead = await t.signIn(LEAD)
    const first = page((await lead.get('/bookings/staff?q=paged+course')).body)
    expect(first('tbody tr').length).toBe(25)
    expect(first('main').text()).toContain('26 applications, page 1 of 2')
    const next = first('.govuk-pagination__next a').attr('href')
    expect(next).toBe('/bookings/staff?q=paged+course&page=2')
    expect(page((await lead.get(String(next))).body)('tbody tr').length).toBe(1)
  })

  it('lets a lead open and withdraw their staff’s application, and not open another agency’s', async () => {
    const session = await w.session(course, '2027-04-08T09:30:00Z')
    const ours = await w.apply(session, await w.person(homeStart))
    const theirs = await w.apply(session, await w.person(police))
    const lead = await t.signIn(LEAD)
    const place = page((await lead.get(`/bookings/${ours}`)).body)
    expect(place('.govuk-back-link').attr('href')).toBe('/bookings/staff')
    expect(place('main a[href="/bookings/staff"]').length).toBe(1)
    expect((await lead.submit(`/bookings/${ours}/cancel`, { note: '' })).statusCode).toBe(303)
    expect((await applicationOf(ours)).status).toBe('withdrawn')

    expect((await lead.get(`/bookings/${theirs}`)).statusCode).toBe(404)
    // Withdrawing it is refused, and it stays as it was.
    expect((await lead.post(`/bookings/${theirs}/cancel`, { note: '' })).statusCode).toBe(403)
    expect((await applicationOf(theirs)).status).toBe('applied')
  })

  it('is linked from the lead’s own applications and from their menu', async () => {
    const signedIn = await t.signIn(LEAD)
    const lead = page((await signedIn.get('/bookings')).body)
    expect(lead('main a[href="/bookings/staff"]').length).toBe(1)
    const menu = page((await signedIn.get('/menu')).body)
    expect(menu('main a[href="/bookings/staff"]').text()).toContain('Staff applications')
  })
})

describe('applying for staff chosen from a list', () => {
  it('lists the lead’s staff with their agency and job title, and applies for the one chosen', async () => {
    const session = await w.session(course, '2027-04-12T09:30:00Z')
    const mina = await w.person(homeStart, { first: 'Mina', jobTitle: 'Family support worker' })
    await w.person(police, { first: 'Otto' })
    const lead = await t.signIn(LEAD)
    const form = page((await lead.get(`/sessions/${session}/apply`)).body)
    const options = form('select#personId option')
      .map((_, o) => form(o).text())
      .get()
    expect(options).toContain('Mina Tester, Home-Start Norfolk, Family support worker')
    expect(options.some((o) => o.startsWith('Otto'))).toBe(false)
    // The lead applies for themselves as "Myself", not from the list.
    expect(options.some((o) => o.startsWith('Lee Lead'))).toBe(false)

    const applied = await lead.submit(`/sessions/${session}/apply`, {
      forWhom: 'other',
      personId: mina,
      ...placeFields,
    })
    expect(applied.statusCode).toBe(303)
    const id = bookingIdIn(applied.headers.location)
    expect((await applicationOf(id)).email).toBe(await w.emailOf(mina))
    // Where the lead lands leads back to their staff's list, which has the application.
    const landed = page((await lead.get(String(applied.headers.location))).body)
    expect(landed('main a[href="/bookings/staff"]').length).toBe(1)
    const list = page((await lead.get('/bookings/staff?q=mina')).body)
    expect(list(`a[href="/bookings/${id}"]`).length).toBe(1)
  })

  it('refuses someone of another agency chosen by their id, and a choice made twice', async () => {
    const session = await w.session(course, '2027-04-13T09:30:00Z')
    const outsider = await w.person(police)
    const lead = await t.signIn(LEAD)
    const refused = await lead.submit(`/sessions/${session}/apply`, {
      forWhom: 'other',
      personId: outsider,
      ...placeFields,
    })
    expect(refused.statusCode).toBe(400)
    expect(page(refused.body)('.govuk-error-summary a[href="#personId"]').text()).toBe(
      'Select someone in your agency’s staff',
    )
    const both = await lead.submit(`/sessions/${session}/apply`, {
      forWhom: 'other',
      personId: await w.person(homeStart),
      personEmail: 'practitioner@norfolk.example.org',
      ...placeFields,
    })
    expect(both.statusCode).toBe(400)
    expect(page(both.body)('.govuk-error-summary').text()).toContain('not both')
    const count = await t.db.tenant(w.scope, (sql) =>
      sql.one<{ n: number }>('SELECT count(*)::int AS n FROM applications WHERE session_id = $1', [session]),
    )
    expect(count.n).toBe(0)
  })

  it('still applies for someone given by work email', async () => {
    const session = await w.session(course, '2027-04-14T09:30:00Z')
    const lead = await t.signIn(LEAD)
    const applied = await lead.submit(`/sessions/${session}/apply`, {
      forWhom: 'other',
      personEmail: 'practitioner@norfolk.example.org',
      ...placeFields,
    })
    expect(applied.statusCode).toBe(303)
    expect((await applicationOf(bookingIdIn(applied.headers.location))).email).toBe(
      'practitioner@norfolk.example.org',
    )
  })

  it('shows every problem at once when no one is chosen', async () => {
    const session = await w.session(course, '2027-04-15T09:30:00Z')
    const lead = await t.signIn(LEAD)
    const wrong = await lead.submit(`/sessions/${session}/apply`, { forWhom: 'other', managerEmail: 'nope' })
    expect(wrong.statusCode).toBe(400)
    const summary = page(wrong.body)('.govuk-error-summary').text()
    expect(summary).toContain('Choose who the place is for, or give their work email address')
    expect(summary).toContain('line manager’s email address in the correct format')
    expect(summary).toContain('Say whether another date of the course would do')
  })

  it('narrows the list of staff by a search by name, for a staff too large to list', async () => {
    const session = await w.session(course, '2027-04-16T09:30:00Z')
    const zoltan = await w.person(homeStart, { first: 'Zoltan' })
    const lead = await t.signIn(LEAD)
    const form = page((await lead.get(`/sessions/${session}/apply?staff=zolt`)).body)
    expect(
      form('select#personId option')
        .map((_, o) => o.attribs.value)
        .get(),
    ).toEqual(['', zoltan])
    // Applying from the narrowed list keeps it narrowed, should the form come back with a problem.
    expect(form('main form[method="post"]').attr('action')).toBe(`/sessions/${session}/apply?staff=zolt`)
    expect(form('input#staff').val()).toBe('zolt')
  })

  it('lets an admin choose someone in any agency', async () => {
    const session = await w.session(course, '2027-04-19T09:30:00Z')
    const officer = await w.person(police, { first: 'Olive' })
    const admin = await t.signIn('admin@norfolk.example.org')
    const form = page((await admin.get(`/sessions/${session}/apply?staff=olive`)).body)
    expect(form(`select#personId option[value="${officer}"]`).text()).toContain('Shire Constabulary')
    const applied = await admin.submit(
      `/sessions/${session}/apply`,
      { forWhom: 'other', personId: officer, ...placeFields },
      { from: `/sessions/${session}/apply` },
    )
    expect(applied.statusCode).toBe(303)
    expect((await applicationOf(bookingIdIn(applied.headers.location))).email).toBe(await w.emailOf(officer))
  })

  it('applies for the lead themselves when they choose “Myself”', async () => {
    const session = await w.session(course, '2027-04-20T09:30:00Z')
    const lead = await t.signIn(LEAD)
    const form = page((await lead.get(`/sessions/${session}/apply`)).body)
    expect(form('label[for="forWhom"]').text().trim()).toBe('Myself, Lee Lead')
    const applied = await lead.submit(`/sessions/${session}/apply`, { forWhom: 'self', ...placeFields })
    expect(applied.statusCode).toBe(303)
    expect((await applicationOf(bookingIdIn(applied.headers.location))).email).toBe(LEAD)
    // Their own application is theirs, so its page leads back to their own list.
    const own = page((await lead.get(String(applied.headers.location))).body)
    expect(own('.govuk-back-link').attr('href')).toBe('/bookings')
  })

  it('labels every optional field of the applying form “(optional)”', async () => {
    const session = await w.session(course, '2027-04-21T09:30:00Z')
    const form = page((await (await t.signIn(LEAD)).get(`/sessions/${session}/apply`)).body)
    const label = (id: string) => form(`label[for="${id}"]`).text().trim()
    expect(label('managerName')).toBe('Line manager’s name (optional)')
    expect(label('accessNeeds')).toBe('Access needs (optional)')
    expect(label('personEmail')).toBe('Or their work email address (optional)')
    // The line manager's email is required: it says nothing of being optional.
    expect(label('managerEmail')).toBe('Line manager’s email address')
  })
})

describe('confidence asked when applying', () => {
  async function courseAskingConfidence(title: string, required: boolean): Promise<string> {
    const questionnaire = await t.services.questionnaires.create(w.admin, {
      title: `${title} when applying`,
      questions: [
        {
          id: 'confidence',
          kind: 'confidence',
          prompt: 'How confident are you?',
          perObjective: true,
          required,
        },
      ],
    })
    await t.services.questionnaires.publish(w.admin, questionnaire.id)
    const created = await t.services.courses.create(
      w.admin,
      aCourse({
        title,
        objectives: ['Share information lawfully', 'Make a good referral'],
        evaluationPlan: { atBooking: questionnaire.id, impact: 'Confidence at follow-up' },
      }),
    )
    return created.id
  }

  it('needs a score for every objective when the evaluation plan requires confidence, and says so', async () => {
    const session = await w.session(
      await courseAskingConfidence('Required confidence', true),
      '2027-05-03T09:30:00Z',
    )
    const pat = await t.signIn('practitioner@norfolk.example.org')
    const form = page((await pat.get(`/sessions/${session}/apply`)).body)
    expect(form('#answers-confidence-objectives-hint').text()).toBe('Answer for every objective.')
    expect(form('main legend:contains("(optional)")').length).toBe(0)
    for (const answers of [{}, { 'answers.confidence.0': '4' }] as Record<string, string>[]) {
      const refused = await pat.post(`/sessions/${session}/apply`, {
        forWhom: 'self',
        ...placeFields,
        ...answers,
      })
      expect(refused.statusCode).toBe(400)
      expect(page(refused.body)('.govuk-error-summary').text()).toContain('for each objective')
    }
    const applied = await pat.post(`/sessions/${session}/apply`, {
      forWhom: 'self',
      ...placeFields,
      'answers.confidence.0': '4',
      'answers.confidence.1': '6',
    })
    expect(applied.statusCode).toBe(303)
  })

  it('takes any objectives answered, or none, when confidence is optional, and labels it so', async () => {
    const optional = await courseAskingConfidence('Optional confidence', false)
    const pat = await t.signIn('practitioner@norfolk.example.org')
    const some = await w.session(optional, '2027-05-04T09:30:00Z')
    const form = page((await pat.get(`/sessions/${some}/apply`)).body)
    expect(form('main legend:contains("How confident are you?")').text()).toContain('(optional)')
    expect(form('main legend:contains("Make a good referral")').text()).toContain('(optional)')
    expect(form('#answers-confidence-objectives-hint').text()).toContain('or leave them all')
    const one = await pat.post(`/sessions/${some}/apply`, {
      forWhom: 'self',
      ...placeFields,
      'answers.confidence.1': '7',
    })
    expect(one.statusCode).toBe(303)
    expect((await applicationOf(bookingIdIn(one.headers.location))).answers).toEqual({
      confidence: [null, 7],
    })

    const none = await w.session(optional, '2027-05-05T09:30:00Z')
    await pat.get(`/sessions/${none}/apply`)
    const blank = await pat.post(`/sessions/${none}/apply`, { forWhom: 'self', ...placeFields })
    expect(blank.statusCode).toBe(303)
  })
})
