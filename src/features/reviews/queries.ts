import type { Sql } from '#platform/db/database.ts'
import type { FindingInput, RecommendationInput, ReviewFilter, ReviewInput } from './forms.ts'
import type { TransitionChange } from './rules.ts'
import type { Addressee, RecommendationResponse, ReviewDecision, ReviewStatus, ReviewType } from './words.ts'

export type Review = {
  id: string
  type: ReviewType
  reference: string
  title: string
  status: ReviewStatus
  notifiedOn: string
  decisionOn: string | null
  commissionedOn: string | null
  publishedOn: string | null
  closedOn: string | null
  decision: ReviewDecision | null
  decisionReason: string | null
  leadReviewer: string | null
  agencyIds: string[]
  themes: string[]
  summary: string | null
  reportUrl: string | null
  createdAt: Date
  updatedAt: Date
}

export type ReviewTransition = {
  from: ReviewStatus | null
  to: ReviewStatus
  by: string | null
  reason: string | null
  at: Date
}

export type Finding = { id: string; reviewId: string; text: string; themes: string[]; createdAt: Date }

export type Recommendation = {
  id: string
  reviewId: string
  text: string
  addressedTo: Addressee
  subgroupId: string | null
  subgroupName: string | null
  agencyIds: string[]
  agencyNames: string[]
  nationalBody: string | null
  response: RecommendationResponse | null
  responseReason: string | null
  respondedAt: Date | null
  createdAt: Date
}

const date = (column: string, name: string) => `to_char(${column}, 'YYYY-MM-DD') AS "${name}"`

const reviewColumns = `r.id, r.type, r.reference, r.title, r.status, ${date('r.notified_on', 'notifiedOn')},
  ${date('r.decision_on', 'decisionOn')}, ${date('r.commissioned_on', 'commissionedOn')},
  ${date('r.published_on', 'publishedOn')}, ${date('r.closed_on', 'closedOn')}, r.decision,
  r.decision_reason AS "decisionReason", r.lead_reviewer AS "leadReviewer",
  coalesce((SELECT array_agg(ra.agency_id ORDER BY ra.agency_id) FROM review_agencies ra WHERE ra.review_id = r.id), '{}') AS "agencyIds",
  coalesce((SELECT array_agg(rt.theme_id ORDER BY rt.theme_id) FROM review_themes rt WHERE rt.review_id = r.id), '{}') AS themes,
  r.summary, r.report_url AS "reportUrl", r.created_at AS "createdAt", r.updated_at AS "updatedAt"`

/** One review; `forUpdate` holds it until the transaction ends, so two moves cannot cross. */
export async function reviewById(sql: Sql, id: string, forUpdate = false): Promise<Review | undefined> {
  if (forUpdate) await sql.query('SELECT 1 FROM reviews WHERE id = $1 FOR UPDATE', [id])
  return sql.maybeOne<Review>(`SELECT ${reviewColumns} FROM reviews r WHERE r.id = $1`, [id])
}

/** The visibility condition over `r`, its parameters numbered from the one given. */
export type VisibleFrom = (next: number) => { where: string; values: unknown[] }

/** Reviews matching the filter that the actor may see, newest notification first. */
export async function reviewsMatching(
  sql: Sql,
  filter: ReviewFilter,
  visibleFrom: VisibleFrom,
): Promise<{ items: Review[]; total: number }> {
  const where = (visible: {
    where: string
  }) => `($1::text IS NULL OR r.type = $1) AND ($2::text IS NULL OR r.status = $2)
    AND ($3::uuid IS NULL OR EXISTS (SELECT 1 FROM review_themes rt WHERE rt.review_id = r.id AND rt.theme_id = $3))
    AND ($4::uuid IS NULL OR EXISTS (SELECT 1 FROM review_agencies ra WHERE ra.review_id = r.id AND ra.agency_id = $4))
    AND ($5::int IS NULL OR extract(year FROM r.notified_on)::int = $5)
    AND ${visible.where}`
  const values = [
    filter.type ?? null,
    filter.status ?? null,
    filter.theme ?? null,
    filter.agencyId ?? null,
    filter.year ?? null,
  ]
  const paged = visibleFrom(8)
  const items = await sql.query<Review>(
    `SELECT ${reviewColumns} FROM reviews r WHERE ${where(paged)}
      ORDER BY r.notified_on DESC, r.reference, r.id LIMIT $6 OFFSET $7`,
    [...values, filter.pageSize, (filter.page - 1) * filter.pageSize, ...paged.values],
  )
  const counted = visibleFrom(6)
  const { total } = await sql.one<{ total: number }>(
    `SELECT count(*)::int AS total FROM reviews r WHERE ${where(counted)}`,
    [...values, ...counted.values],
  )
  return { items, total }
}

