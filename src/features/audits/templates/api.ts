import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { problemResponses } from '#platform/http/openapi.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { scales, templateKinds } from '../words.ts'
import { templateSchema } from './forms.ts'
import type { AuditTemplateVersion } from './queries.ts'
import { templateReaders, templateWriters } from './service.ts'

const versionResponse = z.object({
  id: z.uuid().describe('The version’s id: a cycle is opened with it'),
  templateId: z.uuid(),
  title: z.string(),
  kind: z.enum(templateKinds),
  version: z.number().int(),
  scale: z.enum(scales),
  note: z.string().nullable(),
  createdAt: z.string(),
  sections: z.array(
    z.object({
      id: z.uuid(),
      title: z.string(),
      position: z.number().int(),
      standards: z.array(
        z.object({
          id: z.uuid(),
          ref: z.string().describe('The standard’s number, like 2.3, kept from version to version'),
          title: z.string(),
          question: z.string(),
          guidance: z.string(),
          evidenceExpected: z.string(),
          position: z.number().int(),
        }),
      ),
    }),
  ),
})

const present = (v: AuditTemplateVersion): z.infer<typeof versionResponse> => ({
  id: v.id,
  templateId: v.templateId,
  title: v.title,
  kind: v.kind,
  version: v.version,
  scale: v.scale,
  note: v.note,
  createdAt: new Date(v.createdAt).toISOString(),
  sections: v.sections,
})

/** Audit templates: each with its current version, whole; a new template, or a new version of one. */
export default async function auditTemplateApi(app: FastifyInstance, { services }: { services: Services }) {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const { auditTemplates: templates } = services
  const common = { security: [{ bearer: [] }], tags: ['audits'] }

  api.get(
    '/api/v1/audit-templates',
    {
      config: { access: templateReaders, api: true },
      schema: {
        ...common,
        summary: 'Audit templates, by title, each as its current version with its sections and standards',
        response: { 200: z.object({ items: z.array(versionResponse) }), ...problemResponses },
      },
    },
    async (request) => ({ items: (await templates.currentVersions(contextOf(request))).map(present) }),
  )

  api.post(
    '/api/v1/audit-templates',
    {
      config: { access: templateWriters, api: true },
      schema: {
        ...common,
        summary:
          'Save a template: a new one as its version 1, or, with templateId, a new version of that template (earlier versions never change). Each standard’s ref is unique in the version',
        body: templateSchema,
        response: { 201: versionResponse, ...problemResponses },
      },
    },
    async (request, reply) => {
      const ctx = contextOf(request)
      const { templateId, ...input } = request.body
      const saved = templateId
        ? await templates.saveVersion(ctx, templateId, input)
        : await templates.create(ctx, input)
      return reply.status(201).send(present(await templates.version(ctx, saved.versionId)))
    },
  )
}
