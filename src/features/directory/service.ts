import { stringify } from 'csv-stringify/sync'
import type { PolicyService } from '#features/policy/service.ts'
import type { Clock } from '#platform/clock.ts'
import { londonDateOf } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import { requireRole, scopeOf } from '#platform/context.ts'
import type { Database, Sql } from '#platform/db/database.ts'
import { isUniqueViolation, isUuid } from '#platform/db/database.ts'
import { ForbiddenError, NotFoundError, ValidationError } from '#platform/errors.ts'
import { fieldErrors } from '#platform/http/forms.ts'
import type {
  AgencyFilter,
  AgencyInput,
  AgencyPatch,
  PeopleFilter,
  PersonInput,
  PersonPatch,
} from './forms.ts'
import { agencySchema, personSchema } from './forms.ts'
import { agencyHeadcounts } from './headcount.ts'
import { linkUserToPerson } from './link-user.ts'
import type { Agency, Person, PersonRow } from './queries.ts'
import {
  activeAgencies,
  agenciesMatching,
  agencyById,
  agencySpellsOf,
  allPeopleMatching,
  insertAgency,
  insertPerson,
  peopleMatching,
  personById,
  updateAgency,
  updatePerson,
} from './queries.ts'
import { neutraliseFormula } from './rules.ts'

/**
 * The agencies an actor may manage people in: every agency for an admin (null), the agencies
 * they lead for an agency lead, none for anyone else.
 */
export function agencyScopeOf(ctx: Context): readonly string[] | null {
  if (ctx.actor.roles.includes('admin')) return null
  if (ctx.actor.roles.includes('agency-lead')) return ctx.actor.agencyIds
  throw new ForbiddenError()
}

function inScope(scope: readonly string[] | null, agencyId: string): boolean {
  return scope === null || scope.includes(agencyId)
}

