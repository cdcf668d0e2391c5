import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { anAuditCycle, anAuditTemplate } from '#features/audits/test-fixtures.ts'
import { aLearningProduct } from '#features/learning/test-fixtures.ts'
import { aQaRound } from '#features/quality/test-fixtures.ts'
import { systemContext } from '#platform/context.ts'
import type { TestApp } from '../support/app.ts'
import { testApp } from '../support/app.ts'

let t: TestApp
let tokens: Record<'norfolk' | 'jersey', string>

beforeAll(async () => {
  t = await testApp()
  const tokenFor = async (slug: 'norfolk' | 'jersey') => {
    const partnership = await t.partnership(slug)
    const user = await t.db.anonymous({}, (sql) =>
      sql.one<{ id: string }>('SELECT id FROM users WHERE email = $1', [`admin@${slug}.example.org`]),
    )
    return t.services.tokens.create({ partnershipId: partnership.id, userId: user.id, name: 'test' })
  }
  tokens = { norfolk: await tokenFor('norfolk'), jersey: await tokenFor('jersey') }
})
afterAll(() => t?.close())

const api = (method: 'GET' | 'PATCH', url: string, token: string, payload?: object) =>
  t.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, payload })

/**
 * For each route that takes a record's id: how to make a record in another partnership
 * (Jersey), to prove Norfolk gets a 404 for it as for an id that does not exist. A feature
 * adding such a route adds its entry here; the last test fails until it does.
 */
async function jerseyAgency(app: TestApp): Promise<string> {
  const jersey = await app.partnership('jersey')
  const row = await app.db.tenant({ partnershipId: jersey.id, userId: null }, (sql) =>
    sql.one<{ id: string }>('SELECT id FROM agencies ORDER BY name LIMIT 1'),
  )
  return row.id
}

async function jerseyPerson(app: TestApp): Promise<string> {
  const jersey = await app.partnership('jersey')
  const agencyId = await jerseyAgency(app)
  const row = await app.db.tenant({ partnershipId: jersey.id, userId: null }, (sql) =>
    sql.one<{ id: string }>(
      `INSERT INTO people (partnership_id, first_name, last_name, email, agency_id) VALUES ($1, 'Jo', 'Jersey', $2, $3)
       ON CONFLICT (partnership_id, email_key) WHERE merged_into IS NULL DO UPDATE SET first_name = 'Jo' RETURNING id`,
      [jersey.id, 'jo.jersey@example.org', agencyId],
    ),
  )
  return row.id
}

async function jerseyImport(app: TestApp): Promise<string> {
  const jersey = await app.partnership('jersey')
  const row = await app.db.tenant({ partnershipId: jersey.id, userId: null }, (sql) =>
    sql.one<{ id: string }>(
      `INSERT INTO people_imports (partnership_id, filename, content, encoding, mapping)
       VALUES ($1, 'staff.csv', 'First name,Last name,Email,Agency\nJo,Jersey,jo@example.org,Jersey Police', 'UTF-8',
               '{"firstName":0,"lastName":1,"email":2,"agency":3}') RETURNING id`,
      [jersey.id],
    ),
  )
  return row.id
}

async function jerseyCourse(app: TestApp): Promise<string> {
  const jersey = await app.partnership('jersey')
  const row = await app.db.tenant({ partnershipId: jersey.id, userId: null }, (sql) =>
    sql.one<{ id: string }>(
      `INSERT INTO courses (partnership_id, title, delivery_method) VALUES ($1, 'Jersey course', 'briefing') RETURNING id`,
      [jersey.id],
    ),
  )
  return row.id
}

async function jerseySession(app: TestApp): Promise<string> {
  const jersey = await app.partnership('jersey')
  const courseId = await jerseyCourse(app)
  const row = await app.db.tenant({ partnershipId: jersey.id, userId: null }, (sql) =>
    sql.one<{ id: string }>(
      `INSERT INTO sessions (partnership_id, course_id, format, joining_url, capacity, starts_at, ends_at)
       VALUES ($1, $2, 'online', 'https://meet.example.org/j', 20, '2027-03-01T10:00Z', '2027-03-01T12:00Z') RETURNING id`,
      [jersey.id, courseId],
    ),
  )
  return row.id
}

async function jerseyTrainerApproval(app: TestApp): Promise<string> {
  const jersey = await app.partnership('jersey')
  const [courseId, personId] = [await jerseyCourse(app), await jerseyPerson(app)]
  const row = await app.db.tenant({ partnershipId: jersey.id, userId: null }, (sql) =>
    sql.one<{ id: string }>(
      `INSERT INTO trainer_approvals (partnership_id, person_id, course_id, trained_on) VALUES ($1, $2, $3, '2026-01-10') RETURNING id`,
      [jersey.id, personId, courseId],
    ),
  )
  return row.id
}

async function jerseyTrainerPerson(app: TestApp): Promise<string> {
  const jersey = await app.partnership('jersey')
  const approvalId = await jerseyTrainerApproval(app)
  const row = await app.db.tenant({ partnershipId: jersey.id, userId: null }, (sql) =>
    sql.one<{ id: string }>('SELECT person_id AS id FROM trainer_approvals WHERE id = $1', [approvalId]),
  )
  return row.id
}

async function jerseyNeed(app: TestApp): Promise<string> {
  const jersey = await app.partnership('jersey')
  const row = await app.db.tenant({ partnershipId: jersey.id, userId: null }, (sql) =>
    sql.one<{ id: string }>(
      `INSERT INTO needs (partnership_id, identified_by, practice_change, target_audience, effectiveness_measure)
       VALUES ($1, 'audit', 'Jersey practice change', 'Jersey practitioners', 'Jersey audit') RETURNING id`,
      [jersey.id],
    ),
  )
  return row.id
}

async function jerseyContract(app: TestApp): Promise<string> {
  const jersey = await app.partnership('jersey')
  const row = await app.db.tenant({ partnershipId: jersey.id, userId: null }, (sql) =>
    sql.one<{ id: string }>(
      `INSERT INTO training_contracts (partnership_id, provider_name, training_type, expected_outcomes, impact_measures,
         delivery_format, venue_paid_by, trainer_paid_by, starts_on, review_on)
       VALUES ($1, 'Jersey provider', 'Briefing', 'Outcomes', 'Audit', 'online', 'partnership', 'provider',
               '2026-01-01', '2027-01-01') RETURNING id`,
      [jersey.id],
    ),
  )
  return row.id
}

async function jerseyApplication(app: TestApp): Promise<string> {
  const jersey = await app.partnership('jersey')
  const [sessionId, agencyId] = [await jerseySession(app), await jerseyAgency(app)]
  const personId = await jerseyPerson(app)
  const row = await app.db.tenant({ partnershipId: jersey.id, userId: null }, (sql) =>
    sql.one<{ id: string }>(
      `INSERT INTO applications (partnership_id, session_id, person_id, agency_id, manager_email)
       VALUES ($1, $2, $3, $4, 'manager@example.org') RETURNING id`,
      [jersey.id, sessionId, personId, agencyId],
    ),
  )
  return row.id
}

