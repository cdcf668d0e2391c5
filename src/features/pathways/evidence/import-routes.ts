import type { FastifyInstance } from 'fastify'
import { ValidationError } from '#platform/errors.ts'
import { errorFor, errorSummary } from '#platform/http/forms.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'

const leads = ['admin', 'agency-lead'] as const

/** An agency lead's import of their staff's learning evidence from a spreadsheet. */
export default async function evidenceImportRoutes(
  app: FastifyInstance,
  { services }: { services: Services },
) {
  const page = async (request: Parameters<typeof contextOf>[0], agencyId: string) => {
    const { staff } = await services.standing.staff(contextOf(request), agencyId, null)
    const agency = await services.directory.agency(contextOf(request), agencyId)
    return {
      title: 'Import learning evidence',
      agency,
      staff: staff.length,
      backLink: `/agencies/${agencyId}/pathways`,
    }
  }

  app.get<{ Params: { id: string }; Querystring: { imported?: string; already?: string } }>(
    '/agencies/:id/evidence/import',
    { config: { access: leads } },
    async (request, reply) => {
      const { imported, already } = request.query
      const done = /^\d{1,6}$/.test(imported ?? '')
        ? { imported: Number(imported), already: Number(already) || 0 }
        : null
      return reply.view('pathways/evidence/views/import.njk', {
        ...(await page(request, request.params.id)),
        done,
      })
    },
  )

  app.post<{ Params: { id: string } }>(
    '/agencies/:id/evidence/import',
    { config: { access: leads } },
    async (request, reply) => {
      const context = await page(request, request.params.id)
      const refuse = (errors: { field: string; text: string }[]) =>
        reply.status(400).view('pathways/evidence/views/import.njk', {
          ...context,
          errors: errorSummary(errors.slice(0, 1)),
          problems: errors,
          fieldErrors: errorFor(errors.slice(0, 1)),
        })
      const file = request.uploads?.file
      if (!file || (file.bytes.length === 0 && !file.filename))
        return refuse([{ field: 'file', text: 'Select a CSV file to import' }])
      if (file.tooLarge) return refuse([{ field: 'file', text: 'The file must be smaller than 25 MB' }])
      try {
        const { imported, alreadyRecorded } = await services.evidenceImport(
          contextOf(request),
          request.params.id,
          file.bytes,
        )
        return reply.redirect(
          `/agencies/${request.params.id}/evidence/import?imported=${imported}&already=${alreadyRecorded}`,
          303,
        )
      } catch (error) {
        if (error instanceof ValidationError) return refuse(error.errors)
        throw error
      }
    },
  )
}
