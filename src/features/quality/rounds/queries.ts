import type { Sql } from '#platform/db/database.ts'
import type { Outcome, Rating, ReturnStatus } from '../words.ts'

export type RoundSummary = {
  id: string
  title: string
  versionId: string
  version: number
  dueOn: string
  openedOn: string
  drawnAt: Date | null
  returns: number
  notStarted: number
  inProgress: number
  submitted: number
  reviewed: number
}

export type ReturnSummary = {
  id: string
  roundId: string
  roundTitle: string
  dueOn: string
  agencyId: string
  agencyName: string
  status: ReturnStatus
  savedAt: Date | null
  submittedAt: Date | null
  reviewedAt: Date | null
  outcome: Outcome | null
  courseCount: number
}

export type RatingRow = {
  standardId: string
  rating: Rating | null
  narrative: string | null
  evidenceNote: string | null
  evidenceUrl: string | null
  files: { id: string; filename: string; sizeBytes: number }[]
}
export type ReturnCourse = { id: string; position: number; title: string; ratings: RatingRow[] }

export type ReturnRecord = ReturnSummary & {
  versionId: string
  openedOn: string
  carriedFrom: string | null
  submittedBy: string | null
  submittedByName: string | null
  reviewedByName: string | null
  reviewSummary: string | null
  courses: ReturnCourse[]
  feedback: { standardId: string; feedback: string }[]
}

const roundColumns = `r.id, r.title, r.version_id AS "versionId", v.version, to_char(r.due_on, 'YYYY-MM-DD') AS "dueOn",
  to_char(r.opened_on, 'YYYY-MM-DD') AS "openedOn", r.drawn_at AS "drawnAt",
  (SELECT count(*) FROM qa_returns q WHERE q.round_id = r.id)::int AS returns,
  (SELECT count(*) FROM qa_returns q WHERE q.round_id = r.id AND q.status = 'not_started')::int AS "notStarted",
  (SELECT count(*) FROM qa_returns q WHERE q.round_id = r.id AND q.status = 'in_progress')::int AS "inProgress",
  (SELECT count(*) FROM qa_returns q WHERE q.round_id = r.id AND q.status = 'submitted')::int AS submitted,
  (SELECT count(*) FROM qa_returns q WHERE q.round_id = r.id AND q.status = 'reviewed')::int AS reviewed`
const roundFrom = 'qa_rounds r JOIN qa_standard_versions v ON v.id = r.version_id'

export function roundsOf(sql: Sql): Promise<RoundSummary[]> {
  return sql.query<RoundSummary>(
    `SELECT ${roundColumns} FROM ${roundFrom} ORDER BY r.opened_on DESC, r.created_at DESC, r.id`,
  )
}

export function roundById(sql: Sql, id: string): Promise<RoundSummary | undefined> {
  return sql.maybeOne<RoundSummary>(`SELECT ${roundColumns} FROM ${roundFrom} WHERE r.id = $1`, [id])
}

const returnColumns = `q.id, q.round_id AS "roundId", r.title AS "roundTitle", to_char(r.due_on, 'YYYY-MM-DD') AS "dueOn",
  q.agency_id AS "agencyId", ag.name AS "agencyName", q.status, q.saved_at AS "savedAt",
  q.submitted_at AS "submittedAt", q.reviewed_at AS "reviewedAt", q.outcome,
  (SELECT count(*) FROM qa_return_courses c WHERE c.return_id = q.id)::int AS "courseCount"`
const returnFrom =
  'qa_returns q JOIN qa_rounds r ON r.id = q.round_id JOIN agencies ag ON ag.id = q.agency_id'

export function returnsOfRound(sql: Sql, roundId: string): Promise<ReturnSummary[]> {
  return sql.query<ReturnSummary>(
    `SELECT ${returnColumns} FROM ${returnFrom} WHERE q.round_id = $1 ORDER BY lower(ag.name), q.id`,
    [roundId],
  )
}

