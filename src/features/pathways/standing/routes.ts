import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { sectorNames } from '#features/directory/page-forms.ts'
import type { Context } from '#platform/context.ts'
import type { FieldError } from '#platform/errors.ts'
import { NotFoundError, ValidationError } from '#platform/errors.ts'
import { errorFor, errorSummary, parseForm } from '#platform/http/forms.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { standingNames, standingStatuses } from './rules.ts'
import type { Tally } from './service.ts'
import { percentOf } from './service.ts'

/** Who reads the roll-up: the partnership's planners whole, an agency lead their own agencies. */
const readers = ['admin', 'subgroup', 'executive', 'agency-lead'] as const
/** Who sets pathways: an agency's lead for its staff, and the partnership's admins. */
const setters = ['admin', 'agency-lead'] as const

type Body = Record<string, unknown>
type Query = Record<string, unknown>

const NO_PATHWAY = 'none'

const byRoleSchema = z.object({
  role: z.string({ message: 'Select a role' }).trim().min(1, { message: 'Select a role' }),
  pathwayId: z.string({ message: 'Select a pathway' }).trim().min(1, { message: 'Select a pathway' }),
})

const personPathwaySchema = z.object({
  pathwayId: z
    .string({ message: 'Select a pathway, or No pathway' })
    .trim()
    .min(1, { message: 'Select a pathway, or No pathway' }),
})

/** A filter's value from the query: one non-empty text, or none. */
function chosen(query: Query, name: string): string | null {
  const value = query[name]
  return typeof value === 'string' && value.trim() ? value.trim() : null
}

/** Planners count the whole partnership; anyone else counts only the agencies they lead. */
const seesWhole = (ctx: Context) =>
  ctx.actor.roles.some((r) => r === 'admin' || r === 'subgroup' || r === 'executive')

/** Only an agency's lead and the partnership's admins open its staff's pathways. */
const mayOpen = (ctx: Context, agencyId: string) =>
  ctx.actor.roles.includes('admin') || ctx.actor.agencyIds.includes(agencyId)

/** A count as it is read, with its thousands marked: 60,000. */
const whole = (n: number) => n.toLocaleString('en-GB')

/** One row of a roll-up table: each standing's count with its share of those on a pathway. */
function countedRow(row: { name: string } & Tally, href: string | null = null) {
  return {
    name: row.name,
    href,
    onPathway: whole(row.onPathway),
    noPathway: whole(row.noPathway),
    cells: standingStatuses.map((s) => ({
      count: whole(row[s]),
      percent: percentOf(row[s], row.onPathway),
    })),
  }
}

const shown = (errors: readonly FieldError[]) => ({
  errors: errorSummary(errors),
  fieldErrors: errorFor(errors),
})

const people = (n: number) => `${n} ${n === 1 ? 'person' : 'people'}`

/**
 * Workforce compliance against pathways: the partnership's people counted by standing, an
 * agency's staff with their own standing, and setting pathways by role or one person at a time.
 */
