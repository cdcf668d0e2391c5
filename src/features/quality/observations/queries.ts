import type { Sql } from '#platform/db/database.ts'
import type { Grade, Rating } from '../words.ts'
import type { DrawCandidate, DrawnPick } from './draw.ts'

export type DrawnRound = {
  id: string
  title: string
  versionId: string
  openedOn: string
  drawSeed: string | null
  drawSize: number | null
  drawnAt: Date | null
  drawnByName: string | null
}

export function roundForDraw(sql: Sql, id: string, forUpdate = false): Promise<DrawnRound | undefined> {
  return sql.maybeOne<DrawnRound>(
    `SELECT r.id, r.title, r.version_id AS "versionId", r.opened_on::text AS "openedOn", r.draw_seed AS "drawSeed",
            r.draw_size AS "drawSize", r.drawn_at AS "drawnAt",
            coalesce(u.display_name, r.drawn_by_label) AS "drawnByName"
       FROM qa_rounds r LEFT JOIN users u ON u.id = r.drawn_by
      WHERE r.id = $1${forUpdate ? ' FOR UPDATE OF r' : ''}`,
    [id],
  )
}

/**
 * The courses of the round's submitted or reviewed returns, each with whether its agency had a
 * pick observed in the two rounds of the partnership opened before this one.
 */
export function candidatesOf(sql: Sql, roundId: string): Promise<DrawCandidate[]> {
  return sql.query<DrawCandidate>(
    `WITH this AS (SELECT id, opened_on, created_at FROM qa_rounds WHERE id = $1),
     earlier AS (
       SELECT r.id FROM qa_rounds r, this
        WHERE (r.opened_on, r.created_at, r.id) < (this.opened_on, this.created_at, this.id)
        ORDER BY r.opened_on DESC, r.created_at DESC, r.id DESC LIMIT 2),
     observed AS (
       SELECT DISTINCT rt.agency_id FROM qa_picks p
         JOIN qa_return_courses c ON c.id = p.course_id JOIN qa_returns rt ON rt.id = c.return_id
        WHERE p.round_id IN (SELECT id FROM earlier)
          AND EXISTS (SELECT 1 FROM observations o WHERE o.pick_id = p.id))
     SELECT c.id AS "courseId", c.title AS "courseTitle", rt.agency_id AS "agencyId", a.name AS "agencyName",
            rt.agency_id IN (SELECT agency_id FROM observed) AS "observedRecently"
       FROM qa_return_courses c JOIN qa_returns rt ON rt.id = c.return_id JOIN agencies a ON a.id = rt.agency_id
      WHERE rt.round_id = $1 AND rt.status IN ('submitted', 'reviewed')
      ORDER BY a.name, c.position`,
    [roundId],
  )
}

export type QaPick = {
  id: string
  roundId: string
  courseId: string
  courseTitle: string
  agencyId: string
  agencyName: string
  kind: 'drawn' | 'added'
  position: number
  reason: string
  addedByName: string | null
  setAsideAt: Date | null
  setAsideReason: string | null
  setAsideByName: string | null
  /** The newest observation of the pick, if it has been observed. */
  observationId: string | null
}

const pickColumns = `p.id, p.round_id AS "roundId", p.course_id AS "courseId", c.title AS "courseTitle",
  rt.agency_id AS "agencyId", a.name AS "agencyName", p.kind, p.position, p.reason,
  coalesce(ab.display_name, p.added_by_label) AS "addedByName", p.set_aside_at AS "setAsideAt",
  p.set_aside_reason AS "setAsideReason", sb.display_name AS "setAsideByName",
  (SELECT o.id FROM observations o WHERE o.pick_id = p.id ORDER BY o.observed_on DESC, o.created_at DESC LIMIT 1) AS "observationId"`
const pickFrom = `qa_picks p JOIN qa_return_courses c ON c.id = p.course_id JOIN qa_returns rt ON rt.id = c.return_id
  JOIN agencies a ON a.id = rt.agency_id LEFT JOIN users ab ON ab.id = p.added_by LEFT JOIN users sb ON sb.id = p.set_aside_by`

