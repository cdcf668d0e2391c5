import type { FastifyReply } from 'fastify'
import { actionStatusNames, actionStatusTags } from '#features/actions/words.ts'
import type { FieldError } from '#platform/errors.ts'
import { ConflictError, ValidationError } from '#platform/errors.ts'
import type { FormResult } from '#platform/http/forms.ts'
import { errorFor, errorSummary } from '#platform/http/forms.ts'
import type { ReviewStatus } from './words.ts'
import {
  addresseeNames,
  addressees,
  responseNames,
  responses,
  responseTags,
  reviewDecisionNames,
  reviewDecisions,
  reviewStatuses,
  reviewStatusNames,
  reviewStatusTags,
  reviewTypeNames,
  reviewTypes,
} from './words.ts'

/** The words every review page names things with. */
export const words = {
  reviewTypes,
  reviewTypeNames,
  reviewStatuses,
  reviewStatusNames,
  reviewStatusTags,
  reviewDecisions,
  reviewDecisionNames,
  addressees,
  addresseeNames,
  responses,
  responseNames,
  responseTags,
  actionStatusNames,
  actionStatusTags,
}

/** What each step's button and page are called. */
export const stepNames: Record<ReviewStatus, string> = {
  notified: 'Notified',
  decision_made: 'Record the decision',
  in_progress: 'Mark as in progress',
  published: 'Record publication',
  actions_in_progress: 'Mark actions as in progress',
  closed: 'Close the review',
}

/** What a form was sent, to show again with its errors. */
export type Sent = { body?: Record<string, unknown>; errors?: FieldError[] }

/** Errors for the summary and the fields; one about the whole form links nowhere. */
export const shown = (errors: FieldError[]) => ({
  errors: errors.map((e) =>
    e.field === 'form' ? { text: e.text } : { text: e.text, href: errorSummary([e])[0]?.href },
  ),
  fieldErrors: errorFor(errors),
})

/**
 * Sends what a form read to the service. A form the page could not read, or a change the
 * service refuses, shows the form again with what is wrong (400 for the fields, 409 when the
 * review's state stops it); a change made goes to the page `change` answers.
 */
export async function sendForm<T>(
  reply: FastifyReply,
  form: FormResult<T>,
  again: (errors: FieldError[], status: 400 | 409) => Promise<unknown>,
  change: (data: T) => Promise<string>,
): Promise<unknown> {
  if (!form.ok) return again(form.errors, 400)
  try {
    return reply.redirect(await change(form.data), 303)
  } catch (error) {
    if (error instanceof ValidationError) return again(error.errors, 400)
    if (error instanceof ConflictError) return again([{ field: 'form', text: error.message }], 409)
    throw error
  }
}
