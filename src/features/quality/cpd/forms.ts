import { z } from 'zod'
import { calendarDate } from '#platform/http/forms.ts'

const longText = (what: string) =>
  z
    .string({ message: `Enter ${what}` })
    .trim()
    .min(1, { message: `Enter ${what}` })
    .max(10_000, { message: 'Write 10,000 characters or fewer' })

/** The annual CPD questionnaire through the API. */
export const cpdReturnSchema = z
  .object({
    completedOn: calendarDate('Enter the date the questionnaire was returned, like 2026-11-20')
      .optional()
      .describe('The day the trainer returned the questionnaire; today (London) when left out'),
    activities: longText('the CPD they did').describe('What CPD the trainer did this year'),
    hours: z
      .number({ message: 'Enter the hours of CPD, like 7.5' })
      .describe('Hours of CPD, to one decimal place, like 7.5'),
    deliveryUpdates: longText('what they updated in their delivery').describe(
      'What they updated in their delivery as a result',
    ),
    reviewIds: z
      .array(z.uuid({ message: 'Select published reviews' }))
      .max(500)
      .default([])
      .describe('Published case reviews whose learning they have read'),
  })
  .strict()
export type CpdReturnBody = z.infer<typeof cpdReturnSchema>

/** What a CPD return carries once checked: the hours in tenths, the date given or not. */
export type CpdInput = {
  completedOn: string | null
  activities: string
  tenths: number
  deliveryUpdates: string
  reviewIds: string[]
}

/** The questionnaire's page: hours typed as text; a date only when an admin records it. */
export const cpdPageSchema = z.object({
  activities: longText('the CPD you did this year'),
  hours: z
    .string()
    .trim()
    .min(1, { message: 'Enter the hours of CPD, like 7.5' })
    .max(12, { message: 'Enter the hours of CPD as a number, like 7.5' }),
  deliveryUpdates: longText('what you updated in your delivery'),
  reviewIds: z.array(z.uuid({ message: 'Select from the list of reviews' })).max(500),
})
