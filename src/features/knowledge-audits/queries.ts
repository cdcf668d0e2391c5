import type { Sql } from '#platform/db/database.ts'
import type { AudienceAgency, Candidate } from './draw.ts'
import type { ResultAnswer, ResultInvitation, ResultQuestion } from './results.ts'
import type { QuestionKind, QuizOption } from './rules.ts'

export type AuditStatus = 'draft' | 'sent'

export type AuditSummary = {
  id: string
  title: string
  status: AuditStatus
  closesOn: string
  sampleSize: number
  sentAt: Date | null
  createdAt: Date
  productIds: string[]
  reviewIds: string[]
  questionCount: number
  invited: number
  answered: number
}

export type Audit = AuditSummary & {
  seed: string | null
  eligibleCount: number | null
  excludedCount: number | null
  audienceAgencyIds: string[] | null
  audienceReason: string | null
}

export type AuditQuestion = {
  id: string
  position: number
  text: string
  kind: QuestionKind
  options: QuizOption[]
}

const summaryColumns = `k.id, k.title, k.status, to_char(k.closes_on, 'YYYY-MM-DD') AS "closesOn",
  k.sample_size AS "sampleSize", k.sent_at AS "sentAt", k.created_at AS "createdAt",
  coalesce((SELECT array_agg(p.product_id ORDER BY p.product_id) FROM knowledge_audit_products p WHERE p.audit_id = k.id), '{}') AS "productIds",
  coalesce((SELECT array_agg(r.review_id ORDER BY r.review_id) FROM knowledge_audit_reviews r WHERE r.audit_id = k.id), '{}') AS "reviewIds",
  (SELECT count(*)::int FROM knowledge_audit_questions q WHERE q.audit_id = k.id) AS "questionCount",
  (SELECT count(*)::int FROM knowledge_audit_invitations i WHERE i.audit_id = k.id) AS invited,
  (SELECT count(*)::int FROM knowledge_audit_invitations i WHERE i.audit_id = k.id AND i.answered_at IS NOT NULL) AS answered`

const auditColumns = `${summaryColumns}, k.seed, k.eligible_count AS "eligibleCount", k.excluded_count AS "excludedCount",
  k.audience_agency_ids AS "audienceAgencyIds", k.audience_reason AS "audienceReason"`

/** The partnership's audits, newest first; only those sent when `sentOnly`. */
export function auditsOf(sql: Sql, sentOnly: boolean): Promise<AuditSummary[]> {
  return sql.query<AuditSummary>(
    `SELECT ${summaryColumns} FROM knowledge_audits k
      WHERE NOT $1::boolean OR k.status = 'sent'
      ORDER BY coalesce(k.sent_at, k.created_at) DESC, k.id`,
    [sentOnly],
  )
}

export function auditById(sql: Sql, id: string, forUpdate = false): Promise<Audit | undefined> {
  return sql.maybeOne<Audit>(
    `SELECT ${auditColumns} FROM knowledge_audits k WHERE k.id = $1${forUpdate ? ' FOR UPDATE OF k' : ''}`,
    [id],
  )
}

export function questionsOf(sql: Sql, auditId: string): Promise<AuditQuestion[]> {
  return sql.query<AuditQuestion>(
    `SELECT id, position, text, kind, options FROM knowledge_audit_questions WHERE audit_id = $1 ORDER BY position`,
    [auditId],
  )
}

