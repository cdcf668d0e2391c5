import type { FastifyInstance } from 'fastify'
import { londonDateText } from '#platform/clock.ts'
import type { FieldError } from '#platform/errors.ts'
import { ValidationError } from '#platform/errors.ts'
import {
  dateBoxes,
  dateFromInput,
  errorFor,
  errorSummary,
  onDateBoxes,
  parseForm,
} from '#platform/http/forms.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { statementForm } from './forms.ts'
import type { Statement } from './queries.ts'
import { dataRegulatorFor, enforcementFor } from './rules.ts'

const dateFields = ['preparedOn', 'reviewedOn']

/** A calendar date as people read it, like 24 November 2026. */
function dateText(date: string | null): string | null {
  return date ? londonDateText(new Date(`${date}T12:00:00Z`)) : null
}

function formValues(s: Statement): Record<string, string> {
  return {
    controllerName: s.controllerName,
    controllerAddress: s.controllerAddress,
    dpoName: s.dpoName,
    dpoContact: s.dpoContact,
    purposes: s.purposes,
    lawfulBasis: s.lawfulBasis,
    complianceStatus: s.complianceStatus ?? '',
    knownIssues: s.knownIssues,
    reportContact: s.reportContact,
    ...dateBoxes('preparedOn', s.preparedOn),
    ...dateBoxes('reviewedOn', s.reviewedOn),
  }
}

function stringValues(body: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, typeof v === 'string' ? v : '']))
}

/**
 * The privacy notice and accessibility statement: the admin's page of details, and the two
 * public pages made from them, which need no sign-in.
 */
export default async function statementRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const { privacyStatements } = services
  const title = 'Privacy notice and accessibility statement'

  app.get<{ Querystring: { saved?: string } }>(
    '/privacy/statement',
    { config: { access: ['admin'] } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const details = await privacyStatements.details(ctx)
      return reply.view('privacy/statements/views/edit.njk', {
        title,
        backLink: '/menu',
        ...details,
        slug: ctx.partnership.slug,
        values: formValues(details.statement),
        saved: request.query.saved === '1',
      })
    },
  )

  app.post<{ Body: Record<string, unknown> }>(
    '/privacy/statement',
    { config: { access: ['admin'] } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const body = request.body ?? {}
      const rerender = async (errors: FieldError[]) => {
        const details = await privacyStatements.details(ctx)
        const onBoxes = onDateBoxes(errors, dateFields)
        return reply.status(400).view('privacy/statements/views/edit.njk', {
          title,
          backLink: '/menu',
          ...details,
          slug: ctx.partnership.slug,
          values: stringValues(body),
          errors: errorSummary(onBoxes),
          fieldErrors: errorFor(errors),
        })
      }
      const form = parseForm(statementForm, {
        ...body,
        preparedOn: dateFromInput(body, 'preparedOn'),
        reviewedOn: dateFromInput(body, 'reviewedOn'),
      })
      if (!form.ok) return rerender(form.errors)
      try {
        await privacyStatements.save(ctx, form.data)
      } catch (error) {
        if (error instanceof ValidationError) return rerender(error.errors)
        throw error
      }
      return reply.redirect('/privacy/statement?saved=1', 303)
    },
  )

  app.get<{ Params: { slug: string } }>(
    '/p/:slug/privacy',
    { config: { access: 'public' } },
    async (request, reply) => {
      const published = await privacyStatements.published(request.params.slug)
      return reply.view('privacy/statements/views/privacy.njk', {
        title: `Privacy notice: ${published.partnership.name}`,
        ...published,
        regulator: dataRegulatorFor(published.jurisdiction),
      })
    },
  )

  app.get<{ Params: { slug: string } }>(
    '/p/:slug/accessibility',
    { config: { access: 'public' } },
    async (request, reply) => {
      const published = await privacyStatements.published(request.params.slug)
      return reply.view('privacy/statements/views/accessibility.njk', {
        title: `Accessibility statement: ${published.partnership.name}`,
        ...published,
        enforcement: enforcementFor(published.jurisdiction),
        preparedOnText: dateText(published.statement.preparedOn),
        reviewedOnText: dateText(published.statement.reviewedOn),
      })
    },
  )
}