export function picksOf(sql: Sql, roundId: string): Promise<QaPick[]> {
  return sql.query<QaPick>(
    `SELECT ${pickColumns} FROM ${pickFrom} WHERE p.round_id = $1 ORDER BY p.position`,
    [roundId],
  )
}

export function pickById(sql: Sql, id: string, forUpdate = false): Promise<QaPick | undefined> {
  return sql.maybeOne<QaPick>(
    `SELECT ${pickColumns} FROM ${pickFrom} WHERE p.id = $1${forUpdate ? ' FOR UPDATE OF p' : ''}`,
    [id],
  )
}

/** Every pick not set aside, of every round, for the new observation's choices. */
export function openPicks(sql: Sql): Promise<(QaPick & { roundTitle: string })[]> {
  return sql.query(
    `SELECT ${pickColumns}, r.title AS "roundTitle" FROM ${pickFrom} JOIN qa_rounds r ON r.id = p.round_id
      WHERE p.set_aside_at IS NULL ORDER BY r.opened_on DESC, p.position`,
  )
}

export async function recordDraw(
  sql: Sql,
  partnershipId: string,
  roundId: string,
  draw: { seed: string; size: number; picks: readonly DrawnPick[] },
  by: { userId: string | null; label: string | null; now: Date },
): Promise<boolean> {
  const marked = await sql.maybeOne(
    `UPDATE qa_rounds SET draw_seed = $2, draw_size = $3, drawn_at = $4, drawn_by = $5, drawn_by_label = $6, updated_at = $4
      WHERE id = $1 AND drawn_at IS NULL RETURNING id`,
    [roundId, draw.seed, draw.size, by.now, by.userId, by.label],
  )
  if (!marked) return false
  if (draw.picks.length)
    await sql.query(
      `INSERT INTO qa_picks (partnership_id, round_id, course_id, kind, position, reason, added_by, added_by_label, created_at)
       SELECT $1, $2, p.course_id, 'drawn', p.position, p.reason, $6, $7, $8
         FROM unnest($3::uuid[], $4::int[], $5::text[]) AS p(course_id, position, reason)`,
      [
        partnershipId,
        roundId,
        draw.picks.map((p) => p.courseId),
        draw.picks.map((p) => p.position),
        draw.picks.map((p) => p.reason),
        by.userId,
        by.label,
        by.now,
      ],
    )
  return true
}

/** A course of the round's submitted or reviewed returns, with whether it is already picked. */
export function roundCourse(
  sql: Sql,
  roundId: string,
  courseId: string,
): Promise<{ id: string; picked: boolean } | undefined> {
  return sql.maybeOne(
    `SELECT c.id, EXISTS (SELECT 1 FROM qa_picks p WHERE p.round_id = $1 AND p.course_id = c.id) AS picked
       FROM qa_return_courses c JOIN qa_returns rt ON rt.id = c.return_id
      WHERE c.id = $2 AND rt.round_id = $1 AND rt.status IN ('submitted', 'reviewed')`,
    [roundId, courseId],
  )
}

export async function insertAddedPick(
  sql: Sql,
  partnershipId: string,
  roundId: string,
  input: { courseId: string; reason: string },
  by: { userId: string | null; label: string | null; now: Date },
): Promise<string> {
  const row = await sql.one<{ id: string }>(
    `INSERT INTO qa_picks (partnership_id, round_id, course_id, kind, position, reason, added_by, added_by_label, created_at)
     SELECT $1, $2, $3, 'added', coalesce(max(position), 0) + 1, $4, $5, $6, $7 FROM qa_picks WHERE round_id = $2
     RETURNING id`,
    [partnershipId, roundId, input.courseId, input.reason, by.userId, by.label, by.now],
  )
  return row.id
}

export function setPickAside(
  sql: Sql,
  pickId: string,
  reason: string,
  by: { userId: string | null; now: Date },
): Promise<unknown> {
  return sql.maybeOne(
    `UPDATE qa_picks SET set_aside_at = $3, set_aside_reason = $2, set_aside_by = $4
      WHERE id = $1 AND set_aside_at IS NULL RETURNING id`,
    [pickId, reason, by.now, by.userId],
  )
}

// Observations

