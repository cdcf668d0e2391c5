import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultPolicy } from '#features/policy/policy.ts'
import { aReportWorld } from '#features/reports/test-world.ts'
import { systemContext } from '#platform/context.ts'
import type { Database, TenantScope } from '#platform/db/database.ts'
import type { TestApp } from '#test/support/app.ts'
import { page, testApp } from '#test/support/app.ts'
import type { BookingWorld } from '#test/support/booking.ts'
import { defineRetentionJobs, RETENTION_JOB } from './jobs.ts'
import { yearsBefore } from './rules.ts'
import { createRetentionService } from './service.ts'

let t: TestApp
let world: BookingWorld
const ids: Record<string, string> = {}

/** Every row retention may touch, as it stands. */
const snapshot = () =>
  t.db.tenant(world.scope, async (sql) => ({
    people: await sql.query('SELECT * FROM people ORDER BY id'),
    applications: await sql.query('SELECT * FROM applications ORDER BY id'),
    attendance: await sql.query('SELECT * FROM attendance ORDER BY id'),
    surveys: await sql.query('SELECT * FROM survey_responses ORDER BY id'),
    audit: await sql.query(
      `SELECT id, before, after, anonymised_at FROM audit_events WHERE occurred_at < '2026-01-01' ORDER BY id`,
    ),
  }))

/** The financial year 2025 to 2026's report to the board, as figures. */
const pastYearsReport = async () => {
  const report = await t.services.reports.report(world.admin, { year: '2025' })
  return JSON.parse(JSON.stringify(report.sections))
}

beforeAll(async () => {
  t = await testApp()
  world = await aReportWorld(t)
  // Kept one year each, so the report world's place of 1 November 2025 is past its period.
  await t.services.policy.change(world.admin, {
    retention: { leaversYears: 1, applicationsYears: 1, surveyAnswersYears: 1, auditTrailYears: 1 },
  })
  const agency = await world.agency('Retention Trust', 'health')
  ids.oldLeaver = await world.person(agency, { first: 'Olwen' })
  ids.recentLeaver = await world.person(agency, { first: 'Rhian' })
  ids.stayer = await world.person(agency, { first: 'Stella' })
  await t.db.tenant(world.scope, async (sql) => {
    await sql.query(`UPDATE people SET status = 'left' WHERE id = ANY($1::uuid[])`, [
      [ids.oldLeaver, ids.recentLeaver],
    ])
    await sql.query(`UPDATE people SET left_on = '2025-06-30' WHERE id = $1`, [ids.oldLeaver])
    // The old place's application had access needs and a manager named.
    const old = await sql.one<{ id: string }>(
      `UPDATE applications a SET access_needs = 'A hearing loop', manager_name = 'Maria Manager'
         FROM sessions s WHERE s.id = a.session_id AND s.ends_at < '2025-11-02' AND s.ends_at > '2025-10-31'
       RETURNING a.id`,
    )
    ids.oldApplication = old.id
    const version = await sql.one<{ id: string }>(
      `WITH q AS (INSERT INTO questionnaires (partnership_id, title) VALUES ($1, 'Families survey') RETURNING id)
       INSERT INTO questionnaire_versions (partnership_id, questionnaire_id, version, questions)
       SELECT $1, q.id, 1, $2 FROM q RETURNING id`,
      [
        world.partnership.id,
        JSON.stringify([
          { id: 'helpful', kind: 'agreement', prompt: 'It helped', required: true },
          { id: 'story', kind: 'free_text', prompt: 'Tell us more', required: false },
        ]),
      ],
    )
    const survey = await sql.one<{ id: string }>(
      `INSERT INTO surveys (partnership_id, questionnaire_id, title, audience, code, closes_on)
       SELECT $1, questionnaire_id, 'Families survey', 'families', 'retention-test-survey-code', '2026-12-31'
         FROM questionnaire_versions WHERE id = $2 RETURNING id`,
      [world.partnership.id, version.id],
    )
    for (const [key, on] of [
      ['oldAnswer', '2025-03-01'],
      ['newAnswer', '2026-10-01'],
    ] as const) {
      const row = await sql.one<{ id: string }>(
        `INSERT INTO survey_responses (partnership_id, survey_id, version_id, answers, submitted_on)
         VALUES ($1, $2, $3, $4, $5) RETURNING id`,
        [
          world.partnership.id,
          survey.id,
          version.id,
          JSON.stringify({ helpful: 4, story: 'My son Tom, at Hill School' }),
          on,
        ],
      )
      ids[key] = row.id
    }
    const event = await sql.one<{ id: string }>(
      `INSERT INTO audit_events (partnership_id, occurred_at, action, entity_type, entity_id, before, after)
       VALUES ($1, '2025-01-15T10:00:00Z', 'update', 'sessions', 'x', $2, $3) RETURNING id::text`,
      [
        world.partnership.id,
        JSON.stringify({
          id: 'x',
          capacity: 20,
          status: 'open',
          venue_notes: 'Ask for Dr Jones',
          course_id: 'c',
        }),
        JSON.stringify({
          id: 'x',
          capacity: 24,
          status: 'open',
          venue_notes: 'Ask for Dr Jones',
          course_id: 'c',
        }),
      ],
    )
    ids.oldEvent = event.id
  })
})
afterAll(() => t?.close())

