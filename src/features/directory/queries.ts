import type { Sql } from '#platform/db/database.ts'
import type { AgencyCategory, AgencySector, Workforce } from './agency.ts'
import type { AgencyFilter, AgencyInput, AgencyPatch, PeopleFilter } from './forms.ts'
import { searchQuery } from './rules.ts'

export type Agency = {
  id: string
  name: string
  category: AgencyCategory
  saferProgrammeMember: boolean
  sector: AgencySector
  workforce: Workforce
  archived: boolean
  address: string | null
  invoicingContactName: string | null
  invoicingContactEmail: string | null
  /** Declared by the agency; null when none is (see headcount.ts for the headcount reach uses). */
  headcount: number | null
}

const agencyColumns = `id, name, category, safer_programme_member AS "saferProgrammeMember", sector, workforce, archived,
  address, invoicing_contact_name AS "invoicingContactName", invoicing_contact_email AS "invoicingContactEmail",
  headcount`

export async function agenciesMatching(
  sql: Sql,
  filter: AgencyFilter,
): Promise<{ items: Agency[]; total: number }> {
  const where = `($1::text IS NULL OR name ILIKE '%' || $1 || '%')
    AND ($2::text IS NULL OR category = $2) AND ($3::boolean IS NULL OR archived = $3)`
  const values = [
    filter.q || null,
    filter.category ?? null,
    filter.archived === undefined ? null : filter.archived === 'true',
  ]
  const items = await sql.query<Agency>(
    `SELECT ${agencyColumns} FROM agencies WHERE ${where} ORDER BY lower(name), id LIMIT $4 OFFSET $5`,
    [...values, filter.pageSize, (filter.page - 1) * filter.pageSize],
  )
  const { total } = await sql.one<{ total: number }>(
    `SELECT count(*) AS total FROM agencies WHERE ${where}`,
    values,
  )
  return { items, total }
}

export function agencyById(sql: Sql, id: string): Promise<Agency | undefined> {
  return sql.maybeOne<Agency>(`SELECT ${agencyColumns} FROM agencies WHERE id = $1`, [id])
}

export function activeAgencies(sql: Sql): Promise<Agency[]> {
  return sql.query<Agency>(`SELECT ${agencyColumns} FROM agencies WHERE NOT archived ORDER BY lower(name)`)
}

export function insertAgency(sql: Sql, partnershipId: string, agency: AgencyInput): Promise<Agency> {
  return sql.one<Agency>(
    `INSERT INTO agencies (partnership_id, name, category, safer_programme_member, sector, workforce, archived,
       address, invoicing_contact_name, invoicing_contact_email, headcount)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING ${agencyColumns}`,
    [
      partnershipId,
      agency.name,
      agency.category,
      agency.saferProgrammeMember,
      agency.sector,
      agency.workforce,
      agency.archived,
      agency.address ?? null,
      agency.invoicingContactName ?? null,
      agency.invoicingContactEmail ?? null,
      agency.headcount ?? null,
    ],
  )
}

export function updateAgency(
  sql: Sql,
  id: string,
  agency: Agency & AgencyPatch,
): Promise<Agency | undefined> {
  return sql.maybeOne<Agency>(
    `UPDATE agencies SET name = $2, category = $3, safer_programme_member = $4, sector = $5, workforce = $6,
       archived = $7, address = $8, invoicing_contact_name = $9, invoicing_contact_email = $10,
       headcount = $11
     WHERE id = $1 RETURNING ${agencyColumns}`,
    [
      id,
      agency.name,
      agency.category,
      agency.saferProgrammeMember,
      agency.sector,
      agency.workforce,
      agency.archived,
      agency.address,
      agency.invoicingContactName,
      agency.invoicingContactEmail,
      agency.headcount ?? null,
    ],
  )
}

export type Person = {
  id: string
  firstName: string
  lastName: string
  email: string
  agencyId: string
  agencyName: string
  role: string | null
  tier: string | null
  managerId: string | null
  managerName: string | null
  managerEmail: string | null
  status: 'active' | 'pending' | 'rejected' | 'left'
}

