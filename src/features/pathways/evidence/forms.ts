import { z } from 'zod'
import { isCalendarDate } from '#platform/http/forms.ts'

/** The kinds of learning done elsewhere that a person can record. */
export const evidenceKinds = [
  'single_agency_course',
  'e_learning',
  'other_partnership_course',
  'conference',
  'shadowing',
  'supervision',
  'reflective_reading',
  'other',
] as const
export type EvidenceKind = (typeof evidenceKinds)[number]

export const evidenceKindNames: Record<EvidenceKind, string> = {
  single_agency_course: 'Single-agency course',
  e_learning: 'E-learning',
  other_partnership_course: 'Another partnership’s course',
  conference: 'Conference',
  shadowing: 'Shadowing',
  supervision: 'Supervision',
  reflective_reading: 'Reflective reading',
  other: 'Other learning',
}

export const evidenceStatuses = ['awaiting', 'verified', 'rejected'] as const
export type EvidenceStatus = (typeof evidenceStatuses)[number]
export const evidenceStatusNames: Record<EvidenceStatus, string> = {
  awaiting: 'Waiting for the agency lead',
  verified: 'Verified',
  rejected: 'Not accepted',
}

const text = (max: number, label: string, missing: string) =>
  z
    .string({ message: missing })
    .trim()
    .min(1, { message: missing })
    .max(max, { message: `${label} must be ${max} characters or fewer` })

export const evidenceSchema = z.object({
  kind: z.enum(evidenceKinds, { message: 'Select what kind of learning it was' }),
  title: text(200, 'The title', 'Enter the title of the learning'),
  provider: text(200, 'The provider', 'Enter who provided it'),
  completedOn: z
    .string({ message: 'Enter the date it was completed' })
    .refine(isCalendarDate, { message: 'Enter the date it was completed as a real date, like 2026-03-31' }),
  hours: z
    .number({ message: 'Enter the hours as a number, like 1.5' })
    .gt(0, { message: 'The hours must be more than 0' })
    .max(100, { message: 'The hours must be 100 or fewer' })
    .describe('Kept to the nearest minute'),
  requirementId: z.uuid({ message: 'Select a requirement of the pathway' }).nullish(),
})
export type EvidenceInput = z.output<typeof evidenceSchema>

export const decisionSchema = z.discriminatedUnion('decision', [
  z.object({ decision: z.literal('verified') }),
  z.object({
    decision: z.literal('rejected'),
    reason: text(2000, 'The reason', 'Say why the evidence is not accepted'),
  }),
])
export type Decision = z.output<typeof decisionSchema>
