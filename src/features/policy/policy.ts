import { z } from 'zod'

export const jurisdictions = [
  'england-and-wales',
  'scotland',
  'northern-ireland',
  'jersey',
  'guernsey',
  'isle-of-man',
] as const
export type Jurisdiction = (typeof jurisdictions)[number]

export const jurisdictionNames: Record<Jurisdiction, string> = {
  'england-and-wales': 'England and Wales',
  scotland: 'Scotland',
  'northern-ireland': 'Northern Ireland',
  jersey: 'Jersey',
  guernsey: 'Guernsey',
  'isle-of-man': 'Isle of Man',
}

export const certificateRules = ['attendance_and_evaluation', 'attendance_only'] as const
export const noticeBases = ['working', 'calendar'] as const
export const chargeBases = ['per_place', 'per_day', 'fixed'] as const

const pence = z
  .number({ message: 'Enter an amount in pence, like 4000 for £40' })
  .int({ message: 'Enter a whole number of pence' })
  .min(0, { message: 'A fee cannot be negative' })
  .max(1_000_000, { message: 'A fee must be £10,000 or less' })

/** An amount for each category of agency, in pence. */
const categoryAmounts = z.object({
  fundingPartnerPence: pence,
  statutoryPence: pence,
  privatePence: pence,
  voluntarySaferProgrammePence: pence,
  voluntaryPence: pence,
})

const text = (max: number, label: string) =>
  z
    .string()
    .trim()
    .max(max, { message: `${label} must be ${max.toLocaleString('en-GB')} characters or fewer` })

const retentionYears = (what: string) =>
  z
    .number({ message: `Enter how many years to keep ${what}` })
    .int({ message: `Enter a whole number of years to keep ${what}` })
    .min(1, { message: `Keep ${what} for at least 1 year` })
    .max(100, { message: `Keep ${what} for 100 years or fewer` })

/**
 * A partnership's rules, as data. Every later feature reads its rules from here and nowhere
 * else, so two partnerships can run the same service under different policies. Defaults
 * let older versions parse when a rule is added.
 */
