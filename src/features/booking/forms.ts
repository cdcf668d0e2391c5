import { z } from 'zod'

export const applicationStatuses = [
  'applied',
  'allocated',
  'waiting',
  'offered',
  'confirmed',
  'cancelled',
  'withdrawn',
] as const
export type ApplicationStatus = (typeof applicationStatuses)[number]

/** Applying for a session: for oneself, or by an agency lead for their staff. */
export const applicationSchema = z
  .object({
    personId: z.uuid({ message: 'Select who is applying' }),
    managerEmail: z
      .email({
        message: 'Enter the line manager’s email address in the correct format, like name@example.com',
      })
      .max(320, { message: 'Enter an email address of 320 characters or fewer' }),
    managerName: z
      .string()
      .trim()
      .max(200, { message: 'The line manager’s name must be 200 characters or fewer' })
      .nullable()
      .default(null),
    acceptsOtherDates: z
      .boolean({ message: 'Say whether another date of the course would do' })
      .default(false),
    accessNeeds: z
      .string()
      .trim()
      .max(2000, { message: 'Access needs must be 2,000 characters or fewer' })
      .nullable()
      .default(null),
    // The at-booking questionnaire of the course's evaluation plan, when the person applies for themselves.
    answers: z.record(z.string(), z.unknown()).nullish(),
  })
  .strict()
export type ApplicationInput = z.infer<typeof applicationSchema>

/**
 * The filter of the staff applications page: words in the person's name or the course's
 * title, a status, and the page. Anything else in the address is ignored.
 */
export const staffApplicationsFilterSchema = z.object({
  q: z
    .string()
    .trim()
    .max(200, { message: 'Search for 200 characters or fewer' })
    .optional()
    .transform((q) => q || undefined),
  status: z
    .enum(applicationStatuses, { message: 'Select a status from the list' })
    .optional()
    .or(z.literal('').transform(() => undefined)),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
})
export type StaffApplicationsFilter = z.infer<typeof staffApplicationsFilterSchema>
