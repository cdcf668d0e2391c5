import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { problemResponses } from '#platform/http/openapi.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { agencyCategories, agencySectors, workforces } from './agency.ts'
import {
  agencyFilterSchema,
  agencyPatchSchema,
  agencySchema,
  peopleFilterSchema,
  personPatchSchema,
  personSchema,
  personStatuses,
} from './forms.ts'
import type { Agency, Person } from './queries.ts'

const agencyResponse = z.object({
  id: z.uuid(),
  name: z.string(),
  category: z.enum(agencyCategories),
  saferProgrammeMember: z.boolean(),
  sector: z.enum(agencySectors),
  workforce: z.enum(workforces),
  archived: z.boolean(),
  address: z.string().nullable(),
  invoicingContactName: z.string().nullable(),
  invoicingContactEmail: z.string().nullable(),
  headcount: z
    .number()
    .int()
    .nullable()
    .describe(
      'The workforce the agency declared; null when none is, and reach is read against its active people',
    ),
})

const personResponse = z.object({
  id: z.uuid(),
  firstName: z.string(),
  lastName: z.string(),
  email: z.string(),
  agencyId: z.uuid(),
  role: z.string().nullable(),
  tier: z.string().nullable(),
  managerEmail: z.string().nullable(),
  managerName: z.string().nullable(),
  status: z.enum(personStatuses),
})

const page = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    total: z.number().int(),
    page: z.number().int(),
    pageSize: z.number().int(),
  })

const idParams = z.object({ id: z.string().describe('The record’s id') })

const presentAgency = (a: Agency): z.infer<typeof agencyResponse> => a
const presentPerson = (p: Person): z.infer<typeof personResponse> => ({
  id: p.id,
  firstName: p.firstName,
  lastName: p.lastName,
  email: p.email,
  agencyId: p.agencyId,
  role: p.role,
  tier: p.tier,
  managerEmail: p.managerEmail,
  managerName: p.managerName,
  status: p.status,
})

/** The directory API: agencies and people, scoped to the token's partnership and role. */
export default async function directoryApi(app: FastifyInstance, { services }: { services: Services }) {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const { directory } = services
  const common = { security: [{ bearer: [] }] }

  api.get(
    '/api/v1/agencies',
    {
      config: { access: 'signed-in', api: true },
      schema: {
        ...common,
        tags: ['directory'],
        summary: 'List agencies',
        querystring: agencyFilterSchema,
        response: { 200: page(agencyResponse), ...problemResponses },
      },
    },
    async (request) => {
      const { items, total } = await directory.listAgencies(contextOf(request), request.query)
      return {
        items: items.map(presentAgency),
        total,
        page: request.query.page,
        pageSize: request.query.pageSize,
      }
    },
  )

  api.post(
    '/api/v1/agencies',
    {
      config: { access: ['admin'], api: true },
      schema: {
        ...common,
        tags: ['directory'],
        summary: 'Add an agency',
        body: agencySchema,
        response: { 201: agencyResponse, ...problemResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(presentAgency(await directory.createAgency(contextOf(request), request.body))),
  )

  api.get(
    '/api/v1/agencies/:id',
    {
      config: { access: 'signed-in', api: true },
      schema: {
        ...common,
        tags: ['directory'],
        summary: 'One agency',
        params: idParams,
        response: { 200: agencyResponse, ...problemResponses },
      },
    },
    async (request) => presentAgency(await directory.agency(contextOf(request), request.params.id)),
  )

  api.patch(
    '/api/v1/agencies/:id',
    {
      config: { access: ['admin'], api: true },
      schema: {
        ...common,
        tags: ['directory'],
        summary: 'Change an agency',
        params: idParams,
        body: agencyPatchSchema,
        response: { 200: agencyResponse, ...problemResponses },
      },
    },
    async (request) =>
      presentAgency(await directory.changeAgency(contextOf(request), request.params.id, request.body)),
  )

  api.get(
    '/api/v1/people',
    {
      config: { access: ['admin', 'agency-lead'], api: true },
      schema: {
        ...common,
        tags: ['directory'],
        summary:
          'Find people by name, email, agency, role, tier or status (an agency lead sees only their agencies’ people)',
        querystring: peopleFilterSchema,
        response: { 200: page(personResponse), ...problemResponses },
      },
    },
    async (request) => {
      const { items, total } = await directory.listPeople(contextOf(request), request.query)
      return {
        items: items.map(presentPerson),
        total,
        page: request.query.page,
        pageSize: request.query.pageSize,
      }
    },
  )

  api.post(
    '/api/v1/people',
    {
      config: { access: ['admin', 'agency-lead'], api: true },
      schema: {
        ...common,
        tags: ['directory'],
        summary: 'Add a person',
        body: personSchema,
        response: { 201: personResponse, ...problemResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(presentPerson(await directory.addPerson(contextOf(request), request.body))),
  )

  api.get(
    '/api/v1/people/:id',
    {
      config: { access: ['admin', 'agency-lead'], api: true },
      schema: {
        ...common,
        tags: ['directory'],
        summary: 'One person',
        params: idParams,
        response: { 200: personResponse, ...problemResponses },
      },
    },
    async (request) => presentPerson(await directory.person(contextOf(request), request.params.id)),
  )

  api.patch(
    '/api/v1/people/:id',
    {
      config: { access: ['admin', 'agency-lead'], api: true },
      schema: {
        ...common,
        tags: ['directory'],
        summary: 'Change a person; a change of agency keeps the history',
        params: idParams,
        body: personPatchSchema,
        response: { 200: personResponse, ...problemResponses },
      },
    },
    async (request) =>
      presentPerson(await directory.changePerson(contextOf(request), request.params.id, request.body)),
  )
}