describe('retention periods in the policy', () => {
  const fieldsOf = (html: string) => {
    const $ = page(html)
    const fields: Record<string, string> = {}
    $('form[action="/policy/change"] input[name], form[action="/policy/change"] textarea[name]').each(
      (_, el) => {
        const input = $(el)
        const type = input.attr('type')
        if ((type === 'radio' || type === 'checkbox') && !input.is('[checked]')) return
        fields[input.attr('name') ?? ''] = String(input.val() ?? input.text())
      },
    )
    $('form[action="/policy/change"] select[name]').each((_, el) => {
      fields[$(el).attr('name') ?? ''] = String($(el).find('option[selected]').val() ?? '')
    })
    delete fields._csrf
    return fields
  }

  it('refuses 0 years and 101 years with a clear message, changing nothing', async () => {
    const admin = await t.signIn('admin@shropshire.example.org')
    const fields = fieldsOf((await admin.get('/policy/change')).body)
    expect(fields['retention.leaversYears']).toBe('6')
    const shropshire = await t.partnership('shropshire')
    const versions = () =>
      t.services.policy
        .overview(systemContext(shropshire, 'test'))
        .then((o) => o.history.length + o.upcoming.length)
    const before = await versions()
    for (const [years, message] of [
      ['0', 'Keep people who left an agency for at least 1 year'],
      ['101', 'Keep people who left an agency for 100 years or fewer'],
    ] as const) {
      const response = await admin.post('/policy/change', {
        ...fields,
        'retention.leaversYears': years,
        reason: 'Shorter',
      })
      expect(response.statusCode).toBe(400)
      const $ = page(response.body)
      expect($('.govuk-error-summary').text()).toContain(message)
      expect($('.govuk-error-summary a').attr('href')).toBe('#retention-leaversYears')
      expect($('#retention-leaversYears').val()).toBe(years)
    }
    expect(await versions()).toBe(before)
    const rules = await t.services.policy.rulesOn(systemContext(shropshire, 'test'), '2026-11-24')
    expect(rules.retention).toEqual(defaultPolicy.retention)
  })

  it('refuses a period out of range through the API, and saves one in range', async () => {
    const token = await world.token('admin@norfolk.example.org')
    const patch = (retention: Record<string, number>) =>
      t.app.inject({
        method: 'PATCH',
        url: '/api/v1/policy',
        headers: { authorization: `Bearer ${token}` },
        payload: { retention, effectiveFrom: '2027-01-01' },
      })
    expect((await patch({ auditTrailYears: 0 })).statusCode).toBe(400)
    expect((await patch({ auditTrailYears: 101 })).statusCode).toBe(400)
    expect((await patch({ auditTrailYears: 2.5 })).statusCode).toBe(400)
    expect((await patch({ auditTrailYears: 10 })).statusCode).toBe(200)
    const rules = await t.services.policy.rulesOn(world.admin, '2027-01-01')
    expect(rules.retention).toEqual({
      leaversYears: 1,
      applicationsYears: 1,
      surveyAnswersYears: 1,
      auditTrailYears: 10,
    })
  })

  it('reads a policy saved before retention periods with the default periods', async () => {
    const jersey = await t.partnership('jersey')
    const { retention: _, ...older } = defaultPolicy
    await t.db.tenant({ partnershipId: jersey.id, userId: null }, (sql) =>
      sql.query(
        `INSERT INTO policies (partnership_id, effective_from, rules) VALUES ($1, '2027-02-01', $2)`,
        [jersey.id, JSON.stringify(older)],
      ),
    )
    const rules = await t.services.policy.rulesOn(systemContext(jersey, 'test'), '2027-02-01')
    expect(rules.retention).toEqual({
      leaversYears: 6,
      applicationsYears: 6,
      surveyAnswersYears: 3,
      auditTrailYears: 7,
    })
  })

  it('runs monthly in every partnership, as a dry run when asked', async () => {
    const defined: {
      name: string
      cron?: string
      handler: (data: Record<string, unknown>) => Promise<void>
    }[] = []
    const jobs = {
      define: (
        name: string,
        handler: (data: Record<string, unknown>) => Promise<void>,
        options?: { cron?: string },
      ) => defined.push({ name, handler, cron: options?.cron }),
    }
    const ran: [string, boolean | undefined][] = []
    const partnerships = [
      { id: 'a', slug: 'a', name: 'A' },
      { id: 'b', slug: 'b', name: 'B' },
    ]
    defineRetentionJobs(
      jobs as never,
      { list: async () => partnerships },
      {
        run: async (p, options) => {
          ran.push([p.slug, options?.dryRun])
          return { runId: 'r', counts: { leavers: 0, applications: 0, survey_answers: 0, audit_trail: 0 } }
        },
      },
    )
    expect(defined.map((d) => [d.name, d.cron])).toEqual([[RETENTION_JOB, '30 2 1 * *']])
    await defined[0]?.handler({})
    await defined[0]?.handler({ dryRun: true })
    expect(ran).toEqual([
      ['a', false],
      ['b', false],
      ['a', true],
      ['b', true],
    ])
  })

  it('counts whole years back, 29 February to 28 February', () => {
    expect(yearsBefore('2026-11-24', 6)).toBe('2020-11-24')
    expect(yearsBefore('2028-02-29', 1)).toBe('2027-02-28')
  })
})

