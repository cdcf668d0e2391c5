import { z } from 'zod'
import { calendarDate } from '#platform/http/forms.ts'

/** Opening a cycle, as the API and the opening page send it. */
export const openCycleSchema = z
  .object({
    title: z
      .string({ message: 'Enter a title for the cycle, like Section 11 audit 2026-27' })
      .trim()
      .min(1, { message: 'Enter a title for the cycle, like Section 11 audit 2026-27' })
      .max(200, { message: 'The title must be 200 characters or fewer' }),
    versionId: z.uuid({ message: 'Choose the template, by its current version’s id' }),
    dueOn: calendarDate('Enter the due date as a real date, like 2027-01-29'),
    agencyIds: z
      .array(z.uuid({ message: 'Select agencies from the list' }))
      .min(1, { message: 'Select at least one agency to ask' })
      .max(1000),
    survey: z
      .object({ questionnaireId: z.uuid({ message: 'Choose a published questionnaire by its id' }) })
      .strict()
      .nullish()
      .transform((v) => v ?? null)
      .describe('An anonymous practitioner survey for each agency alongside, closing on the due date'),
    seniorLeads: z
      .record(z.string(), z.uuid({ message: 'Name the senior lead by their user id' }))
      .optional()
      .describe(
        'The senior lead of each agency, by agency id: one of its agency leads (the first when left out)',
      ),
    reviewers: z
      .record(z.string(), z.uuid({ message: 'Name the reviewer by their user id' }))
      .optional()
      .describe(
        'The reviewer of each agency’s return, by agency id: a sub-group, executive or admin member not of the agency',
      ),
  })
  .strict()
export type OpenCycleInput = z.input<typeof openCycleSchema>

/** The people of one return, as the cycle page changes them. */
export type ReturnPeople = {
  returnId: string
  seniorLeadUserId: string | null
  reviewerUserId: string | null
}