export const policyRulesSchema = z.object({
  jurisdiction: z.enum(jurisdictions, { message: 'Select the jurisdiction whose bank holidays apply' }),
  // Norfolk 12c: places are allocated six weeks before the course, for a multi-agency mix.
  shortlistingLeadWeeks: z
    .number({ message: 'Enter the lead time in weeks' })
    .int({ message: 'Enter a whole number of weeks' })
    .min(0, { message: 'The lead time cannot be negative' })
    .max(26, { message: 'The lead time must be 26 weeks or fewer' }),
  // Norfolk 12d: cancellation less than seven working days before is charged.
  cancellationNoticeDays: z
    .number({ message: 'Enter the notice in days' })
    .int({ message: 'Enter a whole number of days' })
    .min(0, { message: 'The notice cannot be negative' })
    .max(90, { message: 'The notice must be 90 days or fewer' }),
  cancellationNoticeBasis: z.enum(noticeBases, { message: 'Select working days or calendar days' }),
  substituteWaivesCharge: z.boolean(),
  // A place freed from the waiting list must be accepted within this time, else it passes on.
  offerResponseHours: z
    .number({ message: 'Enter the time to accept an offered place in hours' })
    .int({ message: 'Enter a whole number of hours' })
    .min(1, { message: 'Allow at least 1 hour to accept an offered place' })
    .max(336, { message: 'The time to accept an offered place must be 336 hours (2 weeks) or fewer' }),
  reminderDaysBefore: z
    .number({ message: 'Enter how many days before the course to send a reminder' })
    .int({ message: 'Enter a whole number of days' })
    .min(0, { message: 'The reminder cannot be sent after the course starts' })
    .max(30, { message: 'The reminder must be sent 30 days or fewer before the course' }),
  fees: categoryAmounts,
  // What a place costs an agency whose category is charged: its category's fee per place; a
  // fee per day and half day of the course (North Somerset: £75 and £50); or a fixed sum.
  chargeBasis: z.enum(chargeBases, { message: 'Select how a place is charged' }),
  dayFeePence: pence,
  halfDayFeePence: pence,
  fixedFeePence: pence,
  // Repeated no-shows (for example two in twelve months) mean later applications wait for the
  // agency lead's approval; 0 turns this off.
  noShowsBeforeApproval: z
    .number({ message: 'Enter how many no-shows lead to approval' })
    .int({ message: 'Enter a whole number' })
    .min(0, { message: 'The number cannot be negative' })
    .max(20, { message: 'Enter 20 or fewer' }),
  noShowWindowMonths: z
    .number({ message: 'Enter the months no-shows are counted over' })
    .int({ message: 'Enter a whole number of months' })
    .min(1, { message: 'Count no-shows over at least 1 month' })
    .max(60, { message: 'Count no-shows over 60 months or fewer' }),
  // Norfolk 12d: a cancellation charge, separate from the fee for a place, for cancelling without
  // enough notice or failing to attend; set per category, funding partners included (North
  // Somerset: "All pay the cancellation fee if they fail to attend").
  cancellationCharges: categoryAmounts,
  certificateRule: z.enum(certificateRules, { message: 'Select when a certificate is issued' }),
  followUpDelayMonths: z
    .number({ message: 'Enter the follow-up delay in months' })
    .int({ message: 'Enter a whole number of months' })
    .min(1, { message: 'The follow-up delay must be at least 1 month' })
    .max(24, { message: 'The follow-up delay must be 24 months or fewer' }),
  telephoneSampleSize: z
    .number({ message: 'Enter the telephone sample size' })
    .int({ message: 'Enter a whole number of people' })
    .min(0, { message: 'The sample size cannot be negative' })
    .max(1000, { message: 'The sample size must be 1,000 or fewer' }),
  refresherIntervalYears: z
    .number({ message: 'Enter the refresher interval in years' })
    .int({ message: 'Enter a whole number of years' })
    .min(1, { message: 'The refresher interval must be at least 1 year' })
    .max(10, { message: 'The refresher interval must be 10 years or fewer' }),
  financialYearStartMonth: z
    .number({ message: 'Select the month the financial year starts' })
    .int()
    .min(1, { message: 'Select a month from January to December' })
    .max(12, { message: 'Select a month from January to December' }),
  // North Somerset: delivery capacity of at most the equivalent of two days a week.
  capacityDaysPerWeek: z
    .number({ message: 'Enter the delivery capacity in days a week' })
    .min(0.5, { message: 'Capacity must be at least half a day a week' })
    .max(7, { message: 'Capacity must be 7 days a week or fewer' })
    .multipleOf(0.5, { message: 'Enter capacity in half days, like 2 or 2.5' }),
  // South Gloucestershire Appendix A: each agency shows it passed learning on. A lead who has not
  // answered a product sent to their agency after this many days is reminded once, then listed
  // to the sub-group.
  disseminationReminderDays: z
    .number({ message: 'Enter the days before a lead is reminded to record dissemination' })
    .int({ message: 'Enter a whole number of days' })
    .min(1, { message: 'Allow at least 1 day before a reminder' })
    .max(180, { message: 'The reminder must be sent 180 days or fewer after the product' }),
  // South Gloucestershire: practitioners' knowledge of disseminated learning is audited every
  // six months, in a sample.
  knowledgeAuditIntervalMonths: z
    .number({ message: 'Enter the months between knowledge audits' })
    .int({ message: 'Enter a whole number of months' })
    .min(1, { message: 'Audit knowledge at least every 1 month' })
    .max(36, { message: 'The interval must be 36 months or fewer' }),
  knowledgeAuditSampleSize: z
    .number({ message: 'Enter the knowledge audit sample size' })
    .int({ message: 'Enter a whole number of people' })
    .min(1, { message: 'The sample must be at least 1 person' })
    .max(5000, { message: 'The sample must be 5,000 people or fewer' }),
  // Norfolk §11: a selection of the agencies' self-assessed courses is chosen at random for
  // observation each round; Shropshire and Jersey observe each pool trainer every few years.
  qaObservationPicks: z
    .number({ message: 'Enter the number of courses drawn for observation' })
    .int({ message: 'Enter a whole number of courses' })
    .min(0, { message: 'The number of courses drawn cannot be negative' })
    .max(100, { message: 'Draw 100 courses or fewer' }),
  trainerObservationYears: z
    .number({ message: 'Enter the years between observations of a trainer' })
    .int({ message: 'Enter a whole number of years' })
    .min(1, { message: 'Observe each trainer at least every 1 year' })
    .max(10, { message: 'Observe each trainer at least every 10 years' }),
  // What an invoice says besides its charges: the partnership's postal address, how to pay,
  // and the days allowed to pay, from which its due date follows.
  postalAddress: text(500, 'The postal address'),
  paymentDetails: text(1000, 'The payment details'),
  invoicePaymentTermsDays: z
    .number({ message: 'Enter the days allowed to pay an invoice' })
    .int({ message: 'Enter a whole number of days' })
    .min(0, { message: 'The days allowed to pay cannot be negative' })
    .max(365, { message: 'The days allowed to pay must be 365 or fewer' }),
  // Values a preset had to assume, which the partnership's own documents do not give: shown
  // as a warning on the policy page until an admin confirms them. Empty once confirmed.
  exampleValues: text(1000, 'The note on example values'),
  // How long records are kept before the retention job anonymises them (UK GDPR storage
  // limitation): whole years after a person left their agency, after the session an application
  // was for, after an anonymous survey answer was given, and after an audit event.
  retention: z.object({
    leaversYears: retentionYears('people who left an agency'),
    applicationsYears: retentionYears('applications and registers'),
    surveyAnswersYears: retentionYears('anonymous survey answers'),
    auditTrailYears: retentionYears('the audit trail'),
  }),
  tiers: z
    .array(
      z
        .string()
        .trim()
        .min(1, { message: 'A tier needs a name' })
        .max(80, { message: 'A tier name must be 80 characters or fewer' }),
    )
    .max(20, { message: 'Enter 20 tiers or fewer' }),
})

