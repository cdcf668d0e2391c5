import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { londonDateOf } from '#platform/clock.ts'
import type { FieldError } from '#platform/errors.ts'
import { ConflictError, ValidationError } from '#platform/errors.ts'
import { errorFor, errorSummary } from '#platform/http/forms.ts'
import { contextOf } from '#platform/http/request-context.ts'
import { renderMarkdown } from '#platform/views/markdown.ts'
import type { Services } from '#src/services.ts'
import { productChangeFromForm, productFromForm, productValuesOf, sentValuesOf } from './page-forms.ts'
import { sizeText, words } from './page-words.ts'
import { productEditors } from './rules.ts'

const shown = (errors: readonly FieldError[]) => ({
  errors: errors.map((e) =>
    e.field === 'form' ? { text: e.text } : { text: e.text, href: errorSummary([e])[0]?.href },
  ),
  fieldErrors: errorFor(errors),
})

/** Writing, changing, publishing and withdrawing products, and their files: the admins' and sub-group's pages. */
export default async function learningEditorRoutes(
  app: FastifyInstance,
  { services }: { services: Services },
) {
  const { learning } = services

  async function formPage(
    request: FastifyRequest,
    reply: FastifyReply,
    options: { id?: string; values?: Record<string, unknown>; errors?: FieldError[]; status?: number },
  ) {
    const ctx = contextOf(request)
    const [choices, rules] = [
      await learning.formChoices(ctx),
      await services.policy.rulesOn(ctx, londonDateOf(services.clock.now())),
    ]
    const product = options.id ? (await learning.product(ctx, options.id)).product : null
    return reply.status(options.status ?? 200).view('learning/views/product-form.njk', {
      ...words,
      ...choices,
      tiers: rules.tiers,
      product,
      title: product ? `Change ${product.title}` : 'Write a product',
      action: product ? `/learning/${product.id}/edit` : '/learning/products/new',
      values:
        options.values ?? (product ? productValuesOf(product) : { visibility: 'workforce', status: 'draft' }),
      ...shown(options.errors ?? []),
      backLink: product ? `/learning/${product.id}` : '/learning/products',
    })
  }

  /** The product page again with an error, as after a refused file. */
  async function productPage(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    errors: FieldError[],
    status: number,
  ) {
    const ctx = contextOf(request)
    const page = await learning.product(ctx, id)
    return reply.status(status).view('learning/views/product.njk', {
      ...words,
      ...page,
      frame: 'layout.njk',
      title: page.product.title,
      bodyHtml: renderMarkdown(page.product.body),
      files: page.files.map((f) => ({ ...f, size: sizeText(f.sizeBytes) })),
      filePath: `/learning/${page.product.id}/files`,
      coursePath: `/p/${ctx.partnership.slug}/courses`,
      dissemination: await services.dissemination.panel(ctx, page.product.id),
      ...shown(errors),
      backLink: '/learning',
    })
  }

  const refused = (error: unknown): { errors: FieldError[]; status: number } | null => {
    if (error instanceof ValidationError) return { errors: [...error.errors], status: 400 }
    if (error instanceof ConflictError)
      return { errors: [{ field: 'form', text: error.message }], status: 409 }
    return null
  }

  // From a review's page: the new product starts citing that review and its themes.
  app.get<{ Querystring: { review?: string } }>(
    '/learning/products/new',
    { config: { access: productEditors } },
    async (request, reply) => {
      const reviewId = request.query.review
      if (!reviewId) return formPage(request, reply, {})
      const choices = await learning.formChoices(contextOf(request))
      if (!choices.reviews.some((r) => r.id === reviewId)) return formPage(request, reply, {})
      const themes = await learning.reviewThemes(contextOf(request), reviewId)
      return formPage(request, reply, {
        values: {
          visibility: 'workforce',
          status: 'draft',
          type: 'seven_minute_briefing',
          reviewIds: [reviewId],
          themes,
        },
      })
    },
  )

  app.post<{ Body: Record<string, unknown> }>(
    '/learning/products/new',
    { config: { access: productEditors } },
    async (request, reply) => {
      const body = request.body ?? {}
      const form = productFromForm(body)
      if (!form.ok)
        return formPage(request, reply, { values: sentValuesOf(body), errors: form.errors, status: 400 })
      try {
        const product = await learning.create(contextOf(request), form.data, {
          toSubscribers: body.toSubscribers === 'yes',
        })
        return reply.redirect(
          `/learning/${product.id}?done=${product.status === 'published' ? 'published' : 'created'}`,
          303,
        )
      } catch (error) {
        const refusal = refused(error)
        if (!refusal) throw error
        return formPage(request, reply, { values: sentValuesOf(body), ...refusal })
      }
    },
  )

  app.get<{ Params: { id: string } }>(
    '/learning/:id/edit',
    { config: { access: productEditors } },
    (request, reply) => formPage(request, reply, { id: request.params.id }),
  )

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/learning/:id/edit',
    { config: { access: productEditors } },
    async (request, reply) => {
      const ctx = contextOf(request)
      // The product first: one the user cannot see is not found, whatever was sent.
      const { product } = await learning.product(ctx, request.params.id)
      const body = request.body ?? {}
      const form = productChangeFromForm(body)
      if (!form.ok)
        return formPage(request, reply, {
          id: product.id,
          values: sentValuesOf(body),
          errors: form.errors,
          status: 400,
        })
      try {
        const { newVersion } = await learning.update(ctx, product.id, form.data)
        return reply.redirect(`/learning/${product.id}?done=${newVersion ? 'versioned' : 'changed'}`, 303)
      } catch (error) {
        const refusal = refused(error)
        if (!refusal) throw error
        return formPage(request, reply, { id: product.id, values: sentValuesOf(body), ...refusal })
      }
    },
  )

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/learning/:id/status',
    { config: { access: productEditors } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const { product } = await learning.product(ctx, request.params.id)
      const status = request.body?.status
      if (status !== 'published' && status !== 'withdrawn')
        return productPage(
          request,
          reply,
          product.id,
          [{ field: 'form', text: 'Choose to publish or withdraw the product' }],
          400,
        )
      try {
        await learning.update(
          ctx,
          product.id,
          { status },
          { toSubscribers: request.body?.toSubscribers === 'yes' },
        )
        return reply.redirect(`/learning/${product.id}?done=${status}`, 303)
      } catch (error) {
        const refusal = refused(error)
        if (!refusal) throw error
        return productPage(request, reply, product.id, refusal.errors, refusal.status)
      }
    },
  )

  app.post<{ Params: { id: string } }>(
    '/learning/:id/files',
    { config: { access: productEditors } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const { product } = await learning.product(ctx, request.params.id)
      const upload = request.uploads?.file
      if (!upload || (!upload.filename && upload.bytes.length === 0))
        return productPage(request, reply, product.id, [{ field: 'file', text: 'Select a file to add' }], 400)
      try {
        await learning.addFile(ctx, product.id, upload)
        return reply.redirect(`/learning/${product.id}?done=file-added`, 303)
      } catch (error) {
        const refusal = refused(error)
        if (!refusal) throw error
        return productPage(request, reply, product.id, refusal.errors, refusal.status)
      }
    },
  )

  app.post<{ Params: { id: string; fileId: string } }>(
    '/learning/:id/files/:fileId/remove',
    { config: { access: productEditors } },
    async (request, reply) => {
      await learning.removeFile(contextOf(request), request.params.id, request.params.fileId)
      return reply.redirect(`/learning/${request.params.id}?done=file-removed`, 303)
    },
  )
}
