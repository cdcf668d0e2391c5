import { z } from 'zod'
import { calendarDate } from '#platform/http/forms.ts'
import { resolutions, reviews, scaleRatings } from '../words.ts'

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

const standardId = z.uuid({ message: 'Name a standard of the return by its id' })

/** A reviewer's view of every answer: agreed, or challenged with a note saying why. */
export const reviewSchema = z
  .object({
    answers: z
      .array(
        z
          .object({
            standardId,
            review: z.enum(reviews, { message: 'Choose agreed or challenged' }),
            note: optionalText(10000, 'The note'),
          })
          .strict(),
      )
      .max(500),
  })
  .strict()
export type ReviewInput = z.infer<typeof reviewSchema>

const anyRating = z.enum([...scaleRatings.four_point, ...scaleRatings.rag], {
  message: 'Choose a rating from the template’s scale',
})

/** How a challenge event settled one challenged answer. */
export const settlementSchema = z
  .object({
    returnId: z.uuid({ message: 'Name a return discussed at the event by its id' }),
    standardId,
    resolution: z.enum(resolutions, { message: 'Choose agreed or revised' }),
    revisedRating: anyRating.nullish().transform((v) => v ?? null),
    note: optionalText(10000, 'The note'),
  })
  .strict()
export type SettlementInput = z.infer<typeof settlementSchema>

/** A challenge event: when, who came, what was said, the returns discussed and what was settled. */
export const eventSchema = z
  .object({
    heldOn: calendarDate('Enter the date of the event as a real date, like 2027-02-15'),
    attendees: text(5000, 'The attendees', 'Enter who attended'),
    notes: optionalText(20000, 'The notes'),
    returnIds: z
      .array(z.uuid({ message: 'Select returns from the list' }))
      .min(1, { message: 'Select the returns discussed at the event' })
      .max(1000),
    settlements: z.array(settlementSchema).max(5000).default([]),
  })
  .strict()
export type EventInput = z.infer<typeof eventSchema>

/** One action of an agency's plan, answering a standard its return ends below good on. */
export const planActionSchema = z
  .object({
    standardId,
    description: text(5000, 'The action', 'Describe the action'),
    successMeasure: text(5000, 'How you will know', 'Say how you will know the action worked'),
    dueOn: calendarDate('Enter the action’s due date as a real date, like 2027-03-31'),
    ownerUserId: z.uuid({ message: 'Choose the action’s owner from the agency’s leads' }),
  })
  .strict()
export type PlanActionInput = z.infer<typeof planActionSchema>
