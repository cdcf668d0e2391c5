import type { Sql } from '#platform/db/database.ts'
import type { RetentionKind } from './rules.ts'

/**
 * What is due, kind by kind: the records dated before the cutoff and not yet anonymised. Each
 * kind's condition lives here once, for counting, sampling and anonymising alike.
 */
const due: Record<RetentionKind, { from: string; label: string; order: string }> = {
  // People who left their agency, counted from the day they left (or, for those who left
  // before it was recorded, from their record's last change). Records merged into another are
  // the other's to keep.
  leavers: {
    from: `people p WHERE p.status = 'left' AND p.anonymised_at IS NULL AND p.merged_into IS NULL
      AND coalesce(p.left_on, (p.updated_at AT TIME ZONE 'Europe/London')::date) < $1::date`,
    label: `'Person who left on ' || coalesce(p.left_on, (p.updated_at AT TIME ZONE 'Europe/London')::date)::text`,
    order: 'p.id',
  },
  // Applications (and with them their register marks) for sessions that ended before the cutoff.
  applications: {
    from: `applications a JOIN sessions s ON s.id = a.session_id
      WHERE a.anonymised_at IS NULL AND (s.ends_at AT TIME ZONE 'Europe/London')::date < $1::date`,
    label: `'Application for the session of ' || (s.ends_at AT TIME ZONE 'Europe/London')::date::text`,
    order: 'a.id',
  },
  survey_answers: {
    from: `survey_responses r WHERE r.anonymised_at IS NULL AND r.submitted_on < $1::date`,
    label: `'Survey answer given on ' || r.submitted_on::text`,
    order: 'r.id',
  },
  audit_trail: {
    from: `audit_events e WHERE e.anonymised_at IS NULL
      AND e.occurred_at < ($1::date::timestamp AT TIME ZONE 'Europe/London')`,
    label: `e.entity_type || ' ' || e.action || ' on ' || (e.occurred_at AT TIME ZONE 'Europe/London')::date::text`,
    order: 'e.id',
  },
}

const alias: Record<RetentionKind, string> = {
  leavers: 'p',
  applications: 'a',
  survey_answers: 'r',
  audit_trail: 'e',
}

export type Sample = { id: string; label: string }

/** How many records of a kind are due, and the first few, by id and a label with no personal data. */
export async function dueRecords(
  sql: Sql,
  kind: RetentionKind,
  cutoff: string,
  sampleSize: number,
): Promise<{ count: number; sample: Sample[] }> {
  const { from, label, order } = due[kind]
  const counted = await sql.one<{ count: number }>(`SELECT count(*)::int AS count FROM ${from}`, [cutoff])
  const sample = await sql.query<Sample>(
    `SELECT ${alias[kind]}.id::text AS id, ${label} AS label FROM ${from} ORDER BY ${order} LIMIT $2`,
    [cutoff, sampleSize],
  )
  return { count: counted.count, sample }
}

/**
 * Anonymises one batch of a kind's due records and returns how many: names, emails and free
 * text replaced, every figure, date, state and link that reports count by kept.
 */
export async function anonymiseBatch(
  sql: Sql,
  kind: RetentionKind,
  cutoff: string,
  batch: number,
): Promise<number> {
  switch (kind) {
    case 'leavers': {
      // The email stays unique within the partnership, as the directory requires, and says nothing.
      const rows = await sql.query(
        `WITH chosen AS (SELECT p.id FROM ${due.leavers.from} ORDER BY p.id LIMIT $2 FOR UPDATE)
         UPDATE people p SET first_name = 'Anonymised', last_name = 'person',
           email = 'anonymised-' || p.id || '@anonymised.invalid', role = NULL,
           manager_name = NULL, manager_email = NULL, decision_reason = NULL, user_id = NULL,
           anonymised_at = cascade_now()
          FROM chosen WHERE p.id = chosen.id RETURNING p.id`,
        [cutoff, batch],
      )
      return rows.length
    }
    case 'applications': {
      const rows = await sql.query<{ id: string }>(
        `WITH chosen AS (SELECT a.id FROM ${due.applications.from} ORDER BY a.id LIMIT $2 FOR UPDATE OF a)
         UPDATE applications a SET manager_name = NULL, manager_email = 'anonymised@anonymised.invalid',
           access_needs = NULL, reason = NULL, ended_note = NULL, anonymised_at = cascade_now()
          FROM chosen WHERE a.id = chosen.id RETURNING a.id`,
        [cutoff, batch],
      )
      if (rows.length)
        await sql.query(
          `UPDATE attendance SET correction_reason = NULL
            WHERE application_id = ANY($1::uuid[]) AND correction_reason IS NOT NULL`,
          [rows.map((r) => r.id)],
        )
      return rows.length
    }
    case 'survey_answers': {
      const row = await sql.one<{ changed: number }>(
        'SELECT cascade_anonymise_survey_answers($1::date, $2) AS changed',
        [cutoff, batch],
      )
      return row.changed
    }
    case 'audit_trail': {
      const row = await sql.one<{ changed: number }>(
        `SELECT cascade_anonymise_audit_events($1::date::timestamp AT TIME ZONE 'Europe/London', NULL, $2) AS changed`,
        [cutoff, batch],
      )
      return row.changed
    }
  }
}

/**
 * Takes the personal values out of the audit events this transaction's anonymising wrote, whose
 * before values would otherwise keep what it removed.
 */
export async function scrubOwnAuditEvents(sql: Sql, requestId: string): Promise<void> {
  await sql.query('SELECT cascade_anonymise_audit_events(NULL, $1, 2147483647)', [requestId])
}

export type RetentionRun = {
  runId: string
  ranAt: Date
  dryRun: boolean
  counts: Record<RetentionKind, number>
}

export async function recordRun(
  sql: Sql,
  partnershipId: string,
  run: {
    runId: string
    dryRun: boolean
    rows: { kind: RetentionKind; olderThan: string; anonymised: number }[]
  },
): Promise<void> {
  for (const row of run.rows)
    await sql.query(
      `INSERT INTO retention_runs (partnership_id, run_id, kind, older_than, anonymised, dry_run)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [partnershipId, run.runId, row.kind, row.olderThan, row.anonymised, run.dryRun],
    )
}

/** The latest runs, newest first, each with its counts per kind. */
export async function recentRuns(sql: Sql, limit: number): Promise<RetentionRun[]> {
  const rows = await sql.query<{
    runId: string
    ranAt: Date
    dryRun: boolean
    counts: Record<RetentionKind, number>
  }>(
    `SELECT run_id AS "runId", min(ran_at) AS "ranAt", bool_and(dry_run) AS "dryRun",
            jsonb_object_agg(kind, anonymised) AS counts
       FROM retention_runs GROUP BY run_id ORDER BY min(ran_at) DESC, max(recorded) DESC LIMIT $1`,
    [limit],
  )
  return rows
}
