import { z } from 'zod'

/** The longest narrative kept for one standard (the column allows as much). */
export const NARRATIVE_MAX = 20000

/**
 * One answer as saved: a rating (checked against the template's scale by the service, which
 * knows it), a narrative, and the version the saver last read (0 for a first answer).
 */
export const answerSchema = z
  .object({
    rating: z
      .string({ message: 'Choose a rating' })
      .nullish()
      .transform((v) => v || null),
    narrative: z
      .string()
      .trim()
      .max(NARRATIVE_MAX, { message: 'The narrative must be 20,000 characters or fewer' })
      .nullish()
      .transform((v) => v || null),
    version: z
      .number({ message: 'Give the version of the answer you last read, or 0 for a first answer' })
      .int({ message: 'The version is a whole number' })
      .min(0, { message: 'The version is 0 or more' })
      .default(0),
  })
  .strict()
export type AnswerInput = z.input<typeof answerSchema>

/** Naming a colleague on a return, by the email they sign in with. */
export const contributorSchema = z.object({
  email: z
    .string()
    .trim()
    .min(1, { message: 'Enter the email address of a colleague from your agency' })
    .pipe(z.email({ message: 'Enter an email address, like name@agency.org.uk' })),
})