async function jerseyCertificate(app: TestApp): Promise<string> {
  const jersey = await app.partnership('jersey')
  const applicationId = await jerseyApplication(app)
  const row = await app.db.tenant({ partnershipId: jersey.id, userId: null }, (sql) =>
    sql.one<{ id: string }>(
      `INSERT INTO certificates (partnership_id, application_id, person_id, session_id, code)
       SELECT partnership_id, id, person_id, session_id, 'JRSY-' || translate(upper(substr(md5(random()::text), 1, 4)), '01', '23') || '-2222'
         FROM applications WHERE id = $1 RETURNING id`,
      [applicationId],
    ),
  )
  return row.id
}

async function jerseyCharge(app: TestApp): Promise<string> {
  const jersey = await app.partnership('jersey')
  const applicationId = await jerseyApplication(app)
  const row = await app.db.tenant({ partnershipId: jersey.id, userId: null }, (sql) =>
    sql.one<{ id: string }>(
      `INSERT INTO charges (partnership_id, agency_id, person_id, session_id, application_id, reason, amount_pence, charged_on)
       SELECT partnership_id, agency_id, person_id, session_id, id, 'place', 5000, '2027-03-01' FROM applications
        WHERE id = $1 RETURNING id`,
      [applicationId],
    ),
  )
  return row.id
}

async function jerseyInvoice(app: TestApp): Promise<string> {
  const jersey = await app.partnership('jersey')
  const [agencyId, number] = [await jerseyAgency(app), Math.floor(Math.random() * 1e9) + 1]
  const row = await app.db.tenant({ partnershipId: jersey.id, userId: null }, (sql) =>
    sql.one<{ id: string }>(
      `INSERT INTO invoices (partnership_id, number, kind, agency_id, period_from, period_to, total_pence)
       VALUES ($1, $2, 'invoice', $3, '2027-01-01', '2027-01-31', 0) RETURNING id`,
      [jersey.id, number, agencyId],
    ),
  )
  return row.id
}

async function jerseyComplaint(app: TestApp): Promise<string> {
  const jersey = await app.partnership('jersey')
  const row = await app.db.tenant({ partnershipId: jersey.id, userId: null }, (sql) =>
    sql.one<{ id: string }>(
      `INSERT INTO complaints (partnership_id, complainant_name, complainant_email, details)
       VALUES ($1, 'Jo Jersey', 'jo@example.org', 'Too cold') RETURNING id`,
      [jersey.id],
    ),
  )
  return row.id
}

async function jerseyQuestionnaire(app: TestApp): Promise<string> {
  const jersey = await app.partnership('jersey')
  const row = await app.db.tenant({ partnershipId: jersey.id, userId: null }, async (sql) => {
    const q = await sql.one<{ id: string }>(
      `INSERT INTO questionnaires (partnership_id, title, questions)
       VALUES ($1, 'Jersey feedback', '[{"id": "useful", "kind": "agreement", "prompt": "Useful", "required": true}]') RETURNING id`,
      [jersey.id],
    )
    await sql.query(
      `INSERT INTO questionnaire_versions (partnership_id, questionnaire_id, version, questions)
       SELECT partnership_id, id, 1, questions FROM questionnaires WHERE id = $1`,
      [q.id],
    )
    return q
  })
  return row.id
}

async function jerseySurvey(app: TestApp): Promise<string> {
  const jersey = await app.partnership('jersey')
  const questionnaireId = await jerseyQuestionnaire(app)
  const row = await app.db.tenant({ partnershipId: jersey.id, userId: null }, (sql) =>
    sql.one<{ id: string }>(
      `INSERT INTO surveys (partnership_id, questionnaire_id, title, audience, code, closes_on)
       VALUES ($1, $2, 'Jersey voice', 'families', $3, '2030-01-01') RETURNING id`,
      [jersey.id, questionnaireId, `jersey${Math.random().toString(36).slice(2, 14)}aaaaaaaa`],
    ),
  )
  return row.id
}

async function jerseyTelephoneSample(app: TestApp): Promise<string> {
  const jersey = await app.partnership('jersey')
  const month = `20${10 + Math.floor(Math.random() * 80)}-0${1 + Math.floor(Math.random() * 9)}-01`
  const row = await app.db.tenant({ partnershipId: jersey.id, userId: null }, (sql) =>
    sql.one<{ id: string }>(
      `INSERT INTO telephone_samples (partnership_id, month, seed, population, drawn_at)
       VALUES ($1, $2, 'seed', 0, now()) ON CONFLICT (partnership_id, month) DO UPDATE SET seed = 'seed' RETURNING id`,
      [jersey.id, month],
    ),
  )
  return row.id
}

async function jerseyApiToken(app: TestApp): Promise<string> {
  const jersey = await app.partnership('jersey')
  const user = await app.db.anonymous({}, (sql) =>
    sql.one<{ id: string }>(`SELECT id FROM users WHERE email = 'admin@jersey.example.org'`),
  )
  const name = `jersey ${Math.random().toString(36).slice(2)}`
  await app.services.tokens.create({ partnershipId: jersey.id, userId: user.id, name })
  const row = await app.db.tenant({ partnershipId: jersey.id, userId: null }, (sql) =>
    sql.one<{ id: string }>('SELECT id FROM api_tokens WHERE name = $1', [name]),
  )
  return row.id
}

/** A Jersey identity provider, written straight in: saving through the service would read a discovery document. */
async function jerseyIdentityProvider(app: TestApp): Promise<string> {
  const jersey = await app.partnership('jersey')
  const row = await app.db.tenant({ partnershipId: jersey.id, userId: null }, (sql) =>
    sql.one<{ id: string }>(
      `INSERT INTO identity_providers (partnership_id, name, issuer, client_id, client_secret_encrypted)
       VALUES ($1, 'Island Entra ID', 'https://login.example.org/jersey', 'cascade', 'v1.not.a.secret') RETURNING id`,
      [jersey.id],
    ),
  )
  return row.id
}

async function jerseyReview(app: TestApp): Promise<string> {
  const jersey = await app.partnership('jersey')
  const row = await app.db.tenant({ partnershipId: jersey.id, userId: null }, (sql) =>
    sql.one<{ id: string }>(
      `INSERT INTO reviews (partnership_id, type, reference, title, status, notified_on, decision, decision_on, decision_reason)
       VALUES ($1, 'cspr', $2, 'Child J', 'published', '2026-01-05', 'review', '2026-01-20', 'Criteria met') RETURNING id`,
      [jersey.id, `JSY-${Math.random().toString(36).slice(2, 10)}`],
    ),
  )
  return row.id
}

async function jerseyFinding(app: TestApp): Promise<string> {
  const jersey = await app.partnership('jersey')
  const reviewId = await jerseyReview(app)
  const row = await app.db.tenant({ partnershipId: jersey.id, userId: null }, (sql) =>
    sql.one<{ id: string }>(
      `INSERT INTO findings (partnership_id, review_id, text) VALUES ($1, $2, 'Jersey learning') RETURNING id`,
      [jersey.id, reviewId],
    ),
  )
  return row.id
}

