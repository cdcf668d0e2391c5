import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { systemContext } from '#platform/context.ts'
import type { Browser, TestApp } from '#test/support/app.ts'
import { page, testApp } from '#test/support/app.ts'

let t: TestApp
let norfolkId: string
let themeId: string
let practitioner: Browser

beforeAll(async () => {
  t = await testApp()
  const norfolk = await t.partnership('norfolk')
  norfolkId = norfolk.id
  themeId = (
    await t.services.courses.addTheme(systemContext(norfolk, 'test'), { name: 'Neglect', framework: null })
  ).id
  practitioner = await t.signIn('practitioner@norfolk.example.org')
})
afterAll(() => t?.close())

async function needCount(): Promise<number> {
  const row = await t.db.tenant({ partnershipId: norfolkId, userId: null }, (sql) =>
    sql.one<{ n: number }>('SELECT count(*)::int AS n FROM needs'),
  )
  return row.n
}

const request = {
  identifiedBy: 'audit',
  practiceChange: 'Practitioners <b>record</b> the child’s voice in every assessment',
  targetAudience: 'Social workers and early help practitioners',
  effectivenessMeasure: 'Case-file audit of assessments six months on',
  preferredMethods: 'briefing',
}

/** Submits a request on screen as the practitioner, and answers the need's page address. */
async function requested(fields: Record<string, string> = request): Promise<string> {
  const response = await practitioner.submit('/needs/new', fields)
  expect(response.statusCode).toBe(303)
  return String(response.headers.location)
}

const summaryLinks = (html: string) => {
  const $ = page(html)
  return $('.govuk-error-summary a')
    .toArray()
    .map((a) => $(a).attr('href'))
}