/** The returns of the agencies given: open ones first, soonest due, then the rest newest first. */
export function returnsOfAgencies(sql: Sql, agencyIds: readonly string[]): Promise<ReturnSummary[]> {
  return sql.query<ReturnSummary>(
    `SELECT ${returnColumns} FROM ${returnFrom} WHERE q.agency_id = ANY($1::uuid[])
      ORDER BY (q.status IN ('not_started', 'in_progress')) DESC,
               CASE WHEN q.status IN ('not_started', 'in_progress') THEN r.due_on END ASC,
               r.due_on DESC, lower(ag.name), q.id`,
    [agencyIds],
  )
}

/** One return with its courses, ratings (and their files, never the bytes) and the reviewer's feedback. */
export async function returnById(sql: Sql, id: string, forUpdate = false): Promise<ReturnRecord | undefined> {
  if (forUpdate) await sql.query('SELECT 1 FROM qa_returns WHERE id = $1 FOR UPDATE', [id])
  return sql.maybeOne<ReturnRecord>(
    `SELECT ${returnColumns}, r.version_id AS "versionId", to_char(r.opened_on, 'YYYY-MM-DD') AS "openedOn",
            q.carried_from AS "carriedFrom", q.submitted_by AS "submittedBy",
            coalesce(su.display_name, q.submitted_by_label) AS "submittedByName",
            coalesce(ru.display_name, q.reviewed_by_label) AS "reviewedByName", q.review_summary AS "reviewSummary",
            coalesce((SELECT json_agg(json_build_object('id', c.id, 'position', c.position, 'title', c.title,
                'ratings', coalesce((SELECT json_agg(json_build_object('standardId', t.standard_id, 'rating', t.rating,
                    'narrative', t.narrative, 'evidenceNote', t.evidence_note, 'evidenceUrl', t.evidence_url,
                    'files', coalesce((SELECT json_agg(json_build_object('id', f.id, 'filename', f.filename,
                        'sizeBytes', f.size_bytes) ORDER BY f.uploaded_at, f.id)
                      FROM qa_evidence_files f WHERE f.course_id = t.course_id AND f.standard_id = t.standard_id), '[]'::json)))
                  FROM qa_ratings t WHERE t.course_id = c.id), '[]'::json)) ORDER BY c.position)
              FROM qa_return_courses c WHERE c.return_id = q.id), '[]'::json) AS courses,
            coalesce((SELECT json_agg(json_build_object('standardId', fb.standard_id, 'feedback', fb.feedback))
              FROM qa_feedback fb WHERE fb.return_id = q.id), '[]'::json) AS feedback
       FROM ${returnFrom}
       LEFT JOIN users su ON su.id = q.submitted_by
       LEFT JOIN users ru ON ru.id = q.reviewed_by
      WHERE q.id = $1`,
    [id],
  )
}

/** The same agency's latest return in an earlier round that lists courses: the starting point offered. */
export function previousReturnOf(
  sql: Sql,
  r: { roundId: string; agencyId: string },
): Promise<{ id: string; roundTitle: string; versionId: string } | undefined> {
  return sql.maybeOne(
    `SELECT q.id, r.title AS "roundTitle", r.version_id AS "versionId"
       FROM qa_returns q JOIN qa_rounds r ON r.id = q.round_id, qa_rounds cur
      WHERE cur.id = $2 AND q.agency_id = $1 AND r.id <> cur.id
        AND (r.opened_on < cur.opened_on OR (r.opened_on = cur.opened_on AND r.created_at < cur.created_at))
        AND EXISTS (SELECT 1 FROM qa_return_courses c WHERE c.return_id = q.id)
      ORDER BY r.opened_on DESC, r.created_at DESC LIMIT 1`,
    [r.agencyId, r.roundId],
  )
}

/**
 * Copies an earlier return's courses into this one and, for each standard whose title is the
 * same in both versions, the rating, narrative and evidence note and link (never its files).
 */