export type PolicyRules = z.infer<typeof policyRulesSchema>

/** Sensible defaults where a partnership's documents are silent. */
export const defaultPolicy: PolicyRules = {
  jurisdiction: 'england-and-wales',
  shortlistingLeadWeeks: 6,
  cancellationNoticeDays: 7,
  cancellationNoticeBasis: 'working',
  substituteWaivesCharge: true,
  offerResponseHours: 48,
  reminderDaysBefore: 3,
  fees: {
    fundingPartnerPence: 0,
    statutoryPence: 0,
    privatePence: 10_000,
    voluntarySaferProgrammePence: 4_000,
    voluntaryPence: 5_000,
  },
  chargeBasis: 'per_place',
  dayFeePence: 0,
  halfDayFeePence: 0,
  fixedFeePence: 0,
  noShowsBeforeApproval: 0,
  noShowWindowMonths: 12,
  cancellationCharges: {
    fundingPartnerPence: 0,
    statutoryPence: 0,
    privatePence: 10_000,
    voluntarySaferProgrammePence: 4_000,
    voluntaryPence: 5_000,
  },
  certificateRule: 'attendance_and_evaluation',
  followUpDelayMonths: 3,
  telephoneSampleSize: 10,
  refresherIntervalYears: 3,
  disseminationReminderDays: 21,
  knowledgeAuditIntervalMonths: 6,
  knowledgeAuditSampleSize: 50,
  qaObservationPicks: 3,
  trainerObservationYears: 2,
  financialYearStartMonth: 4,
  capacityDaysPerWeek: 2,
  postalAddress: '',
  paymentDetails: '',
  invoicePaymentTermsDays: 30,
  exampleValues: '',
  retention: { leaversYears: 6, applicationsYears: 6, surveyAnswersYears: 3, auditTrailYears: 7 },
  tiers: [],
}

/** No fee for a place and no cancellation charge, for partnerships whose documents name none. */
const noCharges = {
  fees: {
    fundingPartnerPence: 0,
    statutoryPence: 0,
    privatePence: 0,
    voluntarySaferProgrammePence: 0,
    voluntaryPence: 0,
  },
  cancellationCharges: {
    fundingPartnerPence: 0,
    statutoryPence: 0,
    privatePence: 0,
    voluntarySaferProgrammePence: 0,
    voluntaryPence: 0,
  },
} satisfies Partial<PolicyRules>

