import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { problemResponses } from '#platform/http/openapi.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { providerChangeSchema, providerSchema } from './forms.ts'
import type { IdentityProvider } from './service.ts'

const admins = ['admin'] as const

/** A provider as the API answers it: the client secret is write-only and never appears. */
const providerResponse = z.object({
  id: z.uuid(),
  name: z.string(),
  issuer: z.string().describe('The issuer URL; its discovery document is read on every save'),
  clientId: z.string(),
  passwordsOff: z
    .boolean()
    .describe(
      'Whether the domains’ people may sign in only through the provider (no password, no emailed link)',
    ),
  domains: z.array(
    z.object({
      domain: z.string().describe('The part of an email address after the @, lower case'),
      agencyId: z.uuid(),
      agencyName: z.string(),
      trusted: z
        .boolean()
        .describe(
          'Trusted: a first sign-in makes a practitioner at once; otherwise a registrant for the agency lead to confirm',
        ),
    }),
  ),
  createdAt: z.string(),
  updatedAt: z.string(),
})

const present = (p: IdentityProvider): z.infer<typeof providerResponse> => ({
  id: p.id,
  name: p.name,
  issuer: p.issuer,
  clientId: p.clientId,
  passwordsOff: p.passwordsOff,
  domains: p.domains,
  createdAt: new Date(p.createdAt).toISOString(),
  updatedAt: new Date(p.updatedAt).toISOString(),
})

const idParams = z.object({ id: z.string().describe('The identity provider’s id') })

/** The partnership's identity providers for single sign-on, for its admins. */
export default async function identityProvidersApi(
  app: FastifyInstance,
  { services }: { services: Services },
) {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const { signOn } = services
  const common = { security: [{ bearer: [] }], tags: ['identity providers'] }

  api.get(
    '/api/v1/identity-providers',
    {
      config: { access: admins, api: true },
      schema: {
        ...common,
        summary: 'The partnership’s identity providers (OpenID Connect), with their email domains',
        response: { 200: z.object({ items: z.array(providerResponse) }), ...problemResponses },
      },
    },
    async (request) => ({ items: (await signOn.list(contextOf(request))).map(present) }),
  )

  api.post(
    '/api/v1/identity-providers',
    {
      config: { access: admins, api: true },
      schema: {
        ...common,
        summary:
          'Add an identity provider; refused unless its discovery document can be read. The client secret is kept encrypted and never returned',
        body: providerSchema,
        response: { 201: providerResponse, ...problemResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(present(await signOn.create(contextOf(request), request.body))),
  )

  api.patch(
    '/api/v1/identity-providers/:id',
    {
      config: { access: admins, api: true },
      schema: {
        ...common,
        summary:
          'Change an identity provider: the fields given replace what was there (domains as a whole list); the secret only when given',
        params: idParams,
        body: providerChangeSchema,
        response: { 200: providerResponse, ...problemResponses },
      },
    },
    async (request) => present(await signOn.update(contextOf(request), request.params.id, request.body)),
  )

  api.delete(
    '/api/v1/identity-providers/:id',
    {
      config: { access: admins, api: true },
      schema: {
        ...common,
        summary:
          'Remove an identity provider and its domains: their people sign in with a password or link again',
        params: idParams,
        response: { 204: z.null(), ...problemResponses },
      },
    },
    async (request, reply) => {
      await signOn.remove(contextOf(request), request.params.id)
      return reply.status(204).send(null)
    },
  )
}
