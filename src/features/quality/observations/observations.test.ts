import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PartnershipRef } from '#platform/auth/identity.ts'
import { systemContext } from '#platform/context.ts'
import type { TenantScope } from '#platform/db/database.ts'
import type { TestApp } from '#test/support/app.ts'
import { page, testApp } from '#test/support/app.ts'
import { aQaRound } from '../test-fixtures.ts'
import { drawPicks } from './draw.ts'
import { candidatesOf, observationsOfTrainer } from './queries.ts'

let t: TestApp
let p: PartnershipRef
let scope: TenantScope
const tokens: Record<string, string> = {}
const agencies = { police: '', school: '', housing: '', health: '' }

const as = (role: string) => `${role}@shropshire.example.org`
const roles = ['admin', 'subgroup', 'executive', 'agency-lead', 'trainer', 'practitioner'] as const

const api = (role: string, method: 'GET' | 'POST', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: { authorization: `Bearer ${tokens[role]}` }, payload })

async function count(table: string, where = 'true', params: unknown[] = []): Promise<number> {
  return (
    await t.db.tenant(scope, (sql) =>
      sql.one<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, params),
    )
  ).n
}

type Mail = { to: string; subject: string; text: string }
function mail(subject: string): Promise<Mail[]> {
  return t.db.platform((sql) =>
    sql.query<Mail>(
      `SELECT to_address AS to, subject, text_body AS text FROM outbox
        WHERE partnership_id = $1 AND subject LIKE $2 ORDER BY created_at, id`,
      [p.id, `${subject}%`],
    ),
  )
}

async function standardsOf(versionId: string): Promise<{ id: string; title: string }[]> {
  return t.db.tenant(scope, (sql) =>
    sql.query('SELECT id, title FROM qa_standards WHERE version_id = $1 ORDER BY position', [versionId]),
  )
}

/** Every standard rated, as the API takes them. */
const allRated = (standards: { id: string }[], rating = 'met') =>
  standards.map((s) => ({ standardId: s.id, rating, notes: 'Seen in the session' }))

/** A session of the demo course: the one that took place yesterday, or one to come. */
async function demoSession(which: 'past' | 'future'): Promise<string> {
  const row = await t.db.tenant(scope, (sql) =>
    sql.one<{ id: string }>(
      `SELECT s.id FROM sessions s WHERE ${which === 'past' ? 's.ends_at < cascade_now()' : 's.starts_at > cascade_now()'}
        AND EXISTS (SELECT 1 FROM session_trainers t WHERE t.session_id = s.id) ORDER BY s.starts_at ${which === 'past' ? 'DESC' : ''} LIMIT 1`,
    ),
  )
  return row.id
}

let round: Awaited<ReturnType<typeof aQaRound>>
let picksAsked: number

beforeAll(async () => {
  t = await testApp()
  p = await t.partnership('shropshire')
  scope = { partnershipId: p.id, userId: null, actor: 'test' }
  for (const role of roles) {
    const user = await t.db.anonymous({}, (sql) =>
      sql.one<{ id: string }>('SELECT id FROM users WHERE email = $1', [as(role)]),
    )
    tokens[role] = await t.services.tokens.create({ partnershipId: p.id, userId: user.id, name: 'test' })
  }
  await t.db.tenant(scope, async (sql) => {
    await sql.auditAs('test')
    const agency = async (name: string) =>
      (
        await sql.one<{ id: string }>(
          `INSERT INTO agencies (partnership_id, name, category, sector, workforce) VALUES ($1, $2, 'statutory', 'police', 'both') RETURNING id`,
          [p.id, name],
        )
      ).id
    agencies.police = await agency('Observed Police')
    agencies.school = await agency('Observed School')
    agencies.housing = await agency('Observed Housing')
    agencies.health = await agency('Observed Health')
    // The demo agency lead leads the police here.
    await sql.query(
      `UPDATE memberships SET agency_ids = $1 WHERE role = 'agency-lead' AND user_id = (SELECT id FROM users WHERE email = $2)`,
      [[agencies.police], as('agency-lead')],
    )
  })
  picksAsked = (await t.services.policy.rulesOn(systemContext(p, 'test'), '2026-11-24')).qaObservationPicks
  round = await aQaRound(t.db, p.id, {
    title: 'Autumn 2026',
    openedOn: '2026-11-01',
    returns: [
      { agencyId: agencies.police, courses: ['Police induction', 'Police refresher'] },
      { agencyId: agencies.school, courses: ['School safeguarding'] },
      { agencyId: agencies.housing, courses: ['Housing awareness', 'Housing leads'] },
      { agencyId: agencies.health, status: 'in_progress', courses: ['Health draft course'] },
    ],
  })
})
afterAll(() => t?.close())

