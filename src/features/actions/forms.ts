import { z } from 'zod'
import { calendarDate } from '#platform/http/forms.ts'
import { actionStatuses, ownerStatuses } from './words.ts'

const text = (max: number, label: string, missing: string) =>
  z
    .string({ message: missing })
    .trim()
    .min(1, { message: missing })
    .max(max, { message: `${label} must be ${max.toLocaleString('en-GB')} characters or fewer` })

const dueDate = calendarDate('Enter the due date as a real date, like 2027-03-31')

/**
 * An action raised on a recommendation: what will be done, who owns it (one agency or one
 * sub-group, and a named person by their sign-in email), how we will know practice changed,
 * and when it is due.
 */
export const raiseSchema = z
  .object({
    description: text(5000, 'The action', 'Describe the action'),
    owningAgencyId: z.uuid({ message: 'Select the agency that owns the action' }).nullish(),
    owningSubgroupId: z.uuid({ message: 'Select the sub-group that owns the action' }).nullish(),
    ownerEmail: z
      .string({ message: 'Enter the email address the owner signs in with' })
      .trim()
      .min(1, { message: 'Enter the email address the owner signs in with' })
      .max(320, { message: 'The owner’s email address must be 320 characters or fewer' })
      .pipe(z.email({ message: 'Enter an email address in the correct format, like name@example.com' })),
    successMeasure: text(
      5000,
      'How we will know practice changed',
      'Say how you will know practice has changed',
    ),
    dueOn: dueDate,
  })
  .strict()
  .superRefine((input, ctx) => {
    if (!input.owningAgencyId === !input.owningSubgroupId)
      ctx.addIssue({
        code: 'custom',
        path: ['owningAgencyId'],
        message: 'Select either the agency or the sub-group that owns the action, not both',
      })
  })
export type RaiseInput = z.infer<typeof raiseSchema>

/** A progress update: a note, perhaps a new status, perhaps a link to evidence. */
export const updateSchema = z
  .object({
    note: text(10000, 'The update', 'Enter what has happened since the last update'),
    status: z.enum(ownerStatuses, { message: 'Select a status from the list' }).nullish(),
    evidenceUrl: z
      .string()
      .trim()
      .max(2000, { message: 'The link must be 2,000 characters or fewer' })
      .pipe(
        z.url({
          protocol: /^https$/,
          message: 'Enter a link to the evidence starting https://, like https://example.org/audit.pdf',
        }),
      )
      .nullish(),
  })
  .strict()
export type UpdateInput = z.infer<typeof updateSchema>

/** A new due date, with why: the date first agreed is kept. */
export const extendSchema = z
  .object({
    dueOn: calendarDate('Enter the new due date as a real date, like 2027-03-31'),
    reason: text(10000, 'The reason', 'Say why the due date is moving'),
  })
  .strict()
export type ExtendInput = z.infer<typeof extendSchema>

/** Signing off: what the evidence showed. */
export const verifySchema = z
  .object({ note: text(10000, 'The note', 'Say what the evidence shows about practice') })
  .strict()
export type VerifyInput = z.infer<typeof verifySchema>

const yes = z
  .union([z.boolean(), z.enum(['true', 'false', 'yes', ''])])
  .transform((v) => v === true || v === 'true' || v === 'yes')

/** The tracker's filters; each is optional and they narrow together. */
export const actionFilterSchema = z.object({
  agencyId: z.uuid().optional(),
  status: z.enum(actionStatuses).optional(),
  overdue: yes.optional(),
  theme: z.uuid().optional(),
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'Enter the due month as YYYY-MM' })
    .optional(),
  reviewId: z.uuid().optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
})
export type ActionFilter = z.infer<typeof actionFilterSchema>

/** The tracker shows this many actions a page. */
export const PAGE_SIZE = 50