export async function insertReview(sql: Sql, partnershipId: string, input: ReviewInput): Promise<string> {
  const { id } = await sql.one<{ id: string }>(
    `INSERT INTO reviews (partnership_id, type, reference, title, notified_on, summary, lead_reviewer)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [
      partnershipId,
      input.type,
      input.reference,
      input.title,
      input.notifiedOn,
      input.summary,
      input.leadReviewer,
    ],
  )
  await setAgencies(sql, partnershipId, id, input.agencyIds)
  await setThemes(sql, partnershipId, id, input.themes)
  return id
}

/** The review's own fields; a field left undefined keeps its value. */
export function updateReview(
  sql: Sql,
  id: string,
  fields: Partial<
    Pick<Review, 'type' | 'reference' | 'title' | 'notifiedOn' | 'summary' | 'leadReviewer' | 'reportUrl'>
  >,
  now: Date,
): Promise<unknown> {
  const has = (key: keyof typeof fields) => key in fields && fields[key] !== undefined
  return sql.query(
    `UPDATE reviews SET
       type = CASE WHEN $2 THEN $3 ELSE type END,
       reference = CASE WHEN $4 THEN $5 ELSE reference END,
       title = CASE WHEN $6 THEN $7 ELSE title END,
       notified_on = CASE WHEN $8 THEN $9::date ELSE notified_on END,
       summary = CASE WHEN $10 THEN $11 ELSE summary END,
       lead_reviewer = CASE WHEN $12 THEN $13 ELSE lead_reviewer END,
       report_url = CASE WHEN $14 THEN $15 ELSE report_url END,
       updated_at = $16
     WHERE id = $1`,
    [
      id,
      has('type'),
      fields.type ?? null,
      has('reference'),
      fields.reference ?? null,
      has('title'),
      fields.title ?? null,
      has('notifiedOn'),
      fields.notifiedOn ?? null,
      has('summary'),
      fields.summary ?? null,
      has('leadReviewer'),
      fields.leadReviewer ?? null,
      has('reportUrl'),
      fields.reportUrl ?? null,
      now,
    ],
  )
}

/** Replaces the agencies involved; ones still involved keep their rows. */
export async function setAgencies(sql: Sql, partnershipId: string, reviewId: string, ids: readonly string[]) {
  await sql.query('DELETE FROM review_agencies WHERE review_id = $1 AND NOT (agency_id = ANY($2::uuid[]))', [
    reviewId,
    ids,
  ])
  await sql.query(
    `INSERT INTO review_agencies (partnership_id, review_id, agency_id) SELECT $1, $2, unnest($3::uuid[])
     ON CONFLICT DO NOTHING`,
    [partnershipId, reviewId, ids],
  )
}

export async function setThemes(sql: Sql, partnershipId: string, reviewId: string, ids: readonly string[]) {
  await sql.query('DELETE FROM review_themes WHERE review_id = $1 AND NOT (theme_id = ANY($2::uuid[]))', [
    reviewId,
    ids,
  ])
  await sql.query(
    `INSERT INTO review_themes (partnership_id, review_id, theme_id) SELECT $1, $2, unnest($3::uuid[])
     ON CONFLICT DO NOTHING`,
    [partnershipId, reviewId, ids],
  )
}

/** Moves a review to a status, setting what the move sets. */
export function writeStatus(
  sql: Sql,
  id: string,
  to: ReviewStatus,
  change: TransitionChange,
  now: Date,
): Promise<unknown> {
  return sql.query(
    `UPDATE reviews SET status = $2,
       decision = coalesce($3, decision), decision_on = coalesce($4::date, decision_on),
       decision_reason = coalesce($5, decision_reason), commissioned_on = coalesce($6::date, commissioned_on),
       published_on = coalesce($7::date, published_on),
       report_url = CASE WHEN $8 THEN $9 ELSE report_url END,
       closed_on = coalesce($10::date, closed_on), updated_at = $11
     WHERE id = $1`,
    [
      id,
      to,
      change.decision ?? null,
      change.decisionOn ?? null,
      change.decisionReason ?? null,
      change.commissionedOn ?? null,
      change.publishedOn ?? null,
      change.reportUrl !== undefined && change.reportUrl !== null,
      change.reportUrl ?? null,
      change.closedOn ?? null,
      now,
    ],
  )
}

export function recordTransition(
  sql: Sql,
  partnershipId: string,
  move: {
    reviewId: string
    from: ReviewStatus | null
    to: ReviewStatus
    byUser: string | null
    byLabel: string | null
    reason: string | null
  },
): Promise<unknown> {
  return sql.query(
    `INSERT INTO review_transitions (partnership_id, review_id, from_status, to_status, by_user, by_label, reason)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [partnershipId, move.reviewId, move.from, move.to, move.byUser, move.byLabel, move.reason],
  )
}

