import type { FastifyInstance, FastifyReply } from 'fastify'
import { londonDateOf } from '#platform/clock.ts'
import type { FieldError } from '#platform/errors.ts'
import { ValidationError } from '#platform/errors.ts'
import { errorFor, errorSummary, parseForm } from '#platform/http/forms.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { agencyCategories, agencySectors, workforces } from './agency.ts'
import { agencyFilterSchema, peopleFilterSchema, personStatuses } from './forms.ts'
import {
  agencyForm,
  categoryNames,
  personForm,
  sectorNames,
  statusNames,
  workforceNames,
} from './page-forms.ts'
import { placeFeePence } from './rules.ts'

const names = {
  categoryNames,
  sectorNames,
  workforceNames,
  statusNames,
  agencyCategories,
  agencySectors,
  workforces,
  personStatuses,
}

function asText(body: unknown): Record<string, string> {
  return Object.fromEntries(
    Object.entries((body ?? {}) as Record<string, unknown>).map(([k, v]) => [
      k,
      typeof v === 'string' ? v : '',
    ]),
  )
}

/** Re-renders a form with every problem listed and what was typed kept. */
function withErrors(
  reply: FastifyReply,
  template: string,
  data: Record<string, unknown>,
  errors: FieldError[],
) {
  return reply
    .status(400)
    .view(template, { ...data, errors: errorSummary(errors), fieldErrors: errorFor(errors) })
}

/** Runs a change; a validation failure re-renders the form instead of failing the request. */
async function attempt(change: () => Promise<unknown>, onInvalid: (errors: FieldError[]) => unknown) {
  try {
    await change()
    return null
  } catch (error) {
    if (error instanceof ValidationError) return onInvalid(error.errors)
    throw error
  }
}