export type ObservationSummary = {
  id: string
  sessionId: string | null
  pickId: string | null
  roundId: string | null
  roundTitle: string | null
  /** What was observed: the session's course, or the picked course. */
  subject: string
  /** The session's start, for a session. */
  sessionStartsAt: Date | null
  agencyName: string | null
  observerName: string
  observedOn: string
  grade: Grade
  respondedAt: Date | null
  createdAt: Date
}

export type Observation = ObservationSummary & {
  versionId: string
  strengths: string
  areasToDevelop: string
  response: string | null
  respondedByName: string | null
  agencyId: string | null
  ratings: { standardId: string; position: number; title: string; rating: Rating; notes: string | null }[]
}

const summaryColumns = `o.id, o.session_id AS "sessionId", o.pick_id AS "pickId", p.round_id AS "roundId",
  r.title AS "roundTitle", coalesce(sc.title, pc.title) AS subject, s.starts_at AS "sessionStartsAt",
  pa.name AS "agencyName", o.observer_name AS "observerName", o.observed_on::text AS "observedOn", o.grade,
  o.responded_at AS "respondedAt", o.created_at AS "createdAt"`
const summaryFrom = `observations o
  LEFT JOIN sessions s ON s.id = o.session_id LEFT JOIN courses sc ON sc.id = s.course_id
  LEFT JOIN qa_picks p ON p.id = o.pick_id LEFT JOIN qa_rounds r ON r.id = p.round_id
  LEFT JOIN qa_return_courses pc ON pc.id = p.course_id LEFT JOIN qa_returns prt ON prt.id = pc.return_id
  LEFT JOIN agencies pa ON pa.id = prt.agency_id`

/**
 * Observations, newest first, narrowed to what the reader may see: all of them (`all`), or those
 * of sessions the user trained and of picked courses of the agencies given.
 */
export function observationsOf(
  sql: Sql,
  filter: {
    sessionId?: string | undefined
    roundId?: string | undefined
    scope: 'all' | { userId: string | null; agencyIds: readonly string[] }
  },
): Promise<ObservationSummary[]> {
  const limited = filter.scope !== 'all'
  const scope = filter.scope === 'all' ? { userId: null, agencyIds: [] } : filter.scope
  return sql.query<ObservationSummary>(
    `SELECT ${summaryColumns} FROM ${summaryFrom}
      WHERE ($1::uuid IS NULL OR o.session_id = $1) AND ($2::uuid IS NULL OR p.round_id = $2)
        AND (NOT $3 OR (o.session_id IS NOT NULL AND EXISTS (
                SELECT 1 FROM session_trainers t JOIN people tp ON tp.id = t.person_id
                  JOIN users tu ON tu.id = tp.user_id OR (tp.user_id IS NULL AND lower(tu.email) = lower(tp.email))
                 WHERE t.session_id = o.session_id AND tu.id = $4))
             OR prt.agency_id = ANY($5::uuid[]))
      ORDER BY o.observed_on DESC, o.created_at DESC, o.id`,
    [filter.sessionId ?? null, filter.roundId ?? null, limited, scope.userId, scope.agencyIds],
  )
}

/** The observations of the sessions a person trained on, newest first: for a trainer's record. */
export function observationsOfTrainer(sql: Sql, personId: string): Promise<ObservationSummary[]> {
  return sql.query<ObservationSummary>(
    `SELECT ${summaryColumns} FROM ${summaryFrom}
      WHERE EXISTS (SELECT 1 FROM session_trainers t WHERE t.session_id = o.session_id AND t.person_id = $1)
      ORDER BY o.observed_on DESC, o.created_at DESC, o.id`,
    [personId],
  )
}

export function observationById(sql: Sql, id: string, forUpdate = false): Promise<Observation | undefined> {
  return sql.maybeOne<Observation>(
    `SELECT ${summaryColumns}, o.version_id AS "versionId", o.strengths, o.areas_to_develop AS "areasToDevelop",
            o.response, ru.display_name AS "respondedByName", prt.agency_id AS "agencyId",
            coalesce((SELECT json_agg(json_build_object('standardId', x.standard_id, 'position', st.position,
                        'title', st.title, 'rating', x.rating, 'notes', x.notes) ORDER BY st.position)
                        FROM observation_ratings x JOIN qa_standards st ON st.id = x.standard_id
                       WHERE x.observation_id = o.id), '[]') AS ratings
       FROM ${summaryFrom} LEFT JOIN users ru ON ru.id = o.responded_by
      WHERE o.id = $1${forUpdate ? ' FOR UPDATE OF o' : ''}`,
    [id],
  )
}

