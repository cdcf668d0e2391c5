import type { FieldError } from '#platform/errors.ts'
import type { FormResult } from '#platform/http/forms.ts'
import { dateBoxes, dateFromInput, fieldErrors, onDateBoxes } from '#platform/http/forms.ts'
import type { FindingInput, RecommendationInput, ResponseInput, ReviewChange, ReviewInput } from './forms.ts'
import {
  findingSchema,
  recommendationSchema,
  responseSchema,
  reviewChangeSchema,
  reviewSchema,
} from './forms.ts'
import type { Recommendation, Review } from './queries.ts'

const textOf = (value: unknown) => (typeof value === 'string' ? value : '')
const listOf = (value: unknown): string[] =>
  Array.isArray(value)
    ? value.filter((v): v is string => typeof v === 'string')
    : typeof value === 'string'
      ? [value]
      : []

/** Errors in the order the fields are on the page, so the summary reads top to bottom. */
function inPageOrder(errors: FieldError[], order: readonly string[]): FieldError[] {
  const rank = (field: string) => {
    const i = order.findIndex(
      (name) => field === name || field.startsWith(`${name}-`) || field.startsWith(`${name}.`),
    )
    return i === -1 ? order.length : i
  }
  return [...errors].sort((a, b) => rank(a.field) - rank(b.field))
}

const reviewDates = ['notifiedOn']
const reviewFields = [
  'type',
  'reference',
  'title',
  'notifiedOn',
  'leadReviewer',
  'agencyIds',
  'themes',
  'summary',
  'reportUrl',
] as const

/** Field errors from a schema, a list's item errors on the list, dates on their first box. */
export function pageErrors(
  errors: FieldError[],
  dates: readonly string[],
  order: readonly string[],
): FieldError[] {
  const onList = errors.map((e) =>
    /^(themes|agencyIds)\.\d+$/.test(e.field) ? { ...e, field: e.field.split('.')[0] as string } : e,
  )
  return inPageOrder(onDateBoxes(onList, dates), order)
}

function reviewFieldsOf(body: Record<string, unknown>) {
  return {
    type: textOf(body.type) || undefined,
    reference: textOf(body.reference),
    title: textOf(body.title),
    notifiedOn: dateFromInput(body, 'notifiedOn'),
    themes: listOf(body.themes),
    agencyIds: listOf(body.agencyIds),
    summary: textOf(body.summary),
    leadReviewer: textOf(body.leadReviewer),
  }
}

/** The new review form. */
export function reviewFromForm(body: Record<string, unknown>): FormResult<ReviewInput> {
  const result = reviewSchema.safeParse(reviewFieldsOf(body))
  if (result.success) return { ok: true, data: result.data }
  return { ok: false, errors: pageErrors(fieldErrors(result.error), reviewDates, reviewFields) }
}

/** The change form: every field is sent, so an emptied one is cleared. */
export function reviewChangeFromForm(body: Record<string, unknown>): FormResult<ReviewChange> {
  const result = reviewChangeSchema.safeParse({ ...reviewFieldsOf(body), reportUrl: textOf(body.reportUrl) })
  if (result.success) return { ok: true, data: result.data }
  return { ok: false, errors: pageErrors(fieldErrors(result.error), reviewDates, reviewFields) }
}

/** What the review form shows again: as typed, or the review as it stands. */
export function reviewValuesOf(body?: Record<string, unknown>, review?: Review): Record<string, unknown> {
  if (body)
    return {
      type: textOf(body.type),
      reference: textOf(body.reference),
      title: textOf(body.title),
      'notifiedOn-day': textOf(body['notifiedOn-day']),
      'notifiedOn-month': textOf(body['notifiedOn-month']),
      'notifiedOn-year': textOf(body['notifiedOn-year']),
      themes: listOf(body.themes),
      agencyIds: listOf(body.agencyIds),
      summary: textOf(body.summary),
      leadReviewer: textOf(body.leadReviewer),
      reportUrl: textOf(body.reportUrl),
    }
  if (!review) return { themes: [], agencyIds: [] }
  return {
    type: review.type,
    reference: review.reference,
    title: review.title,
    ...dateBoxes('notifiedOn', review.notifiedOn),
    themes: review.themes,
    agencyIds: review.agencyIds,
    summary: review.summary ?? '',
    leadReviewer: review.leadReviewer ?? '',
    reportUrl: review.reportUrl ?? '',
  }
}

