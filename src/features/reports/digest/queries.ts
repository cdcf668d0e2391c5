import { headcountDeclaredSql, headcountSql } from '#features/directory/headcount.ts'
import type { Sql } from '#platform/db/database.ts'
import { heldSessionFacts } from '../delivery.ts'
import type { Bounds, Which } from '../figures.ts'
import { boundsValues, periodsTable } from '../figures.ts'

/** The agency a digest is of, with its headcount (directory/headcount.ts). */
export type DigestAgency = { id: string; name: string; headcount: number; headcountDeclared: boolean }

export function digestAgency(sql: Sql, agencyId: string): Promise<DigestAgency | undefined> {
  return sql.maybeOne<DigestAgency>(
    `SELECT a.id, a.name, ${headcountSql('a')} AS headcount, ${headcountDeclaredSql('a')} AS "headcountDeclared"
       FROM agencies a WHERE a.id = $1`,
    [agencyId],
  )
}

/** Each period's places for one agency's staff, those who came and did not, and the no-show charges. */
export type AgencyDelivery = {
  which: Which
  /** Confirmed places. */
  taken: number
  /** Places marked on a register as anything but absent. */
  attended: number
  /** Different people who came, each once however many sessions. */
  staffCame: number
  /** Confirmed places whose every mark is absent. */
  noShows: number
  noShowCharges: number
  /** Raised for no-shows and not waived, in pence. */
  noShowChargedPence: number
  noShowWaivedPence: number
}

/**
 * One agency's delivery in each of the three periods: the places its staff took on the sessions
 * held in the period (its applications, by the agency each was made for), who came and who did
 * not, and the charges raised for those who did not: from the sessions' kept delivery facts,
 * as the report reads them (reports/delivery.ts), so the digest and the report agree.
 */
export function agencyDelivery(sql: Sql, bounds: Bounds, agencyId: string): Promise<AgencyDelivery[]> {
  return sql.query<AgencyDelivery>(
    `WITH ${heldSessionFacts}
     SELECT b.which,
            (SELECT coalesce(sum(d.taken), 0) FROM pd d WHERE d.which = b.which AND d.agency_id = $7)::int AS taken,
            (SELECT coalesce(sum(d.attendees), 0) FROM pd d WHERE d.which = b.which AND d.agency_id = $7)::int AS attended,
            (SELECT coalesce(sum(d.no_shows), 0) FROM pd d WHERE d.which = b.which AND d.agency_id = $7)::int AS "noShows",
            -- Each person once, however many sessions they came to: read from the applications.
            (SELECT count(DISTINCT a.person_id) FROM ps JOIN applications a ON a.session_id = ps.id AND a.agency_id = $7
              WHERE ps.which = b.which
                AND EXISTS (SELECT 1 FROM attendance m WHERE m.application_id = a.id AND m.mark <> 'absent'))::int AS "staffCame",
            c.n AS "noShowCharges", c.charged AS "noShowChargedPence", c.waived AS "noShowWaivedPence"
       FROM bounded b
       CROSS JOIN LATERAL (
         SELECT count(*)::int AS n,
                coalesce(sum(ch.amount_pence) FILTER (WHERE NOT ch.waived), 0)::int AS charged,
                coalesce(sum(ch.amount_pence) FILTER (WHERE ch.waived), 0)::int AS waived
           FROM ps JOIN charges ch ON ch.session_id = ps.id AND ch.agency_id = $7 AND ch.reason = 'no_show'
          WHERE ps.which = b.which) c`,
    [...boundsValues(bounds), agencyId],
  )
}

/** Each period's products first sent to one agency, and products it first answered. */
export type AgencyDisseminationCounts = { which: Which; sent: number; answered: number }

/**
 * Learning products sent to one agency for the first time in each period, and those it first
 * answered in each period (an acknowledgement or a dissemination recorded, as dissemination
 * counts an answer).
 */
export function agencyDisseminationCounts(
  sql: Sql,
  bounds: Bounds,
  agencyId: string,
): Promise<AgencyDisseminationCounts[]> {
  const firstOn = (table: string, column: string) =>
    `(SELECT t.product_id, (min(t.${column}) AT TIME ZONE 'Europe/London')::date AS on_day
        FROM ${table} t WHERE t.agency_id = $7 GROUP BY t.product_id)`
  return sql.query<AgencyDisseminationCounts>(
    `SELECT p.which,
            (SELECT count(*)::int FROM ${firstOn('learning_product_sends', 'sent_at')} f
              WHERE f.on_day >= p.start_on AND f.on_day < p.end_on) AS sent,
            (SELECT count(*)::int FROM ${firstOn('dissemination_records', 'at')} f
              WHERE f.on_day >= p.start_on AND f.on_day < p.end_on) AS answered
       FROM ${periodsTable}`,
    [...boundsValues(bounds), agencyId],
  )
}

/** Each period's actions one agency owns falling due, and of those the ones done. */
export type AgencyActionCounts = {
  which: Which
  due: number
  /** Of those due in the period, marked completed or verified. */
  done: number
  /** Today, whichever the period: open (not yet signed off) and overdue (work still to do, past due). */
  open: number
  overdue: number
}

/** The actions one agency owns, due and done in each period, and open and overdue today. */
export function agencyActionCounts(
  sql: Sql,
  bounds: Bounds,
  agencyId: string,
  today: string,
): Promise<AgencyActionCounts[]> {
  return sql.query<AgencyActionCounts>(
    `WITH owned AS MATERIALIZED (SELECT x.due_on, x.status FROM actions x WHERE x.owning_agency_id = $7)
     SELECT p.which,
            (SELECT count(*)::int FROM owned o WHERE o.due_on >= p.start_on AND o.due_on < p.end_on) AS due,
            (SELECT count(*)::int FROM owned o WHERE o.due_on >= p.start_on AND o.due_on < p.end_on
                AND o.status IN ('completed', 'verified')) AS done,
            (SELECT count(*)::int FROM owned o WHERE o.status IN ('not_started', 'on_track', 'at_risk', 'completed')) AS open,
            (SELECT count(*)::int FROM owned o WHERE o.status IN ('not_started', 'on_track', 'at_risk')
                AND o.due_on < $8::date) AS overdue
       FROM ${periodsTable}`,
    [...boundsValues(bounds), agencyId, today],
  )
}

/**
 * Claims a quarter's digest for each current agency that has a lead who can sign in, once a
 * quarter each: the agencies newly claimed. An agency given its first lead later in the quarter
 * after is claimed then.
 */
export async function claimDigests(sql: Sql, partnershipId: string, period: string): Promise<string[]> {
  const rows = await sql.query<{ agencyId: string }>(
    `INSERT INTO agency_digests (partnership_id, agency_id, period)
     SELECT $1, a.id, $2 FROM agencies a
      WHERE NOT a.archived AND EXISTS (
        SELECT 1 FROM memberships m JOIN users u ON u.id = m.user_id
         WHERE m.role = 'agency-lead' AND NOT u.disabled AND a.id = ANY(m.agency_ids))
     ON CONFLICT DO NOTHING
     RETURNING agency_id AS "agencyId"`,
    [partnershipId, period],
  )
  return rows.map((r) => r.agencyId)
}