describe('the draw of courses to observe', () => {
  it('lets admins, the sub-group and the executive read the draw page, and no one else', async () => {
    for (const role of roles) {
      const browser = await t.signIn(as(role))
      const response = await browser.get(`/quality/rounds/${round.id}/draw`)
      expect({ role, status: response.statusCode }).toEqual({
        role,
        status: ['admin', 'subgroup', 'executive'].includes(role) ? 200 : 403,
      })
    }
    const undrawn = page((await (await t.signIn(as('admin'))).get(`/quality/rounds/${round.id}/draw`)).body)
    expect(undrawn('#not-drawn').text()).toContain('Not drawn yet')
    expect(undrawn('button').text()).toContain('Draw the courses to observe')
    // Only an admin is offered the button.
    const sub = page((await (await t.signIn(as('subgroup'))).get(`/quality/rounds/${round.id}/draw`)).body)
    expect(sub('form[action$="/draw"]').length).toBe(0)
  })

  it('refuses a draw from anyone but an admin, changing nothing', async () => {
    for (const role of ['subgroup', 'executive', 'agency-lead', 'trainer', 'practitioner'])
      expect((await api(role, 'POST', `/api/v1/qa/rounds/${round.id}/draw`, {})).statusCode).toBe(403)
    expect(await count('qa_picks', 'round_id = $1', [round.id])).toBe(0)
  })

  it('draws the policy’s number from the submitted returns’ courses by the seed given, and records it', async () => {
    const candidates = await t.db.tenant(scope, (sql) => candidatesOf(sql, round.id))
    // The in-progress return's course is not a candidate.
    expect(candidates.map((c) => c.courseTitle).sort()).toEqual([
      'Housing awareness',
      'Housing leads',
      'Police induction',
      'Police refresher',
      'School safeguarding',
    ])
    const response = await api('admin', 'POST', `/api/v1/qa/rounds/${round.id}/draw`, { seed: 'autumn-seed' })
    expect(response.statusCode).toBe(201)
    const draw = response.json()
    expect(draw.seed).toBe('autumn-seed')
    expect(draw.size).toBe(picksAsked)
    expect(draw.drawnBy).toBeTruthy()
    expect(draw.picks).toHaveLength(picksAsked)
    // Reproducible: the same seed and candidates give the same picks, in the same order.
    const expected = drawPicks('autumn-seed', candidates, picksAsked).picks
    expect(
      draw.picks.map(
        (x: { courseTitle: string; agencyName: string; position: number; kind: string; reason: string }) => [
          x.position,
          x.courseTitle,
          x.agencyName,
          x.kind,
          x.reason,
        ],
      ),
    ).toEqual(expected.map((x) => [x.position, x.courseTitle, x.agencyName, 'drawn', x.reason]))
    // No agency was observed before: no one weighs more, and each pick says it was drawn at random.
    for (const pick of draw.picks) expect(pick.reason).toBe('Drawn at random')
    const row = await t.db.tenant(scope, (sql) =>
      sql.one<{ draw_seed: string; draw_size: number; drawn_at: Date | null; drawn_by: string | null }>(
        'SELECT draw_seed, draw_size, drawn_at, drawn_by FROM qa_rounds WHERE id = $1',
        [round.id],
      ),
    )
    expect(row).toMatchObject({ draw_seed: 'autumn-seed', draw_size: picksAsked })
    expect(row.drawn_at).not.toBeNull()
    expect(row.drawn_by).not.toBeNull()
    const shown = page((await (await t.signIn(as('executive'))).get(`/quality/rounds/${round.id}/draw`)).body)
    expect(shown('code').text()).toBe('autumn-seed')
    expect(shown('tbody tr')).toHaveLength(picksAsked)
    expect(shown('tbody').text()).toContain('Drawn at random')
  })

  it('refuses a second draw, saying when and by whom, showing the first, and changes nothing', async () => {
    const picksBefore = await count('qa_picks', 'round_id = $1', [round.id])
    const again = await api('admin', 'POST', `/api/v1/qa/rounds/${round.id}/draw`, { seed: 'other-seed' })
    expect(again.statusCode).toBe(409)
    const problem = again.json()
    expect(problem.detail).toMatch(/already drawn on 24 November 2026 by .+: the first draw stands/)
    expect(problem.draw.seed).toBe('autumn-seed')
    expect(problem.draw.picks).toHaveLength(picksAsked)
    expect((await api('executive', 'GET', `/api/v1/qa/rounds/${round.id}/draw`)).json().seed).toBe(
      'autumn-seed',
    )
    const browser = await t.signIn(as('admin'))
    const onPage = await browser.submit(
      `/quality/rounds/${round.id}/draw`,
      {},
      { from: `/quality/rounds/${round.id}/draw` },
    )
    expect(onPage.statusCode).toBe(409)
    const $ = page(onPage.body)
    expect($('.govuk-error-summary').text()).toContain('already drawn')
    expect($('code').text()).toBe('autumn-seed')
    expect(await count('qa_picks', 'round_id = $1', [round.id])).toBe(picksBefore)
    expect(
      (
        await t.db.tenant(scope, (sql) =>
          sql.one<{ s: string }>('SELECT draw_seed AS s FROM qa_rounds WHERE id = $1', [round.id]),
        )
      ).s,
    ).toBe('autumn-seed')
  })

  it('two draws at once: one succeeds, the other is refused', async () => {
    const twin = await aQaRound(t.db, p.id, {
      title: 'Twin draw',
      openedOn: '2026-10-02',
      returns: [{ agencyId: agencies.school, courses: ['Twin course A', 'Twin course B'] }],
    })
    const results = await Promise.all([
      api('admin', 'POST', `/api/v1/qa/rounds/${twin.id}/draw`, { seed: 'one' }),
      api('admin', 'POST', `/api/v1/qa/rounds/${twin.id}/draw`, { seed: 'two' }),
    ])
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409])
    expect(await count('qa_picks', 'round_id = $1', [twin.id])).toBe(2)
  })

  it('refuses a draw with nothing to draw from, changing nothing', async () => {
    const empty = await aQaRound(t.db, p.id, {
      title: 'Nothing submitted',
      openedOn: '2026-10-01',
      returns: [{ agencyId: agencies.school, status: 'in_progress' }],
    })
    const response = await api('admin', 'POST', `/api/v1/qa/rounds/${empty.id}/draw`, {})
    expect(response.statusCode).toBe(400)
    expect(JSON.stringify(response.json())).toContain('nothing to draw from')
    const row = await t.db.tenant(scope, (sql) =>
      sql.one<{ drawn_at: Date | null }>('SELECT drawn_at FROM qa_rounds WHERE id = $1', [empty.id]),
    )
    expect(row.drawn_at).toBeNull()
  })

  it('lets an admin add a pick with a reason, refusing one without a reason or already picked', async () => {
    const drawn = (await api('admin', 'GET', `/api/v1/qa/rounds/${round.id}/draw`)).json()
    const pickedIds = new Set(drawn.picks.map((x: { courseId: string }) => x.courseId))
    const unpicked = round.returns.flatMap((r) => r.courseIds).find((id) => !pickedIds.has(id)) as string
    const already = drawn.picks[0].courseId as string
    const draftCourse = round.returns[3]?.courseIds[0] as string
    const browser = await t.signIn(as('admin'))
    const from = `/quality/rounds/${round.id}/draw`
    const noReason = await browser.submit(
      `/quality/rounds/${round.id}/picks`,
      { courseId: unpicked, reason: '' },
      { from },
    )
    expect(noReason.statusCode).toBe(400)
    expect(page(noReason.body)('.govuk-error-summary').text()).toContain('Enter why the course is added')
    const twice = await browser.submit(
      `/quality/rounds/${round.id}/picks`,
      { courseId: already, reason: 'Again' },
      { from },
    )
    expect(twice.statusCode).toBe(400)
    expect(page(twice.body)('.govuk-error-summary').text()).toContain('already picked')
    const draft = await browser.submit(
      `/quality/rounds/${round.id}/picks`,
      { courseId: draftCourse, reason: 'Draft' },
      { from },
    )
    expect(draft.statusCode).toBe(400)
    expect(await count('qa_picks', 'round_id = $1', [round.id])).toBe(picksAsked)
    // The sub-group may not add.
    const sub = await t.signIn(as('subgroup'))
    expect(
      (
        await sub.submit(
          `/quality/rounds/${round.id}/picks`,
          { courseId: unpicked, reason: 'Mine' },
          { from },
        )
      ).statusCode,
    ).toBe(403)
    const added = await browser.submit(
      `/quality/rounds/${round.id}/picks`,
      { courseId: unpicked, reason: 'A concern was raised about this course' },
      { from },
    )
    expect(added.statusCode).toBe(303)
    const after = (await api('admin', 'GET', `/api/v1/qa/rounds/${round.id}/draw`)).json()
    const last = after.picks.at(-1)
    expect(last).toMatchObject({
      courseId: unpicked,
      kind: 'added',
      position: picksAsked + 1,
      reason: 'A concern was raised about this course',
    })
  })

  it('sets a pick aside only with a reason; it stays listed with the reason and is never deleted', async () => {
    const drawn = (await api('admin', 'GET', `/api/v1/qa/rounds/${round.id}/draw`)).json()
    const pick = drawn.picks[1] as { id: string; courseTitle: string }
    const browser = await t.signIn(as('admin'))
    const url = `/quality/rounds/${round.id}/picks/${pick.id}/set-aside`
    const from = `/quality/rounds/${round.id}/draw`
    const noReason = await browser.submit(url, { reason: ' ' }, { from })
    expect(noReason.statusCode).toBe(400)
    expect(page(noReason.body)('.govuk-error-summary').text()).toContain('Enter why the pick is set aside')
    expect(await count('qa_picks', 'id = $1 AND set_aside_at IS NULL', [pick.id])).toBe(1)
    expect((await browser.submit(url, { reason: 'The course is no longer run' }, { from })).statusCode).toBe(
      303,
    )
    const shown = page((await browser.get(from)).body)
    const row = shown('tbody tr').filter((_, el) => shown(el).text().includes(pick.courseTitle))
    expect(row.text()).toContain('Set aside')
    expect(row.text()).toContain('The course is no longer run')
    expect((await browser.submit(url, { reason: 'Twice' }, { from })).statusCode).toBe(409)
    await expect(
      t.db.tenant(scope, async (sql) => {
        await sql.auditAs('test')
        await sql.query('DELETE FROM qa_picks WHERE id = $1', [pick.id])
      }),
    ).rejects.toThrow(/never removed/)
    expect(await count('qa_picks', 'id = $1', [pick.id])).toBe(1)
  })

  it('weights the draw towards agencies not observed in the last two rounds, and says so', async () => {
    // The police were observed in the autumn round: in the next round they weigh one, others three.
    const autumn = (await api('admin', 'GET', `/api/v1/qa/rounds/${round.id}/draw`)).json()
    let policePick = autumn.picks.find(
      (x: { agencyName: string; setAside: unknown }) => x.agencyName === 'Observed Police' && !x.setAside,
    )
    if (!policePick) {
      const course = round.returns[0]?.courseIds.find(
        (id) => !autumn.picks.some((x: { courseId: string }) => x.courseId === id),
      )
      await t.services.observations.addPick(systemContext(p, 'test'), round.id, {
        courseId: course as string,
        reason: 'To observe the police',
      })
      policePick = (await api('admin', 'GET', `/api/v1/qa/rounds/${round.id}/draw`)).json().picks.at(-1)
    }
    const standards = await standardsOf(round.versionId)
    const observed = await api('admin', 'POST', '/api/v1/observations', {
      pickId: policePick.id,
      observedOn: '2026-11-20',
      ratings: allRated(standards),
      strengths: 'Clear',
      areasToDevelop: 'Pace',
      grade: 'good',
    })
    expect(observed.statusCode).toBe(201)
    const spring = await aQaRound(t.db, p.id, {
      title: 'Spring 2027',
      openedOn: '2026-11-20',
      returns: [
        { agencyId: agencies.police, courses: ['Police spring'] },
        { agencyId: agencies.housing, courses: ['Housing spring'] },
      ],
    })
    const candidates = await t.db.tenant(scope, (sql) => candidatesOf(sql, spring.id))
    expect(Object.fromEntries(candidates.map((c) => [c.agencyName, c.observedRecently]))).toEqual({
      'Observed Police': true,
      'Observed Housing': false,
    })
    const response = await api('admin', 'POST', `/api/v1/qa/rounds/${spring.id}/draw`, { seed: 'spring' })
    expect(response.statusCode).toBe(201)
    const draw = response.json()
    // Two candidates for the policy's three: both picked, and the draw says so.
    expect(draw.picks).toHaveLength(2)
    expect(draw.message).toContain('all of them were picked')
    const reasons = Object.fromEntries(
      draw.picks.map((x: { agencyName: string; reason: string }) => [x.agencyName, x.reason]),
    )
    expect(reasons['Observed Housing']).toBe(
      'Drawn at random, weighted three to one: Observed Housing has not been observed in the last two rounds',
    )
    expect(reasons['Observed Police']).toBe('Drawn at random')
    // Two rounds later the autumn round is no longer looked back on.
    for (const [title, openedOn] of [
      ['Summer 2027', '2026-11-21'],
      ['Winter 2027', '2026-11-22'],
    ] as const)
      await aQaRound(t.db, p.id, {
        title,
        openedOn,
        returns: [{ agencyId: agencies.school, courses: [title] }],
      })
    const later = await aQaRound(t.db, p.id, {
      title: 'Later',
      openedOn: '2026-11-23',
      returns: [{ agencyId: agencies.police, courses: ['Police later'] }],
    })
    const laterCandidates = await t.db.tenant(scope, (sql) => candidatesOf(sql, later.id))
    expect(laterCandidates[0]?.observedRecently).toBe(false)
  })
})