const transitionDates = ['decisionOn', 'commissionedOn', 'publishedOn', 'closedOn']
const transitionFields = [
  'decision',
  'decisionOn',
  'decisionReason',
  'commissionedOn',
  'publishedOn',
  'reportUrl',
  'closedOn',
  'reason',
  'openActionReasons',
] as const

/** The reason typed for each open action, from boxes named `openActionReasons.{actionId}`. */
function openActionReasonsOf(body: Record<string, unknown>): Record<string, string> {
  const reasons: Record<string, string> = {}
  for (const [key, value] of Object.entries(body))
    if (key.startsWith('openActionReasons.') && textOf(value).trim())
      reasons[key.slice('openActionReasons.'.length)] = textOf(value)
  return reasons
}

/** A step's form: the status moved to and the fields that step asks for; empty dates are left out. */
export function transitionFromForm(body: Record<string, unknown>): FormResult<ReviewChange> {
  const date = (name: string) => dateFromInput(body, name) || undefined
  const result = reviewChangeSchema.safeParse({
    status: textOf(body.to) || undefined,
    decision: textOf(body.decision) || undefined,
    decisionOn: date('decisionOn'),
    decisionReason: textOf(body.decisionReason) || undefined,
    commissionedOn: date('commissionedOn'),
    publishedOn: date('publishedOn'),
    reportUrl: textOf(body.reportUrl) || undefined,
    closedOn: date('closedOn'),
    reason: textOf(body.reason) || undefined,
    openActionReasons: openActionReasonsOf(body),
  })
  if (result.success) return { ok: true, data: result.data }
  return { ok: false, errors: pageErrors(fieldErrors(result.error), transitionDates, transitionFields) }
}

/** A step's errors from the service, dates moved to their first box. */
export const transitionErrors = (errors: FieldError[]) =>
  pageErrors(errors, transitionDates, transitionFields)

/** What a step's form shows again. */
export function transitionValuesOf(body: Record<string, unknown> = {}): Record<string, unknown> {
  const values: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(body)) if (key !== '_csrf') values[key] = textOf(value)
  return values
}

export function findingFromForm(body: Record<string, unknown>): FormResult<FindingInput> {
  const result = findingSchema.safeParse({ text: textOf(body.text), themes: listOf(body.themes) })
  if (result.success) return { ok: true, data: result.data }
  return { ok: false, errors: pageErrors(fieldErrors(result.error), [], ['text', 'themes']) }
}

const recommendationFields = [
  'text',
  'addressedTo',
  'subgroupId',
  'agencyIds',
  'nationalBody',
  'response',
  'responseReason',
] as const

export function recommendationFromForm(body: Record<string, unknown>): FormResult<RecommendationInput> {
  const result = recommendationSchema.safeParse({
    text: textOf(body.text),
    addressedTo: textOf(body.addressedTo) || undefined,
    subgroupId: textOf(body.subgroupId) || null,
    agencyIds: listOf(body.agencyIds),
    nationalBody: textOf(body.nationalBody),
    response: textOf(body.response) || null,
    responseReason: textOf(body.responseReason),
  })
  if (result.success) return { ok: true, data: result.data }
  return { ok: false, errors: pageErrors(fieldErrors(result.error), [], recommendationFields) }
}

export function recommendationValuesOf(body: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    text: textOf(body.text),
    addressedTo: textOf(body.addressedTo),
    subgroupId: textOf(body.subgroupId),
    agencyIds: listOf(body.agencyIds),
    nationalBody: textOf(body.nationalBody),
    response: textOf(body.response),
    responseReason: textOf(body.responseReason),
  }
}

export function responseFromForm(body: Record<string, unknown>): FormResult<ResponseInput> {
  const result = responseSchema.safeParse({
    response: textOf(body.response) || null,
    responseReason: textOf(body.responseReason),
  })
  if (result.success) return { ok: true, data: result.data }
  return { ok: false, errors: pageErrors(fieldErrors(result.error), [], ['response', 'responseReason']) }
}

export function responseValuesOf(body?: Record<string, unknown>, recommendation?: Recommendation) {
  if (body) return { response: textOf(body.response), responseReason: textOf(body.responseReason) }
  return { response: recommendation?.response ?? '', responseReason: recommendation?.responseReason ?? '' }
}
