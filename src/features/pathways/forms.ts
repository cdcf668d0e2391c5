import { z } from 'zod'

const text = (max: number, label: string, missing: string) =>
  z
    .string({ message: missing })
    .trim()
    .min(1, { message: missing })
    .max(max, { message: `${label} must be ${max.toLocaleString('en-GB')} characters or fewer` })

export const pathwayStatuses = ['active', 'retired'] as const

export const requirementSchema = z.object({
  id: z.uuid({ message: 'A requirement’s id must be one of the pathway’s requirements' }).optional(),
  title: text(200, 'A requirement’s title', 'Enter what each requirement is'),
  required: z.boolean({ message: 'Say whether each requirement is required or optional' }),
  refresherMonths: z
    .number({ message: 'Enter the refresher interval in whole months' })
    .int({ message: 'Enter the refresher interval in whole months' })
    .min(1, { message: 'A refresher interval must be at least 1 month' })
    .max(240, { message: 'A refresher interval must be 240 months (20 years) or fewer' })
    .nullable()
    .describe('Months until the requirement must be refreshed; null when it never lapses'),
  courseIds: z
    .array(z.uuid({ message: 'Choose courses from the programme' }))
    .max(20, { message: 'A requirement can be met by at most 20 equivalent courses' })
    .describe('Any one of these courses meets the requirement'),
})
export type RequirementInput = z.output<typeof requirementSchema>

const pathwayFields = {
  title: text(200, 'The title', 'Enter the pathway’s title'),
  audience: text(2000, 'Who it is for', 'Say who the pathway is for'),
  summary: z
    .string()
    .trim()
    .max(5000, { message: 'The summary must be 5,000 characters or fewer' })
    .nullable(),
  status: z.enum(pathwayStatuses, { message: 'A pathway is active or retired' }),
  requirements: z
    .array(requirementSchema)
    .min(1, { message: 'Add at least one requirement' })
    .max(30, { message: 'A pathway can have at most 30 requirements' }),
}

export const pathwaySchema = z.object({
  ...pathwayFields,
  summary: pathwayFields.summary.optional().default(null),
  status: pathwayFields.status.optional().default('active'),
})
export type PathwayInput = z.output<typeof pathwaySchema>

export const pathwayPatchSchema = z.object(pathwayFields).partial()
export type PathwayPatch = z.output<typeof pathwayPatchSchema>

const answerSchema = z.object({
  label: text(100, 'An answer', 'Enter each answer'),
  next: z.string().optional().describe('The id of the question this answer leads to'),
  pathwayId: z
    .uuid({ message: 'Choose a pathway for the answer' })
    .optional()
    .describe('The pathway this answer ends on'),
})

export const treeSchema = z.object({
  start: z.string({ message: 'Choose the question the tree starts with' }),
  questions: z
    .array(
      z.object({
        id: z.string().regex(/^[a-z0-9-]{1,40}$/, {
          message: 'A question’s id is up to 40 lower-case letters, digits and dashes',
        }),
        text: text(300, 'A question', 'Enter each question'),
        hint: z.string().trim().max(1000, { message: 'A hint must be 1,000 characters or fewer' }).optional(),
        answers: z
          .array(answerSchema)
          .min(2, { message: 'Each question needs at least two answers' })
          .max(6, { message: 'A question can have at most six answers' }),
      }),
    )
    .min(1, { message: 'Add at least one question' })
    .max(30, { message: 'A tree can have at most 30 questions' }),
})
