import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { londonDateOf } from '#platform/clock.ts'
import { calendarDate } from '#platform/http/forms.ts'
import { problemSchema } from '#platform/http/openapi.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { policyChangeSchema } from './forms.ts'
import type { PolicyVersion } from './policy.ts'
import { policyRulesSchema } from './policy.ts'

const policyVersionSchema = z.object({
  effectiveFrom: z.string().describe('The date this version took effect (YYYY-MM-DD, Europe/London)'),
  rules: policyRulesSchema,
  reason: z.string().nullable(),
  savedAt: z.string().describe('When this version was saved (ISO 8601)'),
})

function present(version: PolicyVersion): z.infer<typeof policyVersionSchema> {
  return {
    effectiveFrom: version.effectiveFrom,
    rules: version.rules,
    reason: version.reason,
    savedAt: version.createdAt.toISOString(),
  }
}

/** GET/PATCH /api/v1/policy: the partnership's rules, and changing them from a date. */
export default async function policyApi(app: FastifyInstance, { services }: { services: Services }) {
  const api = app.withTypeProvider<ZodTypeProvider>()

  api.get(
    '/api/v1/policy',
    {
      config: { access: ['admin', 'subgroup', 'executive'], api: true },
      schema: {
        tags: ['policy'],
        summary: 'The policy in force on a date (today when no date is given)',
        security: [{ bearer: [] }],
        querystring: z.object({
          date: calendarDate('Enter a real date, in the format YYYY-MM-DD').optional(),
        }),
        response: {
          200: policyVersionSchema,
          400: problemSchema,
          401: problemSchema,
          403: problemSchema,
          404: problemSchema,
        },
      },
    },
    async (request) => {
      const ctx = contextOf(request)
      const date = request.query.date ?? londonDateOf(services.clock.now())
      return present(await services.policy.versionOn(ctx, date))
    },
  )

  api.patch(
    '/api/v1/policy',
    {
      config: { access: ['admin'], api: true },
      schema: {
        tags: ['policy'],
        summary:
          'Change rules from a date (today when no effectiveFrom is given); the earlier version is kept',
        security: [{ bearer: [] }],
        body: policyChangeSchema,
        response: { 200: policyVersionSchema, 400: problemSchema, 401: problemSchema, 403: problemSchema },
      },
    },
    async (request) => {
      const ctx = contextOf(request)
      return present(await services.policy.change(ctx, request.body))
    },
  )
}
