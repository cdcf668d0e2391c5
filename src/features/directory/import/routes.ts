import { stringify } from 'csv-stringify/sync'
import type { FastifyInstance } from 'fastify'
import { ValidationError } from '#platform/errors.ts'
import { errorFor, errorSummary } from '#platform/http/forms.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { neutraliseFormula } from '../rules.ts'
import { importFieldNames, importFields, type Mapping, requiredFields } from './rows.ts'

// A preview lists this many problems on the page; the rest are in the problems download.
const PROBLEMS_SHOWN = 500

const who = ['admin', 'agency-lead'] as const

/**
 * The staff import journey on screen: upload a CSV file, say which column holds what, see
 * every row's problems, then commit. Each step is its own page, so it works without
 * JavaScript and can be left and come back to.
 */
export default async function importRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const { imports } = services

  const uploadPage = { title: 'Import staff from a file', backLink: '/people' }

  app.get('/people/import', { config: { access: who } }, (_request, reply) =>
    reply.view('directory/import/views/upload.njk', uploadPage),
  )

  app.post('/people/import', { config: { access: who } }, async (request, reply) => {
    const file = request.uploads?.file
    const refuse = (text: string) => {
      const errors = [{ field: 'file', text }]
      return reply.status(400).view('directory/import/views/upload.njk', {
        ...uploadPage,
        errors: errorSummary(errors),
        fieldErrors: errorFor(errors),
      })
    }
    if (!file || (file.bytes.length === 0 && !file.filename)) return refuse('Select a CSV file to import')
    if (file.tooLarge) return refuse('The file must be smaller than 25 MB')
    try {
      const id = await imports.upload(contextOf(request), file.filename, file.bytes)
      return reply.redirect(`/people/import/${id}/columns`, 303)
    } catch (error) {
      if (error instanceof ValidationError) return refuse(error.errors[0]?.text ?? 'The file cannot be read')
      throw error
    }
  })

  async function columnsPage(request: Parameters<typeof contextOf>[0], id: string, chosen?: Mapping) {
    const { upload, headers, mapping, sample } = await imports.columns(contextOf(request), id)
    const current = chosen ?? mapping
    return {
      title: 'Which column holds what',
      backLink: '/people/import',
      upload,
      fields: importFields.map((field) => ({
        field,
        name: importFieldNames[field],
        required: requiredFields.includes(field),
        items: [
          { value: '', text: 'Not in this file' },
          ...headers.map((heading, index) => ({
            value: String(index),
            text: heading || `Column ${index + 1}`,
            selected: current[field] === index,
          })),
        ],
      })),
      headers,
      sample,
    }
  }

  app.get<{ Params: { id: string } }>(
    '/people/import/:id/columns',
    { config: { access: who } },
    async (request, reply) =>
      reply.view('directory/import/views/columns.njk', await columnsPage(request, request.params.id)),
  )

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/people/import/:id/columns',
    { config: { access: who } },
    async (request, reply) => {
      const body = request.body ?? {}
      const mapping: Mapping = {}
      for (const field of importFields) {
        const value = body[field]
        if (typeof value === 'string' && /^\d{1,4}$/.test(value)) mapping[field] = Number(value)
      }
      try {
        await imports.setColumns(contextOf(request), request.params.id, mapping)
        return reply.redirect(`/people/import/${request.params.id}/preview`, 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return reply.status(400).view('directory/import/views/columns.njk', {
          ...(await columnsPage(request, request.params.id, mapping)),
          errors: errorSummary(error.errors),
          fieldErrors: errorFor(error.errors),
        })
      }
    },
  )

  app.get<{ Params: { id: string } }>(
    '/people/import/:id/preview',
    { config: { access: who } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const id = request.params.id
      if (await imports.outcome(ctx, id)) return reply.redirect(`/people/import/${id}`, 303)
      const { upload, preview } = await imports.preview(ctx, id)
      const leftOut = new Set(preview.problems.filter((p) => p.blocking).map((p) => p.row)).size
      return reply.view('directory/import/views/preview.njk', {
        title: 'Check the import',
        backLink: `/people/import/${id}/columns`,
        upload,
        preview,
        leftOut,
        problems: preview.problems.slice(0, PROBLEMS_SHOWN),
        moreProblems: Math.max(0, preview.problems.length - PROBLEMS_SHOWN),
      })
    },
  )

  app.get<{ Params: { id: string } }>(
    '/people/import/:id/problems.csv',
    { config: { access: who } },
    async (request, reply) => {
      const { preview } = await imports.preview(contextOf(request), request.params.id)
      const rows = [
        ['Row', 'Problem', 'Left out of the import'],
        ...preview.problems.map((p) => [String(p.row), p.text, p.blocking ? 'Yes' : 'No']),
      ]
      return reply
        .header('content-disposition', 'attachment; filename="import-problems.csv"')
        .type('text/csv; charset=utf-8')
        .send(
          `\uFEFF${stringify(
            rows.map((row) => row.map(neutraliseFormula)),
            { record_delimiter: 'windows' },
          )}`,
        )
    },
  )

  app.post<{ Params: { id: string } }>(
    '/people/import/:id/preview',
    { config: { access: who } },
    async (request, reply) => {
      await imports.commitUpload(contextOf(request), request.params.id)
      return reply.redirect(`/people/import/${request.params.id}`, 303)
    },
  )

  app.get<{ Params: { id: string } }>(
    '/people/import/:id',
    { config: { access: who } },
    async (request, reply) => {
      const id = request.params.id
      const outcome = await imports.outcome(contextOf(request), id)
      if (!outcome) return reply.redirect(`/people/import/${id}/preview`, 303)
      return reply.view('directory/import/views/done.njk', { title: 'Staff imported', outcome })
    },
  )
}
