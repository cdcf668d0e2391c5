import type { Sql } from '#platform/db/database.ts'
import type { ApplicationStatus, StaffApplicationsFilter } from './forms.ts'

/** One application or place of someone in a lead's agencies, for the staff list. */
export type StaffApplication = {
  id: string
  name: string
  agencyName: string
  courseTitle: string
  startsAt: Date
  status: ApplicationStatus
  waitingPosition: number | null
  /** Held for the agency lead's approval after repeated no-shows. */
  awaitingApproval: boolean
}

/** Someone a lead (or an admin) may apply for, as the applying form lists them. */
export type StaffMember = { id: string; name: string; agencyName: string; jobTitle: string | null }

/** Words typed into a search, each matched anywhere, with LIKE's own characters taken literally. */
function likePatterns(words: string | undefined): string[] {
  return (words ?? '')
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 10)
    .map((word) => `%${word.replace(/[\\%_]/g, '\\$&')}%`)
}

/**
 * The conditions of a search: the agencies (null for every agency) first, then each word, which
 * must be in one of the columns. Only what is asked for is written, so each search is planned
 * for what it is.
 */
function searchWhere(
  agencyColumn: string,
  agencyScope: readonly string[] | null,
  words: string | undefined,
  columns: readonly string[],
) {
  const values: unknown[] = []
  const conditions: string[] = []
  const add = (condition: (at: string) => string, value: unknown) => {
    values.push(value)
    conditions.push(condition(`$${values.length}`))
  }
  if (agencyScope) add((at) => `${agencyColumn} = ANY(${at}::uuid[])`, agencyScope)
  for (const pattern of likePatterns(words))
    add((at) => `(${columns.map((c) => `${c} ILIKE ${at}`).join(' OR ')})`, pattern)
  return { conditions, values }
}

const PERSON_NAME = `p.first_name || ' ' || p.last_name`

/**
 * A page of the applications of the agencies' staff, latest session first, and how many there
 * are. A lead's agencies are the application's, as the application page checks them, so every
 * row listed opens; `agencyScope` null means every agency (an admin).
 */
export async function staffApplications(
  sql: Sql,
  agencyScope: readonly string[] | null,
  filter: StaffApplicationsFilter,
  pageSize: number,
): Promise<{ items: StaffApplication[]; total: number }> {
  const { conditions, values } = searchWhere('a.agency_id', agencyScope, filter.q, [PERSON_NAME, 'c.title'])
  if (filter.status) {
    values.push(filter.status)
    conditions.push(`a.status = $${values.length}`)
  }
  const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''
  const from = `applications a JOIN people p ON p.id = a.person_id
    JOIN sessions s ON s.id = a.session_id JOIN courses c ON c.id = s.course_id`
  // Sent together, so the page is read in one round trip.
  const [items, { total }] = await Promise.all([
    sql.query<StaffApplication>(
      `SELECT a.id, ${PERSON_NAME} AS name, g.name AS "agencyName", c.title AS "courseTitle",
            s.starts_at AS "startsAt", a.status, a.waiting_position AS "waitingPosition",
            (a.approval_needed_at IS NOT NULL AND a.approved_at IS NULL) AS "awaitingApproval"
       FROM ${from} JOIN agencies g ON g.id = a.agency_id ${where}
      ORDER BY s.starts_at DESC, lower(p.last_name), lower(p.first_name), a.id
      LIMIT $${values.length + 1} OFFSET $${values.length + 2}`,
      [...values, pageSize, (filter.page - 1) * pageSize],
    ),
    sql.one<{ total: number }>(`SELECT count(*)::int AS total FROM ${from} ${where}`, values),
  ])
  return { items, total }
}

/**
 * The agencies' active staff whose names hold the words, by surname, to apply for: at most
 * `limit` of them, and how many there are. The person choosing is left out: they apply for
 * themselves as "Myself".
 */
export async function staffToChoose(
  sql: Sql,
  agencyScope: readonly string[] | null,
  words: string | undefined,
  chooser: string | null,
  limit: number,
): Promise<{ people: StaffMember[]; total: number }> {
  const { conditions, values } = searchWhere('p.agency_id', agencyScope, words, [PERSON_NAME])
  values.push(chooser)
  conditions.push(`p.user_id IS DISTINCT FROM $${values.length}::uuid`)
  const where = `p.merged_into IS NULL AND p.status = 'active' AND ${conditions.join(' AND ')}`
  const [people, { total }] = await Promise.all([
    sql.query<StaffMember>(
      `SELECT p.id, ${PERSON_NAME} AS name, g.name AS "agencyName", p.role AS "jobTitle"
       FROM people p JOIN agencies g ON g.id = p.agency_id WHERE ${where}
      ORDER BY lower(p.last_name), lower(p.first_name), p.id LIMIT $${values.length + 1}`,
      [...values, limit],
    ),
    sql.one<{ total: number }>(`SELECT count(*)::int AS total FROM people p WHERE ${where}`, values),
  ])
  return { people, total }
}