async function jerseyRecommendation(app: TestApp): Promise<string> {
  const jersey = await app.partnership('jersey')
  const reviewId = await jerseyReview(app)
  const row = await app.db.tenant({ partnershipId: jersey.id, userId: null }, (sql) =>
    sql.one<{ id: string }>(
      `INSERT INTO recommendations (partnership_id, review_id, text, addressed_to, response, responded_at)
       VALUES ($1, $2, 'Jersey recommendation', 'partnership', 'accepted', now()) RETURNING id`,
      [jersey.id, reviewId],
    ),
  )
  return row.id
}

async function jerseyLearningProduct(app: TestApp): Promise<string> {
  const jersey = await app.partnership('jersey')
  const product = await aLearningProduct(app.db, jersey.id, { title: 'Jersey briefing' })
  return product.id
}

async function jerseyNewsletter(app: TestApp): Promise<string> {
  const jersey = await app.partnership('jersey')
  return app.services.newsletters.create(systemContext(jersey, 'test'), {
    title: 'Jersey newsletter',
    introduction: '',
    body: 'For Jersey',
    productIds: [],
    allSubscribers: true,
    themeIds: [],
  })
}

/** One agency's return in a self-assessment round in Jersey, submitted. */
async function jerseyQaReturn(app: TestApp): Promise<string> {
  const jersey = await app.partnership('jersey')
  const round = await aQaRound(app.db, jersey.id, { returns: [{ agencyId: await jerseyAgency(app) }] })
  return round.returns[0]?.id as string
}

async function jerseyAuditReturn(app: TestApp): Promise<string> {
  const jersey = await app.partnership('jersey')
  const template = await anAuditTemplate(app.db, jersey.id, { title: 'Jersey section 11 (returns)' })
  const cycle = await anAuditCycle(app.db, jersey.id, {
    versionId: template.versionId,
    returns: [{ agencyId: await jerseyAgency(app), status: 'in_progress' }],
  })
  return cycle.returns[0]?.id as string
}
/** A Jersey audit cycle with one submitted return, for the review, challenge and results routes. */
async function jerseyAuditCycleForResults(app: TestApp): Promise<{ id: string; returnId: string }> {
  const jersey = await app.partnership('jersey')
  const template = await anAuditTemplate(app.db, jersey.id)
  const cycle = await anAuditCycle(app.db, jersey.id, {
    versionId: template.versionId,
    returns: [{ agencyId: await jerseyAgency(app) }],
  })
  return { id: cycle.id, returnId: cycle.returns[0]?.id as string }
}
const jerseyResultsCycle = async (app: TestApp) => (await jerseyAuditCycleForResults(app)).id
const jerseyReviewedReturn = async (app: TestApp) => (await jerseyAuditCycleForResults(app)).returnId

async function jerseyKnowledgeAudit(app: TestApp): Promise<string> {
  const jersey = await app.partnership('jersey')
  const productId = await jerseyLearningProduct(app)
  const row = await app.db.tenant({ partnershipId: jersey.id, userId: null }, async (sql) => {
    const audit = await sql.one<{ id: string }>(
      `INSERT INTO knowledge_audits (partnership_id, title, closes_on, sample_size)
       VALUES ($1, 'Jersey knowledge audit', '2027-01-31', 5) RETURNING id`,
      [jersey.id],
    )
    await sql.query(
      'INSERT INTO knowledge_audit_products (partnership_id, audit_id, product_id) VALUES ($1, $2, $3)',
      [jersey.id, audit.id, productId],
    )
    await sql.query(
      `INSERT INTO knowledge_audit_questions (partnership_id, audit_id, position, text, kind, options)
       VALUES ($1, $2, 1, 'Who do you tell?', 'single', '[{"text":"The lead","correct":true},{"text":"No one","correct":false}]')`,
      [jersey.id, audit.id],
    )
    return audit
  })
  return row.id
}

async function jerseyStandardsVersion(app: TestApp): Promise<string> {
  const jersey = await app.partnership('jersey')
  const version = await app.services.qaStandards.current(systemContext(jersey, 'test'))
  if (!version) throw new Error('The demo loads the standards')
  return version.id
}

async function jerseyAction(app: TestApp): Promise<string> {
  const jersey = await app.partnership('jersey')
  const [recommendationId, agencyId] = [await jerseyRecommendation(app), await jerseyAgency(app)]
  const row = await app.db.tenant({ partnershipId: jersey.id, userId: null }, (sql) =>
    sql.one<{ id: string }>(
      `INSERT INTO actions (partnership_id, review_id, recommendation_id, description, owning_agency_id, owner_user_id,
         success_measure, due_on, original_due_on)
       SELECT $1, r.review_id, r.id, 'Jersey action', $3, u.id, 'Audit', '2027-01-01', '2027-01-01'
         FROM recommendations r, users u WHERE r.id = $2 AND u.email = 'admin@jersey.example.org' RETURNING id`,
      [jersey.id, recommendationId, agencyId],
    ),
  )
  return row.id
}

async function jerseyQaRound(app: TestApp): Promise<string> {
  const jersey = await app.partnership('jersey')
  const round = await aQaRound(app.db, jersey.id, { returns: [{ agencyId: await jerseyAgency(app) }] })
  return round.id
}

async function jerseyObservation(app: TestApp): Promise<string> {
  const jersey = await app.partnership('jersey')
  const round = await aQaRound(app.db, jersey.id, { returns: [{ agencyId: await jerseyAgency(app) }] })
  const row = await app.db.tenant({ partnershipId: jersey.id, userId: null }, async (sql) => {
    const pick = await sql.one<{ id: string }>(
      `INSERT INTO qa_picks (partnership_id, round_id, course_id, kind, position, reason)
       VALUES ($1, $2, $3, 'added', 1, 'Jersey pick') RETURNING id`,
      [jersey.id, round.id, round.returns[0]?.courseIds[0]],
    )
    return sql.one<{ id: string }>(
      `INSERT INTO observations (partnership_id, pick_id, version_id, observer_name, observed_on, strengths, areas_to_develop, grade)
       VALUES ($1, $2, $3, 'Jersey observer', '2026-11-20', 'Clear', 'Pace', 'good') RETURNING id`,
      [jersey.id, pick.id, round.versionId],
    )
  })
  return row.id
}

async function jerseyAuditTemplate(app: TestApp): Promise<string> {
  const jersey = await app.partnership('jersey')
  return (await anAuditTemplate(app.db, jersey.id, { title: 'Jersey audit template' })).templateId
}

async function jerseyAuditCycle(app: TestApp): Promise<string> {
  const jersey = await app.partnership('jersey')
  const { versionId } = await anAuditTemplate(app.db, jersey.id, { title: 'Jersey cycle template' })
  const cycle = await anAuditCycle(app.db, jersey.id, {
    versionId,
    returns: [{ agencyId: await jerseyAgency(app), status: 'not_started' }],
  })
  return cycle.id
}

