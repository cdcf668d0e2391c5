import { agencyScopeOf } from '#features/directory/service.ts'
import type { Context } from '#platform/context.ts'
import { scopeOf } from '#platform/context.ts'
import type { Database } from '#platform/db/database.ts'
import type { StaffApplicationsFilter } from './forms.ts'
import type { StaffApplication, StaffMember } from './staff-queries.ts'
import { staffApplications, staffToChoose } from './staff-queries.ts'

/** Applications on one page of the staff list. */
export const STAFF_PAGE_SIZE = 25
/** Names the applying form lists at once; a search by name narrows a larger staff. */
export const STAFF_CHOICES = 200

/**
 * What an agency lead sees of their staff's learning, and whom they may apply for: their own
 * agencies' people only, taken from who they are rather than from anything they send. An
 * admin sees every agency's.
 */
export function createStaffLookups(deps: { db: Database }) {
  const { db } = deps

  return {
    /** A page of the applications and places of the actor's agencies' staff, latest session first. */
    async staffApplications(
      ctx: Context,
      filter: StaffApplicationsFilter,
    ): Promise<{ items: StaffApplication[]; total: number; pageSize: number }> {
      const agencies = agencyScopeOf(ctx)
      const found = await db.read(scopeOf(ctx), (sql) =>
        staffApplications(sql, agencies, filter, STAFF_PAGE_SIZE),
      )
      return { ...found, pageSize: STAFF_PAGE_SIZE }
    },

    /** The staff the actor may choose on the applying form, those named so when words are given. */
    async staffToChoose(
      ctx: Context,
      words?: string,
    ): Promise<{ people: StaffMember[]; total: number; limit: number }> {
      const agencies = agencyScopeOf(ctx)
      const found = await db.read(scopeOf(ctx), (sql) =>
        staffToChoose(sql, agencies, words, ctx.actor.userId, STAFF_CHOICES),
      )
      return { ...found, limit: STAFF_CHOICES }
    },
  }
}
