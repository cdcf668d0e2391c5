import type { Sql } from '#platform/db/database.ts'
import type { PolicyRules, PolicyVersion } from './policy.ts'
import { defaultPolicy, policyRulesSchema, upgradeRules } from './policy.ts'

type PolicyRow = {
  id: string
  effective_from: string
  /** As text: the rules read from it are kept by it (see `rulesOf`). */
  rules: string
  reason: string | null
  changed_by: string | null
  created_at: Date
}

const POLICY_COLUMNS = 'id, effective_from, rules::text AS rules, reason, changed_by, created_at'

/**
 * Rules already read, by their saved text. Every application and cancellation reads the rules
 * in force, and checking them against the schema cost more than the rest of reading them; a
 * partnership has few versions, and the same text always reads to the same rules. The rules
 * are frozen, as they are shared by every caller.
 */
const readRules = new Map<string, PolicyRules>()
const MOST_KEPT = 200

function rulesOf(text: string): PolicyRules {
  let rules = readRules.get(text)
  if (!rules) {
    // Rules added after a version was saved take their defaults.
    rules = deepFreeze(
      policyRulesSchema.parse({
        ...defaultPolicy,
        ...upgradeRules(JSON.parse(text) as Record<string, unknown>),
      }),
    )
    if (readRules.size >= MOST_KEPT) readRules.clear()
    readRules.set(text, rules)
  }
  return rules
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const inner of Object.values(value)) deepFreeze(inner)
  }
  return value
}

function toVersion(row: PolicyRow): PolicyVersion {
  return {
    id: row.id,
    effectiveFrom: row.effective_from,
    rules: rulesOf(row.rules),
    reason: row.reason,
    changedBy: row.changed_by,
    createdAt: row.created_at,
  }
}

/** Every version of the partnership's policy, newest first. */
export async function policyVersions(sql: Sql): Promise<PolicyVersion[]> {
  const rows = await sql.query<PolicyRow>(
    `SELECT ${POLICY_COLUMNS} FROM policies ORDER BY effective_from DESC`,
  )
  return rows.map(toVersion)
}

/** The version in force on a date: the latest that took effect on or before it. */
export async function policyInForceOn(sql: Sql, date: string): Promise<PolicyVersion | undefined> {
  const row = await sql.maybeOne<PolicyRow>(
    `SELECT ${POLICY_COLUMNS} FROM policies
      WHERE effective_from <= $1 ORDER BY effective_from DESC LIMIT 1`,
    [date],
  )
  return row ? toVersion(row) : undefined
}

/**
 * The rules in force on a date, read in the caller's transaction: the busiest changes
 * (applying, cancelling) need them, and a transaction of their own is two more round trips.
 */
export async function rulesInForceOn(sql: Sql, date: string): Promise<PolicyRules> {
  return (await policyInForceOn(sql, date))?.rules ?? defaultPolicy
}

/** Saves the version taking effect on a date, replacing one already set for that date. */
export async function savePolicyVersion(
  sql: Sql,
  input: {
    partnershipId: string
    effectiveFrom: string
    rules: PolicyRules
    reason: string | null
    changedBy: string | null
  },
): Promise<PolicyVersion> {
  const row = await sql.one<PolicyRow>(
    `INSERT INTO policies (partnership_id, effective_from, rules, reason, changed_by)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (partnership_id, effective_from)
     DO UPDATE SET rules = EXCLUDED.rules, reason = EXCLUDED.reason, changed_by = EXCLUDED.changed_by
     RETURNING ${POLICY_COLUMNS}`,
    [input.partnershipId, input.effectiveFrom, JSON.stringify(input.rules), input.reason, input.changedBy],
  )
  return toVersion(row)
}
