import { z } from 'zod'
import { calendarDate } from '#platform/http/forms.ts'
import { outcomes, ratings } from '../words.ts'

const text = (max: number, label: string, missing: string) =>
  z
    .string({ message: missing })
    .trim()
    .min(1, { message: missing })
    .max(max, { message: `${label} must be ${max.toLocaleString('en-GB')} characters or fewer` })

const optionalText = (max: number, label: string) =>
  z
    .string()
    .trim()
    .max(max, { message: `${label} must be ${max.toLocaleString('en-GB')} characters or fewer` })
    .nullish()
    .transform((v) => v || null)

/** A link to evidence: https only, so nothing runs from it. */
export const evidenceUrl = z
  .string()
  .trim()
  .max(2000, { message: 'The link must be 2,000 characters or fewer' })
  .pipe(
    z.union([
      z.literal(''),
      z.url({
        protocol: /^https$/,
        message: 'Enter a link to the evidence starting https://, like https://example.org/training-plan.pdf',
      }),
    ]),
  )
  .nullish()
  .transform((v) => v || null)

/** Opening a round: its title, the due date, and the agencies asked (every active one when none is named). */
export const openRoundSchema = z
  .object({
    title: text(200, 'The title', 'Enter a title for the round, like Self-assessment 2027'),
    dueOn: calendarDate('Enter the due date as a real date, like 2027-03-31'),
    agencyIds: z
      .array(z.uuid({ message: 'Select agencies from the list' }))
      .max(1000)
      .optional(),
  })
  .strict()
export type OpenRoundInput = z.infer<typeof openRoundSchema>

export const courseTitle = text(200, 'The course title', 'Enter the course’s title')

/** One course's answer to one standard. A blank rating is kept while the return is worked on. */
export const ratingSchema = z
  .object({
    standardId: z.uuid({ message: 'Name a standard of the round’s version by its id' }),
    rating: z
      .enum(ratings, { message: 'Choose met, partly_met, not_met or not_applicable' })
      .nullish()
      .transform((v) => v ?? null),
    narrative: optionalText(10000, 'The narrative'),
    evidenceNote: optionalText(5000, 'The evidence note'),
    evidenceUrl,
  })
  .strict()
export type RatingInput = z.infer<typeof ratingSchema>

/** A return's courses and ratings, replacing what was saved before. */
export const saveReturnSchema = z
  .object({
    courses: z
      .array(z.object({ title: courseTitle, ratings: z.array(ratingSchema).max(100).default([]) }).strict())
      .max(100, { message: 'List at most 100 courses' }),
  })
  .strict()
export type SaveReturnInput = z.infer<typeof saveReturnSchema>

export const reviewActionSchema = z
  .object({
    description: text(5000, 'The action', 'Describe the action'),
    dueOn: calendarDate('Enter the action’s due date as a real date, like 2027-03-31'),
    successMeasure: text(5000, 'How we will know', 'Say how you will know the action worked'),
    standardId: z
      .uuid({ message: 'Name a standard of the round’s version by its id' })
      .nullish()
      .transform((v) => v ?? null),
  })
  .strict()
export type ReviewActionInput = z.infer<typeof reviewActionSchema>

/** A review: feedback per standard (each optional), an overall outcome and summary, and actions when assured with actions. */
export const reviewSchema = z
  .object({
    outcome: z.enum(outcomes, { message: 'Choose assured, assured_with_actions or not_assured' }),
    summary: text(10000, 'The summary', 'Enter an overall summary of your feedback'),
    feedback: z
      .array(
        z
          .object({
            standardId: z.uuid({ message: 'Name a standard of the round’s version by its id' }),
            feedback: text(10000, 'Feedback', 'Enter the feedback, or leave the standard out'),
          })
          .strict(),
      )
      .max(100)
      .default([]),
    actions: z.array(reviewActionSchema).max(50).default([]),
  })
  .strict()
export type ReviewInput = z.infer<typeof reviewSchema>