export default async function standingRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const { standing } = services

  async function pathwayChoices(ctx: Context) {
    const all = await services.pathways.list(ctx)
    return {
      // People may still be on a retired pathway, so it stays in the filters.
      filterPathways: all.map((p) => ({
        id: p.id,
        title: p.status === 'retired' ? `${p.title} (retired)` : p.title,
      })),
      activePathways: all.filter((p) => p.status === 'active').map((p) => ({ id: p.id, title: p.title })),
    }
  }

  /** A filter naming a pathway the partnership has not got answers as a missing record does. */
  async function pathwayFilter(ctx: Context, query: Query): Promise<string | null> {
    const id = chosen(query, 'pathwayId')
    if (id !== null) await services.pathways.pathway(ctx, id)
    return id
  }

  // The service answers an agency or pathway that is not the partnership's as not found.
  const rollupFilter = (query: Query) => ({
    agencyId: chosen(query, 'agencyId'),
    pathwayId: chosen(query, 'pathwayId'),
  })

  app.get<{ Querystring: Query }>('/compliance', { config: { access: readers } }, async (request, reply) => {
    const ctx = contextOf(request)
    const filter = rollupFilter(request.query)
    const rollup = await standing.rollup(ctx, filter)
    const agencies = (await services.directory.currentAgencies(ctx)).filter(
      (a) => seesWhole(ctx) || ctx.actor.agencyIds.includes(a.id),
    )
    const { filterPathways } = await pathwayChoices(ctx)
    const query = new URLSearchParams({
      ...(filter.agencyId ? { agencyId: filter.agencyId } : {}),
      ...(filter.pathwayId ? { pathwayId: filter.pathwayId } : {}),
    }).toString()
    return reply.view('pathways/standing/views/rollup.njk', {
      title: 'Workforce compliance',
      columns: 'full',
      today: rollup.today,
      filter,
      agencies: agencies.map((a) => ({ id: a.id, name: a.name })),
      pathways: filterPathways,
      standingNames,
      statuses: standingStatuses,
      total: countedRow({ name: 'Everyone counted', ...rollup.total }),
      onPathway: rollup.total.onPathway,
      noPathway: rollup.total.noPathway,
      byAgency: rollup.byAgency.map((a) =>
        countedRow(a, mayOpen(ctx, a.agencyId) ? `/agencies/${a.agencyId}/pathways` : null),
      ),
      bySector: rollup.bySector.map((s) =>
        countedRow({ ...s, name: sectorNames[s.name as keyof typeof sectorNames] ?? s.name }),
      ),
      byPathway: rollup.byPathway.map((p) => countedRow(p)),
      csvLink: `/compliance.csv${query ? `?${query}` : ''}`,
    })
  })

  app.get<{ Querystring: Query }>(
    '/compliance.csv',
    { config: { access: readers } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const csv = await standing.rollupCsv(ctx, rollupFilter(request.query))
      return reply
        .header('content-disposition', 'attachment; filename="workforce-compliance.csv"')
        .header('cache-control', 'private, no-store')
        .type('text/csv; charset=utf-8')
        .send(`\uFEFF${csv}`)
    },
  )

  /** An agency's staff page, with the by-role form as sent and its errors when it was refused. */
  async function staffPage(
    request: FastifyRequest<{ Params: { id: string }; Querystring: Query }>,
    reply: FastifyReply,
    sent: { values: Body; errors: FieldError[] } | null,
  ) {
    const ctx = contextOf(request)
    const query = request.query ?? {}
    // The roles first: they refuse an agency the actor does not lead before anything is read.
    const roles = await standing.rolesOf(ctx, request.params.id)
    const agency = await services.directory.agency(ctx, request.params.id)
    const pathwayId = sent ? null : await pathwayFilter(ctx, query)
    const { staff, today } = await standing.staff(ctx, agency.id, pathwayId)
    const { filterPathways, activePathways } = await pathwayChoices(ctx)
    const set = chosen(query, 'set')
    const changed = chosen(query, 'changed')
    const changedName = changed ? staff.find((s) => s.personId === changed)?.name : undefined
    return reply.status(sent ? 400 : 200).view('pathways/standing/views/staff.njk', {
      title: `Staff pathways and standing: ${agency.name}`,
      columns: 'full',
      agency: { id: agency.id, name: agency.name },
      today,
      staff,
      pathwayId,
      roles: roles.map((r) => ({ ...r, text: `${r.role} (${people(r.staff)})` })),
      filterPathways,
      activePathways,
      standingNames,
      banner:
        set && /^\d{1,6}$/.test(set)
          ? `Pathway set for ${people(Number(set))}`
          : changedName
            ? `${changedName}’s pathway has been changed`
            : null,
      values: sent?.values ?? {},
      ...shown(sent?.errors ?? []),
      backLink: `/agencies/${agency.id}/compliance`,
    })
  }

  app.get<{ Params: { id: string }; Querystring: Query }>(
    '/agencies/:id/pathways',
    { config: { access: setters } },
    (request, reply) => staffPage(request, reply, null),
  )

  app.post<{ Params: { id: string }; Querystring: Query; Body: Body }>(
    '/agencies/:id/pathways/by-role',
    { config: { access: setters } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const body = request.body ?? {}
      // Another partnership's agency, or one the lead does not lead, is not found before the form is read.
      const roles = await standing.rolesOf(ctx, request.params.id)
      const agency = await services.directory.agency(ctx, request.params.id)
      const form = parseForm(byRoleSchema, body)
      const errors = form.ok ? [] : [...form.errors]
      const held = form.ok
        ? roles.find((r) => r.role.toLowerCase() === form.data.role.toLowerCase())
        : undefined
      if (form.ok && !held) errors.push({ field: 'role', text: 'Select one of the roles your staff hold' })
      if (!form.ok || !held) return staffPage(request, reply, { values: body, errors })
      try {
        const n = await standing.setByRole(ctx, agency.id, held.role, form.data.pathwayId)
        return reply.redirect(`/agencies/${agency.id}/pathways?set=${n}`, 303)
      } catch (error) {
        if (error instanceof ValidationError)
          return staffPage(request, reply, { values: body, errors: error.errors })
        throw error
      }
    },
  )

  /** The person, when the actor sets pathways for their agency: not merely because it is them. */
  async function personOf(ctx: Context, personId: string) {
    const { person } = await standing.ofPerson(ctx, personId)
    if (!mayOpen(ctx, person.agencyId)) throw new NotFoundError('Person')
    return person
  }

  async function personPage(
    request: FastifyRequest<{ Params: { id: string } }>,
    reply: FastifyReply,
    sent: { values: Body; errors: FieldError[] } | null,
  ) {
    const ctx = contextOf(request)
    const person = await personOf(ctx, request.params.id)
    const { activePathways } = await pathwayChoices(ctx)
    const offered = activePathways.some((p) => p.id === person.pathwayId)
    return reply.status(sent ? 400 : 200).view('pathways/standing/views/person.njk', {
      title: `Pathway for ${person.name}`,
      person,
      activePathways,
      // A retired pathway is no longer offered, so the page says which it was.
      retiredPathway: person.pathwayId && !offered ? person.pathwayTitle : null,
      noPathway: NO_PATHWAY,
      values: sent?.values ?? { pathwayId: person.pathwayId ?? NO_PATHWAY },
      ...shown(sent?.errors ?? []),
      backLink: `/agencies/${person.agencyId}/pathways`,
    })
  }

  app.get<{ Params: { id: string } }>(
    '/people/:id/pathway',
    { config: { access: setters } },
    (request, reply) => personPage(request, reply, null),
  )

  app.post<{ Params: { id: string }; Body: Body }>(
    '/people/:id/pathway',
    { config: { access: setters } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const body = request.body ?? {}
      const person = await personOf(ctx, request.params.id)
      const form = parseForm(personPathwaySchema, body)
      if (!form.ok) return personPage(request, reply, { values: body, errors: form.errors })
      const pathwayId = form.data.pathwayId === NO_PATHWAY ? null : form.data.pathwayId
      try {
        await standing.setPathway(ctx, person.id, pathwayId)
        return reply.redirect(`/agencies/${person.agencyId}/pathways?changed=${person.id}`, 303)
      } catch (error) {
        if (error instanceof ValidationError)
          return personPage(request, reply, { values: body, errors: error.errors })
        throw error
      }
    },
  )
}
