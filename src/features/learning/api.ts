import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { ValidationError } from '#platform/errors.ts'
import { problemResponses } from '#platform/http/openapi.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import {
  libraryFilterSchema,
  linkSchema,
  productAudienceSchema,
  productChangeSchema,
  productSchema,
} from './forms.ts'
import type { Product, ProductFile } from './queries.ts'
import { productReaders } from './routes.ts'
import { productEditors, productOverseers } from './rules.ts'
import { productStatuses, productTypes, productVisibilities } from './words.ts'

const fileResponse = z.object({
  id: z.uuid(),
  filename: z.string(),
  contentType: z.string(),
  sizeBytes: z.number().int(),
})

const productResponse = z.object({
  id: z.uuid(),
  type: z.enum(productTypes),
  title: z.string(),
  summary: z.string(),
  body: z.string().describe('Markdown'),
  links: z.array(linkSchema),
  themes: z.array(z.uuid()),
  audience: productAudienceSchema,
  reviewIds: z.array(z.uuid()),
  findingIds: z.array(z.uuid()),
  visibility: z.enum(productVisibilities),
  status: z.enum(productStatuses),
  reviewBy: z.string().nullable().describe('YYYY-MM-DD'),
  version: z.number().int().describe('0 until first published; each change after that adds one'),
  publishedAt: z.string().nullable(),
  updatedAt: z.string(),
})

const present = (p: Product): z.infer<typeof productResponse> => ({
  id: p.id,
  type: p.type,
  title: p.title,
  summary: p.summary,
  body: p.body,
  links: p.links,
  themes: p.themeIds,
  audience: p.audience,
  reviewIds: p.reviewIds,
  findingIds: p.findingIds,
  visibility: p.visibility,
  status: p.status,
  reviewBy: p.reviewBy,
  version: p.version,
  publishedAt: p.publishedAt ? new Date(p.publishedAt).toISOString() : null,
  updatedAt: new Date(p.updatedAt).toISOString(),
})

const presentFile = (f: ProductFile): z.infer<typeof fileResponse> => ({
  id: f.id,
  filename: f.filename,
  contentType: f.contentType,
  sizeBytes: f.sizeBytes,
})

const idParams = z.object({ id: z.string().describe('The learning product’s id') })

/**
 * The learning products API: the library (published products, or every product for those who
 * oversee them), writing and changing products, and adding their files.
 */
export default async function learningApi(app: FastifyInstance, { services }: { services: Services }) {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const { learning } = services
  const common = { security: [{ bearer: [] }], tags: ['learning'] }

  api.get(
    '/api/v1/learning-products',
    {
      config: { access: productReaders, api: true },
      schema: {
        ...common,
        summary:
          'Learning products, newest first, 20 a page: published ones for everyone; with status=all, drafts and withdrawn ones too for admins, the sub-group and the executive',
        querystring: libraryFilterSchema.extend({
          status: z.enum(['published', 'all']).optional().catch(undefined),
        }),
        response: {
          200: z.object({
            items: z.array(
              productResponse.pick({
                id: true,
                type: true,
                title: true,
                summary: true,
                visibility: true,
                status: true,
                version: true,
                publishedAt: true,
              }),
            ),
            total: z.number().int(),
            page: z.number().int(),
          }),
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const ctx = contextOf(request)
      const all = request.query.status === 'all' && productOverseers.some((r) => ctx.actor.roles.includes(r))
      const found = all ? await learning.all(ctx, request.query) : await learning.library(ctx, request.query)
      return {
        items: found.items.map((p) => ({
          ...p,
          publishedAt: p.publishedAt ? new Date(p.publishedAt).toISOString() : null,
        })),
        total: found.total,
        page: request.query.page,
      }
    },
  )

  api.post(
    '/api/v1/learning-products',
    {
      config: { access: productEditors, api: true },
      schema: {
        ...common,
        summary: 'Write a product: a draft unless status is published',
        body: productSchema,
        response: { 201: productResponse, ...problemResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(present(await learning.create(contextOf(request), request.body))),
  )

  api.get(
    '/api/v1/learning-products/:id',
    {
      config: { access: productReaders, api: true },
      schema: {
        ...common,
        summary: 'One product with its files and versions',
        params: idParams,
        response: {
          200: productResponse.extend({
            files: z.array(fileResponse),
            versions: z.array(
              z.object({
                version: z.number().int(),
                changes: z.string(),
                changeNote: z.string().nullable(),
                at: z.string(),
              }),
            ),
          }),
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const page = await learning.product(contextOf(request), request.params.id)
      return {
        ...present(page.product),
        files: page.files.map(presentFile),
        versions: page.versions.map((v) => ({
          version: v.version,
          changes: v.changes,
          changeNote: v.changeNote,
          at: new Date(v.at).toISOString(),
        })),
      }
    },
  )

  api.patch(
    '/api/v1/learning-products/:id',
    {
      config: { access: productEditors, api: true },
      schema: {
        ...common,
        summary:
          'Change a product: only the fields sent. A change to a published product makes a new version saying what changed; nothing goes back to draft',
        params: idParams,
        body: productChangeSchema,
        response: { 200: productResponse, ...problemResponses },
      },
    },
    async (request) =>
      present((await learning.update(contextOf(request), request.params.id, request.body)).product),
  )

  api.post(
    '/api/v1/learning-products/:id/files',
    {
      config: { access: productEditors, api: true },
      schema: {
        ...common,
        summary:
          'Add a file (multipart/form-data, field "file"): a PDF, Word, Excel or PowerPoint document or an image, under 20 MB, checked by its content',
        consumes: ['multipart/form-data'],
        params: idParams,
        response: { 201: fileResponse, ...problemResponses },
      },
    },
    async (request, reply) => {
      // The product first: one the caller cannot see is not found, whatever was sent.
      await learning.product(contextOf(request), request.params.id)
      const upload = request.uploads?.file
      if (!upload || (upload.bytes.length === 0 && !upload.tooLarge))
        throw new ValidationError([
          { field: 'file', text: 'Send the file as multipart/form-data in a field named file' },
        ])
      return reply
        .status(201)
        .send(presentFile(await learning.addFile(contextOf(request), request.params.id, upload)))
    },
  )
}