/** A case audit of Jersey's, written straight to its table: enough to be refused by id. */
async function jerseyCaseAudit(app: TestApp): Promise<string> {
  const jersey = await app.partnership('jersey')
  const row = await app.db.tenant({ partnershipId: jersey.id, userId: null }, async (sql) => {
    await sql.auditAs('test')
    return sql.one<{ id: string }>(
      `INSERT INTO case_audits (partnership_id, title, theme_id, due_on)
       SELECT $1, 'Jersey neglect audit', id, '2027-02-26' FROM themes ORDER BY name LIMIT 1 RETURNING id`,
      [jersey.id],
    )
  })
  return row.id
}

/** A pathway of Jersey's with one requirement, written straight to its tables. */
async function jerseyPathway(app: TestApp): Promise<string> {
  const jersey = await app.partnership('jersey')
  return app.db.tenant({ partnershipId: jersey.id, userId: null }, async (sql) => {
    await sql.auditAs('test')
    const existing = await sql.maybeOne<{ id: string }>(
      "SELECT id FROM pathways WHERE title = 'Jersey universal'",
    )
    if (existing) return existing.id
    const pathway = await sql.one<{ id: string }>(
      `INSERT INTO pathways (partnership_id, title, audience) VALUES ($1, 'Jersey universal', 'Everyone') RETURNING id`,
      [jersey.id],
    )
    await sql.query(
      `INSERT INTO pathway_requirements (partnership_id, pathway_id, position, title, required, refresher_months)
       VALUES ($1, $2, 1, 'Safeguarding basics', true, 36)`,
      [jersey.id, pathway.id],
    )
    return pathway.id
  })
}

/** Learning evidence of a Jersey person's, waiting for their lead. */
async function jerseyEvidence(app: TestApp): Promise<string> {
  const jersey = await app.partnership('jersey')
  const personId = await jerseyPerson(app)
  const row = await app.db.tenant({ partnershipId: jersey.id, userId: null }, async (sql) => {
    await sql.auditAs('test')
    return sql.one<{ id: string }>(
      `INSERT INTO learning_evidence (partnership_id, person_id, kind, title, provider, completed_on, minutes,
                                      file_name, file_type, file_bytes)
       VALUES ($1, $2, 'e_learning', 'Jersey e-learning', 'Health and Community Services', '2026-06-01', 90,
               'certificate.pdf', 'application/pdf', '\\x255044462d')
       RETURNING id`,
      [jersey.id, personId],
    )
  })
  return row.id
}

/** Jersey's recognition of a Norfolk course for its own requirement. */
async function jerseyRecognition(app: TestApp): Promise<string> {
  const jersey = await app.partnership('jersey')
  const norfolk = await app.partnership('norfolk')
  const pathwayId = await jerseyPathway(app)
  const course = await app.db.tenant({ partnershipId: norfolk.id, userId: null }, (sql) =>
    sql.one<{ id: string; title: string }>(
      "SELECT id, title FROM courses WHERE status = 'published' LIMIT 1",
    ),
  )
  const row = await app.db.tenant({ partnershipId: jersey.id, userId: null }, async (sql) => {
    await sql.auditAs('test')
    return sql.one<{ id: string }>(
      `INSERT INTO recognitions (partnership_id, recognised_partnership_id, recognised_course_id, recognised_course_title, requirement_id)
       SELECT $1, $2, $3, $4, id FROM pathway_requirements WHERE pathway_id = $5
       ON CONFLICT (requirement_id, recognised_course_id) DO UPDATE SET recognised_course_title = EXCLUDED.recognised_course_title
       RETURNING id`,
      [jersey.id, norfolk.id, course.id, course.title, pathwayId],
    )
  })
  return row.id
}