describe('the retention job', () => {
  it('previews what it would change through the API, for admins only', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: '/api/v1/retention/preview?sample=3',
      headers: { authorization: `Bearer ${await world.token('admin@norfolk.example.org')}` },
    })
    expect(response.statusCode, response.body).toBe(200)
    const body = response.json<{
      kinds: { kind: string; count: number; olderThan: string; sample: { id: string; label: string }[] }[]
    }>()
    const leavers = body.kinds.find((k) => k.kind === 'leavers')
    expect(leavers?.olderThan).toBe('2025-11-24')
    expect(leavers?.sample.map((s) => s.id)).toContain(ids.oldLeaver)
    expect(leavers?.sample.map((s) => s.id)).not.toContain(ids.recentLeaver)
    // Labels say what a record is, never whose.
    expect(JSON.stringify(body)).not.toContain('Olwen')
    const practitioner = await t.app.inject({
      method: 'GET',
      url: '/api/v1/retention/preview',
      headers: { authorization: `Bearer ${await world.token('practitioner@norfolk.example.org')}` },
    })
    expect(practitioner.statusCode).toBe(403)
  })

  it('describes the preview in the OpenAPI document', async () => {
    const document = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json()
    expect(Object.keys(document.paths['/api/v1/retention/preview'])).toEqual(['get'])
    // The policy's retention periods are part of its API too.
    expect(JSON.stringify(document.paths['/api/v1/policy'])).toContain('auditTrailYears')
  })

  it('in a dry run, records what it would change and changes nothing', async () => {
    const before = await snapshot()
    const preview = await t.services.retention.preview(world.admin)
    const { counts } = await t.services.retention.run(world.partnership, { dryRun: true })
    expect(counts).toEqual(Object.fromEntries(preview.kinds.map((k) => [k.kind, k.count])))
    expect(counts.leavers).toBeGreaterThanOrEqual(1)
    expect(await snapshot()).toEqual(before)
    const runs = await t.services.retention.runs(world.admin)
    expect(runs[0]).toMatchObject({ dryRun: true, counts })
  })

  it('anonymises exactly what is past its period, in batches, and the past year’s report still adds up', async () => {
    const reportBefore = await pastYearsReport()
    // The year holds the place of 1 November 2025 that is anonymised below.
    const delivered = reportBefore
      .flatMap((s: { figures: { id: string; value: number }[] }) => s.figures)
      .find((f: { id: string }) => f.id === 'sessions-delivered')
    expect(delivered.value).toBeGreaterThanOrEqual(1)
    const preview = await t.services.retention.preview(world.admin)
    // Counts the transactions, to see the batches: one per row, and the last finds none left.
    const transactions: string[] = []
    const counting = Object.create(t.db) as Database
    counting.tenant = <T>(scope: TenantScope, fn: Parameters<Database['tenant']>[1]) => {
      if (scope.action) transactions.push(scope.action)
      return t.db.tenant(scope, fn) as Promise<T>
    }
    const retention = createRetentionService({
      db: counting,
      clock: t.clock,
      policy: t.services.policy,
      batchSize: 1,
    })
    const { counts } = await retention.run(world.partnership)
    expect(counts).toEqual(Object.fromEntries(preview.kinds.map((k) => [k.kind, k.count])))
    for (const kind of ['leavers', 'applications'] as const)
      expect(transactions.filter((a) => a === `retention.${kind}`).length).toBe(counts[kind] + 1)

    const after = await t.db.tenant(world.scope, async (sql) => ({
      people: await sql.query<{
        id: string
        first_name: string
        last_name: string
        email: string
        anonymised_at: Date | null
      }>('SELECT id, first_name, last_name, email, anonymised_at FROM people WHERE id = ANY($1::uuid[])', [
        [ids.oldLeaver, ids.recentLeaver, ids.stayer],
      ]),
      application: await sql.one<{
        access_needs: string | null
        manager_name: string | null
        status: string
        agency_id: string
      }>('SELECT access_needs, manager_name, status, agency_id FROM applications WHERE id = $1', [
        ids.oldApplication,
      ]),
      recentApplications: await sql.query(
        `SELECT 1 FROM applications a JOIN sessions s ON s.id = a.session_id
          WHERE s.ends_at > '2026-01-01' AND a.anonymised_at IS NOT NULL`,
      ),
      answers: await sql.query<{ id: string; answers: Record<string, unknown> }>(
        'SELECT id, answers FROM survey_responses WHERE id = ANY($1::uuid[])',
        [[ids.oldAnswer, ids.newAnswer]],
      ),
      event: await sql.one<{ before: Record<string, unknown>; anonymised_at: Date | null }>(
        'SELECT before, anonymised_at FROM audit_events WHERE id = $1',
        [ids.oldEvent],
      ),
      ownEvents: await sql.query<{ before: Record<string, unknown> }>(
        `SELECT before FROM audit_events WHERE action = 'retention.leavers' AND entity_id = $1`,
        [ids.oldLeaver],
      ),
    }))
    const person = (id: string | undefined) => after.people.find((p) => p.id === id)
    expect(person(ids.oldLeaver)).toMatchObject({ first_name: 'Anonymised', last_name: 'person' })
    expect(person(ids.oldLeaver)?.email).toMatch(/^anonymised-.*@anonymised\.invalid$/)
    expect(person(ids.recentLeaver)).toMatchObject({ first_name: 'Rhian', anonymised_at: null })
    expect(person(ids.stayer)).toMatchObject({ first_name: 'Stella', anonymised_at: null })
    expect(after.application).toMatchObject({ access_needs: null, manager_name: null, status: 'confirmed' })
    expect(after.recentApplications).toEqual([])
    const answer = (id: string | undefined) => after.answers.find((a) => a.id === id)?.answers
    expect(answer(ids.oldAnswer)).toEqual({ helpful: 4 })
    expect(answer(ids.newAnswer)).toEqual({ helpful: 4, story: 'My son Tom, at Hill School' })
    // The audit trail keeps what happened, to what, and its figures; the words go.
    expect(after.event.before).toEqual({
      id: 'x',
      capacity: 20,
      status: 'open',
      venue_notes: null,
      course_id: 'c',
    })
    expect(after.event.anonymised_at).not.toBeNull()
    // The job's own audit of the change does not keep the name it removed.
    expect(after.ownEvents.length).toBe(1)
    expect(JSON.stringify(after.ownEvents)).not.toContain('Olwen')

    expect(await pastYearsReport()).toEqual(reportBefore)
  })

  it('changes nothing on a second run, and records zero', async () => {
    const before = await snapshot()
    const { counts } = await t.services.retention.run(world.partnership)
    expect(counts).toEqual({ leavers: 0, applications: 0, survey_answers: 0, audit_trail: 0 })
    expect(await snapshot()).toEqual(before)
    const runs = await t.services.retention.runs(world.admin)
    expect(runs[0]).toMatchObject({ dryRun: false, counts })
  })

  it('shows the periods, what is due and the past runs to an admin', async () => {
    const admin = await t.signIn('admin@norfolk.example.org')
    const response = await admin.get('/privacy/retention')
    expect(response.statusCode).toBe(200)
    const $ = page(response.body)
    expect($('h1').text()).toBe('Keeping records')
    expect($('table').length).toBe(2)
    expect($('main').text()).toContain('Dry run')
    const practitioner = await t.signIn('practitioner@norfolk.example.org')
    expect((await practitioner.get('/privacy/retention')).statusCode).toBe(403)
  })
})
