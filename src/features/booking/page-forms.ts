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

/** The applying form, as typed, into an application for the person it is for. */
export function applicationFromForm(
  body: Record<string, unknown>,
  personId: string,
  answers: Record<string, unknown> | null = null,
): { ok: true; data: ApplicationInput } | { ok: false; errors: { field: string; text: string }[] } {
  const otherDates = text(body.acceptsOtherDates)
  if (otherDates !== 'yes' && otherDates !== 'no')
    return {
      ok: false,
      errors: [{ field: 'acceptsOtherDates', text: 'Say whether another date of the course would do' }],
    }
  const parsed = applicationSchema.safeParse({
    personId,
    managerEmail: text(body.managerEmail),
    managerName: text(body.managerName) || null,
    acceptsOtherDates: otherDates === 'yes',
    accessNeeds: text(body.accessNeeds) || null,
    answers,
  })
  if (!parsed.success) return { ok: false, errors: fieldErrors(parsed.error) }
  return { ok: true, data: parsed.data }
}