/** The directory: agencies, and the people who work in them. */
export function createDirectoryService(deps: { db: Database; clock: Clock; policy: PolicyService }) {
  const { db, clock } = deps

  /** Checks a person's agency, tier and manager, and resolves the manager to a person when they are one. */
  async function resolvePerson(
    ctx: Context,
    sql: Sql,
    person: PersonInput,
    tiers: readonly string[],
  ): Promise<PersonRow> {
    const scope = agencyScopeOf(ctx)
    const agency = await agencyById(sql, person.agencyId)
    if (!agency || !inScope(scope, agency.id)) {
      throw new ValidationError([
        {
          field: 'agencyId',
          text: scope ? 'Select one of the agencies you lead' : 'Select an agency from the list',
        },
      ])
    }
    if (agency.archived)
      throw new ValidationError([
        { field: 'agencyId', text: `${agency.name} is archived: select a current agency` },
      ])
    if (person.tier && tiers.length && !tiers.includes(person.tier)) {
      throw new ValidationError([
        { field: 'tier', text: `Select a tier from the partnership’s tiers: ${tiers.join(', ')}` },
      ])
    }
    if (person.managerEmail && person.managerEmail.toLowerCase() === person.email.toLowerCase()) {
      throw new ValidationError([
        { field: 'managerEmail', text: 'A person cannot be their own line manager' },
      ])
    }
    return {
      firstName: person.firstName,
      lastName: person.lastName,
      email: person.email,
      agencyId: agency.id,
      role: person.role || null,
      tier: person.tier || null,
      managerName: person.managerName || null,
      managerEmail: person.managerEmail || null,
      status: person.status,
    }
  }

  async function visiblePerson(ctx: Context, sql: Sql, id: string): Promise<Person> {
    const scope = agencyScopeOf(ctx)
    const person = isUuid(id) ? await personById(sql, id) : undefined
    // Another agency's person is as unknown to an agency lead as one that does not exist.
    if (!person || !inScope(scope, person.agencyId)) throw new NotFoundError('Person')
    return person
  }

  /** The partnership's tiers, read before a transaction opens (no transaction may open inside another). */
  async function tiersNow(ctx: Context): Promise<string[]> {
    return (await deps.policy.rulesOn(ctx, londonDateOf(clock.now()))).tiers
  }

  const emailTaken = () =>
    new ValidationError([{ field: 'email', text: 'Someone in the directory already has this email address' }])

  return {
    async listAgencies(ctx: Context, filter: AgencyFilter) {
      return db.tenant(scopeOf(ctx), (sql) => agenciesMatching(sql, filter))
    },

    async currentAgencies(ctx: Context): Promise<Agency[]> {
      return db.tenant(scopeOf(ctx), activeAgencies)
    },

    async agency(ctx: Context, id: string): Promise<Agency> {
      const agency = isUuid(id) ? await db.tenant(scopeOf(ctx), (sql) => agencyById(sql, id)) : undefined
      if (!agency) throw new NotFoundError('Agency')
      return agency
    },

    /** The agency's headcount for reach: declared, or its active people counted (headcount.ts). */
    async headcount(ctx: Context, id: string): Promise<number> {
      const [found] = isUuid(id) ? await db.tenant(scopeOf(ctx), (sql) => agencyHeadcounts(sql, [id])) : []
      if (!found) throw new NotFoundError('Agency')
      return found.headcount
    },

    async createAgency(ctx: Context, input: AgencyInput): Promise<Agency> {
      requireRole(ctx, 'admin')
      try {
        return await db.tenant(scopeOf(ctx), async (sql) => {
          await sql.auditAs('agency.create')
          return insertAgency(sql, ctx.partnership.id, input)
        })
      } catch (error) {
        if (isUniqueViolation(error))
          throw new ValidationError([{ field: 'name', text: 'There is already an agency with this name' }])
        throw error
      }
    },

    async changeAgency(ctx: Context, id: string, patch: AgencyPatch): Promise<Agency> {
      requireRole(ctx, 'admin')
      try {
        return await db.tenant(scopeOf(ctx), async (sql) => {
          const current = isUuid(id) ? await agencyById(sql, id) : undefined
          if (!current) throw new NotFoundError('Agency')
          const { id: _id, ...rest } = current
          const merged = agencySchema.safeParse({ ...rest, ...patch })
          if (!merged.success) throw new ValidationError(fieldErrors(merged.error))
          await sql.auditAs('agency.change')
          return (await updateAgency(sql, id, {
            ...current,
            ...merged.data,
            address: merged.data.address ?? null,
            invoicingContactName: merged.data.invoicingContactName ?? null,
            invoicingContactEmail: merged.data.invoicingContactEmail ?? null,
            headcount: merged.data.headcount ?? null,
          })) as Agency
        })
      } catch (error) {
        if (isUniqueViolation(error))
          throw new ValidationError([{ field: 'name', text: 'There is already an agency with this name' }])
        throw error
      }
    },

    async listPeople(ctx: Context, filter: PeopleFilter) {
      const scope = agencyScopeOf(ctx)
      return db.tenant(scopeOf(ctx), (sql) => peopleMatching(sql, filter, scope))
    },

    async person(ctx: Context, id: string) {
      return db.tenant(scopeOf(ctx), async (sql) => {
        const person = await visiblePerson(ctx, sql, id)
        return { ...person, spells: await agencySpellsOf(sql, person.id) }
      })
    },

    async addPerson(ctx: Context, input: PersonInput): Promise<Person> {
      agencyScopeOf(ctx)
      const tiers = await tiersNow(ctx)
      try {
        return await db.tenant(scopeOf(ctx), async (sql) => {
          const row = await resolvePerson(ctx, sql, input, tiers)
          await sql.auditAs('person.add')
          const { id } = await insertPerson(sql, ctx.partnership.id, row)
          await linkUserToPerson(sql, ctx.partnership.id, [row.email])
          return (await personById(sql, id)) as Person
        })
      } catch (error) {
        if (isUniqueViolation(error)) throw emailTaken()
        throw error
      }
    },

    async changePerson(ctx: Context, id: string, patch: PersonPatch): Promise<Person> {
      const scope = agencyScopeOf(ctx)
      const tiers = await tiersNow(ctx)
      try {
        return await db.tenant(scopeOf(ctx), async (sql) => {
          const current = await visiblePerson(ctx, sql, id)
          const merged = personSchema.safeParse({
            firstName: current.firstName,
            lastName: current.lastName,
            email: current.email,
            agencyId: current.agencyId,
            role: current.role,
            tier: current.tier,
            managerEmail: current.managerEmail,
            managerName: current.managerName,
            status: current.status,
            ...patch,
          })
          if (!merged.success) throw new ValidationError(fieldErrors(merged.error))
          const row = await resolvePerson(ctx, sql, merged.data, tiers)
          await sql.auditAs('person.change')
          const changed = await updatePerson(
            sql,
            current.id,
            row,
            clock.now(),
            londonDateOf(clock.now()),
            scope,
          )
          if (!changed) throw new NotFoundError('Person')
          await linkUserToPerson(sql, ctx.partnership.id, [row.email])
          return (await personById(sql, current.id)) as Person
        })
      } catch (error) {
        if (isUniqueViolation(error)) throw emailTaken()
        throw error
      }
    },

    /** Every agency, as CSV, every cell safe to open in a spreadsheet. */
    async exportAgencies(ctx: Context): Promise<string> {
      const { items } = await db.tenant(scopeOf(ctx), (sql) =>
        agenciesMatching(sql, { page: 1, pageSize: 100_000 }),
      )
      const rows = [
        [
          'Name',
          'Category',
          'Safer Programme member',
          'Sector',
          'Works with',
          'Archived',
          'Address',
          'Invoicing contact',
          'Invoicing email',
        ],
        ...items.map((a) => [
          a.name,
          a.category,
          a.saferProgrammeMember ? 'Yes' : 'No',
          a.sector,
          a.workforce,
          a.archived ? 'Yes' : 'No',
          a.address ?? '',
          a.invoicingContactName ?? '',
          a.invoicingContactEmail ?? '',
        ]),
      ]
      return stringify(rows.map((row) => row.map(neutraliseFormula)))
    },

    /** The people a search finds, as CSV, every cell safe to open in a spreadsheet. */
    async exportPeople(ctx: Context, filter: PeopleFilter): Promise<string> {
      const scope = agencyScopeOf(ctx)
      const rows: string[][] = [
        [
          'First name',
          'Last name',
          'Email',
          'Agency',
          'Role',
          'Tier',
          'Line manager',
          'Line manager email',
          'Status',
        ],
      ]
      const people = await db.tenant(scopeOf(ctx), (sql) => allPeopleMatching(sql, filter, scope))
      for (const p of people) {
        rows.push([
          p.firstName,
          p.lastName,
          p.email,
          p.agencyName,
          p.role ?? '',
          p.tier ?? '',
          p.managerName ?? '',
          p.managerEmail ?? '',
          p.status,
        ])
      }
      return stringify(rows.map((row) => row.map(neutraliseFormula)))
    },
  }
}

export type DirectoryService = ReturnType<typeof createDirectoryService>
