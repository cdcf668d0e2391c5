import type { FieldError } from '#platform/errors.ts'
import type { FormResult } from '#platform/http/forms.ts'
import { fieldErrors } from '#platform/http/forms.ts'
import type { DecisionInput, NeedInput, ProposalInput } from './forms.ts'
import { decisionSchema, needSchema, proposalSchema } from './forms.ts'
import type { Need } from './queries.ts'
import { daysOf } from './rules.ts'

const textOf = (value: unknown) => (typeof value === 'string' ? value : '')
const listOf = (value: unknown): string[] =>
  Array.isArray(value)
    ? value.filter((v): v is string => typeof v === 'string')
    : typeof value === 'string'
      ? [value]
      : []
const optional = (value: unknown) => (textOf(value).trim() === '' ? null : textOf(value))

/** Errors in the order the fields are on the page, so the summary reads top to bottom. */
function inPageOrder(errors: FieldError[], order: readonly string[]): FieldError[] {
  const rank = (field: string) => (order.includes(field) ? order.indexOf(field) : order.length)
  return [...errors].sort((a, b) => rank(a.field) - rank(b.field))
}

const needFields = [
  'identifiedBy',
  'identifiedOther',
  'practiceChange',
  'targetAudience',
  'effectivenessMeasure',
  'preferredMethods',
  'themes',
  'findings',
] as const

/** The request form as a browser sends it: ticked methods and themes, "other" only when chosen. */
export function needFromForm(body: Record<string, unknown>): FormResult<NeedInput> {
  const identifiedBy = textOf(body.identifiedBy)
  const result = needSchema.safeParse({
    identifiedBy: identifiedBy || undefined,
    identifiedOther: identifiedBy === 'other' ? optional(body.identifiedOther) : null,
    practiceChange: textOf(body.practiceChange),
    targetAudience: textOf(body.targetAudience),
    effectivenessMeasure: textOf(body.effectivenessMeasure),
    preferredMethods: listOf(body.preferredMethods),
    themes: listOf(body.themes),
    findings: listOf(body.findings),
  })
  if (result.success) return { ok: true, data: result.data }
  const errors = fieldErrors(result.error).map((e) => ({ ...e, field: e.field.split('.')[0] ?? e.field }))
  return { ok: false, errors: inPageOrder(errors, needFields) }
}

/** What the request form shows again: text as typed, lists as lists. */
export function needValuesOf(body: Record<string, unknown>): Record<string, unknown> {
  return {
    identifiedBy: textOf(body.identifiedBy),
    identifiedOther: textOf(body.identifiedOther),
    practiceChange: textOf(body.practiceChange),
    targetAudience: textOf(body.targetAudience),
    effectivenessMeasure: textOf(body.effectivenessMeasure),
    preferredMethods: listOf(body.preferredMethods),
    themes: listOf(body.themes),
    findings: listOf(body.findings),
  }
}

const proposalFields = [
  'recommendedMethod',
  'estimatedDeliveryDays',
  'estimatedCost',
  'financialYear',
  'summary',
] as const

/**
 * Pounds as typed ("1,250.50", "£900") in whole pence, read from the digits so no
 * floating-point rounding can creep in. Undefined when it is not an amount of money.
 */
export function penceOf(typed: string): number | undefined {
  const match = typed
    .trim()
    .replace(/^£\s*/, '')
    .match(/^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$/)
  if (!match) return undefined
  const pounds = Number((match[1] ?? '0').replaceAll(',', ''))
  const pence = Number((match[2] ?? '').padEnd(2, '0'))
  return pounds * 100 + pence
}

/** The proposal form: delivery in days (half days allowed), cost in pounds, the programme year chosen. */
export function proposalFromForm(body: Record<string, unknown>): FormResult<ProposalInput> {
  const errors: FieldError[] = []
  const days = textOf(body.estimatedDeliveryDays).trim()
  const cost = textOf(body.estimatedCost)
  const pence = penceOf(cost)
  if (!cost.trim()) errors.push({ field: 'estimatedCost', text: 'Enter the estimated cost in pounds' })
  else if (pence === undefined)
    errors.push({
      field: 'estimatedCost',
      text: 'Enter the estimated cost in pounds and pence, like 1200 or 1,250.50',
    })
  const year = textOf(body.financialYear)
  const result = proposalSchema.safeParse({
    recommendedMethod: textOf(body.recommendedMethod) || undefined,
    estimatedDeliveryDays:
      days === '' ? undefined : /^\d{1,4}(\.\d{1,2})?$/.test(days) ? Number(days) : Number.NaN,
    estimatedCostPence: pence ?? 0,
    financialYear: /^\d{4}$/.test(year) ? Number(year) : undefined,
    summary: optional(body.summary),
  })
  if (!result.success)
    errors.push(
      ...fieldErrors(result.error).map((e) =>
        e.field === 'estimatedCostPence'
          ? { field: 'estimatedCost', text: e.text.replace(/ in pence.*$/, '') }
          : e,
      ),
    )
  if (errors.length || !result.success) return { ok: false, errors: inPageOrder(errors, proposalFields) }
  return { ok: true, data: result.data }
}

/** What the proposal form shows: what was typed, else the proposal as it stands. */
export function proposalValuesOf(
  need: Pick<Need, 'proposal'>,
  defaultYear: number,
  body?: Record<string, unknown>,
): Record<string, string> {
  if (body)
    return {
      recommendedMethod: textOf(body.recommendedMethod),
      estimatedDeliveryDays: textOf(body.estimatedDeliveryDays),
      estimatedCost: textOf(body.estimatedCost),
      financialYear: textOf(body.financialYear),
      summary: textOf(body.summary),
    }
  const p = need.proposal
  if (!p) return { financialYear: String(defaultYear) }
  return {
    recommendedMethod: p.recommendedMethod,
    estimatedDeliveryDays: String(daysOf(p.estimatedDeliveryHalfDays)),
    estimatedCost: (p.estimatedCostPence / 100).toFixed(2),
    financialYear: String(p.financialYear),
    summary: p.summary ?? '',
  }
}

/** The executive's decision form: endorse or decline, and the reason. */
export function decisionFromForm(body: Record<string, unknown>): FormResult<DecisionInput> {
  const result = decisionSchema.safeParse({
    decision: textOf(body.decision) || undefined,
    reason: optional(body.reason),
  })
  if (result.success) return { ok: true, data: result.data }
  return { ok: false, errors: fieldErrors(result.error) }
}