/** A review's history, oldest first. */
export function transitionsOf(sql: Sql, reviewId: string): Promise<ReviewTransition[]> {
  return sql.query<ReviewTransition>(
    `SELECT t.from_status AS "from", t.to_status AS "to", coalesce(u.display_name, t.by_label) AS by,
            t.reason, t.at
       FROM review_transitions t LEFT JOIN users u ON u.id = t.by_user
      WHERE t.review_id = $1 ORDER BY t.at, t.id`,
    [reviewId],
  )
}

const findingColumns = `f.id, f.review_id AS "reviewId", f.text,
  coalesce((SELECT array_agg(ft.theme_id ORDER BY ft.theme_id) FROM finding_themes ft WHERE ft.finding_id = f.id), '{}') AS themes,
  f.created_at AS "createdAt"`

/** A review's findings, in the order they were recorded. */
export function findingsOf(sql: Sql, reviewId: string): Promise<Finding[]> {
  return sql.query<Finding>(
    `SELECT ${findingColumns} FROM findings f WHERE f.review_id = $1 ORDER BY f.created_at, f.id`,
    [reviewId],
  )
}

/**
 * Where a finding is learned: a review (by its id), or a case audit's panel, perhaps about one
 * case of its sample (source `audit`). Either is traced and acted on the same way.
 */
export type FindingSource = string | { caseAuditId: string; caseId: string | null }

export async function insertFinding(
  sql: Sql,
  partnershipId: string,
  from: FindingSource,
  input: FindingInput,
): Promise<Finding> {
  const { id } =
    typeof from === 'string'
      ? await sql.one<{ id: string }>(
          'INSERT INTO findings (partnership_id, review_id, text) VALUES ($1, $2, $3) RETURNING id',
          [partnershipId, from, input.text],
        )
      : await sql.one<{ id: string }>(
          `INSERT INTO findings (partnership_id, source, case_audit_id, case_id, text)
           VALUES ($1, 'audit', $2, $3, $4) RETURNING id`,
          [partnershipId, from.caseAuditId, from.caseId, input.text],
        )
  await sql.query(
    `INSERT INTO finding_themes (partnership_id, finding_id, theme_id) SELECT $1, $2, unnest($3::uuid[])
     ON CONFLICT DO NOTHING`,
    [partnershipId, id, input.themes],
  )
  return sql.one<Finding>(`SELECT ${findingColumns} FROM findings f WHERE f.id = $1`, [id])
}

const recommendationColumns = `m.id, m.review_id AS "reviewId", m.text, m.addressed_to AS "addressedTo",
  m.subgroup_id AS "subgroupId", sg.name AS "subgroupName",
  coalesce((SELECT array_agg(ma.agency_id ORDER BY ag.name, ag.id) FROM recommendation_agencies ma
             JOIN agencies ag ON ag.id = ma.agency_id WHERE ma.recommendation_id = m.id), '{}') AS "agencyIds",
  coalesce((SELECT array_agg(ag.name ORDER BY ag.name, ag.id) FROM recommendation_agencies ma
             JOIN agencies ag ON ag.id = ma.agency_id WHERE ma.recommendation_id = m.id), '{}') AS "agencyNames",
  m.national_body AS "nationalBody", m.response, m.response_reason AS "responseReason",
  m.responded_at AS "respondedAt", m.created_at AS "createdAt"`

const recommendationSource = 'recommendations m LEFT JOIN subgroups sg ON sg.id = m.subgroup_id'

export function recommendationsOf(sql: Sql, reviewId: string): Promise<Recommendation[]> {
  return sql.query<Recommendation>(
    `SELECT ${recommendationColumns} FROM ${recommendationSource} WHERE m.review_id = $1 ORDER BY m.created_at, m.id`,
    [reviewId],
  )
}

