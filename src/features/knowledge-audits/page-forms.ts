import type { FieldError } from '#platform/errors.ts'
import type { FormResult } from '#platform/http/forms.ts'
import { dateBoxes, dateFromInput, fieldErrors, formText as text } from '#platform/http/forms.ts'
import type { DetailsInput, QuestionInput } from './forms.ts'
import { detailsSchema, questionSchema } from './forms.ts'
import type { Audit, AuditQuestion } from './queries.ts'

/** How many option rows the question form offers; empty rows are left out. */
export const OPTION_ROWS = 6

const listOf = (value: unknown): string[] =>
  (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter(
    (v): v is string => typeof v === 'string' && v !== '',
  )

/** Errors in the order of the page's fields, so the summary reads top to bottom. */
function inOrder(errors: FieldError[], order: readonly string[]): FieldError[] {
  const rank = (field: string) => (order.includes(field) ? order.indexOf(field) : order.length)
  return [...errors].sort((a, b) => rank(a.field) - rank(b.field))
}

/** The details form: title, the products and reviews ticked, the sample size and the closing date's boxes. */
export function detailsFromForm(body: Record<string, unknown>): FormResult<DetailsInput> {
  const closesOn = dateFromInput(body, 'closesOn')
  const size = text(body.sampleSize)
  const errors: FieldError[] = []
  if (size && !/^\d{1,5}$/.test(size))
    errors.push({ field: 'sampleSize', text: 'Enter the sample size as a whole number, like 50' })
  const result = detailsSchema.safeParse({
    title: text(body.title),
    productIds: listOf(body.productIds),
    reviewIds: listOf(body.reviewIds),
    sampleSize: size && !errors.length ? Number(size) : undefined,
    closesOn: closesOn || undefined,
  })
  if (!result.success)
    for (const e of fieldErrors(result.error)) {
      const field = e.field.split('.')[0] ?? e.field
      if (field === 'closesOn' && !closesOn) e.text = 'Enter the closing date'
      if (!errors.some((x) => x.field === field)) errors.push({ field, text: e.text })
    }
  if (errors.length || !result.success)
    return {
      ok: false,
      errors: inOrder(errors, ['title', 'productIds', 'reviewIds', 'sampleSize', 'closesOn']),
    }
  return { ok: true, data: result.data }
}

/** What the details form shows: as typed, or the audit's own. */
export function detailsValuesOf(
  body: Record<string, unknown> | null,
  audit?: Audit,
): Record<string, unknown> {
  if (body)
    return {
      title: text(body.title),
      productIds: listOf(body.productIds),
      reviewIds: listOf(body.reviewIds),
      sampleSize: text(body.sampleSize),
      'closesOn-day': text(body['closesOn-day']),
      'closesOn-month': text(body['closesOn-month']),
      'closesOn-year': text(body['closesOn-year']),
    }
  if (!audit) return { productIds: [], reviewIds: [] }
  return {
    title: audit.title,
    productIds: audit.productIds,
    reviewIds: audit.reviewIds,
    sampleSize: String(audit.sampleSize),
    ...dateBoxes('closesOn', audit.closesOn),
  }
}

/**
 * A question from the page: its words, single or multiple choice, and up to six option rows
 * (option-1 ... option-6), each with its own "right answer" box (correct = the row's number).
 */
export function questionFromForm(body: Record<string, unknown>): FormResult<QuestionInput> {
  const correct = new Set(listOf(body.correct))
  const options = Array.from({ length: OPTION_ROWS }, (_, i) => ({
    text: text(body[`option-${i + 1}`]),
    correct: correct.has(String(i + 1)),
  }))
  const errors: FieldError[] = []
  if (options.some((o) => !o.text && o.correct))
    errors.push({ field: 'options', text: 'A right answer needs its words: fill in the option or untick it' })
  const result = questionSchema.safeParse({
    text: text(body.text),
    kind: text(body.kind) || undefined,
    options: options.filter((o) => o.text),
  })
  if (!result.success)
    for (const e of fieldErrors(result.error)) {
      const field = e.field.startsWith('options') ? 'options' : e.field
      if (!errors.some((x) => x.field === field)) errors.push({ field, text: e.text })
    }
  if (errors.length || !result.success)
    return { ok: false, errors: inOrder(errors, ['text', 'kind', 'options']) }
  return { ok: true, data: result.data }
}

export function questionValuesOf(body: Record<string, unknown>): Record<string, unknown> {
  const values: Record<string, unknown> = {
    text: text(body.text),
    kind: text(body.kind),
    correct: listOf(body.correct),
  }
  for (let i = 1; i <= OPTION_ROWS; i++) values[`option-${i}`] = text(body[`option-${i}`])
  return values
}

/**
 * Answers as the quiz page sends them: answers.<question id> holding the chosen options'
 * places (one for radios, several for checkboxes), and the confidence scale's 0-10.
 */
export function answersFromForm(
  body: Record<string, unknown>,
  questions: readonly Pick<AuditQuestion, 'id'>[],
): { answers: Record<string, number[]>; confidence: number | null } {
  const answers: Record<string, number[]> = {}
  for (const q of questions) {
    const chosen = listOf(body[`answers.${q.id}`])
    answers[q.id] = chosen.map((c) => (/^\d{1,2}$/.test(c) ? Number(c) : -1))
  }
  const typed = text(body.confidence)
  const confidence = /^\d{1,2}$/.test(typed) && Number(typed) <= 10 ? Number(typed) : null
  return { answers, confidence }
}
