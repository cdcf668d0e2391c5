import type { PolicyService } from '#features/policy/service.ts'
import type { Clock } from '#platform/clock.ts'
import { londonDateOf } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import { requireRole, scopeOf } from '#platform/context.ts'
import type { Database } from '#platform/db/database.ts'
import { NotFoundError, ValidationError } from '#platform/errors.ts'
import type { Partnerships } from '#platform/partnerships.ts'
import type { StatementInput } from './forms.ts'
import { saveStatement, statementOf } from './queries.ts'
import { missingFromAccessibilityStatement, missingFromPrivacyNotice } from './rules.ts'

/**
 * Each partnership's privacy notice and accessibility statement: an admin fills in the
 * details, and anyone reads the pages made from them and from the policy's retention periods.
 */
export function createStatementService(deps: {
  db: Database
  clock: Clock
  partnerships: Pick<Partnerships, 'bySlug'>
  policy: Pick<PolicyService, 'rulesOn'>
}) {
  const { db, clock } = deps

  return {
    /** The details as filled in, and what each page still lacks. */
    async details(ctx: Context) {
      requireRole(ctx, 'admin')
      const statement = await db.tenant(scopeOf(ctx), statementOf)
      return {
        statement,
        missingPrivacy: missingFromPrivacyNotice(statement),
        missingAccessibility: missingFromAccessibilityStatement(statement),
      }
    },

    /** Replaces the details. A statement cannot be prepared or reviewed in the future. */
    async save(ctx: Context, input: StatementInput): Promise<void> {
      requireRole(ctx, 'admin')
      const today = londonDateOf(clock.now())
      const errors = (['preparedOn', 'reviewedOn'] as const)
        .filter((field) => (input[field] ?? '') > today)
        .map((field) => ({
          field,
          text:
            field === 'preparedOn'
              ? 'The date the statement was prepared must be today or in the past'
              : 'The date of the last review must be today or in the past',
        }))
      if (errors.length) throw new ValidationError(errors)
      await db.tenant(scopeOf(ctx), async (sql) => {
        await sql.auditAs('privacy.statement')
        await saveStatement(sql, ctx.partnership.id, ctx.actor.userId, input)
      })
    },

    /** What the public pages show for a partnership, found by its slug; unknown slugs are not found. */
    async published(slug: string) {
      const partnership = await deps.partnerships.bySlug(slug)
      if (!partnership) throw new NotFoundError('Partnership')
      const ctx: Context = { partnership, actor: { userId: null, label: 'public', roles: [], agencyIds: [] } }
      const rules = await deps.policy.rulesOn(ctx, londonDateOf(clock.now()))
      const statement = await db.tenant(scopeOf(ctx), statementOf)
      return {
        partnership,
        statement,
        jurisdiction: rules.jurisdiction,
        retention: rules.retention,
        missingPrivacy: missingFromPrivacyNotice(statement),
        missingAccessibility: missingFromAccessibilityStatement(statement),
      }
    },
  }
}

export type StatementService = ReturnType<typeof createStatementService>