const otherTenantRecords: Record<string, (app: TestApp) => Promise<string>> = {
  '/api/v1/pathways/:id': jerseyPathway,
  '/agencies/:id/evidence/import': jerseyAgency,
  '/people/:id/training/record.pdf': jerseyPerson,
  '/people/:id/training/record.csv': jerseyPerson,
  '/api/v1/people/:id/pathway': jerseyPerson,
  '/api/v1/people/:id/compliance': jerseyPerson,
  '/api/v1/people/:id/evidence': jerseyPerson,
  '/api/v1/people/:id/evidence/by-code': jerseyPerson,
  '/api/v1/evidence/:id/verify': jerseyEvidence,
  '/evidence/:id': jerseyEvidence,
  '/evidence/:id/file': jerseyEvidence,
  '/people/:id/training': jerseyPerson,
  '/people/:id/training/evidence/new': jerseyPerson,
  '/api/v1/recognitions/:id': jerseyRecognition,
  '/pathways/:id': jerseyPathway,
  '/pathways/:id/change': jerseyPathway,
  '/pathways/recognitions/:id/remove': jerseyRecognition,
  '/audits/templates/:id': jerseyAuditTemplate,
  '/audits/templates/:id/change': jerseyAuditTemplate,
  '/audits/templates/:id/versions/:versionId': jerseyAuditTemplate,
  '/audits/cycles/:id': jerseyAuditCycle,
  '/audits/cycles/:id/people': jerseyAuditCycle,
  '/audits/cycles/:id/close': jerseyAuditCycle,
  '/api/v1/audit-cycles/:id/returns': jerseyAuditCycle,
  '/api/v1/reviews/:id': jerseyReview,
  '/api/v1/reviews/:id/findings': jerseyReview,
  '/api/v1/reviews/:id/recommendations': jerseyReview,
  '/api/v1/recommendations/:id': jerseyRecommendation,
  '/reviews/:id': jerseyReview,
  '/reviews/:id/edit': jerseyReview,
  '/reviews/:id/status': jerseyReview,
  '/reviews/:id/findings/new': jerseyReview,
  '/reviews/:id/recommendations/new': jerseyReview,
  '/recommendations/:id/response': jerseyRecommendation,
  '/reviews/:id/dissemination': jerseyReview,
  '/reviews/:id/dissemination.csv': jerseyReview,
  '/learning/:id/dissemination': jerseyLearningProduct,
  '/learning/:id/dissemination.csv': jerseyLearningProduct,
  '/learning/:id/dissemination/send': jerseyLearningProduct,
  '/learning/:id/dissemination/:agencyId': jerseyLearningProduct,
  '/learning/:id/dissemination/:agencyId/acknowledge': jerseyLearningProduct,
  '/learning/:id/dissemination/:agencyId/staff-links': jerseyLearningProduct,
  '/learning/:id/dissemination/:agencyId/evidence/:fileId': jerseyLearningProduct,
  '/learning/:id/confirm': jerseyLearningProduct,
  '/api/v1/learning-products/:id/dissemination': jerseyLearningProduct,
  '/api/v1/recommendations/:id/actions': jerseyRecommendation,
  '/api/v1/actions/:id': jerseyAction,
  '/api/v1/actions/:id/updates': jerseyAction,
  '/api/v1/actions/:id/extend': jerseyAction,
  '/api/v1/actions/:id/verify': jerseyAction,
  '/actions/:id': jerseyAction,
  '/actions/:id/updates': jerseyAction,
  '/actions/:id/extend': jerseyAction,
  '/actions/:id/verify': jerseyAction,
  '/actions/:id/evidence/:fileId': jerseyAction,
  '/recommendations/:id/actions/new': jerseyRecommendation,
  '/api-tokens/:id/revoke': jerseyApiToken,
  '/identity-providers/:id': jerseyIdentityProvider,
  '/identity-providers/:id/remove': jerseyIdentityProvider,
  '/api/v1/identity-providers/:id': jerseyIdentityProvider,
  '/knowledge-audits/:id': jerseyKnowledgeAudit,
  '/quality/standards/versions/:id': jerseyStandardsVersion,
  '/knowledge-audits/:id/edit': jerseyKnowledgeAudit,
  '/knowledge-audits/:id/questions': jerseyKnowledgeAudit,
  '/knowledge-audits/:id/questions/:questionId/remove': jerseyKnowledgeAudit,
  '/knowledge-audits/:id/send': jerseyKnowledgeAudit,
  '/knowledge-audits/:id/results': jerseyKnowledgeAudit,
  '/knowledge-audits/:id/invitations/:invitationId': jerseyKnowledgeAudit,
  '/api/v1/knowledge-audits/:id': jerseyKnowledgeAudit,
  '/api/v1/knowledge-audits/:id/send': jerseyKnowledgeAudit,
  '/api/v1/knowledge-audits/:id/results': jerseyKnowledgeAudit,
  '/quality/rounds/:id/draw': jerseyQaRound,
  '/quality/rounds/:id/picks': jerseyQaRound,
  '/quality/rounds/:id/picks/:pickId/set-aside': jerseyQaRound,
  '/api/v1/qa/rounds/:id/draw': jerseyQaRound,
  '/quality/observations/:id': jerseyObservation,
  '/quality/observations/:id/response': jerseyObservation,
  '/api/v1/observations/:id': jerseyObservation,
  '/api/v1/courses/:id/impact': jerseyCourse,
  '/quality/rounds/:id': jerseyQaRound,
  '/api/v1/qa/rounds/:id/returns': jerseyQaRound,
  '/quality/returns/:id': jerseyQaReturn,
  '/audits/returns/:id/review': jerseyReviewedReturn,
  '/audits/returns/:id/action-plan': jerseyReviewedReturn,
  '/audits/cycles/:id/challenge': jerseyResultsCycle,
  '/api/v1/audit-returns/:id/review': jerseyReviewedReturn,
  '/api/v1/audit-returns/:id/action-plan': jerseyReviewedReturn,
  '/api/v1/audit-returns/:id/action-plan/actions': jerseyReviewedReturn,
  '/api/v1/audit-cycles/:id/challenge': jerseyResultsCycle,
  '/api/v1/audit-cycles/:id/challenge-events': jerseyResultsCycle,
  '/audits/cycles/:id/results': jerseyResultsCycle,
  '/audits/cycles/:id/results.csv': jerseyResultsCycle,
  '/audits/cycles/:id/report': jerseyResultsCycle,
  '/audits/cycles/:id/report.pdf': jerseyResultsCycle,
  '/api/v1/audit-cycles/:id/results': jerseyResultsCycle,
  '/quality/returns/:id/courses': jerseyQaReturn,
  '/quality/returns/:id/courses/:courseId': jerseyQaReturn,
  '/quality/returns/:id/courses/:courseId/remove': jerseyQaReturn,
  '/quality/returns/:id/courses/:courseId/files': jerseyQaReturn,
  '/quality/returns/:id/files/:fileId': jerseyQaReturn,
  '/quality/returns/:id/files/:fileId/remove': jerseyQaReturn,
  '/quality/returns/:id/carry-forward': jerseyQaReturn,
  '/quality/returns/:id/check': jerseyQaReturn,
  '/quality/returns/:id/submit': jerseyQaReturn,
  '/quality/returns/:id/review': jerseyQaReturn,
  '/api/v1/qa/returns/:id': jerseyQaReturn,
  '/api/v1/qa/returns/:id/submit': jerseyQaReturn,
  '/api/v1/qa/returns/:id/review': jerseyQaReturn,
  '/questionnaires/:id': jerseyQuestionnaire,
  '/questionnaires/:id/questions': jerseyQuestionnaire,
  '/questionnaires/:id/questions/:questionId/remove': jerseyQuestionnaire,
  '/questionnaires/:id/publish': jerseyQuestionnaire,
  '/surveys/:id': jerseySurvey,
  '/telephone/:id': jerseyTelephoneSample,
  '/telephone/:id/calls/:callId': jerseyTelephoneSample,
  '/api/v1/agencies/:id': jerseyAgency,
  '/api/v1/agencies/:id/digest': jerseyAgency,
  '/api/v1/people/:id': jerseyPerson,
  '/api/v1/people/:id/export': jerseyPerson,
  '/api/v1/people/:id/erasure': jerseyPerson,
  '/people/:id/data-requests': jerseyPerson,
  '/people/:id/data-requests/export': jerseyPerson,
  '/people/:id/erasure': jerseyPerson,
  '/api/v1/courses/:id': jerseyCourse,
  '/api/v1/sessions/:id': jerseySession,
  '/api/v1/needs/:id': jerseyNeed,
  '/findings/:id': jerseyFinding,
  '/api/v1/findings/:id': jerseyFinding,
  '/api/v1/needs/:id/proposal': jerseyNeed,
  '/api/v1/needs/:id/decision': jerseyNeed,
  '/needs/:id': jerseyNeed,
  '/needs/:id/proposal': jerseyNeed,
  '/needs/:id/decision': jerseyNeed,
  '/courses/:id': jerseyCourse,
  '/courses/:id/edit': jerseyCourse,
  '/courses/:id/learning': jerseyCourse,
  '/courses/:id/learning/:linkId/remove': jerseyCourse,
  '/learning/:id': jerseyLearningProduct,
  '/learning/:id/edit': jerseyLearningProduct,
  '/learning/:id/status': jerseyLearningProduct,
  '/learning/:id/files': jerseyLearningProduct,
  '/learning/:id/files/:fileId': jerseyLearningProduct,
  '/learning/:id/files/:fileId/remove': jerseyLearningProduct,
  '/api/v1/learning-products/:id': jerseyLearningProduct,
  '/api/v1/learning-products/:id/files': jerseyLearningProduct,
  '/learning/newsletters/:id': jerseyNewsletter,
  '/learning/newsletters/:id/edit': jerseyNewsletter,
  '/learning/newsletters/:id/send': jerseyNewsletter,
  '/courses/:id/publish': jerseyCourse,
  '/courses/:id/sessions/new': jerseyCourse,
  '/sessions/:id': jerseySession,
  '/sessions/:id/edit': jerseySession,
  '/sessions/:id/cancel': jerseySession,
  '/sessions/:id/run-below-minimum': jerseySession,
  '/api/v1/sessions/:id/applications': jerseySession,
  '/api/v1/sessions/:id/shortlist': jerseySession,
  '/api/v1/sessions/:id/allocation': jerseySession,
  '/api/v1/bookings/:id': jerseyApplication,
  '/api/v1/bookings/:id/cancel': jerseyApplication,
  '/api/v1/bookings/:id/substitute': jerseyApplication,
  '/api/v1/bookings/:id/accept': jerseyApplication,
  '/api/v1/applications/:id/move': jerseyApplication,
  '/api/v1/applications/:id/waiting-position': jerseyApplication,
  '/api/v1/applications/:id/approve': jerseyApplication,
  '/bookings/:id/approve': jerseyApplication,
  '/sessions/:id/apply': jerseySession,
  '/sessions/:id/places': jerseySession,
  '/sessions/:id/places/propose': jerseySession,
  '/sessions/:id/places/confirm': jerseySession,
  '/sessions/:id/places/move': jerseySession,
  '/sessions/:id/places/reorder': jerseySession,
  '/bookings/:id': jerseyApplication,
  '/bookings/:id/accept': jerseyApplication,
  '/bookings/:id/cancel': jerseyApplication,
  '/bookings/:id/substitute': jerseyApplication,
  '/bookings/:id/move': jerseyApplication,
  '/api/v1/sessions/:id/register': jerseySession,
  '/api/v1/people/:id/certificates': jerseyPerson,
  '/sessions/:id/register': jerseySession,
  '/sessions/:id/register/walk-in': jerseySession,
  '/certificates/:id': jerseyCertificate,
  '/sessions/:id/concerns/new': jerseySession,
  '/complaints/:id': jerseyComplaint,
  '/api/v1/evaluations/:id': jerseyQuestionnaire,
  '/api/v1/evaluations/:id/publish': jerseyQuestionnaire,
  '/api/v1/evaluations/:id/responses': jerseyQuestionnaire,
  '/charges/:id/waive': jerseyCharge,
  '/charges/:id/credit': jerseyCharge,
  '/invoices/:id': jerseyInvoice,
  '/invoices/:id/pdf': jerseyInvoice,
  '/invoices/:id/csv': jerseyInvoice,
  '/api/v1/charges/:id/waive': jerseyCharge,
  '/api/v1/charges/:id/credit': jerseyCharge,
  '/api/v1/invoices/:id': jerseyInvoice,
  '/api/v1/invoices/:id/pdf': jerseyInvoice,
  '/api/v1/invoices/:id/csv': jerseyInvoice,
  '/api/v1/trainers/:id': jerseyTrainerApproval,
  '/trainers/:id': jerseyTrainerApproval,
  '/trainers/people/:personId': jerseyTrainerPerson,
  '/trainers/people/:personId/cpd': jerseyTrainerPerson,
  '/api/v1/trainers/:id/cpd': jerseyTrainerApproval,
  '/trainers/:id/withdraw': jerseyTrainerApproval,
  '/courses/:id/interest': jerseyCourse,
  '/api/v1/contracts/:id': jerseyContract,
  '/contracts/:id': jerseyContract,
  '/contracts/:id/edit': jerseyContract,
  '/agencies/:id': jerseyAgency,
  '/agencies/:id/edit': jerseyAgency,
  '/agencies/:id/compliance': jerseyAgency,
  '/agencies/:id/compliance.csv': jerseyAgency,
  '/agencies/:id/pathways': jerseyAgency,
  '/agencies/:id/pathways/by-role': jerseyAgency,
  '/agencies/:id/digest': jerseyAgency,
  '/people/:id': jerseyPerson,
  '/people/:id/edit': jerseyPerson,
  '/people/:id/second-factor/reset': jerseyPerson,
  '/people/:id/pathway': jerseyPerson,
  '/people/import/:id': jerseyImport,
  '/people/import/:id/columns': jerseyImport,
  '/people/import/:id/preview': jerseyImport,
  '/people/import/:id/problems.csv': jerseyImport,
  '/people/:id/merge': jerseyPerson,
  '/registrations/:id/confirm': jerseyPerson,
  '/registrations/:id/reject': jerseyPerson,
  '/audits/returns/:id': jerseyAuditReturn,
  '/audits/returns/:id/carry-forward': jerseyAuditReturn,
  '/audits/returns/:id/contributors': jerseyAuditReturn,
  '/audits/returns/:id/contributors/:userId/remove': jerseyAuditReturn,
  '/audits/returns/:id/standards/:standardId': jerseyAuditReturn,
  '/audits/returns/:id/standards/:standardId/files': jerseyAuditReturn,
  '/audits/returns/:id/files/:fileId': jerseyAuditReturn,
  '/audits/returns/:id/files/:fileId/remove': jerseyAuditReturn,
  '/audits/returns/:id/submit': jerseyAuditReturn,
  '/api/v1/audit-returns/:id': jerseyAuditReturn,
  '/api/v1/audit-returns/:id/answers/:standardId': jerseyAuditReturn,
  '/api/v1/audit-returns/:id/submit': jerseyAuditReturn,
  '/audits/case-audits/:id': jerseyCaseAudit,
  '/audits/case-audits/:id/cases': jerseyCaseAudit,
  '/audits/case-audits/:id/send': jerseyCaseAudit,
  '/audits/case-audits/:id/to-panel': jerseyCaseAudit,
  '/audits/case-audits/:id/conclude': jerseyCaseAudit,
  '/audits/case-audits/:id/cases/:caseId': jerseyCaseAudit,
  '/audits/case-audits/:id/cases/:caseId/references': jerseyCaseAudit,
  '/audits/case-audits/:id/cases/:caseId/answers': jerseyCaseAudit,
  '/audits/case-audits/:id/cases/:caseId/grade': jerseyCaseAudit,
  '/audits/case-audits/:id/cases/:caseId/escalations': jerseyCaseAudit,
  '/audits/case-audits/:id/panel': jerseyCaseAudit,
  '/audits/case-audits/:id/findings': jerseyCaseAudit,
  '/audits/case-audits/:id/findings/:findingId/recommendations': jerseyCaseAudit,
  '/audits/case-audits/:id/recommendations/:recommendationId/actions': jerseyCaseAudit,
  '/audits/case-audits/:id/escalations/:escalationId': jerseyCaseAudit,
  '/api/v1/case-audits/:id': jerseyCaseAudit,
  '/api/v1/case-audits/:id/cases': jerseyCaseAudit,
  '/api/v1/case-audits/:id/cases/:caseId/escalations': jerseyCaseAudit,
  '/api/v1/case-audits/:id/send': jerseyCaseAudit,
  '/api/v1/case-audits/:id/cases/:caseId/answers': jerseyCaseAudit,
  '/api/v1/case-audits/:id/to-panel': jerseyCaseAudit,
  '/api/v1/case-audits/:id/panel': jerseyCaseAudit,
  '/api/v1/case-audits/:id/cases/:caseId/grade': jerseyCaseAudit,
  '/api/v1/case-audits/:id/findings': jerseyCaseAudit,
  '/api/v1/case-audits/:id/findings/:findingId/recommendations': jerseyCaseAudit,
  '/api/v1/case-audits/:id/recommendations/:recommendationId/actions': jerseyCaseAudit,
  '/api/v1/case-audits/:id/conclude': jerseyCaseAudit,
  '/api/v1/case-audits/:id/escalations/:escalationId/acknowledgement': jerseyCaseAudit,
}

