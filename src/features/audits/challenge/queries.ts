import type { Sql } from '#platform/db/database.ts'
import type { AnswerReview, AuditRating, AuditReturnStatus, Resolution, Scale } from '../words.ts'

/** A return as reviewing, settling and planning read it, with what the access rules need. */
export type ChallengeReturn = {
  id: string
  cycleId: string
  cycleTitle: string
  agencyId: string
  agencyName: string
  status: AuditReturnStatus
  scale: Scale
  versionId: string
  reviewerUserId: string | null
  seniorLeadUserId: string | null
  contributorUserIds: string[]
}

export function returnOf(sql: Sql, id: string, lock = false): Promise<ChallengeReturn | undefined> {
  return sql.maybeOne<ChallengeReturn>(
    `SELECT r.id, r.cycle_id AS "cycleId", c.title AS "cycleTitle", r.agency_id AS "agencyId", ag.name AS "agencyName",
            r.status, v.scale, c.version_id AS "versionId", r.reviewer_user_id AS "reviewerUserId",
            r.senior_lead_user_id AS "seniorLeadUserId",
            coalesce((SELECT array_agg(arc.user_id) FROM audit_return_contributors arc WHERE arc.return_id = r.id), '{}') AS "contributorUserIds"
       FROM audit_returns r JOIN audit_cycles c ON c.id = r.cycle_id
       JOIN audit_template_versions v ON v.id = c.version_id
       JOIN agencies ag ON ag.id = r.agency_id
      WHERE r.id = $1 ${lock ? 'FOR UPDATE OF r' : ''}`,
    [id],
  )
}

/** An answer beside its standard, with the reviewer's view and how a challenge event settled it. */
export type ReviewedAnswer = {
  standardId: string
  ref: string
  title: string
  sectionTitle: string
  rating: AuditRating | null
  narrative: string | null
  review: AnswerReview | null
  reviewNote: string | null
  resolution: Resolution | null
  revisedRating: AuditRating | null
  resolutionNote: string | null
  finalRating: AuditRating | null
}

/** Every standard of the return's version in order, with the return's answer where it has one. */
export function answersOf(sql: Sql, returnId: string): Promise<ReviewedAnswer[]> {
  return sql.query<ReviewedAnswer>(
    `SELECT s.id AS "standardId", s.ref, s.title, sec.title AS "sectionTitle", a.rating, a.narrative, a.review,
            a.review_note AS "reviewNote", a.resolution, a.revised_rating AS "revisedRating",
            a.resolution_note AS "resolutionNote",
            CASE WHEN a.resolution = 'revised' THEN a.revised_rating ELSE a.rating END AS "finalRating"
       FROM audit_returns r JOIN audit_cycles c ON c.id = r.cycle_id
       JOIN audit_standards s ON s.version_id = c.version_id
       JOIN audit_sections sec ON sec.id = s.section_id
       LEFT JOIN audit_answers a ON a.return_id = r.id AND a.standard_id = s.id
      WHERE r.id = $1 ORDER BY sec.position, s.position`,
    [returnId],
  )
}

/** A challenged answer not yet settled, of a return of the cycle: what a challenge event takes up. */
export type OpenChallenge = {
  returnId: string
  agencyName: string
  standardId: string
  ref: string
  title: string
  rating: AuditRating | null
  reviewNote: string
}

export function openChallengesOf(sql: Sql, cycleId: string): Promise<OpenChallenge[]> {
  return sql.query<OpenChallenge>(
    `SELECT r.id AS "returnId", ag.name AS "agencyName", s.id AS "standardId", s.ref, s.title, a.rating,
            a.review_note AS "reviewNote"
       FROM audit_returns r JOIN agencies ag ON ag.id = r.agency_id
       JOIN audit_answers a ON a.return_id = r.id AND a.review = 'challenged' AND a.resolution IS NULL
       JOIN audit_standards s ON s.id = a.standard_id
      WHERE r.cycle_id = $1 AND r.status = 'challenge'
      ORDER BY lower(ag.name), r.id, s.position`,
    [cycleId],
  )
}

export type ChallengeEvent = {
  id: string
  heldOn: string
  attendees: string
  notes: string | null
  agencies: string[]
  settled: number
}

export function eventsOf(sql: Sql, cycleId: string): Promise<ChallengeEvent[]> {
  return sql.query<ChallengeEvent>(
    `SELECT e.id, to_char(e.held_on, 'YYYY-MM-DD') AS "heldOn", e.attendees, e.notes,
            coalesce((SELECT array_agg(ag.name ORDER BY lower(ag.name)) FROM audit_challenge_event_returns er
                        JOIN audit_returns r ON r.id = er.return_id JOIN agencies ag ON ag.id = r.agency_id
                       WHERE er.event_id = e.id), '{}') AS agencies,
            (SELECT count(*)::int FROM audit_answers a WHERE a.challenge_event_id = e.id) AS settled
       FROM audit_challenge_events e WHERE e.cycle_id = $1 ORDER BY e.held_on DESC, e.created_at DESC`,
    [cycleId],
  )
}

export function cycleOf(sql: Sql, id: string) {
  return sql.maybeOne<{ id: string; title: string; scale: Scale }>(
    `SELECT c.id, c.title, v.scale FROM audit_cycles c JOIN audit_template_versions v ON v.id = c.version_id
      WHERE c.id = $1`,
    [id],
  )
}
