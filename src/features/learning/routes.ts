import type { FastifyInstance } from 'fastify'
import { londonDateOf } from '#platform/clock.ts'
import { doneOf } from '#platform/http/done.ts'
import { sendDownload } from '#platform/http/downloads.ts'
import { contextOf } from '#platform/http/request-context.ts'
import { renderMarkdown } from '#platform/views/markdown.ts'
import type { Services } from '#src/services.ts'
import { libraryFilterSchema } from './forms.ts'
import { paginationOf, sizeText, words } from './page-words.ts'
import { productOverseers } from './rules.ts'

/** Everyone confirmed in a partnership reads its published learning. */
export const productReaders = [
  'admin',
  'subgroup',
  'executive',
  'agency-lead',
  'trainer',
  'practitioner',
] as const

const banners = {
  created: { heading: 'Product saved as a draft' },
  published: { heading: 'Product published', text: 'It is in the library for its readers.' },
  changed: { heading: 'Product changed' },
  versioned: {
    heading: 'Product changed',
    text: 'Readers see the new version; its history says what changed.',
  },
  withdrawn: { heading: 'Product withdrawn', text: 'It has left the library.' },
  'file-added': { heading: 'File added' },
  'file-removed': { heading: 'File removed' },
} as const

/**
 * The library for signed-in users (every published product, the workforce's and the
 * public's), each product's page, and the list of every product for those who oversee them.
 */
export default async function learningRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const { learning } = services

  app.get<{ Querystring: Record<string, string> }>(
    '/learning',
    { config: { access: productReaders } },
    async (request, reply) => {
      const filter = libraryFilterSchema.parse(request.query)
      const found = await learning.library(contextOf(request), filter)
      const rules = await services.policy.rulesOn(contextOf(request), londonDateOf(services.clock.now()))
      return reply.view('learning/views/library.njk', {
        ...words,
        title: 'Learning library',
        frame: 'layout.njk',
        ...found,
        tiers: rules.tiers,
        filter,
        action: '/learning',
        productPath: '/learning',
        pagination: paginationOf('/learning', filter, found.total),
        manage: productOverseers.some((role) => contextOf(request).actor.roles.includes(role)),
      })
    },
  )

  app.get<{ Querystring: Record<string, string> }>(
    '/learning/products',
    { config: { access: productOverseers } },
    async (request, reply) => {
      const filter = libraryFilterSchema.parse(request.query)
      const ctx = contextOf(request)
      const reviewDue = request.query.due === 'review'
      const found = await learning.all(ctx, filter, { reviewDue })
      return reply.view('learning/views/products.njk', {
        ...words,
        title: reviewDue ? 'Learning products to review' : 'Learning products',
        reviewDue,
        columns: 'full',
        ...found,
        filter,
        pagination: paginationOf(
          reviewDue ? '/learning/products?due=review' : '/learning/products',
          filter,
          found.total,
        ),
        canWrite: ctx.actor.roles.some((r) => r === 'admin' || r === 'subgroup'),
      })
    },
  )

  app.get<{ Params: { id: string }; Querystring: Record<string, string> }>(
    '/learning/:id',
    { config: { access: productReaders } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const page = await learning.product(ctx, request.params.id)
      const done = doneOf(request.query, Object.keys(banners) as (keyof typeof banners)[])
      return reply.view('learning/views/product.njk', {
        ...words,
        frame: 'layout.njk',
        ...page,
        title: page.product.title,
        bodyHtml: renderMarkdown(page.product.body),
        files: page.files.map((f) => ({ ...f, size: sizeText(f.sizeBytes) })),
        filePath: `/learning/${page.product.id}/files`,
        coursePath: `/p/${ctx.partnership.slug}/courses`,
        dissemination: await services.dissemination.panel(ctx, page.product.id),
        banner: done ? banners[done] : null,
        backLink: '/learning',
      })
    },
  )

  app.get<{ Params: { id: string; fileId: string } }>(
    '/learning/:id/files/:fileId',
    { config: { access: productReaders } },
    async (request, reply) => {
      const file = await learning.file(contextOf(request), request.params.id, request.params.fileId)
      return sendDownload(reply.header('cache-control', 'private, no-store'), file)
    },
  )

  app.get<{ Params: { slug: string }; Querystring: Record<string, string> }>(
    '/p/:slug/learning',
    { config: { access: 'public', publicPage: true } },
    (request, reply) =>
      reply.publicView('learning/views/library.njk', async () => {
        const filter = libraryFilterSchema.parse(request.query)
        const found = await learning.publicLibrary(request.params.slug, filter)
        const path = `/p/${found.partnership.slug}/learning`
        return {
          ...words,
          title: `Learning from ${found.partnership.name}`,
          ...found,
          tiers: [],
          filter,
          action: path,
          productPath: path,
          isPublic: true,
          pagination: paginationOf(path, filter, found.total),
        }
      }),
  )

  app.get<{ Params: { slug: string; id: string } }>(
    '/p/:slug/learning/:id',
    { config: { access: 'public', publicPage: true } },
    (request, reply) =>
      reply.publicView('learning/views/product.njk', async () => {
        const page = await learning.publicProduct(request.params.slug, request.params.id)
        const path = `/p/${page.partnership.slug}/learning`
        return {
          ...words,
          ...page,
          title: page.product.title,
          bodyHtml: renderMarkdown(page.product.body),
          files: page.files.map((f) => ({ ...f, size: sizeText(f.sizeBytes) })),
          filePath: `${path}/${page.product.id}/files`,
          coursePath: `/p/${page.partnership.slug}/courses`,
          versions: [],
          isPublic: true,
          may: { edit: false },
          backLink: path,
        }
      }),
  )

  app.get<{ Params: { slug: string; id: string; fileId: string } }>(
    '/p/:slug/learning/:id/files/:fileId',
    { config: { access: 'public' } },
    async (request, reply) => {
      const file = await learning.file(null, request.params.id, request.params.fileId, request.params.slug)
      return sendDownload(reply.header('cache-control', 'public, max-age=300'), file)
    },
  )
}
