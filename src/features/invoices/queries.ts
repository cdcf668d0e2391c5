import type { Charge } from '#features/charges/queries.ts'
import type { Sql } from '#platform/db/database.ts'

export type InvoiceLine = {
  chargeId: string
  personName: string
  courseTitle: string
  sessionDate: string
  reason: Charge['reason']
  amountPence: number
}

export type Invoice = {
  id: string
  number: number
  kind: 'invoice' | 'credit_note'
  agencyId: string
  agencyName: string
  periodFrom: string
  periodTo: string
  credits: string | null
  reason: string | null
  totalPence: number
  sentTo: string | null
  issuedAt: Date
  lines: InvoiceLine[]
}

/** The next number of the partnership's one sequence; the counter's row stays locked until commit. */
export async function takeNumber(sql: Sql, partnershipId: string): Promise<number> {
  const row = await sql.one<{ n: number }>(
    `INSERT INTO invoice_counters (partnership_id, last_number) VALUES ($1, 1)
     ON CONFLICT (partnership_id) DO UPDATE SET last_number = invoice_counters.last_number + 1
     RETURNING last_number AS n`,
    [partnershipId],
  )
  return row.n
}

export async function insertInvoice(
  sql: Sql,
  invoice: {
    partnershipId: string
    number: number
    kind: Invoice['kind']
    agencyId: string
    periodFrom: string
    periodTo: string
    credits: string | null
    reason: string | null
    lines: InvoiceLine[]
    sentTo: string | null
    by: string | null
  },
): Promise<string> {
  const total = invoice.lines.reduce((sum, l) => sum + l.amountPence, 0)
  const { id } = await sql.one<{ id: string }>(
    `INSERT INTO invoices (partnership_id, number, kind, agency_id, period_from, period_to, credits, reason, total_pence,
       sent_to, issued_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
    [
      invoice.partnershipId,
      invoice.number,
      invoice.kind,
      invoice.agencyId,
      invoice.periodFrom,
      invoice.periodTo,
      invoice.credits,
      invoice.reason,
      total,
      invoice.sentTo,
      invoice.by,
    ],
  )
  await sql.query(
    `INSERT INTO invoice_lines (partnership_id, invoice_id, charge_id, person_name, course_title, session_date, reason, amount_pence)
     SELECT $1, $2, l.charge_id, l.person_name, l.course_title, l.session_date, l.reason, l.amount_pence
       FROM unnest($3::uuid[], $4::text[], $5::text[], $6::date[], $7::text[], $8::int[])
            AS l(charge_id, person_name, course_title, session_date, reason, amount_pence)`,
    [
      invoice.partnershipId,
      id,
      invoice.lines.map((l) => l.chargeId),
      invoice.lines.map((l) => l.personName),
      invoice.lines.map((l) => l.courseTitle),
      invoice.lines.map((l) => l.sessionDate),
      invoice.lines.map((l) => l.reason),
      invoice.lines.map((l) => l.amountPence),
    ],
  )
  if (invoice.kind === 'invoice')
    await sql.query('UPDATE charges SET invoice_id = $1 WHERE id = ANY($2::uuid[])', [
      id,
      invoice.lines.map((l) => l.chargeId),
    ])
  return id
}

const invoiceColumns = `i.id, i.number, i.kind, i.agency_id AS "agencyId", g.name AS "agencyName",
  to_char(i.period_from, 'YYYY-MM-DD') AS "periodFrom", to_char(i.period_to, 'YYYY-MM-DD') AS "periodTo",
  i.credits, i.reason, i.total_pence AS "totalPence", i.sent_to AS "sentTo", i.issued_at AS "issuedAt",
  (SELECT coalesce(json_agg(json_build_object('chargeId', l.charge_id, 'personName', l.person_name,
     'courseTitle', l.course_title, 'sessionDate', to_char(l.session_date, 'YYYY-MM-DD'), 'reason', l.reason,
     'amountPence', l.amount_pence) ORDER BY l.session_date, l.person_name), '[]')
     FROM invoice_lines l WHERE l.invoice_id = i.id) AS lines`

export function invoiceById(sql: Sql, id: string): Promise<Invoice | undefined> {
  return sql.maybeOne<Invoice>(
    `SELECT ${invoiceColumns} FROM invoices i JOIN agencies g ON g.id = i.agency_id WHERE i.id = $1`,
    [id],
  )
}

export function invoicesList(sql: Sql): Promise<Omit<Invoice, 'lines'>[]> {
  return sql.query(
    `SELECT i.id, i.number, i.kind, i.agency_id AS "agencyId", g.name AS "agencyName",
            to_char(i.period_from, 'YYYY-MM-DD') AS "periodFrom", to_char(i.period_to, 'YYYY-MM-DD') AS "periodTo",
            i.credits, i.reason, i.total_pence AS "totalPence", i.sent_to AS "sentTo", i.issued_at AS "issuedAt"
       FROM invoices i JOIN agencies g ON g.id = i.agency_id ORDER BY i.number DESC LIMIT 500`,
  )
}
