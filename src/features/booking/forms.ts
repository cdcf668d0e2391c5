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