export async function copyReturn(
  sql: Sql,
  partnershipId: string,
  into: { id: string; versionId: string },
  fromId: string,
): Promise<void> {
  await sql.query(
    `INSERT INTO qa_return_courses (partnership_id, return_id, position, title)
     SELECT $1, $2, c.position, c.title FROM qa_return_courses c WHERE c.return_id = $3`,
    [partnershipId, into.id, fromId],
  )
  await sql.query(
    `INSERT INTO qa_ratings (partnership_id, course_id, standard_id, rating, narrative, evidence_note, evidence_url)
     SELECT $1, nc.id, ns.id, t.rating, t.narrative, t.evidence_note, t.evidence_url
       FROM qa_return_courses oc
       JOIN qa_return_courses nc ON nc.return_id = $2 AND nc.position = oc.position
       JOIN qa_ratings t ON t.course_id = oc.id
       JOIN qa_standards os ON os.id = t.standard_id
       JOIN qa_standards ns ON ns.version_id = $4 AND ns.title = os.title
      WHERE oc.return_id = $3`,
    [partnershipId, into.id, fromId, into.versionId],
  )
  await sql.query('UPDATE qa_returns SET carried_from = $2 WHERE id = $1', [into.id, fromId])
}

export async function insertCourse(sql: Sql, partnershipId: string, returnId: string, title: string) {
  return sql.one<{ id: string }>(
    `INSERT INTO qa_return_courses (partnership_id, return_id, position, title)
     SELECT $1, $2, coalesce(max(position), 0) + 1, $3 FROM qa_return_courses WHERE return_id = $2 RETURNING id`,
    [partnershipId, returnId, title],
  )
}

/**
 * Sets a return's courses to these titles in this order, as a whole-return save does: a course
 * already listed under the same title (in any case) keeps its row, so the evidence files on its
 * ratings stay; the others are added, and those no longer listed go with their ratings. Gives
 * each course's id in the order given. Positions are checked at commit, so they may pass
 * through one another on the way.
 */
export async function placeCourses(
  sql: Sql,
  partnershipId: string,
  returnId: string,
  existing: readonly Pick<ReturnCourse, 'id' | 'title'>[],
  titles: readonly string[],
): Promise<string[]> {
  const free = [...existing]
  const ids: string[] = []
  for (const [i, title] of titles.entries()) {
    const at = free.findIndex((c) => c.title.toLowerCase() === title.toLowerCase())
    const kept = at >= 0 ? free.splice(at, 1)[0] : undefined
    const row = kept
      ? await sql.one<{ id: string }>(
          'UPDATE qa_return_courses SET position = $2, title = $3 WHERE id = $1 RETURNING id',
          [kept.id, i + 1, title],
        )
      : await sql.one<{ id: string }>(
          `INSERT INTO qa_return_courses (partnership_id, return_id, position, title)
           VALUES ($1, $2, $3, $4) RETURNING id`,
          [partnershipId, returnId, i + 1, title],
        )
    ids.push(row.id)
  }
  if (free.length)
    await sql.query('DELETE FROM qa_return_courses WHERE id = ANY($1::uuid[])', [free.map((c) => c.id)])
  return ids
}

/** Clears a course's answers to the standards not given, keeping the rows (and any files on them). */
export async function clearRatingsExcept(sql: Sql, courseId: string, standardIds: readonly string[]) {
  await sql.query(
    `UPDATE qa_ratings SET rating = NULL, narrative = NULL, evidence_note = NULL, evidence_url = NULL
      WHERE course_id = $1 AND standard_id <> ALL($2::uuid[])`,
    [courseId, standardIds],
  )
}

/** Removes a course and closes the gap in the positions after it. */
export async function deleteCourse(sql: Sql, returnId: string, courseId: string): Promise<boolean> {
  const gone = await sql.maybeOne<{ position: number }>(
    'DELETE FROM qa_return_courses WHERE id = $1 AND return_id = $2 RETURNING position',
    [courseId, returnId],
  )
  if (!gone) return false
  await sql.query(
    'UPDATE qa_return_courses SET position = position - 1 WHERE return_id = $1 AND position > $2',
    [returnId, gone.position],
  )
  return true
}