export type ObservableSession = {
  id: string
  courseTitle: string
  status: string
  startsAt: Date
  /** The end of its last part. */
  endsAt: Date
}

export function sessionForObservation(sql: Sql, id: string): Promise<ObservableSession | undefined> {
  return sql.maybeOne<ObservableSession>(
    `SELECT s.id, c.title AS "courseTitle", s.status, s.starts_at AS "startsAt",
            coalesce((SELECT max(sp.ends_at) FROM session_parts sp WHERE sp.session_id = s.id), s.ends_at) AS "endsAt"
       FROM sessions s JOIN courses c ON c.id = s.course_id WHERE s.id = $1`,
    [id],
  )
}

/** Sessions that have happened (their last part ended, not cancelled or draft), newest first. */
export function happenedSessions(sql: Sql, now: Date, limit = 100): Promise<ObservableSession[]> {
  return sql.query<ObservableSession>(
    `SELECT * FROM (
       SELECT s.id, c.title AS "courseTitle", s.status, s.starts_at AS "startsAt",
              coalesce((SELECT max(sp.ends_at) FROM session_parts sp WHERE sp.session_id = s.id), s.ends_at) AS "endsAt"
         FROM sessions s JOIN courses c ON c.id = s.course_id WHERE s.status NOT IN ('cancelled', 'draft')) x
      WHERE x."endsAt" <= $1 ORDER BY x."startsAt" DESC LIMIT $2`,
    [now, limit],
  )
}

export async function insertObservation(
  sql: Sql,
  partnershipId: string,
  input: {
    sessionId: string | null
    pickId: string | null
    versionId: string
    observerUserId: string | null
    observerName: string
    observedOn: string
    strengths: string
    areasToDevelop: string
    grade: Grade
    ratings: readonly { standardId: string; rating: Rating; notes: string | null }[]
  },
  by: { userId: string | null; label: string | null; now: Date },
): Promise<string> {
  const { id } = await sql.one<{ id: string }>(
    `INSERT INTO observations (partnership_id, session_id, pick_id, version_id, observer_user_id, observer_name,
       observed_on, strengths, areas_to_develop, grade, created_by, created_by_label, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
    [
      partnershipId,
      input.sessionId,
      input.pickId,
      input.versionId,
      input.observerUserId,
      input.observerName,
      input.observedOn,
      input.strengths,
      input.areasToDevelop,
      input.grade,
      by.userId,
      by.label,
      by.now,
    ],
  )
  await sql.query(
    `INSERT INTO observation_ratings (partnership_id, observation_id, standard_id, rating, notes)
     SELECT $1, $2, x.standard_id, x.rating, x.notes FROM unnest($3::uuid[], $4::text[], $5::text[]) AS x(standard_id, rating, notes)`,
    [
      partnershipId,
      id,
      input.ratings.map((r) => r.standardId),
      input.ratings.map((r) => r.rating),
      input.ratings.map((r) => r.notes),
    ],
  )
  return id
}

/** The session's trainers who can sign in: their user's email and name. */
export function sessionTrainerUsers(
  sql: Sql,
  sessionId: string,
): Promise<{ userId: string; email: string; name: string }[]> {
  return sql.query(
    `SELECT DISTINCT u.id AS "userId", u.email, u.display_name AS name
       FROM session_trainers t JOIN people p ON p.id = t.person_id
       JOIN users u ON u.id = p.user_id OR (p.user_id IS NULL AND lower(u.email) = lower(p.email))
      WHERE t.session_id = $1 AND NOT u.disabled AND EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id)
      ORDER BY u.email`,
    [sessionId],
  )
}

export function recordResponse(
  sql: Sql,
  id: string,
  response: string,
  by: { userId: string | null; now: Date },
): Promise<unknown> {
  return sql.maybeOne(
    `UPDATE observations SET response = $2, responded_at = $3, responded_by = $4
      WHERE id = $1 AND response IS NULL RETURNING id`,
    [id, response, by.now, by.userId],
  )
}
