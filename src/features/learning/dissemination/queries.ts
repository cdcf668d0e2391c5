import type { AgencySector, Workforce } from '#features/directory/agency.ts'
import { headcountDeclaredSql, headcountSql } from '#features/directory/headcount.ts'
import type { Sql } from '#platform/db/database.ts'
import type { ConfirmationKind, DisseminationMethod } from './rules.ts'

/** What the matrix reads for one product and one agency, before the rules decide its status. */
export type AgencyFacts = {
  productId: string
  agencyId: string
  agencyName: string
  sector: AgencySector
  workforce: Workforce
  archived: boolean
  headcount: number
  headcountDeclared: boolean
  firstSentAt: Date | null
  lastSentAt: Date | null
  sentVersion: number | null
  acknowledgements: number
  disseminations: number
  staffReached: number
  lastRecordedAt: Date | null
  confirmations: number
  confirmedPeople: number
}

/**
 * Every agency's facts for each of these products (only these agencies, when named): sent
 * when and which version, its records added up, and its practitioners' confirmations.
 */
export function agencyFacts(
  sql: Sql,
  productIds: readonly string[],
  agencyIds: readonly string[] | null,
): Promise<AgencyFacts[]> {
  if (!productIds.length) return Promise.resolve([])
  return sql.query<AgencyFacts>(
    `SELECT p.id AS "productId", a.id AS "agencyId", a.name AS "agencyName", a.sector, a.workforce, a.archived,
            ${headcountSql('a')} AS headcount, ${headcountDeclaredSql('a')} AS "headcountDeclared",
            s.first_sent_at AS "firstSentAt", s.last_sent_at AS "lastSentAt", s.version AS "sentVersion",
            coalesce(r.acknowledgements, 0)::int AS acknowledgements,
            coalesce(r.disseminations, 0)::int AS disseminations,
            coalesce(r.staff_reached, 0)::int AS "staffReached", r.last_at AS "lastRecordedAt",
            coalesce(c.confirmations, 0)::int AS confirmations, coalesce(c.people, 0)::int AS "confirmedPeople"
       FROM unnest($1::uuid[]) AS p(id) CROSS JOIN agencies a
       LEFT JOIN LATERAL (
         SELECT min(x.sent_at) AS first_sent_at, max(x.sent_at) AS last_sent_at, max(x.version) AS version
           FROM learning_product_sends x WHERE x.product_id = p.id AND x.agency_id = a.id) s ON true
       LEFT JOIN LATERAL (
         SELECT count(*) FILTER (WHERE x.kind = 'acknowledgement') AS acknowledgements,
                count(*) FILTER (WHERE x.kind = 'dissemination') AS disseminations,
                sum(x.staff_reached) AS staff_reached, max(x.at) AS last_at
           FROM dissemination_records x WHERE x.product_id = p.id AND x.agency_id = a.id) r ON true
       LEFT JOIN LATERAL (
         SELECT count(*) AS confirmations, count(DISTINCT x.person_id) AS people
           FROM learning_confirmations x WHERE x.product_id = p.id AND x.agency_id = a.id) c ON true
      WHERE ($2::uuid[] IS NULL OR a.id = ANY($2::uuid[]))
      ORDER BY array_position($1::uuid[], p.id), lower(a.name), a.id`,
    [productIds, agencyIds],
  )
}

/** An agency as the dissemination pages name it. */
export type AgencyRef = {
  id: string
  name: string
  sector: AgencySector
  workforce: Workforce
  archived: boolean
}

export function agencyRef(sql: Sql, id: string): Promise<AgencyRef | undefined> {
  return sql.maybeOne<AgencyRef>('SELECT id, name, sector, workforce, archived FROM agencies WHERE id = $1', [
    id,
  ])
}

/** The partnership's current agencies: whom a product may be sent to. */
export function currentAgencies(sql: Sql): Promise<AgencyRef[]> {
  return sql.query<AgencyRef>(
    'SELECT id, name, sector, workforce, archived FROM agencies WHERE NOT archived ORDER BY lower(name), id',
  )
}

