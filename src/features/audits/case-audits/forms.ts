import { z } from 'zod'
import { calendarDate } from '#platform/http/forms.ts'
import { caseGrades } from '../words.ts'
import { checkReference } from './reference-rules.ts'

const text = (max: number, label: string, missing: string) =>
  z
    .string({ message: missing })
    .trim()
    .min(1, { message: missing })
    .max(max, { message: `${label} must be ${max.toLocaleString('en-GB')} characters or fewer` })

/** Opening a themed case audit: what it is about, the questions in order, and who takes part. */
export const createCaseAuditSchema = z
  .object({
    title: text(200, 'The title', 'Enter a title for the audit, like Neglect case audit 2027'),
    themeId: z.uuid({ message: 'Select the audit’s theme' }),
    dueOn: calendarDate('Enter the date agencies answer by as a real date, like 2027-02-26'),
    questions: z
      .array(text(2000, 'A question', 'Enter the question'), { message: 'Enter the audit’s questions' })
      .min(1, { message: 'Enter at least one question' })
      .max(50, { message: 'Ask at most 50 questions' }),
    agencies: z
      .array(
        z
          .object({
            agencyId: z.uuid({ message: 'Select agencies from the list' }),
            // Left out: the agency's first lead (by email) is named.
            leadUserId: z.uuid({ message: 'Select the agency’s named lead from the list' }).nullish(),
          })
          .strict(),
        { message: 'Select the agencies taking part' },
      )
      .min(1, { message: 'Select at least one agency taking part' })
      .max(100, { message: 'Name at most 100 agencies' }),
  })
  .strict()
export type CreateCaseAuditInput = z.infer<typeof createCaseAuditSchema>

/** One agency's own case reference: never a name, date of birth or NHS number. */
export const caseReference = text(40, 'A case reference', 'Enter the agency’s case reference').superRefine(
  (value, ctx) => {
    const decision = checkReference(value)
    if (!decision.ok) ctx.addIssue({ code: 'custom', message: decision.message })
  },
)

/** A case of the sample, or more references for one: each involved agency's own reference. */
export const referencesSchema = z
  .object({
    references: z
      .array(
        z
          .object({ agencyId: z.uuid({ message: 'Select an agency taking part' }), reference: caseReference })
          .strict(),
      )
      .min(1, { message: 'Enter at least one agency’s case reference' })
      .max(100),
  })
  .strict()
export type ReferencesInput = z.infer<typeof referencesSchema>

/** An agency's answers to the audit's questions for one case; a blank answer is taken away. */
export const answersSchema = z
  .object({
    agencyId: z.uuid({ message: 'Select the agency answering' }),
    answers: z
      .array(
        z
          .object({
            questionId: z.uuid({ message: 'Name a question of the audit by its id' }),
            answer: z.string().trim().max(20000, { message: 'An answer must be 20,000 characters or fewer' }),
          })
          .strict(),
      )
      .max(50),
  })
  .strict()
  .superRefine((input, ctx) => {
    // A question answered twice in one save has no single answer to keep.
    const seen = new Set<string>()
    input.answers.forEach((a, i) => {
      if (seen.has(a.questionId))
        ctx.addIssue({
          code: 'custom',
          path: ['answers', i, 'questionId'],
          message: 'Answer each question once',
        })
      seen.add(a.questionId)
    })
  })
export type AnswersInput = z.infer<typeof answersSchema>

/** The panel day: when it met, who came, and what it concluded overall. */
export const panelSchema = z
  .object({
    panelOn: calendarDate('Enter the panel day as a real date, like 2027-03-10'),
    attendees: text(5000, 'The attendees', 'Enter who attended the panel'),
    summary: text(20000, 'The summary', 'Enter the panel’s summary'),
  })
  .strict()
export type PanelInput = z.infer<typeof panelSchema>

/** The panel's graded outcome for one case and what was learned from it. */
export const gradeSchema = z
  .object({
    grade: z.enum(caseGrades, { message: 'Select the case’s graded outcome' }),
    learning: text(20000, 'The learning', 'Enter the learning from the case'),
  })
  .strict()
export type GradeInput = z.infer<typeof gradeSchema>

/** A finding of the panel, perhaps about one case, perhaps tagged with themes. */
export const auditFindingSchema = z
  .object({
    text: text(10000, 'The finding', 'Enter the finding'),
    themes: z
      .array(z.uuid({ message: 'Select themes from the list' }))
      .max(50)
      .default([]),
    caseId: z.uuid({ message: 'Select a case of the sample' }).nullish(),
  })
  .strict()
export type AuditFindingInput = z.infer<typeof auditFindingSchema>

/** A case found to carry current risk: why, in words the agencies' leads act on. */
export const escalationSchema = z
  .object({ reason: text(5000, 'The reason', 'Enter why the case carries current risk') })
  .strict()
export type EscalationInput = z.infer<typeof escalationSchema>

/** An agency's acknowledgement of an escalation: what it has done or will do. */
export const acknowledgementSchema = z
  .object({
    agencyId: z.uuid({ message: 'Select the agency acknowledging' }),
    note: text(5000, 'The note', 'Enter what your agency has done about the risk'),
  })
  .strict()
export type AcknowledgementInput = z.infer<typeof acknowledgementSchema>
