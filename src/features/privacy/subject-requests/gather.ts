import { personReferences } from '#features/directory/merge/service.ts'
import type { Row, Sql } from '#platform/db/database.ts'

/** One kind of record held about a person: a file of its own in the export. */
export type HeldPart = { id: string; label: string; rows: Row[] }

/** An evidence file the person uploaded, carried in the export beside its record. */
export type HeldFile = { path: string; bytes: Uint8Array }

export type Held = { person: Row; parts: HeldPart[]; files: HeldFile[] }

/** An evidence file larger than this is listed, not carried: the download stays quick to make and to fetch. */
export const LARGEST_FILE = 5 * 1024 * 1024
/** All the files together stay under this; the rest are listed. */
export const LARGEST_FILES = 25 * 1024 * 1024

/**
 * What each kind of record is called in the export, where the table's own name would not say.
 * A table that refers to people and is not here is still exported, its name turned into words.
 */
const labels: Record<string, string> = {
  record: 'Their record in the directory',
  merged_records: 'Records of theirs merged into this one',
  agency_spells: 'Time at each agency',
  applications: 'Applications and places',
  certificates: 'Certificates',
  charges: 'Charges',
  conduct_concerns: 'Concerns raised about their conduct on a course',
  needs: 'Training they asked for',
  course_interests: 'Interest registered in courses',
  trainer_approvals: 'Approvals to train courses',
  learning_confirmations: 'Learning they confirmed reading or sharing',
  trainer_cpd_returns: 'Trainer CPD questionnaires',
  trainer_cpd_chasers: 'Reminders to return a CPD questionnaire',
  knowledge_audit_invitations: 'Knowledge audits they were asked to take',
  learning_evidence: 'Learning evidence on their learning record',
  requirement_standings: 'Where they stand against their pathway',
  pathway_reminders: 'Reminders of training about to lapse',
  session_trainers: 'Sessions they trained',
  data_requests: 'Subject access and erasure requests about them',
  attendance: 'Register marks',
  evaluation_responses: 'Evaluations they gave, with their name',
  evaluation_completions: 'Evaluations completed',
  evaluation_invitations: 'Invitations to evaluate',
  telephone_calls: 'Follow-up telephone calls',
  invoice_lines: 'Invoice lines naming them',
  knowledge_audit_answers: 'Their knowledge audit answers',
  account: 'Their sign-in account and roles',
  emails: 'Emails sent to them',
  audit_events: 'Audit trail entries about them',
}

export const labelOf = (id: string) =>
  labels[id] ?? id.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase())

/**
 * Friendlier rows for some tables: what a bare id refers to, in words. Each is the table's rows
 * (`x`) with columns added, never fewer.
 */
const readable: Record<string, string> = {
  applications: `SELECT x.*, c.title AS course_title, s.starts_at AS session_starts_at
                   FROM applications x JOIN sessions s ON s.id = x.session_id JOIN courses c ON c.id = s.course_id`,
  certificates: `SELECT x.*, c.title AS course_title, s.starts_at AS session_starts_at
                   FROM certificates x JOIN sessions s ON s.id = x.session_id JOIN courses c ON c.id = s.course_id`,
  charges: `SELECT x.*, c.title AS course_title, s.starts_at AS session_starts_at, i.number AS invoice_number
              FROM charges x JOIN sessions s ON s.id = x.session_id JOIN courses c ON c.id = s.course_id
              LEFT JOIN invoices i ON i.id = x.invoice_id`,
  session_trainers: `SELECT x.*, c.title AS course_title, s.starts_at AS session_starts_at
                       FROM session_trainers x JOIN sessions s ON s.id = x.session_id JOIN courses c ON c.id = s.course_id`,
  evaluation_responses: `SELECT x.*, v.questions FROM evaluation_responses x JOIN questionnaire_versions v ON v.id = x.version_id`,
}

// Columns only the database uses: its search index.
const internal = new Set(['search'])

/**
 * Everything held about one person in the partnership, read in the caller's transaction:
 * their record; every row of every table that refers to them, driven by the merge's list of
 * every column referring to a person (a test keeps that list complete, so a new table is
 * exported without a change here); the rows that hang off those (register marks, evaluation
 * answers, invoice lines), found from the database's own foreign keys; their sign-in account,
 * the emails sent to them and the audit trail's entries about all of it. Evidence files come
 * too when small enough.
 */