/** The latest version of a product each agency was sent. */
export async function sentVersions(sql: Sql, productId: string): Promise<Map<string, number>> {
  const rows = await sql.query<{ agencyId: string; version: number }>(
    `SELECT agency_id AS "agencyId", max(version) AS version FROM learning_product_sends
      WHERE product_id = $1 GROUP BY agency_id`,
    [productId],
  )
  return new Map(rows.map((r) => [r.agencyId, r.version]))
}

export type Lead = { userId: string; email: string; name: string; agencyIds: string[] }

/** The agency leads of these agencies who can still sign in, each with the ones of these they lead. */
export function leadsOf(sql: Sql, agencyIds: readonly string[]): Promise<Lead[]> {
  if (!agencyIds.length) return Promise.resolve([])
  return sql.query<Lead>(
    `SELECT u.id AS "userId", u.email, u.display_name AS name,
            array_agg(DISTINCT x ORDER BY x)::text[] AS "agencyIds"
       FROM memberships m JOIN users u ON u.id = m.user_id, unnest(m.agency_ids) x
      WHERE m.role = 'agency-lead' AND NOT u.disabled AND x = ANY($1::uuid[])
      GROUP BY u.id, u.email, u.display_name ORDER BY u.email`,
    [agencyIds],
  )
}

export function insertSends(
  sql: Sql,
  partnershipId: string,
  productId: string,
  version: number,
  sends: readonly { agencyId: string; leadsEmailed: number }[],
  by: { byUser: string | null; byLabel: string | null },
): Promise<unknown> {
  return sql.query(
    `INSERT INTO learning_product_sends (partnership_id, product_id, agency_id, version, leads_emailed, by_user, by_label)
     SELECT $1, $2, s.agency_id, $3, s.leads, $6, $7 FROM unnest($4::uuid[], $5::int[]) AS s(agency_id, leads)
     ON CONFLICT (product_id, agency_id, version) DO NOTHING`,
    [
      partnershipId,
      productId,
      version,
      sends.map((s) => s.agencyId),
      sends.map((s) => s.leadsEmailed),
      by.byUser,
      by.byLabel,
    ],
  )
}

export type DisseminationRecord = {
  id: string
  kind: 'acknowledgement' | 'dissemination'
  how: DisseminationMethod | null
  onDate: string | null
  staffReached: number | null
  headcount: number | null
  note: string | null
  by: string | null
  at: Date
  files: { id: string; filename: string; contentType: string; sizeBytes: number }[]
}

/** An agency's records for a product, newest first, each with its evidence files. */
export function recordsOf(sql: Sql, productId: string, agencyId: string): Promise<DisseminationRecord[]> {
  return sql.query<DisseminationRecord>(
    `SELECT r.id, r.kind, r.how, r.on_date AS "onDate", r.staff_reached AS "staffReached", r.headcount, r.note,
            coalesce(u.display_name, r.by_label) AS by, r.at,
            coalesce((SELECT json_agg(json_build_object('id', e.id, 'filename', e.filename,
                        'contentType', e.content_type, 'sizeBytes', e.size_bytes) ORDER BY e.created_at)
                        FROM dissemination_evidence e WHERE e.record_id = r.id), '[]') AS files
       FROM dissemination_records r LEFT JOIN users u ON u.id = r.by_user
      WHERE r.product_id = $1 AND r.agency_id = $2 ORDER BY r.at DESC, r.id`,
    [productId, agencyId],
  )
}

