import { z } from 'zod'
import { calendarDate } from '#platform/http/forms.ts'

/** How far the service meets WCAG, in the words of the 2018 regulations' model statement. */
export const complianceStatuses = ['full', 'partial', 'none'] as const
export type ComplianceStatus = (typeof complianceStatuses)[number]

const text = (max: number, label: string) =>
  z
    .string({ message: `Enter ${label}` })
    .trim()
    .max(max, {
      message: `${label[0]?.toUpperCase()}${label.slice(1)} must be ${max.toLocaleString('en-GB')} characters or fewer`,
    })

const optionalDate = (label: string) =>
  z.union([z.literal(''), calendarDate(`Enter ${label} as a real date, like 24 11 2026`)])

/**
 * A partnership's privacy notice and accessibility statement details, as typed on the page or
 * sent to the API. Everything may be left empty: the pages then say what is missing.
 */
export const statementForm = z
  .object({
    controllerName: text(200, 'the data controller’s name'),
    controllerAddress: text(500, 'the data controller’s address'),
    dpoName: text(200, 'the data protection officer’s name'),
    dpoContact: text(500, 'how to contact the data protection officer'),
    purposes: text(5000, 'why personal data is held'),
    lawfulBasis: text(5000, 'the lawful basis'),
    complianceStatus: z
      .union([z.literal(''), z.enum(complianceStatuses)], {
        message: 'Select how far the service meets the accessibility standard',
      })
      .transform((v) => (v === '' ? null : v)),
    knownIssues: text(10000, 'the content that is not accessible'),
    reportContact: text(500, 'how to report an accessibility problem'),
    preparedOn: optionalDate('the date the statement was prepared').transform((v) => v || null),
    reviewedOn: optionalDate('the date the statement was last reviewed').transform((v) => v || null),
  })
  .superRefine((form, issues) => {
    if (form.preparedOn && form.reviewedOn && form.reviewedOn < form.preparedOn)
      issues.addIssue({
        code: 'custom',
        path: ['reviewedOn'],
        message: 'The date of the last review must be on or after the date the statement was prepared',
      })
  })

export type StatementInput = z.output<typeof statementForm>
