import type { Sql } from '#platform/db/database.ts'
import type { ImportRow } from './rows.ts'

/** Agencies by lower-case name, as a staff file names them. */
export async function agenciesByName(sql: Sql): Promise<Map<string, string>> {
  const rows = await sql.query<{ name: string; id: string }>(
    'SELECT lower(name) AS name, id FROM agencies WHERE NOT archived',
  )
  return new Map(rows.map((r) => [r.name, r.id]))
}

type Existing = {
  email: string
  first_name: string
  last_name: string
  agency_id: string
  role: string | null
  tier: string | null
  manager_name: string | null
  manager_email: string | null
}

/** The people already in the directory with these emails, by lower-case email. */
export async function existingByEmail(sql: Sql, emails: string[]): Promise<Map<string, Existing>> {
  const rows = await sql.query<Existing>(
    `SELECT email_key AS email, first_name, last_name, agency_id, role, tier, manager_name, manager_email
       FROM people WHERE email_key = ANY($1::text[]) AND merged_into IS NULL`,
    [emails.map((e) => e.toLowerCase())],
  )
  return new Map(rows.map((r) => [r.email, r]))
}

export function unchanged(existing: Existing, row: ImportRow): boolean {
  return (
    existing.first_name === row.firstName &&
    existing.last_name === row.lastName &&
    existing.agency_id === row.agencyId &&
    existing.role === row.role &&
    existing.tier === row.tier &&
    existing.manager_name === row.managerName &&
    existing.manager_email === row.managerEmail
  )
}

/**
 * The emails, lower-cased, of the people among these who are in an agency outside
 * `agencyScope`: people an import by someone who manages only those agencies must not touch.
 */
export async function emailsOutside(
  sql: Sql,
  emails: readonly string[],
  agencyScope: readonly string[],
): Promise<Set<string>> {
  const rows = await sql.query<{ email: string }>(
    `SELECT email_key AS email FROM people
      WHERE email_key = ANY($1::text[]) AND merged_into IS NULL AND NOT (agency_id = ANY($2::uuid[]))`,
    [emails.map((e) => e.toLowerCase()), agencyScope],
  )
  return new Set(rows.map((r) => r.email))
}

/**
 * Adds or updates a batch of people by email in one statement. A row that matches what is
 * stored is not written at all, so importing the same file twice changes nothing. Only people
 * whose current agency is in `agencyScope` (null for every agency) are updated: the write
 * itself leaves anyone else as they are, whatever was checked before it.
 */
export async function upsertPeople(
  sql: Sql,
  partnershipId: string,
  rows: readonly ImportRow[],
  now: Date,
  today: string,
  agencyScope: readonly string[] | null,
): Promise<{ id: string; inserted: boolean }[]> {
  const column = <K extends keyof ImportRow>(key: K) => rows.map((r) => r[key])
  const everyAgency = agencyScope === null
  const agencies = agencyScope ?? []
  // People moving agency keep the spell they leave, written before the move.
  await sql.query(
    `INSERT INTO agency_spells (partnership_id, person_id, agency_id, started_on, ended_on)
     SELECT p.partnership_id, p.id, p.agency_id, p.agency_since, $3
       FROM people p JOIN unnest($1::text[], $2::uuid[]) AS t(email, agency_id)
         ON p.email_key = lower(t.email) AND p.merged_into IS NULL
      WHERE p.agency_id <> t.agency_id AND ($4::boolean OR p.agency_id = ANY($5::uuid[]))`,
    [column('email'), column('agencyId'), today, everyAgency, agencies],
  )
  return sql.query<{ id: string; inserted: boolean }>(
    `INSERT INTO people (partnership_id, first_name, last_name, email, agency_id, role, tier, manager_name, manager_email, created_at, updated_at)
     SELECT $1, t.first_name, t.last_name, t.email, t.agency_id, t.role, t.tier, t.manager_name, t.manager_email, $10, $10
       FROM unnest($2::text[], $3::text[], $4::text[], $5::uuid[], $6::text[], $7::text[], $8::text[], $9::text[])
         AS t(first_name, last_name, email, agency_id, role, tier, manager_name, manager_email)
     ON CONFLICT (partnership_id, email_key) WHERE merged_into IS NULL
     DO UPDATE SET first_name = EXCLUDED.first_name, last_name = EXCLUDED.last_name, agency_id = EXCLUDED.agency_id,
       role = EXCLUDED.role, tier = EXCLUDED.tier, manager_name = EXCLUDED.manager_name,
       manager_email = EXCLUDED.manager_email, updated_at = EXCLUDED.updated_at,
       agency_since = CASE WHEN people.agency_id <> EXCLUDED.agency_id THEN $11::date ELSE people.agency_since END
     WHERE (people.first_name, people.last_name, people.agency_id, people.role, people.tier, people.manager_name, people.manager_email)
       IS DISTINCT FROM (EXCLUDED.first_name, EXCLUDED.last_name, EXCLUDED.agency_id, EXCLUDED.role, EXCLUDED.tier,
                         EXCLUDED.manager_name, EXCLUDED.manager_email)
       AND ($12::boolean OR people.agency_id = ANY($13::uuid[]))
     RETURNING id, (xmax = 0) AS inserted`,
    [
      partnershipId,
      column('firstName'),
      column('lastName'),
      column('email'),
      column('agencyId'),
      column('role'),
      column('tier'),
      column('managerName'),
      column('managerEmail'),
      now,
      today,
      everyAgency,
      agencies,
    ],
  )
}

export type StoredImport = {
  id: string
  filename: string
  content: string
  encoding: string
  mapping: Record<string, number> | null
  status: string
  outcome: unknown
  createdBy: string | null
}

export function importById(sql: Sql, id: string): Promise<StoredImport | undefined> {
  return sql.maybeOne<StoredImport>(
    'SELECT id, filename, content, encoding, mapping, status, outcome, created_by AS "createdBy" FROM people_imports WHERE id = $1',
    [id],
  )
}
