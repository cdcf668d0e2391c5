import { z } from 'zod'
import { calendarDate } from '#platform/http/forms.ts'
import { grades, ratings } from '../words.ts'

const text = (max: number, label: string, missing: string) =>
  z
    .string({ message: missing })
    .trim()
    .min(1, { message: missing })
    .max(max, { message: `${label} must be ${max.toLocaleString('en-GB')} characters or fewer` })

export const GRADE_MESSAGE = 'Select the overall grade: outstanding, good, requires improvement or inadequate'
export const RATING_MESSAGE = 'Rate each standard: met, partly met, not met or not applicable'

export const observationRatingSchema = z
  .object({
    standardId: z.uuid({ message: 'Rate the standards of the version this observation uses' }),
    rating: z.enum(ratings, { message: RATING_MESSAGE }),
    notes: z
      .string()
      .trim()
      .max(5000, { message: 'Notes on a standard must be 5,000 characters or fewer' })
      .nullish()
      .transform((v) => v || null),
  })
  .strict()

/** An observation: of a session or of a pick, the day, the ratings per standard, the feedback and the grade. */
export const observationSchema = z
  .object({
    sessionId: z
      .uuid({ message: 'Choose a session from the list' })
      .optional()
      .describe('A multi-agency session observed'),
    pickId: z
      .uuid({ message: 'Choose a picked course from the list' })
      .optional()
      .describe('A single-agency course picked in a round (not set aside)'),
    observedOn: calendarDate('Enter the date of the observation as a real date, like 2026-11-23').describe(
      'The day observed, YYYY-MM-DD',
    ),
    observerName: text(200, 'The observer’s name', 'Enter the observer’s name')
      .optional()
      .describe('Who observed; the signed-in user’s name when left out'),
    ratings: z
      .array(observationRatingSchema)
      .max(100, { message: 'Rate each standard once' })
      .describe(
        'A rating for every standard of the version: the round’s for a pick, the current for a session',
      ),
    strengths: text(10_000, 'Strengths', 'Enter the strengths seen'),
    areasToDevelop: text(10_000, 'Areas to develop', 'Enter the areas to develop'),
    grade: z.enum(grades, { message: GRADE_MESSAGE }),
  })
  .strict()
  .refine((o) => (o.sessionId === undefined) !== (o.pickId === undefined), {
    message: 'Say what was observed: a session or a picked course, not both',
    path: ['sessionId'],
  })
export type ObservationInput = z.infer<typeof observationSchema>

export const responseSchema = z
  .object({ response: text(10_000, 'Your response', 'Enter your response to the feedback') })
  .strict()

export const reasonSchema = (missing: string) => z.object({ reason: text(2000, 'The reason', missing) })

export const drawSchema = z
  .object({
    seed: z
      .string()
      .trim()
      .min(1, { message: 'A seed has at least 1 character' })
      .max(64, { message: 'A seed has 64 characters or fewer' })
      .optional()
      .describe('The seed to draw from; a random one is made and recorded when left out'),
  })
  .strict()
