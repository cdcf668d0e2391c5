import { calendarDateOf, formText as text } from '#platform/http/forms.ts'
import type { Question } from './questions.ts'
import { questionsFor } from './questions.ts'

const score = (value: unknown): unknown => {
  const typed = text(value)
  if (!typed) return undefined
  return /^\d{1,2}$/.test(typed) ? Number(typed) : typed
}

const listOf = (value: unknown): string[] =>
  (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter(
    (v): v is string => typeof v === 'string' && v !== '',
  )

/** A date typed as day, month and year, as YYYY-MM-DD, or what was typed when it is not one. */
function typedDate(body: Record<string, unknown>, prefix: string): string {
  const [day, month, year] = ['day', 'month', 'year'].map((part) => text(body[`${prefix}-${part}`]))
  if (!day && !month && !year) return ''
  // What was typed, when it names no day, for the answer's check to refuse.
  return calendarDateOf(day ?? '', month ?? '', year ?? '') ?? `${year}-${month}-${day}!`
}

/**
 * A questionnaire's answers as a browser sends them (answers.<id>, see questions.njk), read
 * into the answers the questions check; a missing answer is left out.
 */
export function answersFromForm(
  body: Record<string, unknown>,
  questions: readonly Question[],
  objectives: readonly string[] = [],
): Record<string, unknown> {
  const answers: Record<string, unknown> = {}
  for (const q of questionsFor(questions, objectives)) {
    const name = `answers.${q.id}`
    let answer: unknown
    if (q.kind === 'confidence' && q.perObjective) {
      const scores = objectives.map((_, i) => score(body[`${name}.${i}`]) ?? null)
      answer = scores.every((s) => s === null) ? undefined : scores
    } else if (q.kind === 'agreement' || q.kind === 'confidence') answer = score(body[name])
    else if (q.kind === 'multiple_choice') answer = listOf(body[name])
    else if (q.kind === 'action_plan') {
      const action = text(body[`${name}.action`])
      const by = typedDate(body, `${name}.by`)
      answer = action || by ? { action, by } : undefined
    } else answer = text(body[name]) || undefined
    if (answer !== undefined && !(Array.isArray(answer) && !answer.length)) answers[q.id] = answer
  }
  return answers
}