/** A valid body for each API route that changes or adds to a record, so only the record decides the answer. */
const validChanges: Record<string, object> = {
  '/api/v1/identity-providers/:id': { name: 'Changed' },
  '/api/v1/pathways/:id': { summary: 'Changed' },
  '/api/v1/people/:id/pathway': { pathwayId: null },
  '/api/v1/people/:id/erasure': { reason: 'The person asked to be erased' },
  '/api/v1/people/:id/evidence': {
    kind: 'e_learning',
    title: 'Safeguarding e-learning',
    provider: 'A trust',
    completedOn: '2026-06-01',
    hours: 2,
  },
  '/api/v1/people/:id/evidence/by-code': { code: 'ABCD-EFGH-JKLM' },
  '/api/v1/evidence/:id/verify': {},
  '/api/v1/reviews/:id': { summary: 'Changed' },
  '/api/v1/audit-returns/:id/answers/:standardId': { rating: 'good', narrative: 'Changed', version: 1 },
  '/api/v1/case-audits/:id/cases': {
    references: [{ agencyId: '00000000-0000-4000-8000-000000000001', reference: 'CH-20931' }],
  },
  '/api/v1/case-audits/:id/cases/:caseId/escalations': { reason: 'Current risk' },
  '/api/v1/case-audits/:id/send': {},
  '/api/v1/case-audits/:id/cases/:caseId/answers': {
    agencyId: '00000000-0000-4000-8000-000000000001',
    answers: [],
  },
  '/api/v1/case-audits/:id/to-panel': {},
  '/api/v1/case-audits/:id/panel': { panelOn: '2026-11-01', attendees: 'The panel', summary: 'A summary' },
  '/api/v1/case-audits/:id/cases/:caseId/grade': { grade: 'good', learning: 'The learning' },
  '/api/v1/case-audits/:id/findings': { text: 'A finding' },
  '/api/v1/case-audits/:id/findings/:findingId/recommendations': {
    text: 'A recommendation',
    addressedTo: 'partnership',
  },
  '/api/v1/case-audits/:id/recommendations/:recommendationId/actions': {
    description: 'An action',
    owningAgencyId: '00000000-0000-4000-8000-000000000001',
    ownerEmail: 'admin@norfolk.example.org',
    successMeasure: 'An audit',
    dueOn: '2027-01-01',
  },
  '/api/v1/case-audits/:id/conclude': {},
  '/api/v1/case-audits/:id/escalations/:escalationId/acknowledgement': {
    agencyId: '00000000-0000-4000-8000-000000000001',
    note: 'Acted',
  },
  '/api/v1/audit-returns/:id/review': { answers: [] },
  '/api/v1/audit-returns/:id/action-plan/actions': {
    standardId: '00000000-0000-4000-8000-000000000001',
    description: 'An action',
    successMeasure: 'An audit',
    dueOn: '2027-01-01',
    ownerUserId: '00000000-0000-4000-8000-000000000001',
  },
  '/api/v1/audit-cycles/:id/challenge-events': {
    heldOn: '2026-11-01',
    attendees: 'The panel',
    returnIds: ['00000000-0000-4000-8000-000000000001'],
  },
  '/api/v1/learning-products/:id': { title: 'Renamed' },
  '/api/v1/reviews/:id/findings': { text: 'A finding', themes: [] },
  '/api/v1/reviews/:id/recommendations': { text: 'A recommendation', addressedTo: 'partnership' },
  '/api/v1/recommendations/:id': { response: 'accepted' },
  '/api/v1/recommendations/:id/actions': {
    description: 'An action',
    owningAgencyId: '00000000-0000-4000-8000-000000000001',
    ownerEmail: 'admin@norfolk.example.org',
    successMeasure: 'An audit',
    dueOn: '2027-01-01',
  },
  '/api/v1/actions/:id/updates': { note: 'Progress' },
  '/api/v1/actions/:id/extend': { dueOn: '2028-01-01', reason: 'A reason' },
  '/api/v1/actions/:id/verify': { note: 'Checked' },
  '/api/v1/knowledge-audits/:id/send': {},
  '/api/v1/qa/returns/:id': { courses: [{ title: 'Safeguarding induction', ratings: [] }] },
  '/api/v1/qa/returns/:id/review': { outcome: 'assured', summary: 'Well evidenced' },
  '/api/v1/qa/rounds/:id/draw': {},
  '/api/v1/agencies/:id': { name: 'Renamed' },
  '/api/v1/learning-products/:id/dissemination': {
    agencyId: '00000000-0000-4000-8000-000000000001',
    how: 'team_meeting',
    on: '2026-11-20',
    staffReached: 10,
    note: 'Agenda item',
  },
  '/api/v1/people/:id': { role: 'Renamed' },
  '/api/v1/courses/:id': { title: 'Renamed' },
  '/api/v1/sessions/:id': { capacity: 10 },
  '/api/v1/trainers/:id': { cpdCompletedOn: '2026-06-01' },
  '/api/v1/trainers/:id/cpd': { activities: 'Reading', hours: 2, deliveryUpdates: 'Slides' },
  '/api/v1/sessions/:id/applications': {
    personId: '00000000-0000-4000-8000-000000000001',
    managerEmail: 'manager@example.org',
  },
  '/api/v1/needs/:id/proposal': {
    recommendedMethod: 'briefing',
    estimatedDeliveryDays: 0.5,
    estimatedCostPence: 0,
    financialYear: 2027,
  },
  '/api/v1/needs/:id/decision': { decision: 'decline', reason: 'Not ours to decide' },
  '/api/v1/contracts/:id': { providerName: 'Renamed' },
  '/api/v1/sessions/:id/shortlist': {},
  '/api/v1/bookings/:id/cancel': {},
  '/api/v1/bookings/:id/substitute': { personId: '00000000-0000-4000-8000-000000000001' },
  '/api/v1/applications/:id/move': { sessionId: '00000000-0000-4000-8000-000000000001' },
  '/api/v1/applications/:id/waiting-position': { position: 1, reason: 'A reason' },
  '/api/v1/evaluations/:id/responses': {
    bookingId: '00000000-0000-4000-8000-000000000001',
    stage: 'after_course',
    answers: { useful: 5 },
  },
  '/api/v1/charges/:id/waive': { reason: 'A reason' },
  '/api/v1/charges/:id/credit': { reason: 'A reason' },
  '/api/v1/sessions/:id/register': {
    marks: [{ personId: '00000000-0000-4000-8000-000000000001', part: 1, mark: 'attended' }],
  },
}