describe('needs analysis pages', () => {
  it('takes a request on screen and shows it back as text, markup escaped', async () => {
    const form = page((await practitioner.get('/needs/new')).body)
    expect(form('input[name="preferredMethods"]').length).toBe(9)
    expect(form(`input[name="themes"][value="${themeId}"]`).length).toBe(1)
    expect(form('label[for="identifiedOther"]').text().trim()).toBe('If other, how was it identified?')

    const url = await requested({ ...request, themes: themeId })
    expect(url).toMatch(/^\/needs\/[0-9a-f-]{36}$/)
    const shown = await practitioner.get(url)
    expect(shown.statusCode).toBe(200)
    expect(shown.body).not.toContain('<b>record</b>')
    const $ = page(shown.body)
    expect($('.govuk-summary-list').first().text()).toContain(request.practiceChange)
    expect($('.govuk-summary-list').first().text()).toContain('Neglect')
    expect($('.govuk-tag').first().text()).toBe('Requested')
    expect($('.moj-timeline__title').text()).toBe('Requested')
    // A requester may read their request, not propose or decide on it.
    expect($('form[action$="/proposal"]').length).toBe(0)
    expect($('form[action$="/decision"]').length).toBe(0)
    expect((await practitioner.get('/needs')).body).toContain(url)
  })

  it('says what is wrong with a request, keeps what was typed, and records nothing', async () => {
    const before = await needCount()
    const response = await practitioner.submit('/needs/new', {
      identifiedBy: 'other',
      identifiedOther: '',
      practiceChange: '',
      targetAudience: 'x'.repeat(100_000),
      effectivenessMeasure: '<script>alert(1)</script>',
    })
    expect(response.statusCode).toBe(400)
    expect(summaryLinks(response.body)).toEqual(['#identifiedOther', '#practiceChange', '#targetAudience'])
    const $ = page(response.body)
    expect($('title').text()).toMatch(/^Error: /)
    expect($('#identifiedBy-4').attr('checked')).toBeDefined()
    expect($('#effectivenessMeasure').text()).toBe('<script>alert(1)</script>')
    expect(response.body).not.toContain('<script>alert(1)</script>')
    expect(await needCount()).toBe(before)

    const unknownTheme = await practitioner.submit('/needs/new', {
      ...request,
      themes: '00000000-0000-4000-8000-000000000000',
    })
    expect(unknownTheme.statusCode).toBe(400)
    expect(summaryLinks(unknownTheme.body)).toEqual(['#themes'])
    expect(await needCount()).toBe(before)
  })

  it('lets the sub-group propose and the executive decide on the need’s page', async () => {
    const url = await requested()
    const subgroup = await t.signIn('subgroup@norfolk.example.org')
    expect(page((await subgroup.get(url)).body)('form[action$="/decision"]').length).toBe(0)

    const bad = await subgroup.submit(
      `${url}/proposal`,
      {
        recommendedMethod: 'briefing',
        estimatedDeliveryDays: '2.3',
        estimatedCost: 'lots',
        financialYear: '2027',
      },
      { from: url },
    )
    expect(bad.statusCode).toBe(400)
    expect(summaryLinks(bad.body)).toEqual(['#estimatedDeliveryDays', '#estimatedCost'])
    expect(page(bad.body)('#estimatedCost').val()).toBe('lots')

    const proposed = await subgroup.submit(
      `${url}/proposal`,
      {
        recommendedMethod: 'briefing',
        estimatedDeliveryDays: '0.5',
        estimatedCost: '1,250.50',
        financialYear: '2027',
        summary: 'A seven-minute briefing, shared at team meetings',
      },
      { from: url },
    )
    expect(proposed.statusCode).toBe(303)
    const afterProposal = page((await subgroup.get(url)).body)
    expect(afterProposal('main').text()).toContain('£1,250.50')
    expect(afterProposal('main').text()).toContain('2027 to 2028')
    expect(afterProposal('#estimatedCost').val()).toBe('1250.50')

    const executive = await t.signIn('executive@norfolk.example.org')
    const decisionPage = page((await executive.get(url)).body)
    expect(decisionPage('form[action$="/decision"]').length).toBe(1)
    expect(decisionPage('form[action$="/proposal"]').length).toBe(0)

    const noReason = await executive.submit(
      `${url}/decision`,
      { decision: 'decline', reason: '' },
      { from: url },
    )
    expect(noReason.statusCode).toBe(400)
    expect(summaryLinks(noReason.body)).toEqual(['#reason'])
    expect(page(noReason.body)('#decision-2').attr('checked')).toBeDefined()

    const declined = await executive.submit(
      `${url}/decision`,
      { decision: 'decline', reason: 'Covered by the <i>neglect</i> strategy launch' },
      { from: url },
    )
    expect(declined.statusCode).toBe(303)
    const final = await executive.get(url)
    const $ = page(final.body)
    expect($('.govuk-tag').first().text()).toBe('Declined')
    expect($('main').text()).toContain('Covered by the <i>neglect</i> strategy launch')
    expect(final.body).not.toContain('<i>neglect</i>')
    expect($('form[action$="/decision"]').length).toBe(0)
    expect(
      $('.moj-timeline__title')
        .toArray()
        .map((h) => $(h).text()),
    ).toEqual(['Declined', 'Proposed', 'Requested'])

    // Final: deciding again is refused on the page, and nothing changes.
    const again = await executive.post(`${url}/decision`, { decision: 'endorse' })
    expect(again.statusCode).toBe(409)
    expect(page(again.body)('.govuk-error-summary').text()).toMatch(/final/)
    expect(
      page((await executive.get(url)).body)('.govuk-tag')
        .first()
        .text(),
    ).toBe('Declined')
  })

  it('shows a requester only their own needs, and planners all of them', async () => {
    const url = await requested({ ...request, practiceChange: 'Only the practitioner’s own request' })
    const trainer = await t.signIn('trainer@norfolk.example.org')
    expect((await trainer.get(url)).statusCode).toBe(404)
    expect((await trainer.get('/needs')).body).not.toContain('Only the practitioner’s own request')
    expect((await trainer.post(`${url}/proposal`, {})).statusCode).toBe(403)

    const subgroup = await t.signIn('subgroup@norfolk.example.org')
    const list = page((await subgroup.get('/needs')).body)
    expect(list('h1').text()).toBe('Needs analysis')
    expect(list('tbody').text()).toContain('Only the practitioner’s own request')
    expect(list('tbody').text()).toContain('Pat Practitioner')
    const proposedOnly = page((await subgroup.get('/needs?status=proposed')).body)
    expect(proposedOnly('tbody').text()).not.toContain('Only the practitioner’s own request')
  })

  it('keeps a registrant, who sees only their own record until confirmed, away from needs', async () => {
    const registrant = await t.signIn('registrant@norfolk.example.org')
    expect((await registrant.get('/needs')).statusCode).toBe(403)
    expect((await registrant.get('/needs/new')).statusCode).toBe(403)
    const nav = (browser: Browser) =>
      browser.get('/dashboard').then((r) => page(r.body)('.govuk-service-navigation__list a[href="/needs"]'))
    expect((await nav(registrant)).length).toBe(0)
    expect((await nav(practitioner)).text().trim()).toBe('Needs analysis')
  })

  it('lets an admin add a course for an endorsed need, started from the need, and links the two', async () => {
    const url = await requested({ ...request, themes: themeId, practiceChange: 'Spot cumulative neglect' })
    const id = url.split('/').pop() as string
    const admin = await t.signIn('admin@norfolk.example.org')
    await admin.submit(
      `${url}/proposal`,
      {
        recommendedMethod: 'multi_agency_training',
        estimatedDeliveryDays: '1',
        estimatedCost: '800',
        financialYear: '2027',
      },
      { from: url },
    )
    // Not before it is endorsed.
    expect(page((await admin.get(url)).body)(`a[href="/courses/new?need=${id}"]`).length).toBe(0)
    expect((await admin.get(`/courses/new?need=${id}`)).statusCode).toBe(409)
    await admin.submit(`${url}/decision`, { decision: 'endorse', reason: '' }, { from: url })
    expect(
      page((await admin.get(url)).body)(`a[href="/courses/new?need=${id}"]`)
        .text()
        .trim(),
    ).toBe('Add a course for this need')

    const form = page((await admin.get(`/courses/new?need=${id}`)).body)
    expect(form('#title').val()).toBe('Spot cumulative neglect')
    expect(form(`input[name="themes"][value="${themeId}"]`).attr('checked')).toBeDefined()
    expect(form('input[name="deliveryMethod"][value="multi_agency_training"]').attr('checked')).toBeDefined()
    expect(form('input[name="need"]').val()).toBe(id)

    const made = await admin.submit(
      '/courses/new',
      {
        need: id,
        title: 'Spotting cumulative neglect',
        deliveryMethod: 'multi_agency_training',
        themes: themeId,
      },
      { from: `/courses/new?need=${id}` },
    )
    expect(made.statusCode).toBe(303)
    const courseUrl = String(made.headers.location)
    const linked = page((await admin.get(url)).body)
    expect(linked(`a[href="${courseUrl}"]`).text()).toBe('Spotting cumulative neglect')
    expect(linked(`a[href="/courses/new?need=${id}"]`).length).toBe(0)
    // One course per need: a second is refused before it is made.
    const courses = async () =>
      (
        await t.db.tenant({ partnershipId: norfolkId, userId: null }, (sql) =>
          sql.one<{ n: number }>('SELECT count(*)::int AS n FROM courses'),
        )
      ).n
    const before = await courses()
    const second = await admin.submit(
      '/courses/new',
      { need: id, title: 'Another', deliveryMethod: 'briefing' },
      { from: '/courses/new' },
    )
    expect(second.statusCode).toBe(409)
    expect(await courses()).toBe(before)
    // The requester sees the course's title without a link to a page they cannot open.
    const theirs = page((await practitioner.get(url)).body)
    expect(theirs('main').text()).toContain('Spotting cumulative neglect')
    expect(theirs(`a[href="${courseUrl}"]`).length).toBe(0)
  })
})