/** The directory pages: agencies, and the people in them. */
export default async function directoryRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const { directory } = services
  const readers = ['admin', 'agency-lead', 'subgroup', 'executive'] as const

  app.get<{ Querystring: Record<string, string> }>(
    '/agencies',
    { config: { access: readers } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const filter = agencyFilterSchema.catch({ page: 1, pageSize: 50 }).parse(request.query)
      const { items, total } = await directory.listAgencies(ctx, { ...filter, pageSize: 100 })
      return reply.view('directory/views/agencies.njk', {
        ...names,
        title: 'Agencies',
        columns: 'full',
        agencies: items,
        total,
        query: request.query,
        canAdd: ctx.actor.roles.includes('admin'),
      })
    },
  )

  app.get('/agencies.csv', { config: { access: readers } }, async (request, reply) => {
    const csv = await directory.exportAgencies(contextOf(request))
    return reply
      .header('content-disposition', 'attachment; filename="agencies.csv"')
      .type('text/csv; charset=utf-8')
      .send(`\uFEFF${csv}`)
  })

  app.get('/agencies/new', { config: { access: ['admin'] } }, (_request, reply) =>
    reply.view('directory/views/agency-form.njk', {
      ...names,
      title: 'Add an agency',
      values: {},
      action: '/agencies/new',
      backLink: '/agencies',
    }),
  )

  app.post<{ Body: Record<string, unknown> }>(
    '/agencies/new',
    { config: { access: ['admin'] } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const data = {
        ...names,
        title: 'Add an agency',
        values: asText(request.body),
        action: '/agencies/new',
        backLink: '/agencies',
      }
      const form = parseForm(agencyForm, request.body)
      if (!form.ok) return withErrors(reply, 'directory/views/agency-form.njk', data, form.errors)
      let id = ''
      const invalid = await attempt(
        async () => {
          id = (await directory.createAgency(ctx, form.data)).id
        },
        (errors) => withErrors(reply, 'directory/views/agency-form.njk', data, errors),
      )
      return invalid ?? reply.redirect(`/agencies/${id}`, 303)
    },
  )

  app.get<{ Params: { id: string } }>(
    '/agencies/:id',
    { config: { access: readers } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const agency = await directory.agency(ctx, request.params.id)
      const rules = await services.policy.rulesOn(ctx, londonDateOf(services.clock.now()))
      return reply.view('directory/views/agency.njk', {
        ...names,
        title: agency.name,
        agency,
        feePence: placeFeePence(agency, rules),
        headcount: await directory.headcount(ctx, agency.id),
        canChange: ctx.actor.roles.includes('admin'),
        canSeeCompliance:
          ctx.actor.roles.includes('admin') ||
          (ctx.actor.roles.includes('agency-lead') && ctx.actor.agencyIds.includes(agency.id)),
        backLink: '/agencies',
      })
    },
  )

  app.get<{ Params: { id: string } }>(
    '/agencies/:id/edit',
    { config: { access: ['admin'] } },
    async (request, reply) => {
      const agency = await directory.agency(contextOf(request), request.params.id)
      const values = {
        ...asText(agency),
        saferProgrammeMember: agency.saferProgrammeMember ? 'yes' : '',
        archived: agency.archived ? 'yes' : '',
        headcount: agency.headcount === null ? '' : String(agency.headcount),
      }
      return reply.view('directory/views/agency-form.njk', {
        ...names,
        title: `Change ${agency.name}`,
        values,
        editing: true,
        action: `/agencies/${agency.id}/edit`,
        backLink: `/agencies/${agency.id}`,
      })
    },
  )

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/agencies/:id/edit',
    { config: { access: ['admin'] } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const agency = await directory.agency(ctx, request.params.id)
      const data = {
        ...names,
        title: `Change ${agency.name}`,
        values: asText(request.body),
        editing: true,
        action: `/agencies/${agency.id}/edit`,
        backLink: `/agencies/${agency.id}`,
      }
      const form = parseForm(agencyForm, request.body)
      if (!form.ok) return withErrors(reply, 'directory/views/agency-form.njk', data, form.errors)
      const invalid = await attempt(
        () => directory.changeAgency(ctx, agency.id, form.data),
        (errors) => withErrors(reply, 'directory/views/agency-form.njk', data, errors),
      )
      return invalid ?? reply.redirect(`/agencies/${agency.id}`, 303)
    },
  )

  const people = ['admin', 'agency-lead'] as const

  async function personFormData(request: Parameters<typeof contextOf>[0]) {
    const ctx = contextOf(request)
    const agencies = (await directory.currentAgencies(ctx)).filter(
      (a) => ctx.actor.roles.includes('admin') || ctx.actor.agencyIds.includes(a.id),
    )
    const { tiers } = await services.policy.rulesOn(ctx, londonDateOf(services.clock.now()))
    return { ...names, agencies, tiers }
  }

  app.get<{ Querystring: Record<string, string> }>(
    '/people',
    { config: { access: people } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const parsed = peopleFilterSchema.safeParse(request.query)
      const filter = parsed.success ? parsed.data : peopleFilterSchema.parse({})
      const { items, total } = await directory.listPeople(ctx, filter)
      const form = await personFormData(request)
      const query = new URLSearchParams(
        Object.entries({
          q: filter.q,
          agencyId: filter.agencyId,
          tier: filter.tier,
          status: filter.status,
        }).filter((entry): entry is [string, string] => Boolean(entry[1])),
      )
      const link = (changes: Record<string, string>) =>
        `/people?${new URLSearchParams({ ...Object.fromEntries(query), sort: filter.sort, ...changes })}`
      const pages = Math.max(1, Math.ceil(total / filter.pageSize))
      return reply.view('directory/views/people.njk', {
        ...form,
        title: 'People',
        columns: 'full',
        people: items,
        total,
        filter,
        pages,
        sortLinks: {
          name: link({ sort: 'name' }),
          email: link({ sort: 'email' }),
          agency: link({ sort: 'agency' }),
        },
        previous: filter.page > 1 ? link({ page: String(filter.page - 1) }) : null,
        next: filter.page < pages ? link({ page: String(filter.page + 1) }) : null,
        exportLink: `/people.csv?${new URLSearchParams({ ...Object.fromEntries(query), sort: filter.sort })}`,
        errors: parsed.success
          ? undefined
          : errorSummary([{ field: 'q', text: 'Check your search: something in it is not valid' }]),
      })
    },
  )

  app.get<{ Querystring: Record<string, string> }>(
    '/people.csv',
    { config: { access: people } },
    async (request, reply) => {
      const filter = peopleFilterSchema.catch(peopleFilterSchema.parse({})).parse(request.query)
      const csv = await directory.exportPeople(contextOf(request), filter)
      return reply
        .header('content-disposition', 'attachment; filename="people.csv"')
        .type('text/csv; charset=utf-8')
        .send(`\uFEFF${csv}`)
    },
  )

  app.get('/people/new', { config: { access: people } }, async (request, reply) =>
    reply.view('directory/views/person-form.njk', {
      ...(await personFormData(request)),
      title: 'Add a person',
      values: {},
      action: '/people/new',
      backLink: '/people',
    }),
  )

  app.post<{ Body: Record<string, unknown> }>(
    '/people/new',
    { config: { access: people } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const data = {
        ...(await personFormData(request)),
        title: 'Add a person',
        values: asText(request.body),
        action: '/people/new',
        backLink: '/people',
      }
      const form = parseForm(personForm, request.body)
      if (!form.ok) return withErrors(reply, 'directory/views/person-form.njk', data, form.errors)
      let id = ''
      const invalid = await attempt(
        async () => {
          id = (await directory.addPerson(ctx, form.data)).id
        },
        (errors) => withErrors(reply, 'directory/views/person-form.njk', data, errors),
      )
      return invalid ?? reply.redirect(`/people/${id}`, 303)
    },
  )

  app.get<{ Params: { id: string } }>(
    '/people/:id',
    { config: { access: people } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const person = await directory.person(ctx, request.params.id)
      return reply.view('directory/views/person.njk', {
        ...names,
        title: `${person.firstName} ${person.lastName}`,
        person,
        merged: await services.merges.mergedInto(ctx, person.id),
        dataRequests: await services.subjectRequests.history(ctx, person.id),
        canRequestData: ctx.actor.roles.includes('admin'),
        backLink: '/people',
      })
    },
  )

  app.get<{ Params: { id: string } }>(
    '/people/:id/edit',
    { config: { access: people } },
    async (request, reply) => {
      const person = await directory.person(contextOf(request), request.params.id)
      return reply.view('directory/views/person-form.njk', {
        ...(await personFormData(request)),
        title: `Change ${person.firstName} ${person.lastName}`,
        values: asText(person),
        editing: true,
        action: `/people/${person.id}/edit`,
        backLink: `/people/${person.id}`,
      })
    },
  )

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/people/:id/edit',
    { config: { access: people } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const person = await directory.person(ctx, request.params.id)
      const data = {
        ...(await personFormData(request)),
        title: `Change ${person.firstName} ${person.lastName}`,
        values: asText(request.body),
        editing: true,
        action: `/people/${person.id}/edit`,
        backLink: `/people/${person.id}`,
      }
      const form = parseForm(personForm, request.body)
      if (!form.ok) return withErrors(reply, 'directory/views/person-form.njk', data, form.errors)
      const invalid = await attempt(
        () => directory.changePerson(ctx, person.id, form.data),
        (errors) => withErrors(reply, 'directory/views/person-form.njk', data, errors),
      )
      return invalid ?? reply.redirect(`/people/${person.id}`, 303)
    },
  )
}
