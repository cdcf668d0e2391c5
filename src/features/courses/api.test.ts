import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { systemContext } from '#platform/context.ts'
import type { TestApp } from '#test/support/app.ts'
import { testApp } from '#test/support/app.ts'

let t: TestApp
let token: string
let themeId: string
let questionnaireId: string

beforeAll(async () => {
  t = await testApp()
  const norfolk = await t.partnership('norfolk')
  const admin = await t.db.anonymous({}, (sql) =>
    sql.one<{ id: string }>(`SELECT id FROM users WHERE email = 'admin@norfolk.example.org'`),
  )
  token = await t.services.tokens.create({ partnershipId: norfolk.id, userId: admin.id, name: 'test' })
  themeId = (
    await t.services.courses.addTheme(systemContext(norfolk, 'test'), {
      name: 'Neglect',
      framework: 'Learning from reviews',
    })
  ).id
  questionnaireId = (
    await t.services.questionnaires.create(systemContext(norfolk, 'test'), {
      title: 'Four-month impact questionnaire',
      questions: [{ id: 'q1', kind: 'confidence', prompt: 'How confident are you now?' }],
    })
  ).id
})
afterAll(() => t?.close())

const call = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, payload })

const draft = {
  title: 'Recognising and responding to neglect',
  summary: 'For practitioners who work with families.',
  deliveryMethod: 'multi_agency_training',
  durationMinutes: 180,
}

const plan = () => ({
  followUp: questionnaireId,
  impact: 'Confidence at follow-up against at booking; referrals quality audit',
})

describe('the courses API', () => {
  it('adds a draft, refuses to publish it without objectives and an evaluation plan, then publishes it', async () => {
    const created = await call('POST', '/api/v1/courses', { ...draft, themes: [themeId] })
    expect(created.statusCode).toBe(201)
    const course = created.json()
    expect(course).toMatchObject({
      status: 'draft',
      version: 1,
      objectives: [],
      evaluationPlan: null,
      themes: [themeId],
    })

    const refused = await call('PATCH', `/api/v1/courses/${course.id}`, { status: 'published' })
    expect(refused.statusCode).toBe(400)
    expect(refused.headers['content-type']).toContain('application/problem+json')
    expect(
      refused
        .json()
        .errors.map((e: { field: string }) => e.field)
        .sort(),
    ).toEqual(['evaluationPlan', 'objectives'])
    expect((await call('GET', `/api/v1/courses/${course.id}`)).json().status).toBe('draft')

    // A plan names the partnership's own questionnaires, not words or others' ids.
    const unknown = await call('PATCH', `/api/v1/courses/${course.id}`, {
      evaluationPlan: { ...plan(), atBooking: '00000000-0000-4000-8000-000000000000' },
    })
    expect(unknown.statusCode).toBe(400)
    expect(unknown.json().errors).toEqual([
      { field: 'atBooking', message: 'Select a questionnaire from the partnership’s list' },
    ])
    const words = await call('PATCH', `/api/v1/courses/${course.id}`, {
      evaluationPlan: { ...plan(), afterCourse: 'Standard evaluation' },
    })
    expect(words.statusCode).toBe(400)

    const published = await call('PATCH', `/api/v1/courses/${course.id}`, {
      objectives: [
        'Recognise the signs of neglect in a home visit',
        'Make a referral with the evidence it needs',
      ],
      evaluationPlan: plan(),
      status: 'published',
      reason: 'Ready for the annual programme',
    })
    expect(published.statusCode).toBe(200)
    expect(published.json()).toMatchObject({ status: 'published', version: 2 })
  })

  it('keeps every version of a course’s content with the reason it changed', async () => {
    const { items } = (await call('GET', '/api/v1/courses?status=published&q=neglect')).json()
    const course = items[0]
    const changed = await call('PATCH', `/api/v1/courses/${course.id}`, {
      objectives: [...course.objectives, 'Use the graded care profile'],
      reason: 'Learning from the Child A review',
    })
    expect(changed.json().version).toBe(3)
    // The same content again is no new version.
    expect(
      (await call('PATCH', `/api/v1/courses/${course.id}`, { title: course.title })).json().version,
    ).toBe(3)
    const versions = await t.services.courses.versions(
      systemContext(await t.partnership('norfolk'), 't'),
      course.id,
    )
    expect(versions.map((v) => [v.version, v.reason])).toEqual([
      [3, 'Learning from the Child A review'],
      [2, 'Ready for the annual programme'],
      [1, null],
    ])
    expect(versions[2]?.content.objectives).toEqual([])
  })

  it('refuses bad input with a problem naming each field, and changes nothing', async () => {
    const listed = await call('GET', '/api/v1/courses')
    expect(listed.statusCode).toBe(200)
    const before = listed.json().total
    for (const body of [
      { ...draft, title: 'x'.repeat(100_000) },
      { ...draft, deliveryMethod: 'carrier_pigeon' },
      { ...draft, durationMinutes: 0 },
      { ...draft, themes: ['00000000-0000-4000-8000-000000000000'] },
      { ...draft, status: 'published', objectives: [] },
      { ...draft, unknown: 'field' },
    ]) {
      const response = await call('POST', '/api/v1/courses', body)
      expect({ body: Object.keys(body), status: response.statusCode }).toEqual({
        body: Object.keys(body),
        status: 400,
      })
      expect(response.json().errors.length).toBeGreaterThan(0)
    }
    expect((await call('GET', '/api/v1/courses')).json().total).toBe(before)
    // A partnership with tiers takes only those.
    const shropshire = systemContext(await t.partnership('shropshire'), 'test')
    await expect(
      t.services.courses.create(shropshire, {
        ...draft,
        deliveryMethod: 'multi_agency_training',
        tier: 'Galactic',
        objectives: [],
        audience: { sectors: [] },
        themes: [],
        findings: [],
        evaluationPlan: null,
        materials: '',
        status: 'draft',
      }),
    ).rejects.toThrow()
  })

  it('keeps courses to their partnership and changes to admins', async () => {
    const { items } = (await call('GET', '/api/v1/courses?q=neglect')).json()
    const jersey = await t.partnership('jersey')
    const jerseyAdmin = await t.db.anonymous({}, (sql) =>
      sql.one<{ id: string }>(`SELECT id FROM users WHERE email = 'admin@jersey.example.org'`),
    )
    const jerseyToken = await t.services.tokens.create({
      partnershipId: jersey.id,
      userId: jerseyAdmin.id,
      name: 't',
    })
    const theirs = await t.app.inject({
      method: 'GET',
      url: `/api/v1/courses/${items[0].id}`,
      headers: { authorization: `Bearer ${jerseyToken}` },
    })
    expect(theirs.statusCode).toBe(404)
    const theirList = (
      await t.app.inject({
        method: 'GET',
        url: '/api/v1/courses',
        headers: { authorization: `Bearer ${jerseyToken}` },
      })
    ).json()
    expect(theirList.items.map((c: { title: string }) => c.title)).not.toContain(items[0].title)
  })

  it('is described in the OpenAPI document', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json()
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/v1/courses', '/api/v1/courses/{id}']),
    )
  })
})
