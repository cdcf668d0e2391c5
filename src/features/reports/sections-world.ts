import { ensureUser, grantRole } from '#platform/auth/users.ts'
import type { Sql } from '#platform/db/database.ts'
import type { TestApp } from '#test/support/app.ts'
import { aPastPlace } from '#test/support/builders.ts'

/**
 * A partnership of its own (no demo data), with Norfolk's policy from April 2024 and reminders
 * for dissemination after 21 days, holding figures for every feature the report reads besides
 * course delivery, in 2026-Q3 (October to December 2026), the quarter before and the same
 * quarter of 2025. Today in tests is 24 November 2026.
 */
export async function aSectionsWorld(t: TestApp) {
  const partnership = await t.db.platform(async (sql) => {
    const row = await sql.one<{ id: string }>(
      `INSERT INTO partnerships (slug, name) VALUES ('report-sections', 'Report Sections Partnership') RETURNING id`,
    )
    await sql.query(
      `INSERT INTO policies (partnership_id, effective_from, rules)
       SELECT $1, '2024-04-01', jsonb_set(rules, '{disseminationReminderDays}', '21')
         FROM policies WHERE partnership_id = (SELECT id FROM partnerships WHERE slug = 'norfolk')
        ORDER BY effective_from DESC LIMIT 1`,
      [row.id],
    )
    return row
  })
  const p = partnership.id
  const user = await ensureUser(t.db, {
    email: 'admin@report-sections.example.org',
    displayName: 'Report Admin',
    passwordHash: null,
  })
  await grantRole(t.db, { partnershipId: p, userId: user.id, role: 'admin', actor: 'test' })
  const token = await t.services.tokens.create({ partnershipId: p, userId: user.id, name: 'test' })
  const within = <T>(fn: (sql: Sql) => Promise<T>) =>
    t.db.tenant({ partnershipId: p, userId: null, actor: 'test' }, async (sql) => {
      await sql.auditAs('test')
      return fn(sql)
    })

  await within(async (sql) => {
    const one = async (text: string, values: unknown[]) => (await sql.one<{ id: string }>(text, values)).id
    const agency = (name: string, headcount: number) =>
      one(
        `INSERT INTO agencies (partnership_id, name, category, sector, workforce, headcount)
         VALUES ($1, $2, 'statutory', 'health', 'both', $3) RETURNING id`,
        [p, name, headcount],
      )
    const a = await agency('Agency A', 10)
    const b = await agency('Agency B', 5)
    const c = await agency('Agency C', 5)
    let n = 0
    const person = (agencyId: string) =>
      one(
        `INSERT INTO people (partnership_id, first_name, last_name, email, agency_id, status)
         VALUES ($1, 'Person', $2, $3, $4, 'active') RETURNING id`,
        [p, `Number${++n}`, `person${n}@report-sections.example.org`, agencyId],
      )

    // Learning products: two this quarter, one the quarter before, one a year ago, and a draft.
    const product = (type: string, publishedAt: string | null) =>
      one(
        `INSERT INTO learning_products (partnership_id, type, title, status, version, published_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
        [p, type, `Product ${type}`, publishedAt ? 'published' : 'draft', publishedAt ? 1 : 0, publishedAt],
      )
    const p1 = await product('briefing', '2026-10-05T10:00:00Z')
    const p2 = await product('seven_minute_briefing', '2026-11-01T10:00:00Z')
    const p3 = await product('briefing', '2026-08-01T10:00:00Z')
    await product('poster', '2025-11-01T10:00:00Z')
    await product('poster', null)
    await sql.query(
      `INSERT INTO newsletters (partnership_id, title, status, sending_from, sent_at, recipients)
       VALUES ($1, 'October news', 'sent', '2026-10-20T09:00:00Z', '2026-10-20T09:05:00Z', 10)`,
      [p],
    )
    // Sent to agencies (due 21 days later), and what they recorded.
    const send = (productId: string, agencyId: string, at: string) =>
      sql.query(
        `INSERT INTO learning_product_sends (partnership_id, product_id, agency_id, version, leads_emailed, sent_at)
         VALUES ($1, $2, $3, 1, 1, $4)`,
        [p, productId, agencyId, at],
      )
    const disseminated = (productId: string, agencyId: string, on: string, staff: number) =>
      sql.query(
        `INSERT INTO dissemination_records (partnership_id, product_id, agency_id, kind, how, on_date, staff_reached, at)
         VALUES ($1, $2, $3, 'dissemination', 'team_meeting', $4, $5, $4::date + time '12:00')`,
        [p, productId, agencyId, on, staff],
      )
    await send(p1, a, '2026-09-20T10:00:00Z') // due 11 October: returned on 5 October
    await send(p1, b, '2026-10-01T10:00:00Z') // due 22 October: returned late, on 1 November
    await send(p2, a, '2026-11-01T12:00:00Z') // due 22 November: not returned
    await send(p3, a, '2026-08-01T12:00:00Z') // due 22 August: returned on 10 August
    await disseminated(p1, a, '2026-10-05', 12) // more than Agency A's headcount of 10
    await disseminated(p1, b, '2026-11-01', 3)
    await disseminated(p3, a, '2026-08-10', 4)
    await sql.query(
      `INSERT INTO learning_confirmations (partnership_id, product_id, person_id, agency_id, kind, at)
       VALUES ($1, $2, $3, $4, 'read', '2026-10-15T10:00:00Z')`,
      [p, p1, await person(b), b],
    )

    // Quality assurance: a round this quarter and one the quarter before; observations.
    const version = await one(
      `INSERT INTO qa_standard_versions (partnership_id, version) VALUES ($1, 1) RETURNING id`,
      [p],
    )
    const round = (openedOn: string, dueOn: string) =>
      one(
        `INSERT INTO qa_rounds (partnership_id, title, version_id, opened_on, due_on)
         VALUES ($1, 'Round', $2, $3, $4) RETURNING id`,
        [p, version, openedOn, dueOn],
      )
    const qaReturn = (
      roundId: string,
      agencyId: string,
      submittedAt: string | null,
      outcome: string | null,
    ) =>
      sql.query(
        `INSERT INTO qa_returns (partnership_id, round_id, agency_id, status, submitted_at, reviewed_at, outcome, review_summary)
         VALUES ($1, $2, $3, $4, $5, CASE WHEN $6::text IS NOT NULL THEN $5::timestamptz END, $6,
                 CASE WHEN $6::text IS NOT NULL THEN 'Reviewed' END)`,
        [
          p,
          roundId,
          agencyId,
          outcome ? 'reviewed' : submittedAt ? 'submitted' : 'not_started',
          submittedAt,
          outcome,
        ],
      )
    const thisRound = await round('2026-10-01', '2026-10-31')
    await qaReturn(thisRound, a, '2026-10-20T10:00:00Z', 'assured')
    await qaReturn(thisRound, b, '2026-11-05T10:00:00Z', 'not_assured')
    await qaReturn(thisRound, c, null, null)
    await qaReturn(await round('2026-07-01', '2026-07-31'), a, '2026-07-15T10:00:00Z', null)
    const course = await one(
      `INSERT INTO courses (partnership_id, title, delivery_method) VALUES ($1, 'Observed course', 'multi_agency_training')
       RETURNING id`,
      [p],
    )
    const observed = async (on: string, grade: string) => {
      const { sessionId } = await aPastPlace(sql, {
        partnershipId: p,
        personId: await person(a),
        courseId: course,
        endedOn: on,
      })
      await sql.query(
        `INSERT INTO observations (partnership_id, session_id, version_id, observer_name, observed_on, strengths,
           areas_to_develop, grade)
         VALUES ($1, $2, $3, 'Observer', $4, 'Clear', 'Pace', $5)`,
        [p, sessionId, version, on, grade],
      )
      return sessionId
    }
    await observed('2026-10-10', 'good')
    await observed('2026-11-02', 'inadequate')
    await observed('2026-08-01', 'outstanding')
    await observed('2025-10-15', 'requires_improvement')

    // A themed case audit whose panel sat this quarter, three cases graded, one finding.
    const theme = await one(`INSERT INTO themes (partnership_id, name) VALUES ($1, 'Neglect') RETURNING id`, [
      p,
    ])
    const audit = await one(
      `INSERT INTO case_audits (partnership_id, title, theme_id, status, due_on, panel_on, panel_attendees, panel_summary)
       VALUES ($1, 'Neglect audit', $2, 'concluded', '2026-10-01', '2026-10-20', 'The panel', 'Summary') RETURNING id`,
      [p, theme],
    )
    for (const [position, grade] of [
      [1, 'good'],
      [2, 'good'],
      [3, 'inadequate'],
    ] as const)
      await sql.query(
        `INSERT INTO case_audit_cases (partnership_id, case_audit_id, position, grade, learning, graded_at)
         VALUES ($1, $2, $3, $4, 'Learning', '2026-10-20T12:00:00Z')`,
        [p, audit, position, grade],
      )
    await sql.query(
      `INSERT INTO findings (partnership_id, source, case_audit_id, text) VALUES ($1, 'audit', $2, 'A finding')`,
      [p, audit],
    )

    // A knowledge audit answered by five this quarter, and one answered by two the quarter before.
    const quiz = async (sentAt: string, answers: [number, number, string][]) => {
      const id = await one(
        `INSERT INTO knowledge_audits (partnership_id, title, closes_on, sample_size)
         VALUES ($1, 'Quiz', $2::date + 30, 10) RETURNING id`,
        [p, sentAt],
      )
      await sql.query(
        `INSERT INTO knowledge_audit_questions (partnership_id, audit_id, position, text, kind, options)
         SELECT $1, $2, n, 'Question', 'single', '[{"text": "Yes", "correct": true}, {"text": "No", "correct": false}]'
           FROM generate_series(1, 2) n`,
        [p, id],
      )
      // Its questions are set before it is sent: a sent audit's never change.
      await sql.query(
        `UPDATE knowledge_audits SET status = 'sent', seed = 'seed', eligible_count = 10, excluded_count = 0,
                audience_agency_ids = ARRAY[$2::uuid], sent_at = $3 WHERE id = $1`,
        [id, a, sentAt],
      )
      for (const [i, [score, confidence, at]] of answers.entries())
        await sql.query(
          `INSERT INTO knowledge_audit_invitations (partnership_id, audit_id, person_id, agency_id, position, invited_at,
             answered_at, score, confidence)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
          [p, id, await person(a), a, i + 1, sentAt, at, score, confidence],
        )
    }
    await quiz('2026-10-01T09:00:00Z', [
      [2, 8, '2026-10-02T10:00:00Z'],
      [2, 6, '2026-10-03T10:00:00Z'],
      [1, 7, '2026-10-04T10:00:00Z'],
      [2, 9, '2026-10-05T10:00:00Z'],
      [1, 5, '2026-10-06T10:00:00Z'],
    ])
    await quiz('2026-08-01T09:00:00Z', [
      [2, 9, '2026-08-02T10:00:00Z'],
      [2, 9, '2026-08-03T10:00:00Z'],
    ])

    // A pathway of one required requirement refreshed every 12 months; four people on it.
    const pathway = await one(
      `INSERT INTO pathways (partnership_id, title, audience) VALUES ($1, 'Universal', 'Everyone') RETURNING id`,
      [p],
    )
    const requirement = await one(
      `INSERT INTO pathway_requirements (partnership_id, pathway_id, position, title, required, refresher_months)
       VALUES ($1, $2, 1, 'Basic safeguarding', true, 12) RETURNING id`,
      [p, pathway],
    )
    const onPathway = async (evidence: string[]) => {
      const id = await person(c)
      await sql.query('UPDATE people SET pathway_id = $2 WHERE id = $1', [id, pathway])
      for (const on of evidence)
        await sql.query(
          `INSERT INTO learning_evidence (partnership_id, person_id, kind, title, provider, completed_on, minutes,
             requirement_id, status, decided_at, decided_by_label)
           VALUES ($1, $2, 'e_learning', 'Basics', 'Provider', $3, 60, $4, 'verified', $3::date + time '12:00', 'test')`,
          [p, id, on, requirement],
        )
    }
    await onPathway(['2026-10-01']) // in date now only
    await onPathway(['2025-06-01', '2026-06-15']) // in date throughout, refreshed in June
    await onPathway(['2025-01-15']) // in date a year ago only
    await onPathway([]) // never evidenced

    // Charges: a place and a waived no-show this quarter, a place the quarter before and a year ago.
    const charge = async (on: string, reason: string, pence: number, waived: boolean) => {
      const { sessionId, applicationId } = await aPastPlace(sql, {
        partnershipId: p,
        personId: await person(b),
        courseId: course,
        endedOn: on,
      })
      await sql.query(
        `INSERT INTO charges (partnership_id, agency_id, person_id, session_id, application_id, reason, amount_pence,
           charged_on, waived, waived_reason)
         SELECT $1, agency_id, person_id, $2, id, $3, $4, $5, $6, CASE WHEN $6 THEN 'Substitute sent' END
           FROM applications WHERE id = $7`,
        [p, sessionId, reason, pence, on, waived, applicationId],
      )
    }
    await charge('2026-10-05', 'place', 12345, false)
    await charge('2026-11-01', 'no_show', 5000, true)
    await charge('2026-08-01', 'place', 4000, false)
    await charge('2025-11-01', 'place', 2500, false)
  })
  return { partnership, token }
}
