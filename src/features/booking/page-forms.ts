import { z } from 'zod'
import { fieldErrors, formText as text } from '#platform/http/forms.ts'
import type { ApplicationInput, ApplicationStatus } from './forms.ts'
import { applicationSchema } from './forms.ts'

export const statusNames: Record<ApplicationStatus, string> = {
  applied: 'Applied',
  allocated: 'Place proposed',
  waiting: 'On the waiting list',
  offered: 'Place offered',
  confirmed: 'Place confirmed',
  cancelled: 'Cancelled',
  withdrawn: 'Withdrawn',
}

export type Parsed<T> = { ok: true; data: T } | { ok: false; errors: { field: string; text: string }[] }

const detailsSchema = applicationSchema.omit({ personId: true })

/**
 * The applying form, as typed, into the application's details; who it is for is read
 * separately (`staffChoiceFromForm`), or is the person applying for themselves.
 */
export function applicationFromForm(
  body: Record<string, unknown>,
  answers: Record<string, unknown> | null,
): Parsed<Omit<ApplicationInput, 'personId'>> {
  return parse(detailsSchema, body, { answers })
}

/** Whom a lead or an admin applies for: someone chosen from their staff's list, or given by work email. */
export type StaffChoice = { personId: string } | { email: string }

/**
 * The person chosen on the applying form. The list and the email box are both on the form, so
 * one of them is needed, and not both: two different people would leave it unclear whom the
 * place is for.
 */
export function staffChoiceFromForm(body: Record<string, unknown>): Parsed<StaffChoice> {
  const personId = text(body.personId)
  const email = text(body.personEmail)
  if (personId && email)
    return {
      ok: false,
      errors: [
        { field: 'personId', text: 'Choose someone from the list or give their email address, not both' },
      ],
    }
  if (email) return { ok: true, data: { email } }
  if (!personId)
    return {
      ok: false,
      errors: [{ field: 'personId', text: 'Choose who the place is for, or give their work email address' }],
    }
  if (!z.uuid().safeParse(personId).success)
    return { ok: false, errors: [{ field: 'personId', text: 'Choose someone from the list' }] }
  return { ok: true, data: { personId } }
}

function parse<T>(
  schema: { safeParse(value: unknown): { success: true; data: T } | { success: false; error: z.ZodError } },
  body: Record<string, unknown>,
  extra: Record<string, unknown>,
): Parsed<T> {
  // Every problem with the form is reported at once, the choice of dates among them.
  const otherDates = text(body.acceptsOtherDates)
  const datesProblem =
    otherDates === 'yes' || otherDates === 'no'
      ? []
      : [{ field: 'acceptsOtherDates', text: 'Say whether another date of the course would do' }]
  const parsed = schema.safeParse({
    ...extra,
    managerEmail: text(body.managerEmail),
    managerName: text(body.managerName) || null,
    acceptsOtherDates: otherDates === 'yes',
    accessNeeds: text(body.accessNeeds) || null,
  })
  if (!parsed.success) return { ok: false, errors: [...datesProblem, ...fieldErrors(parsed.error)] }
  if (datesProblem.length) return { ok: false, errors: datesProblem }
  return { ok: true, data: parsed.data }
}