/** A case audit's recommendations, each with the finding it answers, in the order they were made. */
export function recommendationsOfCaseAudit(
  sql: Sql,
  caseAuditId: string,
): Promise<(Recommendation & { findingId: string | null })[]> {
  return sql.query(
    `SELECT ${recommendationColumns}, m.finding_id AS "findingId" FROM ${recommendationSource}
      WHERE m.case_audit_id = $1 ORDER BY m.created_at, m.id`,
    [caseAuditId],
  )
}

export async function recommendationById(
  sql: Sql,
  id: string,
  forUpdate = false,
): Promise<Recommendation | undefined> {
  if (forUpdate) await sql.query('SELECT 1 FROM recommendations WHERE id = $1 FOR UPDATE', [id])
  return sql.maybeOne<Recommendation>(
    `SELECT ${recommendationColumns} FROM ${recommendationSource} WHERE m.id = $1`,
    [id],
  )
}

/** What a recommendation answers: a review (by its id), or a finding of a case audit's panel. */
export type RecommendationSource = string | { caseAuditId: string; findingId: string }

export async function insertRecommendation(
  sql: Sql,
  partnershipId: string,
  from: RecommendationSource,
  input: RecommendationInput,
  now: Date,
): Promise<string> {
  const { id } = await sql.one<{ id: string }>(
    `INSERT INTO recommendations (partnership_id, review_id, text, addressed_to, subgroup_id, national_body,
       response, response_reason, responded_at, case_audit_id, finding_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
    [
      partnershipId,
      typeof from === 'string' ? from : null,
      input.text,
      input.addressedTo,
      input.subgroupId,
      input.nationalBody,
      input.response,
      input.responseReason,
      input.response ? now : null,
      typeof from === 'string' ? null : from.caseAuditId,
      typeof from === 'string' ? null : from.findingId,
    ],
  )
  await sql.query(
    `INSERT INTO recommendation_agencies (partnership_id, recommendation_id, agency_id)
     SELECT $1, $2, unnest($3::uuid[]) ON CONFLICT DO NOTHING`,
    [partnershipId, id, input.agencyIds],
  )
  return id
}

export function writeResponse(
  sql: Sql,
  id: string,
  response: RecommendationResponse | null,
  reason: string | null,
  now: Date,
): Promise<unknown> {
  return sql.query(
    `UPDATE recommendations SET response = $2, response_reason = $3,
       responded_at = CASE WHEN $2::text IS NULL THEN NULL ELSE $4::timestamptz END, updated_at = $4
     WHERE id = $1`,
    [id, response, reason, now],
  )
}

/** For each theme and year of notification, how many visible reviews and their findings carry it. */
export function themeCounts(
  sql: Sql,
  visible: { where: string; values: unknown[] },
): Promise<{ themeId: string; year: number; reviews: number; findings: number }[]> {
  return sql.query(
    `WITH seen AS (SELECT r.id, extract(year FROM r.notified_on)::int AS year FROM reviews r WHERE ${visible.where}),
     tagged AS (
       SELECT rt.theme_id, s.year, rt.review_id, NULL::uuid AS finding_id
         FROM review_themes rt JOIN seen s ON s.id = rt.review_id
       UNION ALL
       SELECT ft.theme_id, s.year, f.review_id, f.id
         FROM finding_themes ft JOIN findings f ON f.id = ft.finding_id JOIN seen s ON s.id = f.review_id)
     SELECT theme_id AS "themeId", year, count(DISTINCT review_id)::int AS reviews,
            count(DISTINCT finding_id)::int AS findings
       FROM tagged GROUP BY theme_id, year ORDER BY year`,
    visible.values,
  )
}

/** Rapid reviews still waiting for their decision: the ones a statutory date can be missed on. */
export function rapidReviewsAwaitingDecision(sql: Sql): Promise<Review[]> {
  return sql.query<Review>(
    `SELECT ${reviewColumns} FROM reviews r WHERE r.type = 'rapid_review' AND r.status = 'notified'
      ORDER BY r.notified_on, r.id`,
  )
}

/** The partnership's agencies in use, by name: what a review or recommendation may name. */
export function agencyChoices(sql: Sql): Promise<{ id: string; name: string }[]> {
  return sql.query('SELECT id, name FROM agencies WHERE NOT archived ORDER BY lower(name), id')
}