const personColumns = `p.id, p.first_name AS "firstName", p.last_name AS "lastName", p.email, p.agency_id AS "agencyId",
  a.name AS "agencyName", p.role, p.tier, m.id AS "managerId",
  coalesce(p.manager_name, m.first_name || ' ' || m.last_name) AS "managerName",
  coalesce(m.email, p.manager_email) AS "managerEmail", p.status`

// The line manager is linked by email, through the unique email index, when they are in the directory.
const personFrom = `people p JOIN agencies a ON a.id = p.agency_id
  LEFT JOIN people m ON m.partnership_id = p.partnership_id AND m.email_key = p.manager_email_key
    AND m.merged_into IS NULL AND m.id <> p.id`

const orderings: Record<PeopleFilter['sort'], string> = {
  name: 'lower(p.last_name), lower(p.first_name), p.id',
  email: 'p.email_key, p.id',
  agency: 'lower(a.name), lower(p.last_name), lower(p.first_name), p.id',
  newest: 'p.created_at DESC, p.id',
}

/**
 * Where a filter's people come from, the conditions it sets and their values. Only what is
 * asked for is written, so each search gets a plan of its own. Words are matched by
 * people_matching_search, which can use the full-text index (see migration 0004).
 */
function peopleWhere(filter: PeopleFilter, agencyScope: readonly string[] | null) {
  const values: unknown[] = []
  const conditions = ['p.merged_into IS NULL']
  const add = (condition: (at: string) => string, value: unknown) => {
    values.push(value)
    conditions.push(condition(`$${values.length}`))
  }
  let from = 'people p'
  if (filter.q) {
    values.push(searchQuery(filter.q), filter.q)
    from = "people_matching_search(to_tsquery('simple', coalesce($1, '')), $2) p"
  }
  if (filter.agencyId) add((at) => `p.agency_id = ${at}`, filter.agencyId)
  if (agencyScope) add((at) => `p.agency_id = ANY(${at}::uuid[])`, agencyScope)
  if (filter.role) add((at) => `p.role ILIKE '%' || ${at} || '%'`, filter.role)
  if (filter.tier) add((at) => `p.tier = ${at}`, filter.tier)
  if (filter.status) add((at) => `p.status = ${at}`, filter.status)
  return { from, where: conditions.join(' AND '), values }
}

/**
 * A page of people matching a search, and how many match. `agencyScope` limits an agency
 * lead to the agencies they lead; null means every agency.
 */
export async function peopleMatching(
  sql: Sql,
  filter: PeopleFilter,
  agencyScope: readonly string[] | null,
): Promise<{ items: Person[]; total: number }> {
  const { from, where, values } = peopleWhere(filter, agencyScope)
  // The page is chosen first, joining only what its order needs, so line managers are looked
  // up for the rows shown rather than for every match.
  const items = await sql.query<Person>(
    `WITH page AS MATERIALIZED (
       SELECT p.id FROM ${from} JOIN agencies a ON a.id = p.agency_id WHERE ${where}
        ORDER BY ${orderings[filter.sort]} LIMIT $${values.length + 1} OFFSET $${values.length + 2})
     SELECT ${personColumns} FROM page JOIN ${personFrom} ON p.id = page.id ORDER BY ${orderings[filter.sort]}`,
    [...values, filter.pageSize, (filter.page - 1) * filter.pageSize],
  )
  const { total } = await sql.one<{ total: number }>(
    `SELECT count(*)::int AS total FROM ${from} WHERE ${where}`,
    values,
  )
  return { items, total }
}

/** Every person a search finds, in its order, for an export. */
export function allPeopleMatching(
  sql: Sql,
  filter: PeopleFilter,
  agencyScope: readonly string[] | null,
): Promise<Person[]> {
  const { from, where, values } = peopleWhere(filter, agencyScope)
  return sql.query<Person>(
    `WITH found AS MATERIALIZED (SELECT p.id FROM ${from} WHERE ${where})
     SELECT ${personColumns} FROM found JOIN ${personFrom} ON p.id = found.id ORDER BY ${orderings[filter.sort]}`,
    values,
  )
}

