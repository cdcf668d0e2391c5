import { z } from 'zod'
import { calendarDate } from '#platform/http/forms.ts'
import { addressees, responses, reviewDecisions, reviewStatuses, reviewTypes } from './words.ts'

const text = (max: number, label: string) =>
  z
    .string({ message: `Enter ${label.toLowerCase()}` })
    .trim()
    .max(max, { message: `${label} must be ${max.toLocaleString('en-GB')} characters or fewer` })

const required = (max: number, label: string, empty: string) => text(max, label).min(1, { message: empty })

const optionalText = (max: number, label: string) =>
  text(max, label)
    .nullable()
    .optional()
    .transform((v) => (v ? v : null))

/** For a change: absent keeps the value, empty clears it. */
const clearable = (max: number, label: string) =>
  text(max, label)
    .nullable()
    .optional()
    .transform((v) => (v === undefined ? undefined : v || null))

const ids = (message: string) => z.array(z.uuid({ message })).max(100, { message: 'Select 100 or fewer' })

/** A published report's address: https only, so a link never leads to a page sent in the clear. */
const reportUrl = z
  .string()
  .trim()
  .max(2000, { message: 'The report link must be 2,000 characters or fewer' })
  .refine((value) => value === '' || /^https:\/\/[^\s/]+\.[^\s]+$/i.test(value), {
    message: 'Enter the report link as a full web address starting https://',
  })
  .nullable()
  .optional()
  .transform((v) => (v === undefined ? undefined : v || null))

const reviewFields = {
  type: z.enum(reviewTypes, { message: 'Select the type of review' }),
  reference: required(60, 'The reference', 'Enter the review’s reference'),
  title: required(200, 'The title', 'Enter an anonymised title, such as Child H'),
  notifiedOn: calendarDate('Enter the date the review was notified as a real date, like 2026-11-24'),
  themes: ids('Select themes from the partnership’s list').default([]),
  agencyIds: ids('Select agencies from the directory').default([]),
  summary: optionalText(20000, 'The summary'),
  leadReviewer: optionalText(200, 'The lead reviewer'),
}

/** A review as it is first recorded: notified, not yet decided on. */
export const reviewSchema = z.object(reviewFields).strict()
export type ReviewInput = z.infer<typeof reviewSchema>

const transitionDate = (what: string) =>
  calendarDate(`Enter the ${what} date as a real date, like 2026-11-24`).nullable().optional()

/**
 * A change to a review: any of its fields, and optionally a move to another status with the
 * fields that move needs. Closing over open actions names a reason for each (admins only).
 */
export const reviewChangeSchema = z
  .object({
    type: reviewFields.type.optional(),
    reference: reviewFields.reference.optional(),
    title: reviewFields.title.optional(),
    notifiedOn: reviewFields.notifiedOn.optional(),
    themes: reviewFields.themes.optional(),
    agencyIds: reviewFields.agencyIds.optional(),
    summary: clearable(20000, 'The summary'),
    leadReviewer: clearable(200, 'The lead reviewer'),
    reportUrl,
    status: z.enum(reviewStatuses, { message: 'Select a status from the list' }).optional(),
    decision: z.enum(reviewDecisions, { message: 'Select the decision' }).nullable().optional(),
    decisionOn: transitionDate('decision'),
    decisionReason: optionalText(5000, 'The reason for the decision'),
    commissionedOn: transitionDate('commissioning'),
    publishedOn: transitionDate('publication'),
    closedOn: transitionDate('closing'),
    reason: optionalText(5000, 'The reason'),
    openActionReasons: z
      .record(z.uuid(), text(5000, 'The reason for closing an action'))
      .optional()
      .describe('For each open action (by id), why it closes as not achieved: admins only'),
  })
  .strict()
export type ReviewChange = z.infer<typeof reviewChangeSchema>

/** What was learned. */
export const findingSchema = z
  .object({
    text: required(10000, 'The finding', 'Enter the finding'),
    themes: reviewFields.themes,
  })
  .strict()
export type FindingInput = z.infer<typeof findingSchema>

const responseFields = {
  response: z
    .enum(responses, { message: 'Select the board’s response' })
    .nullable()
    .optional()
    .transform((v) => v ?? null),
  responseReason: optionalText(5000, 'The reason for the response'),
}

type Responded = { response: (typeof responses)[number] | null; responseReason: string | null }

/** A response other than acceptance says why (Care Act 2014 s44 asks a board to say why it did not act). */
function reasoned(value: Responded, ctx: z.RefinementCtx) {
  if (value.response && value.response !== 'accepted' && !value.responseReason)
    ctx.addIssue({
      code: 'custom',
      path: ['responseReason'],
      message: 'Say why the recommendation is not accepted in full',
    })
}

/** A recommendation, whom it is addressed to and, if given yet, the board's response. */
export const recommendationSchema = z
  .object({
    text: required(10000, 'The recommendation', 'Enter the recommendation'),
    addressedTo: z.enum(addressees, { message: 'Select whom the recommendation is addressed to' }),
    subgroupId: z.uuid({ message: 'Select a sub-group from the list' }).nullable().optional(),
    agencyIds: reviewFields.agencyIds,
    nationalBody: optionalText(200, 'The national body'),
    ...responseFields,
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.addressedTo === 'subgroup' && !r.subgroupId)
      ctx.addIssue({ code: 'custom', path: ['subgroupId'], message: 'Select the sub-group' })
    if (r.addressedTo === 'agencies' && !r.agencyIds.length)
      ctx.addIssue({ code: 'custom', path: ['agencyIds'], message: 'Select at least one agency' })
    if (r.addressedTo === 'national' && !r.nationalBody)
      ctx.addIssue({ code: 'custom', path: ['nationalBody'], message: 'Enter the national body' })
    reasoned(r, ctx)
  })
  .transform((r) => ({
    ...r,
    // Only what the addressee needs is kept: a sub-group chosen and then "national" ticked is dropped.
    subgroupId: r.addressedTo === 'subgroup' ? (r.subgroupId ?? null) : null,
    agencyIds: r.addressedTo === 'agencies' ? [...new Set(r.agencyIds)] : [],
    nationalBody: r.addressedTo === 'national' ? r.nationalBody : null,
  }))
export type RecommendationInput = z.infer<typeof recommendationSchema>

/** The board's response to a recommendation, given or changed later. */
export const responseSchema = z.object(responseFields).strict().superRefine(reasoned)
export type ResponseInput = z.infer<typeof responseSchema>

export const reviewFilterSchema = z.object({
  type: z.enum(reviewTypes).optional(),
  status: z.enum(reviewStatuses).optional(),
  theme: z.uuid().optional(),
  agencyId: z.uuid().optional(),
  year: z.coerce.number().int().min(1900).max(2200).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
})
export type ReviewFilter = z.infer<typeof reviewFilterSchema>