/** Routes whose parameter is not a record of a partnership. */
// A partnership's slug is public: its registration page is for anyone.
// The public catalogue's course route is proved in the catalogue tests, under both slugs, and
// its register-interest form in the interest tests.
// A certificate's code is checked by anyone, from any partnership or none: that is its purpose,
// and what it shows is what the certificate itself says (proved in the register tests).
// An evaluation link is signed for its partnership and booking (proved in the link tests and
// the evaluation cycle), and a survey's link is its unguessable code under its partnership's
// slug (proved in the survey tests). A practitioner's link to confirm a learning product is signed
// for its partnership, product and person (proved in the dissemination tests). A knowledge audit's
// personal link is signed for its partnership and invitation (proved in the knowledge audit tests).
// A link to confirm a registration made with an account's address is sealed for its partnership
// (proved in the registration tests).
const notRecords = new Set([
  '/p/:slug/evaluate/:token',
  '/p/:slug/surveys/:code',
  '/p/:slug/learning/:id/confirm',
  '/p/:slug/knowledge-audits/:token',
  '/api/v1/certificates/:code',
  '/verify/:code',
  '/sign-in/link/:token',
  '/assets/*',
  '/p/:slug/register',
  '/p/:slug/register/join',
  '/p/:slug/courses',
  '/p/:slug/courses/:id',
  '/p/:slug/courses/:id/interest',
  // Public learning pages name the partnership first; learning/pages.test.ts shows another's product is 404.
  '/p/:slug/learning',
  '/p/:slug/learning/:id',
  '/p/:slug/learning/:id/files/:fileId',
  // Subscribing, confirming and leaving are by signed links made for their partnership; the
  // archive names the partnership first. newsletters.test.ts shows another's newsletter is 404
  // and a link signed for another partnership is refused.
  '/p/:slug/subscribe',
  '/p/:slug/subscribe/confirm',
  '/p/:slug/unsubscribe',
  '/p/:slug/newsletters',
  '/p/:slug/newsletters/:id',
  // The public "which training do I need?" finder names the partnership first; saving its result
  // is to the signed-in user's own record only (finder/pages.test.ts: another partnership's is 404).
  '/p/:slug/pathway',
  '/p/:slug/pathway/save',
  // A partnership's privacy notice and accessibility statement are public, named by its slug:
  // privacy/statements/statements.test.ts shows each partnership's page shows its own details.
  '/p/:slug/privacy',
  '/p/:slug/accessibility',
  // A report to the board is named by its period within the signed-in partnership, not by a
  // record's id: reports/board/board.test.ts shows another partnership's same period is its own.
  '/reports/:key/narrative',
  '/reports/:key/sign-off',
  '/reports/:key/correction',
  '/reports/:key.pdf',
  '/reports/:key.zip',
  '/reports/:key/versions/:version.pdf',
  '/reports/:key/tables/:table.csv',
  '/api/v1/reports/:id/sign-off',
  '/api/v1/reports/:id/narrative',
  '/api/v1/reports/:id/corrections',
  '/api/v1/reports/:id.pdf',
])

