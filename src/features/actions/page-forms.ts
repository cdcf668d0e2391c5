import type { FieldError } from '#platform/errors.ts'
import type { FormResult } from '#platform/http/forms.ts'
import { dateFromInput, fieldErrors } from '#platform/http/forms.ts'
import type { ActionFilter, ExtendInput, RaiseInput, UpdateInput, VerifyInput } from './forms.ts'
import { actionFilterSchema, extendSchema, raiseSchema, updateSchema, verifySchema } from './forms.ts'

const textOf = (value: unknown) => (typeof value === 'string' ? value : '')
const optional = (value: unknown) => (textOf(value).trim() === '' ? null : textOf(value))

/** Errors in the order the fields are on the page, so the summary reads top to bottom. */
function inPageOrder(errors: FieldError[], order: readonly string[]): FieldError[] {
  const rank = (field: string) => (order.includes(field) ? order.indexOf(field) : order.length)
  return [...errors].sort((a, b) => rank(a.field) - rank(b.field))
}

const raiseFields = [
  'description',
  'ownedBy',
  'owningAgencyId',
  'owningSubgroupId',
  'ownerEmail',
  'successMeasure',
  'dueOn',
]

/**
 * The raising form as a browser sends it: radios say whether an agency or a sub-group owns
 * the action, and only the matching list's choice is read; the due date comes as three boxes.
 */
export function raiseFromForm(body: Record<string, unknown>): FormResult<RaiseInput> {
  const ownedBy = textOf(body.ownedBy)
  const errors: FieldError[] = []
  if (ownedBy !== 'agency' && ownedBy !== 'subgroup')
    errors.push({ field: 'ownedBy', text: 'Select whether an agency or a sub-group owns the action' })
  else if (ownedBy === 'agency' && !optional(body.owningAgencyId))
    errors.push({ field: 'owningAgencyId', text: 'Select the agency that owns the action' })
  else if (ownedBy === 'subgroup' && !optional(body.owningSubgroupId))
    errors.push({ field: 'owningSubgroupId', text: 'Select the sub-group that owns the action' })
  const dueOn = dateFromInput(body, 'dueOn')
  const result = raiseSchema.safeParse({
    description: textOf(body.description),
    owningAgencyId: ownedBy === 'agency' ? optional(body.owningAgencyId) : null,
    owningSubgroupId: ownedBy === 'subgroup' ? optional(body.owningSubgroupId) : null,
    ownerEmail: textOf(body.ownerEmail),
    successMeasure: textOf(body.successMeasure),
    dueOn: dueOn || undefined,
  })
  if (!result.success) {
    const seen = new Set(errors.map((e) => e.field))
    for (const e of fieldErrors(result.error)) {
      // The one-owner rule is said by the radios' own message already.
      if (e.field === 'owningAgencyId' && errors.length) continue
      if (e.field === 'dueOn' && !dueOn) e.text = 'Enter the due date'
      if (!seen.has(e.field)) errors.push(e)
    }
  }
  if (errors.length || !result.success) return { ok: false, errors: inPageOrder(errors, raiseFields) }
  return { ok: true, data: result.data }
}

/** What the raising form shows again: everything as typed. */
export function raiseValuesOf(body: Record<string, unknown>): Record<string, string> {
  const keys = [...raiseFields, 'dueOn-day', 'dueOn-month', 'dueOn-year']
  return Object.fromEntries(keys.map((key) => [key, textOf(body[key])]))
}

/** A progress update from the page: empty status and link mean none. */
export function updateFromForm(body: Record<string, unknown>): FormResult<UpdateInput> {
  const result = updateSchema.safeParse({
    note: textOf(body.note),
    status: optional(body.status),
    evidenceUrl: optional(body.evidenceUrl),
  })
  if (result.success) return { ok: true, data: result.data }
  return { ok: false, errors: fieldErrors(result.error) }
}

/** A new due date (three boxes) and the reason for it. */
export function extendFromForm(body: Record<string, unknown>): FormResult<ExtendInput> {
  const dueOn = dateFromInput(body, 'dueOn')
  const result = extendSchema.safeParse({ dueOn: dueOn || undefined, reason: textOf(body.reason) })
  if (result.success) return { ok: true, data: result.data }
  const errors = fieldErrors(result.error).map((e) =>
    e.field === 'dueOn' && !dueOn ? { ...e, text: 'Enter the new due date' } : e,
  )
  return { ok: false, errors }
}

/** The verification note: its field is named apart from the update's note on the same page. */
export function verifyFromForm(body: Record<string, unknown>): FormResult<VerifyInput> {
  const result = verifySchema.safeParse({ note: textOf(body.verificationNote) })
  if (result.success) return { ok: true, data: result.data }
  return { ok: false, errors: fieldErrors(result.error).map((e) => ({ ...e, field: 'verificationNote' })) }
}

/**
 * The tracker's filters from the address: each read on its own, so one mistyped value is
 * dropped (and named) rather than losing the others.
 */
export function filterFromQuery(query: Record<string, unknown>): {
  filter: ActionFilter
  errors: FieldError[]
} {
  const shape = actionFilterSchema.shape
  const filter: Record<string, unknown> = {}
  const errors: FieldError[] = []
  for (const key of Object.keys(shape) as (keyof typeof shape)[]) {
    const value = query[key]
    if (typeof value !== 'string' || value.trim() === '') continue
    const parsed = shape[key].safeParse(value.trim())
    if (parsed.success) filter[key] = parsed.data
    else if (key === 'month')
      errors.push({ field: 'month', text: 'Enter the due month as YYYY-MM, like 2027-03' })
  }
  return { filter: actionFilterSchema.parse(filter), errors }
}

/** The filters as an address's query, to link to the next page or the download. */
export function queryOf(filter: Partial<ActionFilter>): string {
  const pairs = Object.entries(filter).filter(
    ([key, value]) => key !== 'page' && value !== undefined && value !== false && value !== '',
  )
  return new URLSearchParams(pairs.map(([k, v]): [string, string] => [k, String(v)])).toString()
}
