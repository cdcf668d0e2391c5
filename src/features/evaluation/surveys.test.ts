import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { systemContext } from '#platform/context.ts'
import type { TestApp } from '#test/support/app.ts'
import { page, testApp } from '#test/support/app.ts'

let t: TestApp

beforeAll(async () => {
  t = await testApp({ env: { SIGN_IN_ATTEMPTS_PER_MINUTE: '6' } })
})
afterAll(() => t?.close())

describe('anonymous surveys', () => {
  it('takes answers from anyone with the link, keeps nothing that could say who, and stops when it closes', async () => {
    const admin = await t.signIn('admin@shropshire.example.org')
    const ctx = systemContext(await t.partnership('shropshire'), 'test')
    const questionnaire = await t.services.questionnaires.create(ctx, {
      title: 'Young people’s voice',
      questions: [
        { id: 'safe', kind: 'agreement', prompt: 'Adults listened to me' },
        { id: 'better', kind: 'free_text', prompt: 'What would have made it better?' },
      ],
    })
    // A survey needs a published questionnaire and a closing date that has not passed.
    const refused = await admin.submit('/surveys', {
      title: 'Voice of the child',
      audience: 'children_and_young_people',
      questionnaireId: questionnaire.id,
      'closesOn-day': '1',
      'closesOn-month': '1',
      'closesOn-year': '2020',
    })
    expect(refused.statusCode).toBe(400)
    const problems = page(refused.body)('.govuk-error-summary').text()
    expect(problems).toContain('Select a published questionnaire')
    expect(problems).toContain('today or later')
    await t.services.questionnaires.publish(ctx, questionnaire.id)
    const opened = await admin.submit('/surveys', {
      title: 'Voice of the child',
      audience: 'children_and_young_people',
      questionnaireId: questionnaire.id,
      'closesOn-day': '31',
      'closesOn-month': '1',
      'closesOn-year': '2027',
    })
    expect(opened.statusCode).toBe(303)
    const surveyPage = String(opened.headers.location)
    const link = page((await admin.get(surveyPage)).body)('main a[href*="/surveys/"]').attr('href') ?? ''
    const path = link.replace(/^https?:\/\/[^/]+/, '')
    expect(path).toMatch(/^\/p\/shropshire\/surveys\/[A-Za-z0-9_-]{22}$/)

    // Anyone, signed out.
    const visitor = t.browser()
    const shown = page((await visitor.get(path)).body)
    expect(shown('h1').text()).toBe('Voice of the child')
    expect(shown('main').text()).toContain('nothing that says who you are is kept')
    const outOfScale = await visitor.post(path, { 'answers.safe': '7' })
    expect(outOfScale.statusCode).toBe(400)
    expect(
      (await visitor.post(path, { 'answers.safe': '4', 'answers.better': 'More time' })).statusCode,
    ).toBe(200)
    expect((await t.app.inject({ method: 'GET', url: `${path.slice(0, -4)}zzzz` })).statusCode).toBe(404)

    // Under another partnership's address, the link leads nowhere.
    expect(
      (await t.app.inject({ method: 'GET', url: path.replace('/p/shropshire/', '/p/norfolk/') })).statusCode,
    ).toBe(404)

    // What is stored: the answers and the day, nothing else, and no audit row tied to the request.
    const stored = await t.db.tenant({ partnershipId: ctx.partnership.id, userId: null }, async (sql) => ({
      rows: await sql.query<Record<string, unknown>>('SELECT * FROM survey_responses'),
      audited: await sql.query(`SELECT 1 FROM audit_events WHERE entity_type = 'survey_responses'`),
    }))
    expect(stored.rows).toHaveLength(1)
    // Besides those, only when retention later removed its words: a date that says nothing of who.
    expect(Object.keys(stored.rows[0] ?? {}).sort()).toEqual([
      'anonymised_at',
      'answers',
      'id',
      'partnership_id',
      'submitted_on',
      'survey_id',
      'version_id',
    ])
    expect(stored.rows[0]?.answers).toEqual({ safe: 4, better: 'More time' })
    expect(stored.rows[0]?.anonymised_at).toBeNull()
    expect(stored.audited).toEqual([])
    const results = page((await admin.get(surveyPage)).body)('main').text()
    expect(results).toContain('More time')

    // Through the API too, with no sign-in, and nothing returned that could identify the answer.
    const code = path.split('/').pop()
    const api = await t.app.inject({
      method: 'POST',
      url: `/api/v1/evaluations/${questionnaire.id}/responses`,
      payload: { survey: code, answers: { safe: 5 } },
    })
    expect(api.statusCode).toBe(201)
    expect(api.json()).toEqual({ id: null, version: null })

    // Closed: refused.
    t.clock.set('2027-02-01T09:00:00Z')
    const closed = await t.browser().get(path)
    expect(closed.statusCode).toBe(410)
    expect(page(closed.body)('main').text()).toContain('This survey has closed')
  })

  it('limits how often one client may send answers', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 8; i++)
      statuses.push(
        (await t.app.inject({ method: 'GET', url: '/p/shropshire/surveys/aaaaaaaaaaaaaaaaaaaaaa' }))
          .statusCode,
      )
    expect(statuses[0]).toBe(404)
    expect(statuses.at(-1)).toBe(429)
  })
})