describe('one partnership never reaches another’s data through the app', () => {
  it('reads only its own policy through the API', async () => {
    expect((await api('GET', '/api/v1/policy', tokens.jersey)).json().rules.jurisdiction).toBe('jersey')
    expect((await api('GET', '/api/v1/policy', tokens.norfolk)).json().rules.jurisdiction).toBe(
      'england-and-wales',
    )
  })

  it('changes only its own policy through the API', async () => {
    const response = await api('PATCH', '/api/v1/policy', tokens.jersey, { cancellationNoticeDays: 10 })
    expect(response.statusCode).toBe(200)
    expect((await api('GET', '/api/v1/policy', tokens.jersey)).json().rules.cancellationNoticeDays).toBe(10)
    expect((await api('GET', '/api/v1/policy', tokens.norfolk)).json().rules.cancellationNoticeDays).toBe(7)
  })

  it('shows an admin only their own partnership’s audit trail', async () => {
    const norfolkAgencyIds = await t.db.tenant(
      { partnershipId: (await t.partnership('norfolk')).id, userId: null },
      (sql) => sql.query<{ id: string }>('SELECT id FROM agencies'),
    )
    const admin = await t.signIn('admin@jersey.example.org')
    const body = (await admin.get('/audit?entityType=agencies')).body
    expect(body).toMatch(/Jersey/)
    expect(body).not.toMatch(/Norfolk/)
    for (const { id } of norfolkAgencyIds) expect(body).not.toContain(id)
  })

  it('keeps an API token to the partnership it was made for', async () => {
    const norfolk = await t.partnership('norfolk')
    const jerseyAdmin = await t.db.anonymous({}, (sql) =>
      sql.one<{ id: string }>(`SELECT id FROM users WHERE email = 'admin@jersey.example.org'`),
    )
    // A token naming a partnership the user has no role in acts with no role there.
    const stray = await t.services.tokens.create({
      partnershipId: norfolk.id,
      userId: jerseyAdmin.id,
      name: 'stray',
    })
    expect((await api('GET', '/api/v1/policy', stray)).statusCode).toBe(403)
  })

  it('answers 404 for an unknown id and for another partnership’s record, on every route that takes an id', async () => {
    const idRoutes = t.app.declaredRoutes.filter((r) => r.url.includes(':') && !notRecords.has(r.url))
    const missing = idRoutes.filter((r) => !otherTenantRecords[r.url]).map((r) => `${r.method} ${r.url}`)
    expect(missing, 'routes taking an id without a cross-tenant fixture').toEqual([])
    // One sign-in for every page: signing in hashes a password, and there are hundreds of routes.
    const admin = await t.signIn('admin@norfolk.example.org')
    const made = new Map<(app: TestApp) => Promise<string>, string>()
    for (const route of idRoutes) {
      const make = otherTenantRecords[route.url]
      if (!make) continue
      // Each record is made once and tried on every route that takes it: every answer is 404, so none changes.
      const theirs = made.get(make) ?? (await make(t))
      made.set(make, theirs)
      for (const id of [theirs, '00000000-0000-4000-8000-000000000000']) {
        const url = route.url.replace(/:[A-Za-z]+/, id)
        const response = route.url.startsWith('/api/')
          ? await t.app.inject({
              method: route.method as 'GET' | 'PATCH' | 'POST',
              url,
              headers: { authorization: `Bearer ${tokens.norfolk}` },
              // A valid change, so only the record decides the answer.
              payload: route.method === 'GET' ? undefined : validChanges[route.url],
            })
          : route.method === 'GET'
            ? await admin.get(url)
            : await admin.submit(url, {}, { from: '/dashboard' })
        expect({ route: `${route.method} ${route.url}`, status: response.statusCode }).toEqual({
          route: `${route.method} ${route.url}`,
          status: 404,
        })
      }
    }
    // Hundreds of routes, on a shared machine: a generous limit, not a measure of speed.
  }, 180_000)
})
