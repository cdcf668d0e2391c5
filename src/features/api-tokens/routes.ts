import type { FastifyInstance } from 'fastify'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'

const admins = ['admin'] as const

/** A partnership's API tokens, for its admins: the list, and revoking one after confirming. */
export default async function apiTokenRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const { apiTokens } = services

  app.get<{ Querystring: { revoked?: string } }>(
    '/api-tokens',
    { config: { access: admins } },
    async (request, reply) => {
      const tokens = await apiTokens.list(contextOf(request))
      return reply.view('api-tokens/views/list.njk', {
        title: 'API tokens',
        tokens,
        revoked: tokens.find((token) => token.id === request.query.revoked) ?? null,
      })
    },
  )

  app.get<{ Params: { id: string } }>(
    '/api-tokens/:id/revoke',
    { config: { access: admins } },
    async (request, reply) => {
      const token = await apiTokens.token(contextOf(request), request.params.id)
      return reply.view('api-tokens/views/revoke.njk', {
        title: `Revoke the API token ${token.name}`,
        token,
        backLink: '/api-tokens',
      })
    },
  )

  app.post<{ Params: { id: string } }>(
    '/api-tokens/:id/revoke',
    { config: { access: admins } },
    async (request, reply) => {
      const { token } = await apiTokens.revoke(contextOf(request), request.params.id)
      return reply.redirect(`/api-tokens?revoked=${token.id}`, 303)
    },
  )
}
