import type { FieldError } from '#platform/errors.ts'

/**
 * A knowledge audit's quiz and how it is marked. South Gloucestershire audits practitioners'
 * knowledge of the learning every six months: short single- and multiple-choice questions
 * with the right answers marked, so each answer is marked right or wrong the same way for
 * everyone.
 */

export const questionKinds = ['single', 'multiple'] as const
export type QuestionKind = (typeof questionKinds)[number]

export const questionKindNames: Record<QuestionKind, string> = {
  single: 'Single choice: one right answer',
  multiple: 'Multiple choice: one or more right answers',
}

export type QuizOption = { text: string; correct: boolean }
export type QuizQuestion = { text: string; kind: QuestionKind; options: QuizOption[] }

/** The evaluation's confidence scale, asked at the end of every knowledge audit in these words. */
export const confidencePrompt = 'How confident do you feel about putting this learning into practice?'

/** The most questions a quiz may have: a short quiz, answered in a few minutes. */
export const MOST_QUESTIONS = 20
export const MOST_OPTIONS = 10

/**
 * What is wrong with a quiz's marking, each with the words a person reads: a question with no
 * right answer marked cannot be marked; a single-choice question needs exactly one; two
 * options the same cannot be told apart. `field` names the question by its place, from 0.
 */
export function quizProblems(
  questions: readonly Pick<QuizQuestion, 'kind' | 'options'>[],
  first = 0,
): FieldError[] {
  return questions.flatMap((question, i) => {
    const n = first + i + 1
    const field = `questions.${first + i}.options`
    const right = question.options.filter((o) => o.correct).length
    const texts = question.options.map((o) => o.text.trim().toLowerCase())
    if (new Set(texts).size !== texts.length)
      return [{ field, text: `Question ${n} has two options the same: give each option its own words` }]
    if (right === 0)
      return [{ field, text: `Question ${n} has no right answer marked: mark the right answer` }]
    if (question.kind === 'single' && right > 1)
      return [
        {
          field,
          text: `Question ${n} is single choice, so it needs exactly one right answer: ${right} are marked`,
        },
      ]
    return []
  })
}

/**
 * Whether an answer is right: a single-choice answer when it is the right option; a
 * multiple-choice answer only when exactly the right set is chosen, no more and no fewer.
 * `chosen` holds the places of the options chosen, from 0.
 */
export function isCorrect(question: Pick<QuizQuestion, 'options'>, chosen: readonly number[]): boolean {
  const picked = new Set(chosen)
  if (picked.size !== chosen.length) return false
  return (
    question.options.every((option, i) => option.correct === picked.has(i)) &&
    chosen.every((c) => c in question.options)
  )
}

/**
 * What is wrong with a set of answers, every problem at once, by question: each question is
 * answered; a single-choice question with one option; every option chosen is one of its own.
 */
export function answerProblems(
  questions: readonly (Pick<QuizQuestion, 'kind' | 'options'> & { id: string })[],
  answers: Record<string, readonly number[]>,
): FieldError[] {
  return questions.flatMap((q) => {
    const chosen = answers[q.id] ?? []
    const field = `answers.${q.id}`
    if (!chosen.length)
      return [{ field, text: q.kind === 'single' ? 'Select an answer' : 'Select one or more answers' }]
    if (q.kind === 'single' && chosen.length > 1) return [{ field, text: 'Select one answer only' }]
    if (
      new Set(chosen).size !== chosen.length ||
      chosen.some((c) => !Number.isInteger(c) || !(c in q.options))
    )
      return [{ field, text: 'Select from the answers given' }]
    return []
  })
}

/** The number of questions answered right: a person's score. */
export function scoreOf(
  questions: readonly (Pick<QuizQuestion, 'options'> & { id: string })[],
  answers: Record<string, readonly number[]>,
): number {
  return questions.filter((q) => isCorrect(q, answers[q.id] ?? [])).length
}