export function insertAudit(
  sql: Sql,
  partnershipId: string,
  audit: { title: string; closesOn: string; sampleSize: number; createdBy: string | null },
): Promise<{ id: string }> {
  return sql.one<{ id: string }>(
    `INSERT INTO knowledge_audits (partnership_id, title, closes_on, sample_size, created_by)
     VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [partnershipId, audit.title, audit.closesOn, audit.sampleSize, audit.createdBy],
  )
}

export function updateDetails(
  sql: Sql,
  id: string,
  audit: { title: string; closesOn: string; sampleSize: number },
  now: Date,
): Promise<unknown> {
  return sql.query(
    `UPDATE knowledge_audits SET title = $2, closes_on = $3, sample_size = $4, updated_at = $5
      WHERE id = $1 AND status = 'draft'`,
    [id, audit.title, audit.closesOn, audit.sampleSize, now],
  )
}

/** Sets the learning an audit tests: its products and reviews, replacing what was there. */
export async function setLearning(
  sql: Sql,
  partnershipId: string,
  auditId: string,
  productIds: readonly string[],
  reviewIds: readonly string[],
): Promise<void> {
  await sql.query(
    'DELETE FROM knowledge_audit_products WHERE audit_id = $1 AND NOT (product_id = ANY($2::uuid[]))',
    [auditId, productIds],
  )
  await sql.query(
    `INSERT INTO knowledge_audit_products (partnership_id, audit_id, product_id)
     SELECT $1, $2, unnest($3::uuid[]) ON CONFLICT DO NOTHING`,
    [partnershipId, auditId, productIds],
  )
  await sql.query(
    'DELETE FROM knowledge_audit_reviews WHERE audit_id = $1 AND NOT (review_id = ANY($2::uuid[]))',
    [auditId, reviewIds],
  )
  await sql.query(
    `INSERT INTO knowledge_audit_reviews (partnership_id, audit_id, review_id)
     SELECT $1, $2, unnest($3::uuid[]) ON CONFLICT DO NOTHING`,
    [partnershipId, auditId, reviewIds],
  )
}

/** Adds questions after the last. */
export async function insertQuestions(
  sql: Sql,
  partnershipId: string,
  auditId: string,
  questions: readonly { text: string; kind: QuestionKind; options: QuizOption[] }[],
): Promise<void> {
  if (!questions.length) return
  await sql.query(
    `INSERT INTO knowledge_audit_questions (partnership_id, audit_id, position, text, kind, options)
     SELECT $1, $2, coalesce((SELECT max(position) FROM knowledge_audit_questions WHERE audit_id = $2), 0) + q.n,
            q.text, q.kind, q.options::jsonb
       FROM unnest($3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS q(text, kind, options, n)`,
    [
      partnershipId,
      auditId,
      questions.map((q) => q.text),
      questions.map((q) => q.kind),
      questions.map((q) => JSON.stringify(q.options.map((o) => ({ text: o.text, correct: o.correct })))),
    ],
  )
}

export function deleteQuestion(
  sql: Sql,
  auditId: string,
  questionId: string,
): Promise<{ id: string } | undefined> {
  return sql.maybeOne<{ id: string }>(
    'DELETE FROM knowledge_audit_questions WHERE id = $1 AND audit_id = $2 RETURNING id',
    [questionId, auditId],
  )
}

/** The partnership's agencies in use, as the audience rule reads them. */
export function audienceAgencies(sql: Sql): Promise<AudienceAgency[]> {
  return sql.query<AudienceAgency>(
    'SELECT id, name, sector, workforce FROM agencies WHERE NOT archived ORDER BY lower(name), id',
  )
}

/**
 * The practitioners of these agencies who may be asked: in the directory, active, not merged,
 * with an email; with the London date each was last invited to a knowledge audit (under this
 * record or one merged into it).
 */
export function candidatesOf(sql: Sql, agencyIds: readonly string[]): Promise<Candidate[]> {
  return sql.query<Candidate>(
    `SELECT p.id AS "personId", p.agency_id AS "agencyId",
            (SELECT to_char(max(i.invited_at AT TIME ZONE 'Europe/London'), 'YYYY-MM-DD')
               FROM knowledge_audit_invitations i JOIN people q ON q.id = i.person_id
              WHERE q.id = p.id OR q.merged_into = p.id) AS "lastInvitedOn"
       FROM people p
      WHERE p.agency_id = ANY($1::uuid[]) AND p.status = 'active' AND p.merged_into IS NULL
        AND btrim(p.email) <> ''
      ORDER BY p.id`,
    [agencyIds],
  )
}

export type Invitee = { invitationId: string; email: string; firstName: string }

/** Writes the invitations of a draw, in its order, and gives whom to email. */
export function insertInvitations(
  sql: Sql,
  partnershipId: string,
  auditId: string,
  chosen: readonly Candidate[],
  now: Date,
): Promise<Invitee[]> {
  return sql.query<Invitee>(
    `WITH added AS (
       INSERT INTO knowledge_audit_invitations (partnership_id, audit_id, person_id, agency_id, position, invited_at)
       SELECT $1, $2, c.person_id, c.agency_id, c.n, $5
         FROM unnest($3::uuid[], $4::uuid[]) WITH ORDINALITY AS c(person_id, agency_id, n)
       RETURNING id, person_id, position)
     SELECT a.id AS "invitationId", p.email, p.first_name AS "firstName"
       FROM added a JOIN people p ON p.id = a.person_id ORDER BY a.position`,
    [partnershipId, auditId, chosen.map((c) => c.personId), chosen.map((c) => c.agencyId), now],
  )
}

export function markSent(
  sql: Sql,
  id: string,
  sent: {
    seed: string
    eligibleCount: number
    excludedCount: number
    audienceAgencyIds: readonly string[]
    audienceReason: string
    sentBy: string | null
    now: Date
  },
): Promise<unknown> {
  return sql.query(
    `UPDATE knowledge_audits SET status = 'sent', seed = $2, eligible_count = $3, excluded_count = $4,
            audience_agency_ids = $5, audience_reason = $6, sent_by = $7, sent_at = $8, updated_at = $8
      WHERE id = $1 AND status = 'draft'`,
    [
      id,
      sent.seed,
      sent.eligibleCount,
      sent.excludedCount,
      sent.audienceAgencyIds,
      sent.audienceReason,
      sent.sentBy,
      sent.now,
    ],
  )
}

/** When the partnership last sent a knowledge audit, if ever. */
export async function lastSentAt(sql: Sql): Promise<Date | null> {
  const row = await sql.one<{ at: Date | null }>(
    `SELECT max(sent_at) AS at FROM knowledge_audits WHERE status = 'sent'`,
  )
  return row.at
}

export async function hasPublishedLearning(sql: Sql): Promise<boolean> {
  const row = await sql.one<{ any: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM learning_products WHERE status = 'published') AS any`,
  )
  return row.any
}

export type SampleRow = {
  id: string
  position: number
  personId: string
  name: string
  email: string
  agencyId: string
  agencyName: string
  invitedAt: Date
  remindedAt: Date | null
  answeredAt: Date | null
}

/** Who was drawn, in the order of the draw. */
export function sampleOf(sql: Sql, auditId: string): Promise<SampleRow[]> {
  return sql.query<SampleRow>(
    `SELECT i.id, i.position, p.id AS "personId", p.first_name || ' ' || p.last_name AS name, p.email,
            g.id AS "agencyId", g.name AS "agencyName", i.invited_at AS "invitedAt", i.reminded_at AS "remindedAt",
            i.answered_at AS "answeredAt"
       FROM knowledge_audit_invitations i JOIN people p ON p.id = i.person_id JOIN agencies g ON g.id = i.agency_id
      WHERE i.audit_id = $1 ORDER BY i.position`,
    [auditId],
  )
}

/** How many of the sample each agency has, and how many of them answered. */
export function sampleByAgency(
  sql: Sql,
  auditId: string,
): Promise<{ agencyId: string; agencyName: string; invited: number }[]> {
  return sql.query(
    `SELECT g.id AS "agencyId", g.name AS "agencyName", count(*)::int AS invited
       FROM knowledge_audit_invitations i JOIN agencies g ON g.id = i.agency_id
      WHERE i.audit_id = $1 GROUP BY g.id, g.name ORDER BY lower(g.name), g.id`,
    [auditId],
  )
}

export type InvitationForm = {
  id: string
  auditId: string
  title: string
  status: AuditStatus
  closesOn: string
  firstName: string
  answeredAt: Date | null
}

export function invitationForm(sql: Sql, invitationId: string): Promise<InvitationForm | undefined> {
  return sql.maybeOne<InvitationForm>(
    `SELECT i.id, k.id AS "auditId", k.title, k.status, to_char(k.closes_on, 'YYYY-MM-DD') AS "closesOn",
            p.first_name AS "firstName", i.answered_at AS "answeredAt"
       FROM knowledge_audit_invitations i JOIN knowledge_audits k ON k.id = i.audit_id
       JOIN people p ON p.id = i.person_id
      WHERE i.id = $1`,
    [invitationId],
  )
}

/**
 * Records an invitation's answers, once: the invitation is claimed as answered only if it was
 * not, in the statement that sets its score, so a second submission (in another tab, at the
 * same moment) records nothing.
 */
export async function recordAnswers(
  sql: Sql,
  partnershipId: string,
  invitationId: string,
  answer: {
    score: number
    confidence: number
    answers: readonly { questionId: string; chosen: readonly number[]; correct: boolean }[]
  },
  now: Date,
): Promise<boolean> {
  const claimed = await sql.maybeOne(
    `UPDATE knowledge_audit_invitations SET answered_at = $2, score = $3, confidence = $4
      WHERE id = $1 AND answered_at IS NULL RETURNING id`,
    [invitationId, now, answer.score, answer.confidence],
  )
  if (!claimed) return false
  await sql.query(
    `INSERT INTO knowledge_audit_answers (partnership_id, invitation_id, question_id, chosen, correct)
     SELECT $1, $2, a.question_id, (SELECT array_agg(x::int) FROM jsonb_array_elements_text(a.chosen::jsonb) x), a.correct
       FROM unnest($3::uuid[], $4::text[], $5::boolean[]) AS a(question_id, chosen, correct)`,
    [
      partnershipId,
      invitationId,
      answer.answers.map((a) => a.questionId),
      answer.answers.map((a) => JSON.stringify(a.chosen)),
      answer.answers.map((a) => a.correct),
    ],
  )
  return true
}

export type Reminder = {
  invitationId: string
  email: string
  firstName: string
  title: string
  closesOn: string
}

/**
 * Claims the reminders due: invitations sent at least 7 days ago, not answered, not yet
 * reminded, of an audit still open today. Setting reminded_at in the claiming statement means
 * each is reminded once, however often or on however many workers this runs.
 */
export function claimReminders(sql: Sql, now: Date, today: string, afterDays: number): Promise<Reminder[]> {
  return sql.query<Reminder>(
    `WITH claimed AS (
       UPDATE knowledge_audit_invitations i SET reminded_at = $1
         FROM knowledge_audits k
        WHERE k.id = i.audit_id AND k.status = 'sent' AND k.closes_on >= $2::date
          AND i.answered_at IS NULL AND i.reminded_at IS NULL
          AND i.invited_at <= $1::timestamptz - make_interval(days => $3)
       RETURNING i.id, i.person_id, i.audit_id)
     SELECT c.id AS "invitationId", p.email, p.first_name AS "firstName", k.title,
            to_char(k.closes_on, 'YYYY-MM-DD') AS "closesOn"
       FROM claimed c JOIN people p ON p.id = c.person_id JOIN knowledge_audits k ON k.id = c.audit_id
      ORDER BY k.id, c.id`,
    [now, today, afterDays],
  )
}

/** What the results are built from, narrowed to invitations of these agencies when given. */
export async function resultInput(
  sql: Sql,
  auditId: string,
  agencyIds: readonly string[] | null,
): Promise<{ questions: ResultQuestion[]; invitations: ResultInvitation[]; answers: ResultAnswer[] }> {
  const questions = await sql.query<ResultQuestion>(
    'SELECT id, position, text FROM knowledge_audit_questions WHERE audit_id = $1 ORDER BY position',
    [auditId],
  )
  const invitations = await sql.query<ResultInvitation>(
    `SELECT i.id, i.agency_id AS "agencyId", g.name AS "agencyName", g.sector, i.answered_at AS "answeredAt",
            i.score, i.confidence
       FROM knowledge_audit_invitations i JOIN agencies g ON g.id = i.agency_id
      WHERE i.audit_id = $1 AND ($2::uuid[] IS NULL OR i.agency_id = ANY($2::uuid[]))`,
    [auditId, agencyIds],
  )
  const answers = await sql.query<ResultAnswer>(
    `SELECT a.invitation_id AS "invitationId", a.question_id AS "questionId", a.correct
       FROM knowledge_audit_answers a JOIN knowledge_audit_invitations i ON i.id = a.invitation_id
      WHERE i.audit_id = $1 AND ($2::uuid[] IS NULL OR i.agency_id = ANY($2::uuid[]))`,
    [auditId, agencyIds],
  )
  return { questions, invitations, answers }
}

/** The last audit sent before this one that tests any of the same products or reviews. */
export function previousAuditOf(
  sql: Sql,
  audit: Pick<Audit, 'id' | 'sentAt' | 'productIds' | 'reviewIds'>,
): Promise<{ id: string; title: string; sentAt: Date } | undefined> {
  return sql.maybeOne(
    `SELECT k.id, k.title, k.sent_at AS "sentAt" FROM knowledge_audits k
      WHERE k.status = 'sent' AND k.id <> $1 AND k.sent_at < $2
        AND (EXISTS (SELECT 1 FROM knowledge_audit_products p WHERE p.audit_id = k.id AND p.product_id = ANY($3::uuid[]))
          OR EXISTS (SELECT 1 FROM knowledge_audit_reviews r WHERE r.audit_id = k.id AND r.review_id = ANY($4::uuid[])))
      ORDER BY k.sent_at DESC, k.id LIMIT 1`,
    [audit.id, audit.sentAt, audit.productIds, audit.reviewIds],
  )
}

export type PersonalAnswers = {
  invitation: SampleRow & { score: number | null; confidence: number | null; auditId: string }
  answers: { questionId: string; chosen: number[]; correct: boolean }[]
}

export async function personalAnswers(
  sql: Sql,
  auditId: string,
  invitationId: string,
): Promise<PersonalAnswers | undefined> {
  const invitation = await sql.maybeOne<PersonalAnswers['invitation']>(
    `SELECT i.id, i.audit_id AS "auditId", i.position, p.id AS "personId", p.first_name || ' ' || p.last_name AS name,
            p.email, g.id AS "agencyId", g.name AS "agencyName", i.invited_at AS "invitedAt",
            i.reminded_at AS "remindedAt", i.answered_at AS "answeredAt", i.score, i.confidence
       FROM knowledge_audit_invitations i JOIN people p ON p.id = i.person_id JOIN agencies g ON g.id = i.agency_id
      WHERE i.id = $1 AND i.audit_id = $2`,
    [invitationId, auditId],
  )
  if (!invitation) return undefined
  const answers = await sql.query<PersonalAnswers['answers'][number]>(
    `SELECT question_id AS "questionId", chosen, correct FROM knowledge_audit_answers WHERE invitation_id = $1`,
    [invitationId],
  )
  return { invitation, answers }
}
