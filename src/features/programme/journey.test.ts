import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, TestApp } from '#test/support/app.ts'
import { page, testApp } from '#test/support/app.ts'

let t: TestApp
let admin: Browser

beforeAll(async () => {
  t = await testApp()
  admin = await t.signIn('admin@north-somerset.example.org')
})
afterAll(() => t?.close())

const idFrom = (location: unknown) => String(location).split('/').at(-1) ?? ''

// North Somerset's appendix one: a needs analysis becomes a proposal, the executive endorses it,
// and the programme delivers it. The test clock stands at 2026-11-24, in 2026/27.
describe('from a needs analysis to a session the public can find, on screen', () => {
  it('runs the whole way through', async () => {
    const requested = await admin.submit('/needs/new', {
      identifiedBy: 'case_review',
      practiceChange: 'Practitioners challenge disguised compliance in neglect cases',
      targetAudience: 'Social workers, health visitors and school staff',
      effectivenessMeasure: 'Case audit six months on',
      preferredMethods: 'multi_agency_training',
    })
    expect(requested.statusCode).toBe(303)
    const needId = idFrom(requested.headers.location)

    const proposed = await admin.submit(
      `/needs/${needId}/proposal`,
      {
        recommendedMethod: 'multi_agency_training',
        estimatedDeliveryDays: '1',
        estimatedCost: '450',
        financialYear: '2026',
      },
      { from: `/needs/${needId}` },
    )
    expect(proposed.statusCode).toBe(303)
    const endorsed = await admin.submit(
      `/needs/${needId}/decision`,
      { decision: 'endorse', reason: '' },
      { from: `/needs/${needId}` },
    )
    expect(endorsed.statusCode).toBe(303)
    expect(page((await admin.get('/programme')).body)('main').text()).toContain(
      'Practitioners challenge disguised compliance',
    )

    const form = page((await admin.get(`/courses/new?need=${needId}`)).body)
    expect(form('#title').val()).toContain('Practitioners challenge disguised compliance')
    const course = await admin.submit(
      `/courses/new?need=${needId}`,
      {
        need: needId,
        title: 'Disguised compliance in neglect',
        deliveryMethod: 'multi_agency_training',
        objectives: 'Recognise disguised compliance\nChallenge it with the family',
        impact: 'Case audit six months on',
      },
      { from: `/courses/new?need=${needId}` },
    )
    expect(course.statusCode).toBe(303)
    const courseId = idFrom(course.headers.location)
    expect(
      (await admin.submit(`/courses/${courseId}/publish`, {}, { from: `/courses/${courseId}` })).statusCode,
    ).toBe(303)

    const session = await admin.submit(`/courses/${courseId}/sessions/new`, {
      'part1-day': '3',
      'part1-month': '3',
      'part1-year': '2027',
      'part1-start': '9:30am',
      'part1-end': '4pm',
      format: 'in_person',
      'venue-name': 'Castlewood',
      'venue-address': 'Tickenham Road, Clevedon',
      capacity: '25',
      status: 'open',
    })
    expect(session.statusCode).toBe(303)

    const programme = page((await admin.get('/programme')).body)
    expect(programme('main').text()).toContain('Disguised compliance in neglect: 1 day')
    const visitor = t.browser()
    const catalogue = page((await visitor.get('/p/north-somerset/courses')).body)
    expect(catalogue('main').text()).toContain('Disguised compliance in neglect')
    const publicCourse = page((await visitor.get(`/p/north-somerset/courses/${courseId}`)).body)
    // Six weeks before 3 March 2027 is 20 January.
    expect(publicCourse('main').text()).toContain('Applications close on 20 January 2027')
  })
})
