import { z } from 'zod'
import { calendarDate } from '#platform/http/forms.ts'
import { MOST_OPTIONS, MOST_QUESTIONS, questionKinds } from './rules.ts'

const text = (max: number, label: string, missing: string) =>
  z
    .string({ message: missing })
    .trim()
    .min(1, { message: missing })
    .max(max, { message: `${label} must be ${max.toLocaleString('en-GB')} characters or fewer` })

export const optionSchema = z
  .object({
    text: text(200, 'An option', 'Enter the words of each option'),
    correct: z.boolean().default(false).describe('Whether this option is a right answer'),
  })
  .strict()

/** One question of the quiz: its words, single or multiple choice, and its options with the right ones marked. */
export const questionSchema = z
  .object({
    text: text(500, 'A question', 'Enter the question'),
    kind: z.enum(questionKinds, { message: 'Select whether the question has one right answer or several' }),
    options: z
      .array(optionSchema)
      .min(2, { message: 'A question needs at least 2 options' })
      .max(MOST_OPTIONS, { message: `A question has ${MOST_OPTIONS} options or fewer` }),
  })
  .strict()
export type QuestionInput = z.infer<typeof questionSchema>

const ids = (what: string) =>
  z
    .array(z.uuid({ message: `Select ${what} from the list` }))
    .max(50, { message: `Choose 50 ${what} or fewer` })
    .default([])

/** A draft audit's details: its title, the learning it tests, the sample size and the closing date. */
export const detailsSchema = z
  .object({
    title: text(200, 'The title', 'Enter a title for the knowledge audit'),
    productIds: ids('products').describe('Published learning products the audit tests'),
    reviewIds: ids('reviews').describe('Published case reviews the audit tests'),
    sampleSize: z
      .number({ message: 'Enter the sample size as a whole number' })
      .int({ message: 'Enter the sample size as a whole number' })
      .min(1, { message: 'The sample must be at least 1 person' })
      .max(5000, { message: 'The sample must be 5,000 people or fewer' })
      .optional()
      .describe('How many practitioners to ask; the policy’s knowledge audit sample size when left out'),
    closesOn: calendarDate('Enter the closing date as a real date, like 2027-03-31').describe(
      'The last day answers are taken, YYYY-MM-DD',
    ),
  })
  .strict()
export type DetailsInput = z.infer<typeof detailsSchema>

/** A new draft with its quiz, as the API takes it. */
export const auditSchema = detailsSchema
  .extend({
    questions: z
      .array(questionSchema)
      .max(MOST_QUESTIONS, { message: `A knowledge audit has ${MOST_QUESTIONS} questions or fewer` })
      .default([]),
  })
  .strict()
export type AuditInput = z.infer<typeof auditSchema>
