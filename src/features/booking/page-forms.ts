import type { z } from 'zod'
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

type Parsed<T> = { ok: true; data: T } | { ok: false; errors: { field: string; text: string }[] }

/** The applying form, as typed, into an application for the person it is for. */
export function applicationFromForm(
  body: Record<string, unknown>,
  personId: string,
  answers: Record<string, unknown> | null = null,
): Parsed<ApplicationInput> {
  return parse(applicationSchema, body, { personId, answers })
}

const ownApplicationSchema = applicationSchema.omit({ personId: true })

/** The applying form of someone applying for themselves, who is found as the application is made. */
export function ownApplicationFromForm(
  body: Record<string, unknown>,
  answers: Record<string, unknown> | null,
): Parsed<Omit<ApplicationInput, 'personId'>> {
  return parse(ownApplicationSchema, body, { answers })
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
