import { stringify } from 'csv-stringify/sync'
import { mayActFor } from '#features/booking/deps.ts'
import { addMonths } from '#features/compliance/rules.ts'
import { sectorNames } from '#features/directory/page-forms.ts'
import { neutraliseFormula } from '#features/directory/rules.ts'
import type { Clock } from '#platform/clock.ts'
import { londonDateOf } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import { requireRole, scopeOf } from '#platform/context.ts'
import type { Database, Sql } from '#platform/db/database.ts'
import { isUuid } from '#platform/db/database.ts'
import { NotFoundError, ValidationError } from '#platform/errors.ts'
import type { NextDate } from '../queries.ts'
import { nextDates } from '../queries.ts'
import type { PersonFacts, RequirementStanding, RollupRow, StaffStanding } from './queries.ts'
import {
  peopleOfUser,
  personFacts,
  requirementStandings,
  rolesOfAgency,
  rollup,
  setPathway,
  setPathwayByRole,
  staffStandings,
} from './queries.ts'
import type { StandingStatus } from './rules.ts'
import { DUE_SOON_MONTHS, personStandingOf, standingNames, standingOf } from './rules.ts'

export type RequirementState = RequirementStanding & { status: StandingStatus }

export type PersonStanding = {
  person: PersonFacts
  today: string
  /** The person's standing: the worst of their required requirements; null with no pathway. */
  status: StandingStatus | null
  requirements: RequirementState[]
  /** For each requirement not up to date, its courses' next dates: what to book next. */
  toBook: { requirementId: string; title: string; dates: (NextDate & { courseTitle: string })[] }[]
}

const rank: Record<StandingStatus, number> = { current: 0, due_soon: 1, overdue: 2, not_evidenced: 3 }

/** Counts with percentages of those on a pathway. */
export type Tally = Record<StandingStatus, number> & { onPathway: number; noPathway: number }

function tallyOf(rows: readonly RollupRow[]): Tally {
  const t: Tally = { current: 0, due_soon: 0, overdue: 0, not_evidenced: 0, onPathway: 0, noPathway: 0 }
  for (const r of rows) {
    t.current += r.current
    t.due_soon += r.dueSoon
    t.overdue += r.overdue
    t.not_evidenced += r.notEvidenced
    t.noPathway += r.noPathway
  }
  t.onPathway = t.current + t.due_soon + t.overdue + t.not_evidenced
  return t
}

/** A share of those on a pathway, as a whole percentage (none of none is 0%). */
export const percentOf = (n: number, of: number) => (of ? Math.round((n / of) * 100) : 0)

function groupBy(rows: readonly RollupRow[], key: (r: RollupRow) => string) {
  const groups = new Map<string, RollupRow[]>()
  for (const r of rows) {
    const k = key(r)
    const group = groups.get(k)
    if (group) group.push(r)
    else groups.set(k, [r])
  }
  return [...groups.entries()].map(([name, members]) => ({ name, ...tallyOf(members) }))
}

export type Rollup = {
  today: string
  rows: RollupRow[]
  total: Tally
  byAgency: ({ name: string; agencyId: string } & Tally)[]
  bySector: ({ name: string } & Tally)[]
  byPathway: ({ name: string } & Tally)[]
}

/**
 * Workforce compliance: each person's standing against their pathway, requirement by
 * requirement, and the partnership's people counted by agency, sector and pathway.
 */
