import { isDeepStrictEqual } from 'node:util'
import type { Clock } from '#platform/clock.ts'
import { londonDateOf } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import { requireRole, scopeOf } from '#platform/context.ts'
import type { Database, Sql } from '#platform/db/database.ts'
import { isUuid } from '#platform/db/database.ts'
import type { FieldError } from '#platform/errors.ts'
import { NotFoundError, ValidationError } from '#platform/errors.ts'
import type { ContractInput, ContractPatch } from './forms.ts'
import type { Contract, ContractRow } from './queries.ts'
import {
  contractById,
  contractsByReviewDate,
  contractsToReviewBy,
  courseExists,
  insertContract,
  updateContract,
} from './queries.ts'
import { addDays, defaultReviewDate, isDueForReview, REVIEW_WARNING_DAYS } from './rules.ts'

const rowOf = (c: Contract): ContractRow => {
  const { id: _id, courseTitle: _title, updatedAt: _updated, ...row } = c
  return row
}

/** A review date must come after the start: a contract is reviewed once it has run. */
function dateProblems(row: Pick<ContractRow, 'startsOn' | 'reviewOn'>): FieldError[] {
  return row.reviewOn > row.startsOn
    ? []
    : [{ field: 'reviewOn', text: 'The review date must be after the start date' }]
}

/**
 * Commissioned training (Norfolk 12a): the contracts the partnership holds with external
 * providers, and their yearly review. Only admins see or change them: they carry costs.
 */
export function createContractService(deps: { db: Database; clock: Clock }) {
  const { db, clock } = deps
  const today = () => londonDateOf(clock.now())

  async function checkCourse(sql: Sql, courseId: string | null) {
    if (courseId && !(await courseExists(sql, courseId)))
      throw new ValidationError([{ field: 'courseId', text: 'Select a course from the programme' }])
  }

  async function found(sql: Sql, id: string): Promise<Contract> {
    const contract = isUuid(id) ? await contractById(sql, id) : undefined
    if (!contract) throw new NotFoundError('Contract')
    return contract
  }

  return {
    /** Every contract, with those due for review (within 30 days, or past) listed apart, first. */
    async list(ctx: Context): Promise<{ due: Contract[]; others: Contract[]; today: string }> {
      requireRole(ctx, 'admin')
      const on = today()
      const all = await db.tenant(scopeOf(ctx), contractsByReviewDate)
      return {
        due: all.filter((c) => isDueForReview(c, on)),
        others: all.filter((c) => !isDueForReview(c, on)),
        today: on,
      }
    },

    /** Active contracts to review now: their review date is past or within 30 days. */
    async dueForReview(ctx: Context): Promise<Contract[]> {
      requireRole(ctx, 'admin')
      return db.tenant(scopeOf(ctx), (sql) => contractsToReviewBy(sql, addDays(today(), REVIEW_WARNING_DAYS)))
    },

    async contract(ctx: Context, id: string): Promise<Contract> {
      requireRole(ctx, 'admin')
      return db.tenant(scopeOf(ctx), (sql) => found(sql, id))
    },

    /** Records a contract; without a review date, it is reviewed a year after it starts. */
    async create(ctx: Context, input: ContractInput): Promise<Contract> {
      requireRole(ctx, 'admin')
      const row: ContractRow = { ...input, reviewOn: input.reviewOn ?? defaultReviewDate(input.startsOn) }
      const problems = dateProblems(row)
      if (problems.length) throw new ValidationError(problems)
      return db.tenant(scopeOf(ctx), async (sql) => {
        await checkCourse(sql, row.courseId)
        await sql.auditAs('contract.add')
        const id = await insertContract(sql, ctx.partnership.id, row)
        return found(sql, id)
      })
    },

    /** Changes a contract: a review moves its review date on; ending it stops the reminders. */
    async change(ctx: Context, id: string, patch: ContractPatch): Promise<Contract> {
      requireRole(ctx, 'admin')
      return db.tenant(scopeOf(ctx), async (sql) => {
        const current = await found(sql, id)
        const before = rowOf(current)
        // A field left out (or undefined) stays as it is.
        const given = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined))
        const next: ContractRow = { ...before, ...given }
        const problems = dateProblems(next)
        if (problems.length) throw new ValidationError(problems)
        if (isDeepStrictEqual(before, next)) return current
        if (next.courseId !== before.courseId) await checkCourse(sql, next.courseId)
        await sql.auditAs(
          next.status === 'ended' && before.status !== 'ended' ? 'contract.end' : 'contract.change',
        )
        await updateContract(sql, current.id, next, clock.now())
        return found(sql, current.id)
      })
    },
  }
}

export type ContractService = ReturnType<typeof createContractService>
