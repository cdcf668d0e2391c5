import { z } from 'zod'
import { calendarDate } from '#platform/http/forms.ts'
import { certificateRules, chargeBases, jurisdictions, noticeBases, policyRulesSchema } from './policy.ts'

const isoDate = calendarDate('Enter a real date, in the format YYYY-MM-DD')

/** A change to the policy through the API: any rules to change, and when the change takes effect. */
export const policyChangeSchema = z
  .object({
    jurisdiction: policyRulesSchema.shape.jurisdiction.optional(),
    shortlistingLeadWeeks: policyRulesSchema.shape.shortlistingLeadWeeks.optional(),
    cancellationNoticeDays: policyRulesSchema.shape.cancellationNoticeDays.optional(),
    cancellationNoticeBasis: policyRulesSchema.shape.cancellationNoticeBasis.optional(),
    substituteWaivesCharge: z.boolean().optional(),
    offerResponseHours: policyRulesSchema.shape.offerResponseHours.optional(),
    reminderDaysBefore: policyRulesSchema.shape.reminderDaysBefore.optional(),
    fees: policyRulesSchema.shape.fees.partial().strict().optional(),
    chargeBasis: policyRulesSchema.shape.chargeBasis.optional(),
    dayFeePence: policyRulesSchema.shape.dayFeePence.optional(),
    halfDayFeePence: policyRulesSchema.shape.halfDayFeePence.optional(),
    fixedFeePence: policyRulesSchema.shape.fixedFeePence.optional(),
    noShowsBeforeApproval: policyRulesSchema.shape.noShowsBeforeApproval.optional(),
    noShowWindowMonths: policyRulesSchema.shape.noShowWindowMonths.optional(),
    cancellationCharges: policyRulesSchema.shape.cancellationCharges.partial().strict().optional(),
    postalAddress: policyRulesSchema.shape.postalAddress.optional(),
    paymentDetails: policyRulesSchema.shape.paymentDetails.optional(),
    invoicePaymentTermsDays: policyRulesSchema.shape.invoicePaymentTermsDays.optional(),
    certificateRule: policyRulesSchema.shape.certificateRule.optional(),
    followUpDelayMonths: policyRulesSchema.shape.followUpDelayMonths.optional(),
    telephoneSampleSize: policyRulesSchema.shape.telephoneSampleSize.optional(),
    refresherIntervalYears: policyRulesSchema.shape.refresherIntervalYears.optional(),
    disseminationReminderDays: policyRulesSchema.shape.disseminationReminderDays.optional(),
    knowledgeAuditIntervalMonths: policyRulesSchema.shape.knowledgeAuditIntervalMonths.optional(),
    knowledgeAuditSampleSize: policyRulesSchema.shape.knowledgeAuditSampleSize.optional(),
    qaObservationPicks: policyRulesSchema.shape.qaObservationPicks.optional(),
    trainerObservationYears: policyRulesSchema.shape.trainerObservationYears.optional(),
    financialYearStartMonth: policyRulesSchema.shape.financialYearStartMonth.optional(),
    capacityDaysPerWeek: policyRulesSchema.shape.capacityDaysPerWeek.optional(),
    tiers: policyRulesSchema.shape.tiers.optional(),
    retention: policyRulesSchema.shape.retention.partial().strict().optional(),
    effectiveFrom: isoDate
      .optional()
      .describe('The date the change takes effect (Europe/London); today when left out'),
    reason: z
      .string()
      .trim()
      .max(2000, { message: 'The reason must be 2,000 characters or fewer' })
      .optional(),
  })
  .strict()

export type PolicyChange = z.infer<typeof policyChangeSchema>

const wholeNumber = (message: string) =>
  z
    .string()
    .trim()
    .regex(/^\d{1,4}$/, { message })
    .transform(Number)

/** Pounds typed on the page ("40", "40.5", "£40.00") as integer pence, never through a float. */
const pounds = (message: string) =>
  z
    .string()
    .trim()
    .transform((value) => value.replace(/^£/, '').replaceAll(',', ''))
    .pipe(z.string().regex(/^\d{1,5}(\.\d{1,2})?$/, { message }))
    .transform((value) => {
      const [whole = '0', fraction = ''] = value.split('.')
      return Number(whole) * 100 + Number(fraction.padEnd(2, '0'))
    })