export function createStandingService(deps: { db: Database; clock: Clock }) {
  const { db, clock } = deps
  const today = () => londonDateOf(clock.now())

  /** The person, if the actor may see and change their record: themselves, their lead, an admin. */
  async function personFor(sql: Sql, ctx: Context, personId: string): Promise<PersonFacts> {
    const person = isUuid(personId) ? await personFacts(sql, personId) : undefined
    if (!person || !mayActFor(ctx, person)) throw new NotFoundError('Person')
    return person
  }

  async function standingIn(sql: Sql, ctx: Context, personId: string): Promise<PersonStanding> {
    const person = await personFor(sql, ctx, personId)
    const on = today()
    const standing = standingOf(on)
    const requirements = (await requirementStandings(sql, person.id)).map((r) => ({
      ...r,
      status: standing(r),
    }))
    const required = requirements.filter((r) => r.required)
    const status = person.pathwayId
      ? required.reduce<StandingStatus>(
          (worst, r) => (rank[r.status] > rank[worst] ? r.status : worst),
          'current',
        )
      : null
    const lacking = requirements.filter((r) => r.status !== 'current')
    const courseTitles = new Map(lacking.flatMap((r) => r.courses.map((c) => [c.id, c.title] as const)))
    const dates = await nextDates(sql, [...courseTitles.keys()])
    const toBook = lacking.map((r) => {
      const ids = new Set(r.courses.map((c) => c.id))
      return {
        requirementId: r.requirementId,
        title: r.title,
        dates: dates
          .filter((d) => ids.has(d.courseId))
          .map((d) => ({ ...d, courseTitle: courseTitles.get(d.courseId) ?? '' })),
      }
    })
    return { person, today: on, status, requirements, toBook }
  }

  /** The agencies the actor may count: all for the partnership's planners, their own for a lead. */
  function countable(ctx: Context, agencyId: string | null): readonly string[] | null {
    const { roles, agencyIds } = ctx.actor
    const whole = roles.some((r) => r === 'admin' || r === 'subgroup' || r === 'executive')
    if (!whole && !roles.includes('agency-lead')) throw new NotFoundError('Compliance')
    if (agencyId !== null && (!isUuid(agencyId) || (!whole && !agencyIds.includes(agencyId))))
      throw new NotFoundError('Agency')
    return agencyId !== null ? [agencyId] : whole ? null : agencyIds
  }

  async function rollupOf(
    ctx: Context,
    filter: { agencyId: string | null; pathwayId: string | null },
  ): Promise<Rollup> {
    const agencyIds = countable(ctx, filter.agencyId)
    if (filter.pathwayId !== null && !isUuid(filter.pathwayId)) throw new NotFoundError('Pathway')
    const on = today()
    // An agency or pathway named that is not the partnership's is not found, not counted as empty.
    if (filter.agencyId !== null || filter.pathwayId !== null) {
      const known = await db.read(scopeOf(ctx), (sql) =>
        sql.one<{ agency: boolean; pathway: boolean }>(
          `SELECT ($1::uuid IS NULL OR EXISTS (SELECT 1 FROM agencies WHERE id = $1)) AS agency,
                  ($2::uuid IS NULL OR EXISTS (SELECT 1 FROM pathways WHERE id = $2)) AS pathway`,
          [filter.agencyId, filter.pathwayId],
        ),
      )
      if (!known.agency) throw new NotFoundError('Agency')
      if (!known.pathway) throw new NotFoundError('Pathway')
    }
    const rows = await db.read(scopeOf(ctx), (sql) =>
      rollup(sql, {
        partnershipId: ctx.partnership.id,
        today: on,
        soon: addMonths(on, DUE_SOON_MONTHS),
        agencyIds,
        pathwayId: filter.pathwayId,
      }),
    )
    const agencies = new Map(rows.map((r) => [r.agencyName, r.agencyId]))
    return {
      today: on,
      rows,
      total: tallyOf(rows),
      byAgency: groupBy(rows, (r) => r.agencyName).map((g) => ({
        ...g,
        agencyId: agencies.get(g.name) ?? '',
      })),
      bySector: groupBy(rows, (r) => r.sector),
      byPathway: groupBy(
        rows.filter((r) => r.pathwayId),
        (r) => r.pathwayTitle ?? '',
      ),
    }
  }

  return {
    /** One person's standing against their pathway, for themselves, their lead or an admin. */
    async ofPerson(ctx: Context, personId: string): Promise<PersonStanding> {
      return db.tenant(scopeOf(ctx), (sql) => standingIn(sql, ctx, personId))
    },

    /** The signed-in user's own standing, or null when they have no directory record here. */
    async mine(ctx: Context): Promise<PersonStanding | null> {
      const { userId } = ctx.actor
      if (!userId) return null
      return db.tenant(scopeOf(ctx), async (sql) => {
        const [own] = await peopleOfUser(sql, userId)
        return own ? standingIn(sql, ctx, own.id) : null
      })
    },

    /** Sets a person's pathway (or clears it): the person themselves, their agency's lead, or an admin. */
    async setPathway(ctx: Context, personId: string, pathwayId: string | null): Promise<PersonStanding> {
      return db.tenant(scopeOf(ctx), async (sql) => {
        await sql.auditAs('pathways.set')
        const person = await personFor(sql, ctx, personId)
        if (pathwayId !== null) await activePathway(sql, pathwayId)
        await setPathway(sql, person.id, pathwayId)
        return standingIn(sql, ctx, person.id)
      })
    },

    /** Sets the pathway of an agency's current staff who hold a role, for its lead or an admin. */
    async setByRole(ctx: Context, agencyId: string, role: string, pathwayId: string): Promise<number> {
      requireRole(ctx, 'admin', 'agency-lead')
      leadsAgency(ctx, agencyId)
      return db.tenant(scopeOf(ctx), async (sql) => {
        await sql.auditAs('pathways.set-by-role')
        await activePathway(sql, pathwayId)
        if (!role.trim()) throw new ValidationError([{ field: 'role', text: 'Select a role' }])
        return (await setPathwayByRole(sql, agencyId, role, pathwayId)).length
      })
    },

    async rolesOf(ctx: Context, agencyId: string): Promise<{ role: string; staff: number }[]> {
      requireRole(ctx, 'admin', 'agency-lead')
      leadsAgency(ctx, agencyId)
      return db.tenant(scopeOf(ctx), (sql) => rolesOfAgency(sql, agencyId))
    },

    /** An agency's staff with their standing, for its lead or an admin. */
    async staff(
      ctx: Context,
      agencyId: string,
      pathwayId: string | null,
    ): Promise<{ today: string; staff: (StaffStanding & { status: StandingStatus | null })[] }> {
      requireRole(ctx, 'admin', 'agency-lead')
      leadsAgency(ctx, agencyId)
      const on = today()
      const standing = personStandingOf(on)
      const staff = await db.read(scopeOf(ctx), (sql) => staffStandings(sql, agencyId, pathwayId))
      return {
        today: on,
        staff: staff.map((s) => ({
          ...s,
          status:
            s.pathwayId && s.missing !== null ? standing({ missing: s.missing, lapsesOn: s.lapsesOn }) : null,
        })),
      }
    },

    rollup: rollupOf,

    /** The roll-up as a spreadsheet: one row per agency and pathway, counts and percentages. */
    async rollupCsv(
      ctx: Context,
      filter: { agencyId: string | null; pathwayId: string | null },
    ): Promise<string> {
      const { rows } = await rollupOf(ctx, filter)
      const lines = rows.map((r) => {
        const on = r.current + r.dueSoon + r.overdue + r.notEvidenced
        return [
          r.agencyName,
          sectorNames[r.sector as keyof typeof sectorNames] ?? r.sector,
          r.pathwayTitle ?? 'No pathway set',
          r.pathwayId ? on : r.noPathway,
          r.current,
          percentOf(r.current, on),
          r.dueSoon,
          percentOf(r.dueSoon, on),
          r.overdue,
          percentOf(r.overdue, on),
          r.notEvidenced,
          percentOf(r.notEvidenced, on),
        ].map((v) => neutraliseFormula(String(v)))
      })
      return stringify(lines, {
        header: true,
        columns: [
          'Agency',
          'Sector',
          'Pathway',
          'People',
          standingNames.current,
          '% up to date',
          standingNames.due_soon,
          '% due soon',
          standingNames.overdue,
          '% overdue',
          standingNames.not_evidenced,
          '% not evidenced',
        ],
      })
    },
  }
}

/** A lead acts only for the agencies they lead; an admin for any. */
function leadsAgency(ctx: Context, agencyId: string) {
  if (!isUuid(agencyId)) throw new NotFoundError('Agency')
  if (!ctx.actor.roles.includes('admin') && !ctx.actor.agencyIds.includes(agencyId))
    throw new NotFoundError('Agency')
}

async function activePathway(sql: Sql, pathwayId: string) {
  const found = isUuid(pathwayId)
    ? await sql.maybeOne("SELECT 1 FROM pathways WHERE id = $1 AND status = 'active'", [pathwayId])
    : undefined
  if (!found)
    throw new ValidationError([{ field: 'pathwayId', text: 'Choose one of the partnership’s pathways' }])
}

export type StandingService = ReturnType<typeof createStandingService>