/** The five partnerships of the seed documents, with the rules their documents state. */
export const policyPresets: Record<
  'norfolk' | 'north-somerset' | 'south-gloucestershire' | 'jersey' | 'shropshire',
  PolicyRules
> = {
  // Norfolk SCP strategy 2024, section 12: free to funding agencies, £100 private, £40 Safer
  // Programme, £50 other VCS (12d); "a cancellation charge will be payable" for cancelling
  // with less than seven working days' notice or failing to attend, not waived for funding
  // partners, reviewed yearly. The strategy does not say how much, so the amounts are examples.
  norfolk: {
    ...defaultPolicy,
    cancellationCharges: {
      fundingPartnerPence: 5_000,
      statutoryPence: 5_000,
      privatePence: 10_000,
      voluntarySaferProgrammePence: 4_000,
      voluntaryPence: 5_000,
    },
    exampleValues:
      'The cancellation charges (the fee for a place where there is one, £50 otherwise, funding partners included) are examples: the strategy (12d) says a cancellation charge is payable, not how much.',
  },
  // North Somerset SCB strategy 2017: "Partner agencies have their training fully subsidised
  // other agencies pay to attend. All pay the cancellation fee if they fail to attend."
  // Impact questionnaires four months on; two days a week. The strategy names no amounts and
  // no rule on repeated no-shows, so those here are examples for an admin to confirm.
  'north-somerset': {
    ...defaultPolicy,
    chargeBasis: 'per_day',
    dayFeePence: 7_500,
    halfDayFeePence: 5_000,
    noShowsBeforeApproval: 2,
    noShowWindowMonths: 12,
    cancellationCharges: {
      fundingPartnerPence: 5_000,
      statutoryPence: 5_000,
      privatePence: 5_000,
      voluntarySaferProgrammePence: 5_000,
      voluntaryPence: 5_000,
    },
    followUpDelayMonths: 4,
    exampleValues:
      'The fees of £75 a day and £50 a half day, the £50 cancellation charge and approval after two no-shows in 12 months are examples: the strategy says only that partner agencies are fully subsidised, others pay to attend, and all pay the cancellation fee if they fail to attend.',
    tiers: ['Mandatory pathway', 'CSE pathway'],
  },
  // South Gloucestershire SCB framework 2016: three-month follow-up with telephone calls to
  // a random sample; refresher evidence every three years. It names no fees.
  'south-gloucestershire': {
    ...defaultPolicy,
    ...noCharges,
    followUpDelayMonths: 3,
    telephoneSampleSize: 10,
  },
  // Jersey SPB framework 2023: Jersey's own bank holidays. It names no fees.
  jersey: { ...defaultPolicy, ...noCharges, jurisdiction: 'jersey' },
  // Shropshire SCP strategy 2023-26: three tiers, equal access to learning, training free to
  // attend. It names no fees.
  shropshire: {
    ...defaultPolicy,
    ...noCharges,
    tiers: ['Induction', 'Awareness & Universal', 'Advanced & Specialist'],
  },
}

/**
 * Rules saved before the cancellation charge was set per category had a single charge for
 * non-attendance: the full fee, a fixed sum (funding partners optionally included), or none.
 * They read as the per-category charges they meant.
 */
export function upgradeRules(stored: Record<string, unknown>): Record<string, unknown> {
  if ('cancellationCharges' in stored) return stored
  const fees = { ...defaultPolicy.fees, ...(stored.fees as object | undefined) }
  const fixed = typeof stored.noShowFixedPence === 'number' ? stored.noShowFixedPence : 0
  const cancellationCharges =
    stored.noShowCharge === 'none'
      ? noCharges.cancellationCharges
      : stored.noShowCharge === 'fixed'
        ? {
            fundingPartnerPence: stored.chargeFundingPartnersForNoShow ? fixed : 0,
            statutoryPence: fixed,
            privatePence: fixed,
            voluntarySaferProgrammePence: fixed,
            voluntaryPence: fixed,
          }
        : fees
  return { ...stored, cancellationCharges }
}

/** A version of the policy and the date it took effect. */
export type PolicyVersion = {
  id: string
  effectiveFrom: string
  rules: PolicyRules
  reason: string | null
  changedBy: string | null
  createdAt: Date
}