export function insertRecord(
  sql: Sql,
  partnershipId: string,
  record: {
    productId: string
    agencyId: string
    kind: 'acknowledgement' | 'dissemination'
    how: DisseminationMethod | null
    onDate: string | null
    staffReached: number | null
    headcount: number | null
    note: string | null
    byUser: string | null
    byLabel: string | null
  },
): Promise<{ id: string }> {
  return sql.one<{ id: string }>(
    `INSERT INTO dissemination_records (partnership_id, product_id, agency_id, kind, how, on_date, staff_reached,
       headcount, note, by_user, by_label)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
    [
      partnershipId,
      record.productId,
      record.agencyId,
      record.kind,
      record.how,
      record.onDate,
      record.staffReached,
      record.headcount,
      record.note,
      record.byUser,
      record.byLabel,
    ],
  )
}

export function insertEvidence(
  sql: Sql,
  partnershipId: string,
  recordId: string,
  file: { filename: string; contentType: string; content: Buffer },
): Promise<unknown> {
  return sql.query(
    `INSERT INTO dissemination_evidence (partnership_id, record_id, filename, content_type, size_bytes, content)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [partnershipId, recordId, file.filename, file.contentType, file.content.length, file.content],
  )
}

export function evidenceFile(
  sql: Sql,
  productId: string,
  agencyId: string,
  fileId: string,
): Promise<{ filename: string; contentType: string; content: Buffer } | undefined> {
  return sql.maybeOne(
    `SELECT e.filename, e.content_type AS "contentType", e.content FROM dissemination_evidence e
       JOIN dissemination_records r ON r.id = e.record_id
      WHERE e.id = $3 AND r.product_id = $1 AND r.agency_id = $2`,
    [productId, agencyId, fileId],
  )
}

/** A person in the directory as a confirmation counts them. */
export type ConfirmingPerson = { id: string; agencyId: string; name: string; email: string }

/** The directory record of a signed-in user (not merged, not left). */
export function personOfUser(sql: Sql, userId: string): Promise<ConfirmingPerson | undefined> {
  return sql.maybeOne<ConfirmingPerson>(
    `SELECT id, agency_id AS "agencyId", first_name || ' ' || last_name AS name, email FROM people
      WHERE user_id = $1 AND merged_into IS NULL AND status = 'active' ORDER BY created_at LIMIT 1`,
    [userId],
  )
}

/** A person by id: the one a signed link names; a merged record leads to the one it was merged into. */
export function personById(sql: Sql, id: string): Promise<ConfirmingPerson | undefined> {
  return sql.maybeOne<ConfirmingPerson>(
    `SELECT p.id, p.agency_id AS "agencyId", p.first_name || ' ' || p.last_name AS name, p.email
       FROM people q JOIN people p ON p.id = coalesce(q.merged_into, q.id)
      WHERE q.id = $1 AND p.status IN ('active', 'left')`,
    [id],
  )
}

/** Confirms once; true when this confirmation is new, false when the person had already. */
export async function insertConfirmation(
  sql: Sql,
  partnershipId: string,
  productId: string,
  person: ConfirmingPerson,
  kind: ConfirmationKind,
): Promise<boolean> {
  const row = await sql.maybeOne(
    `INSERT INTO learning_confirmations (partnership_id, product_id, person_id, agency_id, kind)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (product_id, person_id, kind) DO NOTHING RETURNING id`,
    [partnershipId, productId, person.id, person.agencyId, kind],
  )
  return row !== undefined
}

/** When a person confirmed each kind for a product. */
export function confirmationsOf(
  sql: Sql,
  productId: string,
  personId: string,
): Promise<{ kind: ConfirmationKind; at: Date }[]> {
  return sql.query(
    'SELECT kind, at FROM learning_confirmations WHERE product_id = $1 AND person_id = $2 ORDER BY at',
    [productId, personId],
  )
}

/**
 * Claims the staff-links email for each active person of an agency with no earlier one for the
 * product, and gives those people: each is sent their links once.
 */
export function claimStaffLinks(
  sql: Sql,
  partnershipId: string,
  productId: string,
  agencyId: string,
): Promise<ConfirmingPerson[]> {
  return sql.query<ConfirmingPerson>(
    `WITH claimed AS (
       INSERT INTO dissemination_chasers (partnership_id, kind, key)
       SELECT $1, 'staff_links', $2 || '/' || p.id FROM people p
        WHERE p.agency_id = $3 AND p.status = 'active' AND p.merged_into IS NULL
       ON CONFLICT DO NOTHING RETURNING key)
     SELECT p.id, p.agency_id AS "agencyId", p.first_name || ' ' || p.last_name AS name, p.email
       FROM claimed c JOIN people p ON c.key = $2 || '/' || p.id
      ORDER BY lower(p.last_name), lower(p.first_name), p.id`,
    [partnershipId, productId, agencyId],
  )
}

