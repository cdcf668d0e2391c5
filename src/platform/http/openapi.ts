import swagger from '@fastify/swagger'
import type { FastifyInstance } from 'fastify'
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod'
import { z } from 'zod'

/** An RFC 9457 problem document, as every API error is answered. */
export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  instance: z.string().optional(),
  errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
})

/** The problems any API route may answer with, for its response schema. */
export const problemResponses = {
  400: problemSchema,
  401: problemSchema,
  403: problemSchema,
  404: problemSchema,
  409: problemSchema,
}

/**
 * The API validates with the same Zod schemas its OpenAPI document is generated from, so
 * the document cannot drift from what the code accepts. Only /api/v1 routes are described.
 */
export async function openApi(app: FastifyInstance, options: { publicUrl: string }) {
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Cascade API',
        description:
          "Multi-agency safeguarding learning and improvement. Authenticate with an API token (from `cascade tokens create`) as a Bearer token; every request is scoped to the token's partnership and role. A token expires (a year after it is made unless made to expire sooner); an expired or revoked token is answered 401 with a problem document saying which. Errors are RFC 9457 problem documents.",
        version: '1.0.0',
      },
      servers: [{ url: options.publicUrl }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
    transform: (input) => {
      if (!input.url.startsWith('/api/v1/') || input.url === '/api/v1/openapi.json') {
        return { schema: { ...input.schema, hide: true }, url: input.url }
      }
      return jsonSchemaTransform(input)
    },
  })
  app.get('/api/v1/openapi.json', { config: { access: 'public', api: true }, schema: { hide: true } }, () =>
    app.swagger(),
  )
}
