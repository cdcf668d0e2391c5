import { z } from 'zod'
import type { FieldError } from '#platform/errors.ts'
import type { FormResult } from '#platform/http/forms.ts'
import { calendarDate, dateFromInput, fieldErrors } from '#platform/http/forms.ts'
import { confirmationKinds, disseminationMethods } from './rules.ts'

const staffMessage = 'Enter how many staff it reached, as a whole number, like 25'

/**
 * An agency's record of how it passed a product on: how, on what day (not in the future), how
 * many staff it reached (never negative; more than the headcount is allowed with a warning),
 * and a note. The page may send a file as evidence instead of a note; the API sends the note.
 */
export const recordSchema = z
  .object({
    agencyId: z.uuid({ message: 'Select the agency the record is for' }),
    how: z.enum(disseminationMethods, { message: 'Select how the learning was passed on' }),
    on: calendarDate('Enter the date it was passed on as a real date, like 2026-11-20'),
    staffReached: z
      .number({ message: staffMessage })
      .int({ message: staffMessage })
      .min(0, { message: 'The number of staff reached cannot be negative' })
      .max(1_000_000, { message: 'The number of staff reached must be 1,000,000 or fewer' }),
    note: z
      .string()
      .trim()
      .max(5000, { message: 'The note must be 5,000 characters or fewer' })
      .nullish()
      .transform((note) => note || null),
  })
  .strict()
export type RecordInput = z.infer<typeof recordSchema>

export const confirmationKindSchema = z.enum(confirmationKinds, {
  message: 'Say whether you read it or discussed it in supervision',
})

const textOf = (value: unknown) => (typeof value === 'string' ? value.trim() : '')

/** The fields of the record form, in the order the page shows them. */
export const recordFields = ['how', 'on', 'staffReached', 'note', 'file'] as const

/** The record form as a browser sends it: the date in three boxes, the number as typed ("1,200" too). */
export function recordFromForm(agencyId: string, body: Record<string, unknown>): FormResult<RecordInput> {
  const on = dateFromInput(body, 'on')
  const typed = textOf(body.staffReached).replace(/[,\s]/g, '')
  const result = recordSchema.safeParse({
    agencyId,
    how: textOf(body.how) || undefined,
    on: on || undefined,
    staffReached: /^-?\d+$/.test(typed) ? Number(typed) : typed === '' ? undefined : typed,
    note: textOf(body.note),
  })
  if (result.success) return { ok: true, data: result.data }
  const errors: FieldError[] = fieldErrors(result.error).map((e) => {
    if (e.field === 'on' && !on) return { ...e, text: 'Enter the date it was passed on' }
    if (e.field === 'staffReached' && typed === '') return { ...e, text: 'Enter how many staff it reached' }
    return e
  })
  return { ok: false, errors }
}
