import type { Clock } from '#platform/clock.ts'
import { londonDateOf } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import { requireRole, scopeOf } from '#platform/context.ts'
import type { Database } from '#platform/db/database.ts'
import { ConflictError, NotFoundError, ValidationError } from '#platform/errors.ts'
import { fieldErrors } from '#platform/http/forms.ts'
import type { PolicyChange } from './forms.ts'
import type { PolicyRules, PolicyVersion } from './policy.ts'
import { defaultPolicy, policyRulesSchema } from './policy.ts'
import { policyInForceOn, policyVersions, savePolicyVersion } from './queries.ts'

export type PolicyOverview = {
  inForce: PolicyVersion
  upcoming: PolicyVersion[]
  history: PolicyVersion[]
  today: string
}

/**
 * The partnership's policy: read by every rule of every later feature (through `rulesOn`),
 * changed only by admins, each change kept with the date it takes effect.
 */
export function createPolicyService(deps: { db: Database; clock: Clock }) {
  const { db, clock } = deps

  return {
    async overview(ctx: Context): Promise<PolicyOverview> {
      requireRole(ctx, 'admin', 'subgroup', 'executive')
      const today = londonDateOf(clock.now())
      const versions = await db.tenant(scopeOf(ctx), policyVersions)
      const inForce = versions.find((v) => v.effectiveFrom <= today)
      if (!inForce) throw new NotFoundError('Policy')
      return {
        inForce,
        upcoming: versions.filter((v) => v.effectiveFrom > today).reverse(),
        history: versions.filter((v) => v.effectiveFrom <= today),
        today,
      }
    },

    /** The version in force on a date (Europe/London calendar date). */
    async versionOn(ctx: Context, date: string): Promise<PolicyVersion> {
      requireRole(ctx, 'admin', 'subgroup', 'executive')
      const version = await db.tenant(scopeOf(ctx), (sql) => policyInForceOn(sql, date))
      if (!version) throw new NotFoundError('Policy')
      return version
    },

    /**
     * The rules in force on a date, for any feature's rule to apply. Open to every role,
     * since applying a rule (a fee, a notice period) is part of many users' work.
     */
    async rulesOn(ctx: Context, date: string): Promise<PolicyRules> {
      const version = await db.tenant(scopeOf(ctx), (sql) => policyInForceOn(sql, date))
      return version?.rules ?? defaultPolicy
    },

    /**
     * Changes the policy from a date (today unless given). A change never takes effect in the
     * past: rules already applied to events stay as they were.
     */
    async change(ctx: Context, change: PolicyChange): Promise<PolicyVersion> {
      requireRole(ctx, 'admin')
      const today = londonDateOf(clock.now())
      const effectiveFrom = change.effectiveFrom ?? today
      if (effectiveFrom < today) {
        throw new ValidationError([
          { field: 'effectiveFrom', text: 'The date the change takes effect must be today or in the future' },
        ])
      }
      const { effectiveFrom: _date, reason, fees, cancellationCharges, retention, ...rules } = change
      return db.tenant(scopeOf(ctx), async (sql) => {
        await sql.auditAs('policy.change')
        const base = (await policyInForceOn(sql, effectiveFrom))?.rules ?? defaultPolicy
        const merged = policyRulesSchema.safeParse({
          ...base,
          ...rules,
          fees: { ...base.fees, ...fees },
          cancellationCharges: { ...base.cancellationCharges, ...cancellationCharges },
          retention: { ...base.retention, ...retention },
        })
        if (!merged.success) throw new ValidationError(fieldErrors(merged.error))
        return savePolicyVersion(sql, {
          partnershipId: ctx.partnership.id,
          effectiveFrom,
          rules: merged.data,
          reason: reason || null,
          changedBy: ctx.actor.userId,
        })
      })
    },

    /**
     * Confirms values a preset had to assume: from today the policy carries no warning. The
     * confirmation is a version of its own, so the history shows who confirmed and when.
     */
    async confirmExamples(ctx: Context): Promise<PolicyVersion> {
      requireRole(ctx, 'admin')
      const today = londonDateOf(clock.now())
      return db.tenant(scopeOf(ctx), async (sql) => {
        const base = (await policyInForceOn(sql, today))?.rules ?? defaultPolicy
        if (!base.exampleValues) throw new ConflictError('The policy has no example values to confirm')
        await sql.auditAs('policy.confirm-examples')
        return savePolicyVersion(sql, {
          partnershipId: ctx.partnership.id,
          effectiveFrom: today,
          rules: { ...base, exampleValues: '' },
          reason: `Example values confirmed: ${base.exampleValues}`,
          changedBy: ctx.actor.userId,
        })
      })
    },
  }
}

export type PolicyService = ReturnType<typeof createPolicyService>
