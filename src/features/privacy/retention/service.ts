import { randomUUID } from 'node:crypto'
import type { PolicyService } from '#features/policy/service.ts'
import type { PartnershipRef } from '#platform/auth/identity.ts'
import type { Clock } from '#platform/clock.ts'
import { londonDateOf } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import { requireRole, scopeOf, systemContext } from '#platform/context.ts'
import type { Database } from '#platform/db/database.ts'
import type { RetentionRun, Sample } from './queries.ts'
import { anonymiseBatch, dueRecords, recentRuns, recordRun, scrubOwnAuditEvents } from './queries.ts'
import type { RetentionKind } from './rules.ts'
import { cutoffs, retentionKinds } from './rules.ts'

export const RETENTION_ACTOR = 'job:privacy.retention'

export type RetentionPreview = {
  today: string
  kinds: { kind: RetentionKind; years: number; olderThan: string; count: number; sample: Sample[] }[]
}

/**
 * Retention: what has been kept for the policy's period is anonymised, kind by kind, in
 * batches of its own transactions, so a long run holds no lock for long and a run cut short is
 * finished by the next. Anonymised rows are marked, so a second run finds nothing and records 0.
 */
export function createRetentionService(deps: {
  db: Database
  clock: Clock
  policy: Pick<PolicyService, 'rulesOn'>
  /** Rows per statement. */
  batchSize?: number
}) {
  const { db, clock } = deps
  const batchSize = deps.batchSize ?? 500

  async function due(ctx: Context, sampleSize: number): Promise<RetentionPreview> {
    const today = londonDateOf(clock.now())
    const { retention } = await deps.policy.rulesOn(ctx, today)
    const cut = cutoffs(today, retention)
    const years: Record<RetentionKind, number> = {
      leavers: retention.leaversYears,
      applications: retention.applicationsYears,
      survey_answers: retention.surveyAnswersYears,
      audit_trail: retention.auditTrailYears,
    }
    const kinds = await db.tenant(scopeOf(ctx), async (sql) => {
      const found: RetentionPreview['kinds'] = []
      for (const kind of retentionKinds)
        found.push({
          kind,
          years: years[kind],
          olderThan: cut[kind],
          ...(await dueRecords(sql, kind, cut[kind], sampleSize)),
        })
      return found
    })
    return { today, kinds }
  }

  return {
    /** What a run now would anonymise, changing nothing: counts per kind and a few of each. */
    async preview(ctx: Context, sampleSize = 10): Promise<RetentionPreview> {
      requireRole(ctx, 'admin')
      return due(ctx, sampleSize)
    },

    async runs(ctx: Context, limit = 24): Promise<RetentionRun[]> {
      requireRole(ctx, 'admin')
      return db.tenant(scopeOf(ctx), (sql) => recentRuns(sql, limit))
    },

    /**
     * Runs retention in one partnership, recording what it did; a dry run records what it
     * would have done and changes nothing else.
     */
    async run(
      partnership: PartnershipRef,
      options: { dryRun?: boolean } = {},
    ): Promise<{ runId: string; counts: Record<RetentionKind, number> }> {
      const ctx = systemContext(partnership, RETENTION_ACTOR)
      const dryRun = options.dryRun ?? false
      const runId = randomUUID()
      const found = await due(ctx, 0)
      const counts = { leavers: 0, applications: 0, survey_answers: 0, audit_trail: 0 }
      for (const { kind, olderThan, count } of found.kinds) {
        if (dryRun) {
          counts[kind] = count
          continue
        }
        // The request id names this run's own audit events, whose personal values go with it.
        const requestId = `retention:${runId}`
        const scope = { ...scopeOf(ctx), requestId, action: `retention.${kind}` }
        for (;;) {
          const changed = await db.tenant(scope, async (sql) => {
            const n = await anonymiseBatch(sql, kind, olderThan, batchSize)
            if (n) await scrubOwnAuditEvents(sql, requestId)
            return n
          })
          counts[kind] += changed
          if (changed < batchSize) break
        }
      }
      await db.tenant({ ...scopeOf(ctx), action: 'retention.run' }, (sql) =>
        recordRun(sql, partnership.id, {
          runId,
          dryRun,
          rows: found.kinds.map(({ kind, olderThan }) => ({ kind, olderThan, anonymised: counts[kind] })),
        }),
      )
      return { runId, counts }
    },
  }
}

export type RetentionService = ReturnType<typeof createRetentionService>
