import type { FastifyInstance } from 'fastify'
import type { FieldError } from '#platform/errors.ts'
import { ValidationError } from '#platform/errors.ts'
import { dateFromInput, errorFor, errorSummary, parseForm } from '#platform/http/forms.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { policyForm } from './forms.ts'
import type { PolicyRules } from './policy.ts'
import { certificateRules, jurisdictionNames, jurisdictions } from './policy.ts'

const months = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
]

function poundsText(pence: number): string {
  return (pence / 100).toFixed(2)
}

/** The form's values as typed, from the rules in force. */
function formValues(rules: PolicyRules, effectiveFrom: string): Record<string, string> {
  const [year = '', month = '', day = ''] = effectiveFrom.split('-')
  return {
    jurisdiction: rules.jurisdiction,
    shortlistingLeadWeeks: String(rules.shortlistingLeadWeeks),
    cancellationNoticeDays: String(rules.cancellationNoticeDays),
    cancellationNoticeBasis: rules.cancellationNoticeBasis,
    substituteWaivesCharge: rules.substituteWaivesCharge ? 'yes' : 'no',
    offerResponseHours: String(rules.offerResponseHours),
    reminderDaysBefore: String(rules.reminderDaysBefore),
    'fees.fundingPartnerPence': poundsText(rules.fees.fundingPartnerPence),
    'fees.statutoryPence': poundsText(rules.fees.statutoryPence),
    'fees.privatePence': poundsText(rules.fees.privatePence),
    'fees.voluntarySaferProgrammePence': poundsText(rules.fees.voluntarySaferProgrammePence),
    'fees.voluntaryPence': poundsText(rules.fees.voluntaryPence),
    chargeBasis: rules.chargeBasis,
    dayFeePence: poundsText(rules.dayFeePence),
    halfDayFeePence: poundsText(rules.halfDayFeePence),
    fixedFeePence: poundsText(rules.fixedFeePence),
    noShowsBeforeApproval: String(rules.noShowsBeforeApproval),
    noShowWindowMonths: String(rules.noShowWindowMonths),
    'cancellationCharges.fundingPartnerPence': poundsText(rules.cancellationCharges.fundingPartnerPence),
    'cancellationCharges.statutoryPence': poundsText(rules.cancellationCharges.statutoryPence),
    'cancellationCharges.privatePence': poundsText(rules.cancellationCharges.privatePence),
    'cancellationCharges.voluntarySaferProgrammePence': poundsText(
      rules.cancellationCharges.voluntarySaferProgrammePence,
    ),
    'cancellationCharges.voluntaryPence': poundsText(rules.cancellationCharges.voluntaryPence),
    postalAddress: rules.postalAddress,
    paymentDetails: rules.paymentDetails,
    invoicePaymentTermsDays: String(rules.invoicePaymentTermsDays),
    certificateRule: rules.certificateRule,
    followUpDelayMonths: String(rules.followUpDelayMonths),
    telephoneSampleSize: String(rules.telephoneSampleSize),
    refresherIntervalYears: String(rules.refresherIntervalYears),
    disseminationReminderDays: String(rules.disseminationReminderDays),
    knowledgeAuditIntervalMonths: String(rules.knowledgeAuditIntervalMonths),
    knowledgeAuditSampleSize: String(rules.knowledgeAuditSampleSize),
    qaObservationPicks: String(rules.qaObservationPicks),
    trainerObservationYears: String(rules.trainerObservationYears),
    financialYearStartMonth: String(rules.financialYearStartMonth),
    capacityDaysPerWeek: String(rules.capacityDaysPerWeek),
    'retention.leaversYears': String(rules.retention.leaversYears),
    'retention.applicationsYears': String(rules.retention.applicationsYears),
    'retention.surveyAnswersYears': String(rules.retention.surveyAnswersYears),
    'retention.auditTrailYears': String(rules.retention.auditTrailYears),
    tiers: rules.tiers.join('\n'),
    'effectiveFrom-day': String(Number(day)),
    'effectiveFrom-month': String(Number(month)),
    'effectiveFrom-year': year,
    reason: '',
  }
}

function stringValues(body: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, typeof v === 'string' ? v : '']))
}

/** The policy pages: what the rules are, when they changed, and (for admins) changing them. */
export default async function policyRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const view = { jurisdictions, jurisdictionNames, certificateRules, months }

  app.get<{ Querystring: { changed?: string } }>(
    '/policy',
    { config: { access: ['admin', 'subgroup', 'executive'] } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const overview = await services.policy.overview(ctx)
      return reply.view('policy/views/show.njk', {
        ...view,
        title: 'Policy',
        columns: 'full',
        overview,
        rules: overview.inForce.rules,
        canChange: ctx.actor.roles.includes('admin'),
        changed: request.query.changed === '1',
        confirmed: request.query.changed === 'confirmed',
      })
    },
  )

  app.post('/policy/confirm-examples', { config: { access: ['admin'] } }, async (request, reply) => {
    await services.policy.confirmExamples(contextOf(request))
    return reply.redirect('/policy?changed=confirmed', 303)
  })

  app.get('/policy/change', { config: { access: ['admin'] } }, async (request, reply) => {
    const ctx = contextOf(request)
    const overview = await services.policy.overview(ctx)
    return reply.view('policy/views/change.njk', {
      ...view,
      title: 'Change the policy',
      backLink: '/policy',
      values: formValues(overview.inForce.rules, overview.today),
    })
  })

  app.post<{ Body: Record<string, unknown> }>(
    '/policy/change',
    { config: { access: ['admin'] } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const body = request.body ?? {}
      const values = stringValues(body)
      const rerender = (errors: FieldError[]) =>
        reply.status(400).view('policy/views/change.njk', {
          ...view,
          title: 'Change the policy',
          backLink: '/policy',
          values,
          errors: errorSummary(
            errors.map((e) => (e.field === 'effectiveFrom' ? { ...e, field: 'effectiveFrom-day' } : e)),
          ),
          fieldErrors: errorFor(errors),
        })
      const form = parseForm(policyForm, { ...body, effectiveFrom: dateFromInput(body, 'effectiveFrom') })
      if (!form.ok) return rerender(form.errors)
      try {
        await services.policy.change(ctx, form.data)
      } catch (error) {
        if (error instanceof ValidationError) return rerender(error.errors)
        throw error
      }
      return reply.redirect('/policy?changed=1', 303)
    },
  )
}
