import { z } from 'zod'
import { deliveryMethods } from '#features/courses/forms.ts'

/** How a need was identified (North Somerset appendix one). */
export const identificationSources = ['audit', 'case_review', 'national_requirement', 'other'] as const
export type IdentificationSource = (typeof identificationSources)[number]

export const identificationSourceNames: Record<IdentificationSource, string> = {
  audit: 'Audit',
  case_review: 'Case review',
  national_requirement: 'National requirement',
  other: 'Other',
}

/** Where a need is in its life: requested, turned into a proposal, then endorsed or declined. */
export const needStatuses = ['requested', 'proposed', 'endorsed', 'declined'] as const
export type NeedStatus = (typeof needStatuses)[number]

export const needStatusNames: Record<NeedStatus, string> = {
  requested: 'Requested',
  proposed: 'Proposed',
  endorsed: 'Endorsed',
  declined: 'Declined',
}

export const decisions = ['endorse', 'decline'] as const
export type Decision = (typeof decisions)[number]

const text = (max: number, label: string) =>
  z
    .string({ message: `Enter ${label.toLowerCase()}` })
    .trim()
    .max(max, { message: `${label} must be ${max.toLocaleString('en-GB')} characters or fewer` })

/**
 * A training needs analysis request, as the API and the page take it. "Other" needs saying
 * what the other source was.
 */
export const needSchema = z
  .object({
    identifiedBy: z.enum(identificationSources, { message: 'Select how the need was identified' }),
    identifiedOther: text(500, 'How the need was identified').nullable().optional(),
    practiceChange: text(5000, 'The practice change').min(1, {
      message: 'Describe the practice you want to see as a result of the learning',
    }),
    targetAudience: text(2000, 'The target audience').min(1, { message: 'Enter who the learning is for' }),
    effectivenessMeasure: text(5000, 'How effectiveness will be measured').min(1, {
      message: 'Say how you will measure the effect of the learning on practice',
    }),
    preferredMethods: z
      .array(z.enum(deliveryMethods, { message: 'Select methods from the list' }))
      .max(deliveryMethods.length, { message: 'Select each method once' })
      .default([]),
    themes: z
      .array(z.uuid({ message: 'Select themes from the list' }))
      .max(50, { message: 'Select 50 themes or fewer' })
      .default([]),
    findings: z
      .array(z.uuid({ message: 'Select findings from the list of case review findings' }))
      .max(100, { message: 'Select 100 findings or fewer' })
      .default([]),
  })
  .strict()
  .superRefine((need, ctx) => {
    if (need.identifiedBy === 'other' && !need.identifiedOther)
      ctx.addIssue({
        code: 'custom',
        path: ['identifiedOther'],
        message: 'Say how the need was identified',
      })
  })
export type NeedInput = z.infer<typeof needSchema>

/**
 * The sub-group's proposal: how to meet the need, how many days of delivery it takes (in half
 * days, as the partnership's capacity is set) and what it costs, in pence.
 */
export const proposalSchema = z
  .object({
    recommendedMethod: z.enum(deliveryMethods, { message: 'Select the method recommended' }),
    estimatedDeliveryDays: z
      .number({ message: 'Enter the estimated delivery in days' })
      .min(0, { message: 'The estimated delivery cannot be negative' })
      .max(1000, { message: 'The estimated delivery must be 1,000 days or fewer' })
      .multipleOf(0.5, { message: 'Enter the estimated delivery in half days, like 1 or 2.5' }),
    estimatedCostPence: z
      .number({ message: 'Enter the estimated cost in pence, like 120000 for £1,200' })
      .int({ message: 'Enter the estimated cost in whole pence' })
      .min(0, { message: 'The estimated cost cannot be negative' })
      .max(100_000_000, { message: 'The estimated cost must be £1,000,000 or less' }),
    financialYear: z
      .number({ message: 'Select the programme year' })
      .int({ message: 'Select the programme year' })
      .min(2000, { message: 'Select the programme year' })
      .max(2100, { message: 'Select the programme year' }),
    summary: text(5000, 'The summary').nullable().default(null),
  })
  .strict()
export type ProposalInput = z.infer<typeof proposalSchema>

/** The executive's decision on a proposal. Declining needs a reason, which the requester is sent. */
export const decisionSchema = z
  .object({
    decision: z.enum(decisions, { message: 'Select whether the proposal is endorsed or declined' }),
    reason: text(2000, 'The reason').nullable().optional(),
  })
  .strict()
export type DecisionInput = z.infer<typeof decisionSchema>

export const needFilterSchema = z.object({
  status: z.enum(needStatuses).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
})
export type NeedFilter = z.infer<typeof needFilterSchema>

/** How the annual programme asks for endorsed needs: by programme year, or for a span of dates. */
export type ProgrammePeriod = { financialYear: number } | { from: string; to: string }

/** "2026 to 2027": a programme year named as GOV.UK names financial years. */
export function financialYearName(year: number): string {
  return `${year} to ${year + 1}`
}
