import { z } from 'zod'
import { isCalendarDate } from '#platform/http/forms.ts'

/**
 * The kinds of question a questionnaire is built from: a 1-5 agreement scale, a 0-10
 * confidence scale, single and multiple choice, free text, and an action plan (what the
 * person will do differently, by when).
 */
export const questionKinds = [
  'agreement',
  'confidence',
  'single_choice',
  'multiple_choice',
  'free_text',
  'action_plan',
] as const

const id = z
  .string()
  .regex(/^[a-z0-9-]{1,40}$/, { message: 'A question’s id is 1 to 40 lower-case letters, digits or dashes' })
const prompt = z
  .string()
  .trim()
  .min(1, { message: 'Each question needs its wording' })
  .max(500, { message: 'A question must be 500 characters or fewer' })
const options = z
  .array(z.string().trim().min(1, { message: 'An option cannot be empty' }).max(200))
  .min(2, { message: 'A choice needs at least 2 options' })
  .max(20, { message: 'A choice has 20 options or fewer' })

export const questionSchema = z.discriminatedUnion(
  'kind',
  [
    z.object({ id, kind: z.literal('agreement'), prompt, required: z.boolean().default(true) }).strict(),
    // With `perObjective`, one 0-10 scale for each of the course's learning objectives.
    z
      .object({
        id,
        kind: z.literal('confidence'),
        prompt,
        perObjective: z.boolean().default(false),
        required: z.boolean().default(true),
      })
      .strict(),
    z
      .object({ id, kind: z.literal('single_choice'), prompt, options, required: z.boolean().default(true) })
      .strict(),
    z
      .object({
        id,
        kind: z.literal('multiple_choice'),
        prompt,
        options,
        required: z.boolean().default(false),
      })
      .strict(),
    z.object({ id, kind: z.literal('free_text'), prompt, required: z.boolean().default(false) }).strict(),
    z.object({ id, kind: z.literal('action_plan'), prompt, required: z.boolean().default(false) }).strict(),
  ],
  { message: `A question’s kind is one of ${questionKinds.join(', ')}` },
)
export type Question = z.infer<typeof questionSchema>

export const questionsSchema = z
  .array(questionSchema)
  .max(100, { message: 'A questionnaire has 100 questions or fewer' })
  .refine((qs) => new Set(qs.map((q) => q.id)).size === qs.length, {
    message: 'Each question needs its own id',
  })

const FREE_TEXT = 5_000

/**
 * The confidence scale every questionnaire asks on, and knowledge audits with it: its range and
 * the words at its ends. The page's scale (`scale` in views/questions.njk) shows the same.
 */
export const confidenceScale = {
  lowest: 0,
  highest: 10,
  lowestWords: 'not at all confident',
  highestWords: 'completely confident',
} as const

/** What to say when a confidence answer is missing or off the scale. */
export const confidenceScaleMessage = `Choose from ${confidenceScale.lowest} (${confidenceScale.lowestWords}) to ${confidenceScale.highest} (${confidenceScale.highestWords})`

const isScore = (answer: unknown, top: number) =>
  Number.isInteger(answer) && (answer as number) >= 0 && (answer as number) <= top

/**
 * One answer checked against its question: a message when it is not a valid answer, else null.
 * A confidence question asked per objective takes one score for each of the course's objectives
 * when it is required; when it is optional each objective is, so a score may be left out (null)
 * for any of them, as for all of them.
 */
function answerProblem(question: Question, answer: unknown, objectives: readonly string[]): string | null {
  const missing =
    answer === undefined || answer === null || answer === '' || (Array.isArray(answer) && !answer.length)
  const perObjective = question.kind === 'confidence' && question.perObjective
  const eachObjective = `${confidenceScaleMessage} for each objective`
  if (missing && !question.required) return null
  if (missing)
    return perObjective
      ? eachObjective
      : question.kind === 'action_plan'
        ? 'Say what you will do differently'
        : 'Answer this question'
  if (perObjective)
    return Array.isArray(answer) &&
      answer.length === objectives.length &&
      answer.every((a) => isScore(a, 10) || (a === null && !question.required))
      ? null
      : eachObjective
  switch (question.kind) {
    case 'agreement':
      return Number.isInteger(answer) && (answer as number) >= 1 && (answer as number) <= 5
        ? null
        : 'Choose from 1 (strongly disagree) to 5 (strongly agree)'
    case 'confidence':
      return isScore(answer, confidenceScale.highest) ? null : confidenceScaleMessage
    case 'single_choice':
      return typeof answer === 'string' && question.options.includes(answer)
        ? null
        : 'Choose one of the options'
    case 'multiple_choice':
      return Array.isArray(answer) &&
        answer.every((a) => typeof a === 'string' && question.options.includes(a)) &&
        new Set(answer).size === answer.length
        ? null
        : 'Choose from the options, each once'
    case 'free_text':
      if (typeof answer !== 'string') return 'Write your answer as text'
      return answer.length <= FREE_TEXT
        ? null
        : `Keep your answer to ${FREE_TEXT.toLocaleString('en-GB')} characters or fewer`
    case 'action_plan': {
      const plan = answer as { action?: unknown; by?: unknown }
      if (typeof plan !== 'object' || typeof plan.action !== 'string' || !plan.action.trim())
        return 'Say what you will do differently'
      if (plan.action.length > FREE_TEXT)
        return `Keep your plan to ${FREE_TEXT.toLocaleString('en-GB')} characters or fewer`
      if (typeof plan.by !== 'string' || !isCalendarDate(plan.by))
        return 'Say by when you will do it, as a real date'
      return null
    }
  }
}

/** The questions as put to someone: a per-objective scale is left out when there are no objectives. */
export function questionsFor(questions: readonly Question[], objectives: readonly string[]): Question[] {
  return questions.filter((q) => !(q.kind === 'confidence' && q.perObjective && !objectives.length))
}

/**
 * Every problem with a set of answers to these questions, by question id; none when all are
 * fine. `objectives` are the course's, for confidence asked per objective.
 */
export function answerProblems(
  allQuestions: readonly Question[],
  answers: Record<string, unknown>,
  objectives: readonly string[] = [],
): { field: string; text: string }[] {
  const questions = questionsFor(allQuestions, objectives)
  const known = new Set(questions.map((q) => q.id))
  const problems = questions.flatMap((q) => {
    const problem = answerProblem(q, answers[q.id], objectives)
    return problem ? [{ field: `answers.${q.id}`, text: problem }] : []
  })
  for (const key of Object.keys(answers))
    if (!known.has(key))
      problems.push({ field: `answers.${key}`, text: 'This questionnaire has no such question' })
  return problems
}