const yesNo = z.enum(['yes', 'no'], { message: 'Select yes or no' }).transform((v) => v === 'yes')

/** The policy page's form: text as typed, turned into a policy change. */
export const policyForm = z
  .object({
    jurisdiction: z.enum(jurisdictions, { message: 'Select the jurisdiction whose bank holidays apply' }),
    shortlistingLeadWeeks: wholeNumber('Enter the lead time as a whole number of weeks, like 6'),
    cancellationNoticeDays: wholeNumber('Enter the notice as a whole number of days, like 7'),
    cancellationNoticeBasis: z.enum(noticeBases, { message: 'Select working days or calendar days' }),
    substituteWaivesCharge: yesNo,
    offerResponseHours: wholeNumber(
      'Enter the time to accept an offered place as a whole number of hours, like 48',
    ),
    reminderDaysBefore: wholeNumber('Enter the reminder as a whole number of days, like 3'),
    'fees.fundingPartnerPence': pounds('Enter the fee for funding partners in pounds, like 0 or 40.00'),
    'fees.statutoryPence': pounds('Enter the fee for statutory agencies in pounds, like 0 or 40.00'),
    'fees.privatePence': pounds('Enter the fee for private agencies in pounds, like 100.00'),
    'fees.voluntarySaferProgrammePence': pounds(
      'Enter the fee for Safer Programme members in pounds, like 40.00',
    ),
    'fees.voluntaryPence': pounds('Enter the fee for other voluntary agencies in pounds, like 50.00'),
    chargeBasis: z.enum(chargeBases, { message: 'Select how a place is charged' }),
    dayFeePence: pounds('Enter the fee for a day in pounds, like 75.00'),
    halfDayFeePence: pounds('Enter the fee for a half day in pounds, like 50.00'),
    fixedFeePence: pounds('Enter the fixed fee in pounds, like 40.00'),
    noShowsBeforeApproval: wholeNumber(
      'Enter how many no-shows lead to approval as a whole number, like 2, or 0',
    ),
    noShowWindowMonths: wholeNumber('Enter the months as a whole number, like 12'),
    'cancellationCharges.fundingPartnerPence': pounds(
      'Enter the cancellation charge for funding partners in pounds, like 0 or 50.00',
    ),
    'cancellationCharges.statutoryPence': pounds(
      'Enter the cancellation charge for statutory agencies in pounds, like 0 or 50.00',
    ),
    'cancellationCharges.privatePence': pounds(
      'Enter the cancellation charge for private agencies in pounds, like 50.00',
    ),
    'cancellationCharges.voluntarySaferProgrammePence': pounds(
      'Enter the cancellation charge for Safer Programme members in pounds, like 40.00',
    ),
    'cancellationCharges.voluntaryPence': pounds(
      'Enter the cancellation charge for other voluntary agencies in pounds, like 50.00',
    ),
    postalAddress: z
      .string()
      .trim()
      .max(500, { message: 'The postal address must be 500 characters or fewer' }),
    paymentDetails: z
      .string()
      .trim()
      .max(1000, { message: 'The payment details must be 1,000 characters or fewer' }),
    invoicePaymentTermsDays: wholeNumber('Enter the days allowed to pay as a whole number, like 30'),
    certificateRule: z.enum(certificateRules, { message: 'Select when a certificate is issued' }),
    followUpDelayMonths: wholeNumber('Enter the follow-up delay as a whole number of months, like 3'),
    telephoneSampleSize: wholeNumber('Enter the sample size as a whole number, like 10'),
    refresherIntervalYears: wholeNumber('Enter the refresher interval as a whole number of years, like 3'),
    disseminationReminderDays: wholeNumber('Enter the days before a reminder as a whole number, like 21'),
    knowledgeAuditIntervalMonths: wholeNumber(
      'Enter the months between knowledge audits as a whole number, like 6',
    ),
    knowledgeAuditSampleSize: wholeNumber(
      'Enter the knowledge audit sample as a whole number of people, like 50',
    ),
    qaObservationPicks: wholeNumber('Enter the courses drawn for observation as a whole number, like 3'),
    trainerObservationYears: wholeNumber('Enter the years between observations as a whole number, like 2'),
    financialYearStartMonth: wholeNumber('Select the month the financial year starts'),
    capacityDaysPerWeek: z
      .string()
      .trim()
      .regex(/^\d{1}(\.[05])?$/, { message: 'Enter capacity in days a week, like 2 or 2.5' })
      .transform(Number),
    'retention.leaversYears': wholeNumber(
      'Enter the years to keep people who left as a whole number, like 6',
    ),
    'retention.applicationsYears': wholeNumber(
      'Enter the years to keep applications and registers as a whole number, like 6',
    ),
    'retention.surveyAnswersYears': wholeNumber(
      'Enter the years to keep anonymous survey answers as a whole number, like 3',
    ),
    'retention.auditTrailYears': wholeNumber(
      'Enter the years to keep the audit trail as a whole number, like 7',
    ),
    tiers: z
      .string()
      .max(5000, { message: 'Tiers must be 5,000 characters or fewer' })
      .transform((text) =>
        text
          .split(/\r?\n/)
          .map((line) => line.trim())
          .filter(Boolean),
      ),
    effectiveFrom: isoDate,
    reason: z
      .string()
      .trim()
      .min(1, { message: 'Enter why the policy is changing' })
      .max(2000, { message: 'The reason must be 2,000 characters or fewer' }),
  })
  .transform(
    (form): PolicyChange => ({
      jurisdiction: form.jurisdiction,
      shortlistingLeadWeeks: form.shortlistingLeadWeeks,
      cancellationNoticeDays: form.cancellationNoticeDays,
      cancellationNoticeBasis: form.cancellationNoticeBasis,
      substituteWaivesCharge: form.substituteWaivesCharge,
      offerResponseHours: form.offerResponseHours,
      reminderDaysBefore: form.reminderDaysBefore,
      fees: {
        fundingPartnerPence: form['fees.fundingPartnerPence'],
        statutoryPence: form['fees.statutoryPence'],
        privatePence: form['fees.privatePence'],
        voluntarySaferProgrammePence: form['fees.voluntarySaferProgrammePence'],
        voluntaryPence: form['fees.voluntaryPence'],
      },
      chargeBasis: form.chargeBasis,
      dayFeePence: form.dayFeePence,
      halfDayFeePence: form.halfDayFeePence,
      fixedFeePence: form.fixedFeePence,
      noShowsBeforeApproval: form.noShowsBeforeApproval,
      noShowWindowMonths: form.noShowWindowMonths,
      cancellationCharges: {
        fundingPartnerPence: form['cancellationCharges.fundingPartnerPence'],
        statutoryPence: form['cancellationCharges.statutoryPence'],
        privatePence: form['cancellationCharges.privatePence'],
        voluntarySaferProgrammePence: form['cancellationCharges.voluntarySaferProgrammePence'],
        voluntaryPence: form['cancellationCharges.voluntaryPence'],
      },
      postalAddress: form.postalAddress,
      paymentDetails: form.paymentDetails,
      invoicePaymentTermsDays: form.invoicePaymentTermsDays,
      certificateRule: form.certificateRule,
      followUpDelayMonths: form.followUpDelayMonths,
      telephoneSampleSize: form.telephoneSampleSize,
      refresherIntervalYears: form.refresherIntervalYears,
      disseminationReminderDays: form.disseminationReminderDays,
      knowledgeAuditIntervalMonths: form.knowledgeAuditIntervalMonths,
      knowledgeAuditSampleSize: form.knowledgeAuditSampleSize,
      qaObservationPicks: form.qaObservationPicks,
      trainerObservationYears: form.trainerObservationYears,
      financialYearStartMonth: form.financialYearStartMonth,
      capacityDaysPerWeek: form.capacityDaysPerWeek,
      retention: {
        leaversYears: form['retention.leaversYears'],
        applicationsYears: form['retention.applicationsYears'],
        surveyAnswersYears: form['retention.surveyAnswersYears'],
        auditTrailYears: form['retention.auditTrailYears'],
      },
      tiers: form.tiers,
      effectiveFrom: form.effectiveFrom,
      reason: form.reason,
    }),
  )

/** Policy field names as the page's field ids, so an error links to its field. */
export function pageField(apiField: string): string {
  return apiField.replaceAll('.', '-')
}