describe('observations', () => {
  it('records an observation of a session that has happened on the page, and emails its trainer', async () => {
    const sessionId = await demoSession('past')
    const browser = await t.signIn(as('admin'))
    const chooser = page((await browser.get('/quality/observations/new')).body)
    expect(chooser(`option[value="session:${sessionId}"]`).length).toBe(1)
    const formUrl = `/quality/observations/new?sessionId=${sessionId}`
    const form = page((await browser.get(formUrl)).body)
    const standardNames = form('input[type="radio"][value="met"]')
      .toArray()
      .map((el) => form(el).attr('name') as string)
      .filter((n) => n.startsWith('rating-'))
    expect(standardNames.length).toBeGreaterThan(3)
    // Missing ratings and grade: every problem named, nothing recorded.
    const countBefore = await count('observations')
    const bad = await browser.submit(
      '/quality/observations/new',
      {
        sessionId,
        observerName: 'Workforce Development Officer',
        'observedOn-day': '23',
        'observedOn-month': '11',
        'observedOn-year': '2026',
        [standardNames[0] as string]: 'met',
        strengths: 'Warm and clear',
        areasToDevelop: 'More case studies',
      },
      { from: formUrl },
    )
    expect(bad.statusCode).toBe(400)
    const summary = page(bad.body)('.govuk-error-summary').text()
    expect(summary).toContain('Select the overall grade')
    expect(summary).toContain('Rate “')
    expect(await count('observations')).toBe(countBefore)
    const fields: Record<string, string> = {
      sessionId,
      observerName: 'Workforce Development Officer',
      'observedOn-day': '23',
      'observedOn-month': '11',
      'observedOn-year': '2026',
      strengths: 'Warm and clear',
      areasToDevelop: 'More case studies',
      grade: 'good',
    }
    for (const name of standardNames) fields[name] = 'met'
    fields[`notes-${(standardNames[0] as string).slice(7)}`] = 'Objectives stated at the start'
    const made = await browser.submit('/quality/observations/new', fields, { from: formUrl })
    expect(made.statusCode).toBe(303)
    const url = String(made.headers.location)
    const shown = page((await browser.get(url)).body)
    expect(shown('h1').text()).toContain('Observation of')
    expect(shown('.govuk-summary-list').text()).toContain('Good')
    expect(shown('.govuk-summary-list').text()).toContain('23 November 2026')
    expect(shown('table').text()).toContain('Objectives stated at the start')
    expect(shown('table').text()).toContain('Met')
    const emails = await mail('Feedback from an observation')
    const toTrainer = emails.filter((m) => m.to === as('trainer'))
    expect(toTrainer).toHaveLength(1)
    expect(toTrainer[0]?.text).toContain(url)
    expect(toTrainer[0]?.text).toContain('The overall grade is good')
  })

  it('lets the trainer read it and respond once; the response, its date and who gave it show', async () => {
    const sessionId = await demoSession('past')
    const list = (await api('trainer', 'GET', `/api/v1/observations?sessionId=${sessionId}`)).json().items
    expect(list).toHaveLength(1)
    const id = list[0].id as string
    // The admin reads it but may not respond for the trainer.
    const admin = await t.signIn(as('admin'))
    expect(
      page((await admin.get(`/quality/observations/${id}`)).body)('form[action$="/response"]').length,
    ).toBe(0)
    expect(
      (
        await admin.submit(
          `/quality/observations/${id}/response`,
          { response: 'For them' },
          { from: `/quality/observations/${id}` },
        )
      ).statusCode,
    ).toBe(403)
    const trainer = await t.signIn(as('trainer'))
    const empty = await trainer.submit(`/quality/observations/${id}/response`, { response: '' })
    expect(empty.statusCode).toBe(400)
    expect(page(empty.body)('.govuk-error-summary').text()).toContain('Enter your response to the feedback')
    const done = await trainer.submit(`/quality/observations/${id}/response`, {
      response: 'I will add two case studies from the latest review.',
    })
    expect(done.statusCode).toBe(303)
    const shown = page((await admin.get(`/quality/observations/${id}`)).body)
    const response = shown('#response-heading').nextAll().text()
    expect(response).toContain('I will add two case studies from the latest review.')
    expect(response).toContain('Given 24 November 2026 by')
    expect(response).toMatch(/by \S+/)
    const again = await trainer.submit(
      `/quality/observations/${id}/response`,
      { response: 'Changed my mind' },
      { from: `/quality/observations/${id}` },
    )
    expect(again.statusCode).toBe(409)
    const row = await t.db.tenant(scope, (sql) =>
      sql.one<{ response: string }>('SELECT response FROM observations WHERE id = $1', [id]),
    )
    expect(row.response).toBe('I will add two case studies from the latest review.')
  })

  it('refuses an observation of a session that has not happened, or was cancelled, changing nothing', async () => {
    const future = await demoSession('future')
    const standards = await t.db.tenant(scope, (sql) =>
      sql.query<{ id: string }>(
        'SELECT s.id FROM qa_standards s JOIN qa_standard_versions v ON v.id = s.version_id WHERE v.version = (SELECT max(version) FROM qa_standard_versions)',
      ),
    )
    const body = {
      sessionId: future,
      observedOn: '2026-11-24',
      ratings: allRated(standards),
      strengths: 'Early',
      areasToDevelop: 'Early',
      grade: 'good',
    }
    const countBefore = await count('observations')
    const mails = (await mail('Feedback from an observation')).length
    const response = await api('admin', 'POST', '/api/v1/observations', body)
    expect(response.statusCode).toBe(400)
    expect(JSON.stringify(response.json())).toContain('has not happened yet')
    const onPage = await (await t.signIn(as('admin'))).get(`/quality/observations/new?sessionId=${future}`)
    expect(onPage.statusCode).toBe(400)
    expect(page(onPage.body)('.govuk-error-summary').text()).toContain('has not happened yet')
    const cancelled = await t.db.tenant(scope, async (sql) => {
      await sql.auditAs('test')
      return (
        await sql.one<{ id: string }>(
          `INSERT INTO sessions (partnership_id, course_id, format, joining_url, capacity, status, cancelled_at, cancellation_reason, starts_at, ends_at)
           SELECT partnership_id, course_id, 'online', 'https://meet.example.org/x', 10, 'cancelled', '2026-11-09T10:00Z',
                  'The trainer was ill', '2026-11-10T10:00Z', '2026-11-10T12:00Z' FROM sessions WHERE id = $1 RETURNING id`,
          [future],
        )
      ).id
    })
    const refused = await api('admin', 'POST', '/api/v1/observations', { ...body, sessionId: cancelled })
    expect(refused.statusCode).toBe(400)
    expect(JSON.stringify(refused.json())).toContain('cancelled')
    expect(await count('observations')).toBe(countBefore)
    expect((await mail('Feedback from an observation')).length).toBe(mails)
  })

  it('refuses a grade or rating outside the list, a standard not in the version, or a set-aside pick', async () => {
    const sessionId = await demoSession('past')
    const standards = await standardsOf(round.versionId)
    const good = {
      sessionId,
      observedOn: '2026-11-23',
      ratings: allRated(standards),
      strengths: 'Clear',
      areasToDevelop: 'Pace',
      grade: 'good',
    }
    const countBefore = await count('observations')
    const ratingsBefore = await count('observation_ratings')
    const grade = await api('admin', 'POST', '/api/v1/observations', { ...good, grade: 'excellent' })
    expect(grade.statusCode).toBe(400)
    expect(JSON.stringify(grade.json())).toContain('Select the overall grade')
    const rating = await api('admin', 'POST', '/api/v1/observations', {
      ...good,
      ratings: [{ standardId: standards[0]?.id, rating: 'brilliant' }, ...allRated(standards.slice(1))],
    })
    expect(rating.statusCode).toBe(400)
    expect(JSON.stringify(rating.json())).toContain('Rate each standard: met, partly met')
    const stranger = await api('admin', 'POST', '/api/v1/observations', {
      ...good,
      ratings: [
        ...allRated(standards),
        { standardId: '00000000-0000-4000-8000-000000000009', rating: 'met' },
      ],
    })
    expect(stranger.statusCode).toBe(400)
    expect(JSON.stringify(stranger.json())).toContain('not in version')
    const missing = await api('admin', 'POST', '/api/v1/observations', {
      ...good,
      ratings: allRated(standards.slice(1)),
    })
    expect(missing.statusCode).toBe(400)
    const asideId = (await api('admin', 'GET', `/api/v1/qa/rounds/${round.id}/draw`))
      .json()
      .picks.find((x: { setAside: unknown }) => x.setAside).id
    const aside = await api('admin', 'POST', '/api/v1/observations', {
      ...good,
      sessionId: undefined,
      pickId: asideId,
    })
    expect(aside.statusCode).toBe(400)
    expect(JSON.stringify(aside.json())).toContain('was set aside')
    const both = await api('admin', 'POST', '/api/v1/observations', { ...good, pickId: asideId })
    expect(both.statusCode).toBe(400)
    expect(await count('observations')).toBe(countBefore)
    expect(await count('observation_ratings')).toBe(ratingsBefore)
  })

  it('records an observation of a pick from the draw page’s link, emails the agency’s leads, who respond', async () => {
    const view = (await api('admin', 'GET', `/api/v1/qa/rounds/${round.id}/draw`)).json()
    const pick = view.picks.find(
      (x: { setAside: unknown; observationId: string | null }) => !x.setAside && !x.observationId,
    ) as { id: string; agencyId: string; courseTitle: string; agencyName: string }
    // This pick's agency is led by the demo agency lead from here on.
    await t.db.tenant(scope, async (sql) => {
      await sql.auditAs('test')
      await sql.query(
        `UPDATE memberships SET agency_ids = $1 WHERE role = 'agency-lead' AND user_id = (SELECT id FROM users WHERE email = $2)`,
        [[agencies.police, pick.agencyId], as('agency-lead')],
      )
    })
    const sub = await t.signIn(as('subgroup'))
    const drawPage = page((await sub.get(`/quality/rounds/${round.id}/draw`)).body)
    const link = drawPage(`a[href="/quality/observations/new?pickId=${pick.id}"]`)
    expect(link.length).toBe(1)
    const form = page((await sub.get(String(link.attr('href')))).body)
    const fields: Record<string, string> = {
      pickId: pick.id,
      observerName: 'Sub-group observer',
      'observedOn-day': '22',
      'observedOn-month': '11',
      'observedOn-year': '2026',
      strengths: 'Strong local examples',
      areasToDevelop: 'Evaluate the objectives',
      grade: 'requires_improvement',
    }
    for (const el of form('input[type="radio"][value="partly_met"]').toArray()) {
      const name = form(el).attr('name') as string
      if (name.startsWith('rating-')) fields[name] = 'partly_met'
    }
    const made = await sub.submit('/quality/observations/new', fields, { from: String(link.attr('href')) })
    expect(made.statusCode).toBe(303)
    const url = String(made.headers.location)
    const emails = (await mail('Feedback from an observation')).filter((m) => m.text.includes(url))
    expect(emails.map((m) => m.to)).toEqual([as('agency-lead')])
    expect(emails[0]?.text).toContain('requires improvement')
    const lead = await t.signIn(as('agency-lead'))
    const list = page((await lead.get('/quality/observations')).body)
    expect(list('tbody').text()).toContain(pick.courseTitle)
    // The trainer of the session sees their session's observation only.
    const trainerList = (await api('trainer', 'GET', '/api/v1/observations')).json().items
    expect(trainerList.every((o: { sessionId: string | null }) => o.sessionId !== null)).toBe(true)
    const shown = page((await lead.get(url)).body)
    expect(shown('.govuk-summary-list').text()).toContain('Requires improvement')
    expect(shown('table').text()).toContain('Partly met')
    expect(
      (
        await lead.submit(
          `${url}/response`,
          { response: 'We will evaluate each objective.' },
          { from: `${url}/response` },
        )
      ).statusCode,
    ).toBe(303)
    expect(
      page((await sub.get(url)).body)('#response-heading')
        .nextAll()
        .text(),
    ).toContain('We will evaluate each objective.')
    // The draw page now links to the observation.
    expect(page((await sub.get(`/quality/rounds/${round.id}/draw`)).body)(`a[href="${url}"]`).length).toBe(1)
    // A lead of other agencies neither sees nor responds to it.
    await t.db.tenant(scope, async (sql) => {
      await sql.auditAs('test')
      await sql.query(
        `UPDATE memberships SET agency_ids = $1 WHERE role = 'agency-lead' AND user_id = (SELECT id FROM users WHERE email = $2)`,
        [[agencies.health], as('agency-lead')],
      )
    })
    expect((await (await t.signIn(as('agency-lead'))).get(url)).statusCode).toBe(404)
    expect((await api('agency-lead', 'GET', '/api/v1/observations')).json().items).toEqual([])
  })

  it('gives each role its access to observations', async () => {
    const all = (await api('admin', 'GET', '/api/v1/observations')).json().items as {
      id: string
      roundId: string | null
    }[]
    expect(all.length).toBeGreaterThanOrEqual(3)
    expect((await api('subgroup', 'GET', '/api/v1/observations')).json().items).toHaveLength(all.length)
    expect(
      (await api('admin', 'GET', `/api/v1/observations?roundId=${round.id}`))
        .json()
        .items.every((o: { roundId: string }) => o.roundId === round.id),
    ).toBe(true)
    for (const role of ['executive', 'practitioner'])
      expect((await api(role, 'GET', '/api/v1/observations')).statusCode).toBe(403)
    for (const role of ['subgroup', 'executive', 'agency-lead', 'trainer', 'practitioner'])
      expect((await api(role, 'POST', '/api/v1/observations', {})).statusCode).toBe(
        role === 'subgroup' ? 400 : 403,
      )
    for (const role of roles) {
      const browser = await t.signIn(as(role))
      const list = await browser.get('/quality/observations')
      const start = await browser.get('/quality/observations/new')
      expect({ role, list: list.statusCode, start: start.statusCode }).toEqual({
        role,
        list: ['executive', 'practitioner'].includes(role) ? 403 : 200,
        start: ['admin', 'subgroup'].includes(role) ? 200 : 403,
      })
    }
    const newest = page((await (await t.signIn(as('admin'))).get('/quality/observations')).body)
    const dates = newest('tbody tr td:first-child')
      .toArray()
      .map((el) => newest(el).text())
    expect(dates[0]).toBe('23 November 2026')
  })

  it('describes the draw and observations in the OpenAPI document', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json()
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/qa/rounds/{id}/draw',
        '/api/v1/observations',
        '/api/v1/observations/{id}',
      ]),
    )
    const body = doc.paths['/api/v1/observations'].post.requestBody.content['application/json'].schema
    expect(Object.keys(body.properties)).toEqual(
      expect.arrayContaining([
        'sessionId',
        'pickId',
        'observedOn',
        'observerName',
        'ratings',
        'strengths',
        'areasToDevelop',
        'grade',
      ]),
    )
    expect(body.properties.grade.enum).toEqual(['outstanding', 'good', 'requires_improvement', 'inadequate'])
    const draw = doc.paths['/api/v1/qa/rounds/{id}/draw'].post
    expect(Object.keys(draw.requestBody.content['application/json'].schema.properties)).toEqual(['seed'])
    expect(draw.responses['409']).toBeDefined()
  })

  it('lists a trainer’s observations, for the trainer’s record', async () => {
    const trainer = await t.db.tenant(scope, async (sql) => {
      const person = await sql.one<{ id: string }>('SELECT id FROM people WHERE email = $1', [as('trainer')])
      return observationsOfTrainer(sql, person.id)
    })
    expect(trainer.map((o) => [o.observedOn, o.grade])).toEqual([['2026-11-23', 'good']])
  })
})