export async function gatherHeld(sql: Sql, personId: string): Promise<Held> {
  const person = await sql.one<Row>(
    `SELECT p.*, a.name AS agency_name FROM people p JOIN agencies a ON a.id = p.agency_id WHERE p.id = $1`,
    [personId],
  )
  const parts: HeldPart[] = [{ id: 'record', label: labelOf('record'), rows: [person] }]
  const direct = new Map<string, string>()
  for (const { table, column } of personReferences) {
    const id = table === 'people' ? 'merged_records' : table
    const from = readable[table] ?? `SELECT x.* FROM ${table} x`
    const rows = await sql.query<Row>(`${from} WHERE x.${column} = $1`, [personId])
    parts.push({ id, label: labelOf(id), rows })
    if (table !== 'people') direct.set(table, column)
  }

  // Rows hanging off the person's rows, in tables that do not name a person themselves (a table
  // that does is exported above, and its rows may be someone else's; their own record is first).
  const children = await sql.query<{ child: string; column: string; parent: string; key: string }>(
    `SELECT c.conrelid::regclass::text AS child, a.attname AS column, c.confrelid::regclass::text AS parent,
            k.attname AS key
       FROM pg_constraint c
       JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
       JOIN pg_attribute k ON k.attrelid = c.confrelid AND k.attnum = c.confkey[1]
      WHERE c.contype = 'f' AND cardinality(c.conkey) = 1 AND c.confrelid::regclass::text = ANY ($1::text[])
        AND c.conrelid::regclass::text <> ALL ($1::text[]) AND c.conrelid <> 'people'::regclass
        AND NOT EXISTS (SELECT 1 FROM pg_attribute p WHERE p.attrelid = c.conrelid AND p.attname = 'person_id'
                                                     AND NOT p.attisdropped)
      ORDER BY 1, 2`,
    [[...direct.keys()]],
  )
  for (const { child, column, parent, key } of children) {
    const from = readable[child] ?? `SELECT x.* FROM ${child} x`
    const rows = await sql.query<Row>(
      `${from} WHERE x.${column} IN (SELECT ${key} FROM ${parent} WHERE ${direct.get(parent)} = $1)`,
      [personId],
    )
    const existing = parts.find((p) => p.id === child)
    if (existing) existing.rows.push(...rows)
    else parts.push({ id: child, label: labelOf(child), rows })
  }

  const userId = person.user_id as string | null
  parts.push({
    id: 'account',
    label: labelOf('account'),
    rows: userId
      ? await sql.query<Row>(
          `SELECT u.id, u.email, u.display_name, u.created_at, u.disabled,
                  (SELECT coalesce(json_agg(m.role ORDER BY m.role), '[]') FROM memberships m WHERE m.user_id = u.id) AS roles_here
             FROM users u WHERE u.id = $1`,
          [userId],
        )
      : [],
  })
  parts.push({
    id: 'emails',
    label: labelOf('emails'),
    rows: await sql.query<Row>(
      `SELECT id, to_address, subject, text_body, status, created_at, sent_at FROM outbox
        WHERE partnership_id = cascade_partnership_id() AND lower(to_address) = lower($1) ORDER BY created_at, id`,
      [person.email],
    ),
  })

  // The audit trail's entries about the person's record and every row above that has an id.
  const types: string[] = []
  const ids: string[] = []
  for (const part of parts)
    for (const row of part.rows)
      if (typeof row.id === 'string') {
        types.push(part.id === 'record' || part.id === 'merged_records' ? 'people' : part.id)
        ids.push(row.id)
      }
  parts.push({
    id: 'audit_events',
    label: labelOf('audit_events'),
    rows: await sql.query<Row>(
      `SELECT e.id, e.occurred_at, e.actor_user_id, e.actor_label, e.action, e.entity_type, e.entity_id, e.before, e.after
         FROM audit_events e JOIN unnest($1::text[], $2::text[]) AS t(type, id)
           ON e.partnership_id = cascade_partnership_id() AND e.entity_type = t.type AND e.entity_id = t.id
        ORDER BY e.occurred_at, e.id`,
      [types, ids],
    ),
  })

  const files: HeldFile[] = []
  let total = 0
  for (const part of parts)
    for (const row of part.rows)
      for (const [key, value] of Object.entries(row)) {
        if (internal.has(key)) delete row[key]
        else if (Buffer.isBuffer(value)) {
          const name = String(row.file_name ?? 'file').replace(/[^A-Za-z0-9._-]+/g, '_')
          const path = `evidence-files/${String(row.id)}-${name}`
          if (value.length <= LARGEST_FILE && total + value.length <= LARGEST_FILES) {
            total += value.length
            files.push({ path, bytes: value })
            row[key] = `In this download: ${path}`
          } else
            row[key] =
              `A file of ${value.length.toLocaleString('en-GB')} bytes, too large for this download: ask for it separately`
        }
      }
  return { person, parts, files }
}
