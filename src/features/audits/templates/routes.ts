import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { FieldError } from '#platform/errors.ts'
import { ConflictError, NotFoundError, ValidationError } from '#platform/errors.ts'
import type { SuccessBanner } from '#platform/http/done.ts'
import { doneOf } from '#platform/http/done.ts'
import { errorFor, errorSummary, formText } from '#platform/http/forms.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { scaleNames, scales, templateKindNames, templateKinds } from '../words.ts'
import type { Places } from './page-forms.ts'
import { formFieldOf, layoutOf, templateFromForm, valuesOf, withCounts } from './page-forms.ts'
import { templateReaders, templateWriters } from './service.ts'

type Body = Record<string, unknown>
type Params = { Params: { id: string } }

const words = { templateKindNames, templateKinds, scaleNames, scales }

const shown = (errors: FieldError[]) => ({
  errors: errorSummary(errors),
  fieldErrors: errorFor(errors),
})

/** Audit templates' pages: the list, a new template, one with its history, changing it, an old version. */
export default async function auditTemplateRoutes(
  app: FastifyInstance,
  { services }: { services: Services },
) {
  const { auditTemplates: templates } = services

  app.get('/audits/templates', { config: { access: templateReaders } }, async (request, reply) => {
    const ctx = contextOf(request)
    return reply.view('audits/templates/views/templates.njk', {
      ...words,
      title: 'Audit templates',
      templates: await templates.list(ctx),
      canChange: ctx.actor.roles.includes('admin'),
      backLink: '/audits',
    })
  })

  /** The one form for a new template and for a template's new version. */
  async function formPage(
    request: FastifyRequest,
    reply: FastifyReply,
    page: { templateId: string | null; values: Body; more?: boolean; errors?: FieldError[] },
  ) {
    const ctx = contextOf(request)
    const current = page.templateId ? (await templates.template(ctx, page.templateId)).current : null
    const layout = layoutOf(page.values, page.more)
    const errors = page.errors ?? []
    return reply.status(errors.length ? 400 : 200).view('audits/templates/views/form.njk', {
      ...words,
      title: current ? `Change ${current.title}` : 'New audit template',
      current,
      action: current ? `/audits/templates/${current.templateId}/change` : '/audits/templates/new',
      values: withCounts(page.values, layout),
      layout,
      backLink: current ? `/audits/templates/${current.templateId}` : '/audits/templates',
      ...shown(errors),
    })
  }

  /** Saves the form, or shows it again with more rows or with what is wrong. */
  async function submitted(request: FastifyRequest, reply: FastifyReply, templateId: string | null) {
    const body = (request.body as Body | undefined) ?? {}
    if (formText(body.more)) return formPage(request, reply, { templateId, values: body, more: true })
    const { input, places } = templateFromForm(body)
    const back = (errors: FieldError[], at: Places) =>
      formPage(request, reply, {
        templateId,
        values: body,
        errors: errors.map((e) => ({ ...e, field: formFieldOf(e.field, at) })),
      })
    try {
      const ctx = contextOf(request)
      const saved = templateId
        ? await templates.saveVersion(ctx, templateId, input)
        : await templates.create(ctx, input)
      return reply.redirect(`/audits/templates/${saved.templateId}?done=saved`, 303)
    } catch (error) {
      if (error instanceof ValidationError) return back(error.errors, places)
      if (error instanceof ConflictError) return back([{ field: 'title', text: error.message }], places)
      throw error
    }
  }

  app.get<{ Querystring: { start?: string } }>(
    '/audits/templates/new',
    { config: { access: templateWriters } },
    (request, reply) => {
      const suggested = templates.suggested(formText(request.query.start))
      const values: Body = suggested
        ? { ...valuesOf(suggested), note: 'Started from the suggested set' }
        : { sections: '1', 'section-1-count': '3' }
      return formPage(request, reply, { templateId: null, values })
    },
  )

  app.post('/audits/templates/new', { config: { access: templateWriters } }, (request, reply) =>
    submitted(request, reply, null),
  )

  app.get<Params>(
    '/audits/templates/:id',
    { config: { access: templateReaders } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const template = await templates.template(ctx, request.params.id)
      const banner: SuccessBanner | undefined = doneOf(request.query, ['saved'])
        ? {
            heading: `Version ${template.current.version} of ${template.title} is saved`,
            text: 'Cycles opened from now on use it; those already opened keep the version they were opened with.',
          }
        : undefined
      return reply.view('audits/templates/views/template.njk', {
        ...words,
        title: template.title,
        banner,
        template,
        version: template.current,
        canChange: ctx.actor.roles.includes('admin'),
        backLink: '/audits/templates',
      })
    },
  )

  app.get<Params>(
    '/audits/templates/:id/change',
    { config: { access: templateWriters } },
    async (request, reply) => {
      const template = await templates.template(contextOf(request), request.params.id)
      return formPage(request, reply, { templateId: template.id, values: valuesOf(template.current) })
    },
  )

  app.post<Params>(
    '/audits/templates/:id/change',
    { config: { access: templateWriters } },
    async (request, reply) => {
      // An unknown template is not found before its form is read.
      await templates.template(contextOf(request), request.params.id)
      return submitted(request, reply, request.params.id)
    },
  )

  app.get<{ Params: { id: string; versionId: string } }>(
    '/audits/templates/:id/versions/:versionId',
    { config: { access: templateReaders } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const version = await templates.version(ctx, request.params.versionId)
      if (version.templateId !== request.params.id) throw new NotFoundError('Version of the audit template')
      return reply.view('audits/templates/views/version.njk', {
        ...words,
        title: `${version.title}, version ${version.version}`,
        version,
        backLink: `/audits/templates/${version.templateId}`,
      })
    },
  )
}
