import { z } from 'zod'
import { calendarDate } from '#platform/http/forms.ts'

/** Approving a person to deliver a course, once they completed train-the-trainer for it. */
export const approvalSchema = z
  .object({
    personId: z.uuid({ message: 'Select the trainer' }),
    courseId: z.uuid({ message: 'Select the course' }),
    trainedOn: calendarDate('Enter the date they completed train-the-trainer, like 2026-03-10'),
    cpdCompletedOn: calendarDate('Enter the date of their last CPD questionnaire, like 2026-03-10')
      .nullable()
      .default(null),
  })
  .strict()
export type ApprovalInput = z.infer<typeof approvalSchema>

/** Recording a CPD questionnaire, or withdrawing an approval with a reason. */
export const approvalPatchSchema = z
  .object({
    cpdCompletedOn: calendarDate('Enter the date of their CPD questionnaire, like 2026-03-10')
      .optional()
      .describe(
        'Deprecated, kept for older clients: moves only this approval’s date. Record the questionnaire with POST /api/v1/trainers/{id}/cpd instead.',
      ),
    withdrawnReason: z
      .string({ message: 'Enter why the approval is withdrawn' })
      .trim()
      .min(1, { message: 'Enter why the approval is withdrawn' })
      .max(2000, { message: 'The reason must be 2,000 characters or fewer' })
      .optional(),
  })
  .strict()
export type ApprovalPatch = z.infer<typeof approvalPatchSchema>

export const approvalFilterSchema = z.object({
  courseId: z.uuid().optional(),
  personId: z.uuid().optional(),
})
export type ApprovalFilter = z.infer<typeof approvalFilterSchema>