/** Saves a course's answers to the standards given, keeping any files of those it already had. */
export async function upsertRatings(
  sql: Sql,
  partnershipId: string,
  courseId: string,
  rows: readonly {
    standardId: string
    rating: Rating | null
    narrative: string | null
    evidenceNote: string | null
    evidenceUrl: string | null
  }[],
): Promise<void> {
  if (!rows.length) return
  await sql.query(
    `INSERT INTO qa_ratings (partnership_id, course_id, standard_id, rating, narrative, evidence_note, evidence_url)
     SELECT $1, $2, s.standard_id, s.rating, s.narrative, s.evidence_note, s.evidence_url
       FROM unnest($3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[])
         AS s(standard_id, rating, narrative, evidence_note, evidence_url)
     ON CONFLICT (course_id, standard_id) DO UPDATE SET rating = excluded.rating, narrative = excluded.narrative,
       evidence_note = excluded.evidence_note, evidence_url = excluded.evidence_url`,
    [
      partnershipId,
      courseId,
      rows.map((r) => r.standardId),
      rows.map((r) => r.rating),
      rows.map((r) => r.narrative),
      rows.map((r) => r.evidenceNote),
      rows.map((r) => r.evidenceUrl),
    ],
  )
}

/** Marks a return worked on: in progress (unless submitted), with who saved it and when. */
export async function markSaved(sql: Sql, id: string, by: string | null, now: Date): Promise<void> {
  await sql.query(
    `UPDATE qa_returns SET status = 'in_progress', saved_at = $2, saved_by = $3, updated_at = $2
      WHERE id = $1 AND status IN ('not_started', 'in_progress')`,
    [id, now, by],
  )
}

export function evidenceFileOf(
  sql: Sql,
  returnId: string,
  fileId: string,
): Promise<
  { id: string; filename: string; contentType: string; bytes: Buffer; courseId: string } | undefined
> {
  return sql.maybeOne(
    `SELECT f.id, f.filename, f.content_type AS "contentType", f.bytes, f.course_id AS "courseId"
       FROM qa_evidence_files f JOIN qa_return_courses c ON c.id = f.course_id
      WHERE f.id = $1 AND c.return_id = $2`,
    [fileId, returnId],
  )
}

/** Whether the user belongs to the agency: a membership naming it, or their directory record there. */
export async function isFromAgency(sql: Sql, userId: string, agencyId: string): Promise<boolean> {
  const row = await sql.maybeOne(
    `SELECT 1 WHERE EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = $1 AND $2::uuid = ANY(m.agency_ids))
        OR EXISTS (SELECT 1 FROM people p WHERE p.user_id = $1 AND p.agency_id = $2 AND p.merged_into IS NULL)`,
    [userId, agencyId],
  )
  return row !== undefined
}

/**
 * Claims the reminders due today, each once: before the due date (from `daysBefore` days before
 * it, until it) and after it (from the day after). The conditional UPDATE is the claim, so a
 * second pass finds nothing.
 */
export function claimReminders(
  sql: Sql,
  now: Date,
  today: string,
  daysBefore: number,
): Promise<
  {
    id: string
    stage: 'before' | 'after'
    agencyId: string
    agencyName: string
    roundTitle: string
    dueOn: string
  }[]
> {
  return sql.query(
    `WITH before AS (
       UPDATE qa_returns q SET reminded_before_at = $1
         FROM qa_rounds r
        WHERE r.id = q.round_id AND q.status IN ('not_started', 'in_progress') AND q.reminded_before_at IS NULL
          AND r.due_on - $3::int <= $2::date AND r.due_on >= $2::date AND r.opened_on < $2::date
       RETURNING q.id, 'before'::text AS stage, q.agency_id, r.title, r.due_on),
     after AS (
       UPDATE qa_returns q SET reminded_after_at = $1
         FROM qa_rounds r
        WHERE r.id = q.round_id AND q.status IN ('not_started', 'in_progress') AND q.reminded_after_at IS NULL
          AND r.due_on < $2::date
       RETURNING q.id, 'after'::text AS stage, q.agency_id, r.title, r.due_on)
     SELECT x.id, x.stage, x.agency_id AS "agencyId", ag.name AS "agencyName", x.title AS "roundTitle",
            to_char(x.due_on, 'YYYY-MM-DD') AS "dueOn"
       FROM (SELECT * FROM before UNION ALL SELECT * FROM after) x JOIN agencies ag ON ag.id = x.agency_id
      ORDER BY x.due_on, lower(ag.name), x.stage`,
    [now, today, daysBefore],
  )
}