export function personById(sql: Sql, id: string): Promise<Person | undefined> {
  return sql.maybeOne<Person>(
    `SELECT ${personColumns} FROM ${personFrom} WHERE p.id = $1 AND p.merged_into IS NULL`,
    [id],
  )
}

export function personByEmail(sql: Sql, email: string): Promise<{ id: string } | undefined> {
  return sql.maybeOne<{ id: string }>(
    'SELECT id FROM people WHERE email_key = lower($1) AND merged_into IS NULL',
    [email],
  )
}

export type PersonRow = {
  firstName: string
  lastName: string
  email: string
  agencyId: string
  role: string | null
  tier: string | null
  managerName: string | null
  managerEmail: string | null
  status: string
}

export function insertPerson(sql: Sql, partnershipId: string, person: PersonRow): Promise<{ id: string }> {
  return sql.one<{ id: string }>(
    `INSERT INTO people (partnership_id, first_name, last_name, email, agency_id, role, tier, manager_name, manager_email, status)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
    [
      partnershipId,
      person.firstName,
      person.lastName,
      person.email,
      person.agencyId,
      person.role,
      person.tier,
      person.managerName,
      person.managerEmail,
      person.status,
    ],
  )
}

/**
 * Changes a person; a change of agency first closes the spell at the agency they leave. Only a
 * person whose current agency is in `agencyScope` (null for every agency) is changed, so the
 * write itself never reaches someone elsewhere; says whether anyone was changed.
 */
export async function updatePerson(
  sql: Sql,
  id: string,
  person: PersonRow,
  now: Date,
  today: string,
  agencyScope: readonly string[] | null,
): Promise<boolean> {
  const everyAgency = agencyScope === null
  const agencies = agencyScope ?? []
  await sql.query(
    `INSERT INTO agency_spells (partnership_id, person_id, agency_id, started_on, ended_on)
     SELECT partnership_id, id, agency_id, agency_since, $3 FROM people
      WHERE id = $1 AND agency_id <> $2 AND ($4::boolean OR agency_id = ANY($5::uuid[]))`,
    [id, person.agencyId, today, everyAgency, agencies],
  )
  const changed = await sql.query(
    `UPDATE people SET first_name = $2, last_name = $3, email = $4, role = $6, tier = $7,
       manager_name = $8, manager_email = $9, status = $10, updated_at = $11,
       agency_since = CASE WHEN agency_id <> $5 THEN $12::date ELSE agency_since END, agency_id = $5
     WHERE id = $1 AND merged_into IS NULL AND ($13::boolean OR agency_id = ANY($14::uuid[]))
     RETURNING id`,
    [
      id,
      person.firstName,
      person.lastName,
      person.email,
      person.agencyId,
      person.role,
      person.tier,
      person.managerName,
      person.managerEmail,
      person.status,
      now,
      today,
      everyAgency,
      agencies,
    ],
  )
  return changed.length > 0
}

export type AgencySpell = { agencyId: string; agencyName: string; startedOn: string; endedOn: string | null }

/** Every agency a person has been at, the current one first. */
export function agencySpellsOf(sql: Sql, personId: string): Promise<AgencySpell[]> {
  return sql.query<AgencySpell>(
    `SELECT * FROM (
       SELECT p.agency_id AS "agencyId", a.name AS "agencyName", p.agency_since AS "startedOn", NULL::date AS "endedOn"
         FROM people p JOIN agencies a ON a.id = p.agency_id WHERE p.id = $1
       UNION ALL
       SELECT s.agency_id, a.name, s.started_on, s.ended_on
         FROM agency_spells s JOIN agencies a ON a.id = s.agency_id WHERE s.person_id = $1
     ) spells ORDER BY "endedOn" DESC NULLS FIRST, "startedOn" DESC`,
    [personId],
  )
}
