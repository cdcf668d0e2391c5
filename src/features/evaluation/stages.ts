import type { FieldError } from '#platform/errors.ts'
import { ConflictError, ValidationError } from '#platform/errors.ts'
import type { Question } from './questions.ts'
import { answerProblems } from './questions.ts'

/** The three moments a course is evaluated: when applying, straight after, and months on. */
export const stages = ['at_booking', 'after_course', 'follow_up'] as const
export type Stage = (typeof stages)[number]

/** Where a course's evaluation plan names each stage's questionnaire. */
export const planKeys = {
  at_booking: 'atBooking',
  after_course: 'afterCourse',
  follow_up: 'followUp',
} as const

export const stageNames: Record<Stage, string> = {
  at_booking: 'At booking',
  after_course: 'After the course',
  follow_up: 'Follow-up',
}

export const planOutcomes = ['done', 'partly', 'not_done'] as const
export type PlanOutcome = (typeof planOutcomes)[number]
export const planOutcomeNames: Record<PlanOutcome, string> = {
  done: 'Yes, I have done it',
  partly: 'Partly',
  not_done: 'Not yet',
}

export type ActionPlan = { prompt: string; action: string; by: string }

/** One booking's questionnaire for one stage, and what decides whether it may be answered. */
export type StageForm = {
  applicationId: string
  stage: Stage
  personName: string
  personEmail: string
  userId: string | null
  agencyId: string
  managerEmail: string
  sessionId: string
  courseId: string
  courseTitle: string
  startsAt: Date
  objectives: string[]
  questionnaireId: string | null
  title: string | null
  versionId: string | null
  version: number | null
  questions: Question[]
  attended: boolean
  answered: boolean
  /** At the follow-up: what the person said after the course they would do. */
  actionPlans: ActionPlan[]
}

export type Answer = { answers: Record<string, unknown>; planOutcome?: PlanOutcome | null }

/**
 * Why a stage's answers cannot be taken: no published questionnaire, someone the register
 * does not show, a second answer, answers that do not fit their questions. Throws the refusal.
 */
export function refuseAnswer(form: StageForm, answer: Answer): void {
  if (!form.versionId) throw new ConflictError('This course has no questionnaire to answer at this stage')
  if (form.stage !== 'at_booking' && !form.attended)
    throw new ValidationError([
      { field: 'bookingId', text: 'The register does not show you at this session' },
    ])
  if (form.answered) throw new ConflictError('You have already answered this stage of the evaluation')
  const problems: FieldError[] = answerProblems(form.questions, answer.answers, form.objectives)
  if (form.stage === 'follow_up' && form.actionPlans.length && !answer.planOutcome)
    problems.push({ field: 'planOutcome', text: 'Say whether you have done what you planned' })
  if (problems.length) throw new ValidationError(problems)
}