/** A product sent to an agency that has not answered, with when it was first sent. */
export type Unanswered = {
  productId: string
  productTitle: string
  agencyId: string
  agencyName: string
  firstSentOn: string
}

/**
 * Products sent to agencies that have recorded nothing for them (not even an acknowledgement),
 * first sent on or before `sentBy`: the chasing job's and the overdue list's subject. Only these
 * agencies, when named. Withdrawn products are no longer chased.
 */
export function unanswered(
  sql: Sql,
  sentBy: string,
  agencyIds: readonly string[] | null,
): Promise<Unanswered[]> {
  return sql.query<Unanswered>(
    `SELECT s.product_id AS "productId", p.title AS "productTitle", s.agency_id AS "agencyId", a.name AS "agencyName",
            to_char(min(s.sent_at) AT TIME ZONE 'Europe/London', 'YYYY-MM-DD') AS "firstSentOn"
       FROM learning_product_sends s JOIN learning_products p ON p.id = s.product_id
       JOIN agencies a ON a.id = s.agency_id
      WHERE p.status = 'published' AND NOT a.archived
        AND ($2::uuid[] IS NULL OR s.agency_id = ANY($2::uuid[]))
        AND NOT EXISTS (SELECT 1 FROM dissemination_records r WHERE r.product_id = s.product_id AND r.agency_id = s.agency_id)
      GROUP BY s.product_id, p.title, s.agency_id, a.name
     HAVING (min(s.sent_at) AT TIME ZONE 'Europe/London')::date <= $1::date
      ORDER BY min(s.sent_at), lower(a.name), s.agency_id`,
    [sentBy, agencyIds],
  )
}

/** Claims a chaser of this kind for each product and agency given; gives the ones newly claimed. */
export async function claimChasers(
  sql: Sql,
  partnershipId: string,
  kind: 'reminder' | 'overdue',
  items: readonly { productId: string; agencyId: string }[],
): Promise<Set<string>> {
  if (!items.length) return new Set()
  const rows = await sql.query<{ key: string }>(
    `INSERT INTO dissemination_chasers (partnership_id, kind, key)
     SELECT $1, $2, k FROM unnest($3::text[]) k ON CONFLICT DO NOTHING RETURNING key`,
    [partnershipId, kind, items.map((i) => `${i.productId}/${i.agencyId}`)],
  )
  return new Set(rows.map((r) => r.key))
}

/** The products sent to any of these agencies, newest sending first. */
export function productsSentTo(sql: Sql, agencyIds: readonly string[]): Promise<{ productId: string }[]> {
  return sql.query(
    `SELECT s.product_id AS "productId" FROM learning_product_sends s
      WHERE s.agency_id = ANY($1::uuid[]) GROUP BY s.product_id ORDER BY max(s.sent_at) DESC, s.product_id`,
    [agencyIds],
  )
}

export type Recipient = { email: string; name: string }

/** The sub-group's members, or when it has none the partnership's admins: who hears of overdue agencies. */
export function subgroupRecipients(sql: Sql): Promise<Recipient[]> {
  return sql.query<Recipient>(
    `WITH ranked AS (
       SELECT DISTINCT u.email, u.display_name AS name, m.role FROM memberships m
         JOIN users u ON u.id = m.user_id
        WHERE m.role IN ('subgroup', 'admin') AND NOT u.disabled)
     SELECT DISTINCT email, name FROM ranked
      WHERE role = 'subgroup' OR NOT EXISTS (SELECT 1 FROM ranked WHERE role = 'subgroup')
      ORDER BY email`,
  )
}
