import type { FieldError } from '#platform/errors.ts'
import { calendarDateOf, fieldErrors } from '#platform/http/forms.ts'
import type { ContractInput } from './forms.ts'
import { contractSchema } from './forms.ts'
import { formatPounds, type PoundsParse, parsePounds } from './money.ts'
import type { Contract } from './queries.ts'

/** The page's fields in the order it shows them, so the error summary follows the form. */
export const fieldOrder = [
  'providerName',
  'providerContactName',
  'providerContactEmail',
  'providerContactPhone',
  'courseId',
  'trainingType',
  'expectedOutcomes',
  'impactMeasures',
  'materials',
  'materialsOwnership',
  'deliveryFormat',
  'relevantPolicies',
  'venuePaidBy',
  'venueCost',
  'trainerPaidBy',
  'trainerCost',
  'otherCosts',
  'startsOn',
  'reviewOn',
  'status',
] as const

// The API's names for the fields the page names differently.
const pageNames: Record<string, string> = { venueCostPence: 'venueCost', trainerCostPence: 'trainerCost' }

const textOf = (value: unknown) => (typeof value === 'string' ? value : '')
const optional = (value: unknown) => (textOf(value).trim() === '' ? null : textOf(value))

const moneyMessages: Record<Exclude<PoundsParse, { ok: true }>['problem'], (label: string) => string> = {
  missing: (label) => `Enter the ${label}, or 0 if there is none`,
  'not-a-number': (label) => `Enter the ${label} as an amount in pounds, like 1,250.50`,
  negative: (label) => `The ${label} cannot be negative`,
  'fraction-of-a-penny': (label) =>
    `Enter the ${label} in pounds and pence, like 1,250.50, with at most 2 decimal places`,
  'too-large': (label) => `The ${label} must be £10,000,000 or less`,
}

type DateRead = { ok: true; date: string | null } | { ok: false; text: string }

/** A GOV.UK date input's three boxes read as YYYY-MM-DD, or what is wrong with them. */
export function readDate(body: Record<string, unknown>, name: string, label: string): DateRead {
  const parts = { day: '', month: '', year: '' }
  for (const part of ['day', 'month', 'year'] as const) parts[part] = textOf(body[`${name}-${part}`]).trim()
  const missing = (['day', 'month', 'year'] as const).filter((p) => parts[p] === '')
  if (missing.length === 3) return { ok: true, date: null }
  if (missing.length) return { ok: false, text: `The ${label} must include a ${missing.join(' and ')}` }
  const date = calendarDateOf(parts.day, parts.month, parts.year)
  if (!date) return { ok: false, text: `The ${label} must be a real date, like 1 4 2027` }
  return { ok: true, date }
}

/** Field errors under the page's names, one per field, in the page's order. */
export function onPage(errors: readonly FieldError[]): FieldError[] {
  const seen = new Set<string>()
  const named = errors
    .map((e) => {
      const first = e.field.split('.')[0] ?? ''
      return { field: pageNames[first] ?? first, text: e.text }
    })
    .filter((e) => !seen.has(e.field) && seen.add(e.field))
  const rank = (field: string) => {
    const at = (fieldOrder as readonly string[]).indexOf(field)
    return at === -1 ? fieldOrder.length : at
  }
  return named.sort((a, b) => rank(a.field) - rank(b.field))
}

/**
 * The contract form as a browser sends it, read into a contract: amounts typed in pounds
 * become whole pence, the date boxes become dates, and a blank review date is left for the
 * service to set a year on. Every problem is reported at once.
 */
export function contractFromForm(
  body: Record<string, unknown>,
  status: ContractInput['status'],
): { ok: true; data: ContractInput } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = []
  const pence = (field: 'venueCost' | 'trainerCost', label: string) => {
    const read = parsePounds(textOf(body[field]))
    if (read.ok) return read.pence
    errors.push({ field, text: moneyMessages[read.problem](label) })
    return 0
  }
  const venueCostPence = pence('venueCost', 'venue cost')
  const trainerCostPence = pence('trainerCost', 'trainer cost')
  const startsOn = readDate(body, 'startsOn', 'start date')
  if (!startsOn.ok) errors.push({ field: 'startsOn', text: startsOn.text })
  else if (!startsOn.date) errors.push({ field: 'startsOn', text: 'Enter the date the contract starts' })
  const reviewOn = readDate(body, 'reviewOn', 'review date')
  if (!reviewOn.ok) errors.push({ field: 'reviewOn', text: reviewOn.text })

  const parsed = contractSchema.safeParse({
    providerName: textOf(body.providerName),
    providerContactName: optional(body.providerContactName),
    providerContactEmail: optional(body.providerContactEmail),
    providerContactPhone: optional(body.providerContactPhone),
    courseId: optional(body.courseId),
    trainingType: textOf(body.trainingType),
    expectedOutcomes: textOf(body.expectedOutcomes),
    impactMeasures: textOf(body.impactMeasures),
    materials: textOf(body.materials),
    materialsOwnership: textOf(body.materialsOwnership),
    deliveryFormat: textOf(body.deliveryFormat) || undefined,
    relevantPolicies: textOf(body.relevantPolicies),
    venuePaidBy: textOf(body.venuePaidBy) || undefined,
    venueCostPence,
    trainerPaidBy: textOf(body.trainerPaidBy) || undefined,
    trainerCostPence,
    otherCosts: textOf(body.otherCosts),
    // A placeholder while the boxes are wrong, so the other fields are still checked.
    startsOn: startsOn.ok && startsOn.date ? startsOn.date : '2000-01-01',
    reviewOn: reviewOn.ok && reviewOn.date ? reviewOn.date : undefined,
    status: body.status === undefined ? status : textOf(body.status),
  })
  if (!parsed.success) errors.push(...fieldErrors(parsed.error))
  if (errors.length || !parsed.success) return { ok: false, errors: onPage(errors) }
  return { ok: true, data: parsed.data }
}

const dateBoxes = (name: string, date: string | null) => {
  const [year = '', month = '', day = ''] = date ? date.split('-') : []
  return {
    [`${name}-day`]: day.replace(/^0/, ''),
    [`${name}-month`]: month.replace(/^0/, ''),
    [`${name}-year`]: year,
  }
}

/** A contract as the form shows it again. */
export function formValuesOf(c: Contract): Record<string, unknown> {
  return {
    providerName: c.providerName,
    providerContactName: c.providerContactName ?? '',
    providerContactEmail: c.providerContactEmail ?? '',
    providerContactPhone: c.providerContactPhone ?? '',
    courseId: c.courseId ?? '',
    trainingType: c.trainingType,
    expectedOutcomes: c.expectedOutcomes,
    impactMeasures: c.impactMeasures,
    materials: c.materials,
    materialsOwnership: c.materialsOwnership,
    deliveryFormat: c.deliveryFormat,
    relevantPolicies: c.relevantPolicies,
    venuePaidBy: c.venuePaidBy,
    venueCost: formatPounds(c.venueCostPence),
    trainerPaidBy: c.trainerPaidBy,
    trainerCost: formatPounds(c.trainerCostPence),
    otherCosts: c.otherCosts,
    ...dateBoxes('startsOn', c.startsOn),
    ...dateBoxes('reviewOn', c.reviewOn),
    status: c.status,
  }
}
