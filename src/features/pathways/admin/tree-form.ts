import { isUuid } from '#platform/db/database.ts'
import type { FieldError } from '#platform/errors.ts'
import type { FormResult } from '#platform/http/forms.ts'
import { fieldErrors, formText } from '#platform/http/forms.ts'
import type { Answer, Question, Tree } from '../finder/tree.ts'
import { treeSchema } from '../forms.ts'

/** Empty questions the form offers below the tree's own, so questions can be added without JavaScript. */
export const EMPTY_QUESTIONS = 2
/** Answers each question offers; a question saved with more keeps them all. */
export const ANSWERS_SHOWN = 4
// The schema's limits, with the empty questions the form adds.
const MOST_QUESTIONS = 30 + EMPTY_QUESTIONS
const MOST_ANSWERS = 6

export type AnswerRow = { m: number; label: string; to: string }
export type QuestionRow = { n: number; text: string; hint: string; answers: AnswerRow[] }
export type TreeFormValues = { start: string; questions: QuestionRow[] }

/** A question's id is its place in the form: "q2" is "Question 2". */
const questionId = (n: number) => `q${n}`
const questionNumber = (id: string) => (/^q(\d{1,3})$/.exec(id) ? Number(id.slice(1)) : null)

const answerRows = (answers: readonly AnswerRow[]) => {
  const rows = [...answers]
  while (rows.length < ANSWERS_SHOWN) rows.push({ m: rows.length + 1, label: '', to: '' })
  return rows
}

/**
 * A saved tree as its change form first shows it: questions numbered in their order, each
 * answer leading to "Question N" or a pathway, and empty questions to add.
 */
export function treeFormValues(tree: Tree | null): TreeFormValues {
  const questions = tree?.questions ?? []
  const numbers = new Map(questions.map((q, i) => [q.id, i + 1]))
  const to = (a: Answer) => {
    if (a.pathwayId) return a.pathwayId
    const n = a.next ? numbers.get(a.next) : undefined
    return n ? questionId(n) : ''
  }
  const rows: QuestionRow[] = questions.map((q, i) => ({
    n: i + 1,
    text: q.text,
    hint: q.hint ?? '',
    answers: answerRows(q.answers.map((a, j) => ({ m: j + 1, label: a.label, to: to(a) }))),
  }))
  for (let i = 0; i < EMPTY_QUESTIONS; i++)
    rows.push({ n: rows.length + 1, text: '', hint: '', answers: answerRows([]) })
  const start = tree ? numbers.get(tree.start) : undefined
  return { start: questionId(start ?? 1), questions: rows }
}

/** The form as a browser sent it, as values to check or to show again. */
export function treeFormFrom(body: Record<string, unknown>): TreeFormValues {
  const counts = new Map<number, number>()
  let most = 0
  for (const key of Object.keys(body)) {
    const match = /^q(\d{1,3})-(?:a(\d{1,2})-)?/.exec(key)
    if (!match) continue
    const n = Number(match[1])
    most = Math.max(most, n)
    if (match[2]) counts.set(n, Math.max(counts.get(n) ?? 0, Number(match[2])))
  }
  const questions: QuestionRow[] = []
  for (let n = 1; n <= Math.min(most, MOST_QUESTIONS); n++) {
    const answers: AnswerRow[] = []
    for (let m = 1; m <= Math.min(counts.get(n) ?? 0, MOST_ANSWERS); m++)
      answers.push({
        m,
        label: formText(body[`q${n}-a${m}-label`]),
        to: formText(body[`q${n}-a${m}-to`]),
      })
    questions.push({
      n,
      text: formText(body[`q${n}-text`]),
      hint: formText(body[`q${n}-hint`]),
      answers: answerRows(answers),
    })
  }
  return { start: formText(body.start), questions }
}

const blankAnswer = (a: AnswerRow) => !a.label && !a.to
const blankQuestion = (q: QuestionRow) => !q.text && !q.hint && q.answers.every(blankAnswer)

/** A question row read, or what is wrong with it, each message naming the question and answer. */
function questionFrom(row: QuestionRow): { question?: Question; errors: FieldError[] } {
  const errors: FieldError[] = []
  const name = `question ${row.n}`
  const field = (rest: string) => `q${row.n}-${rest}`
  if (!row.text) errors.push({ field: field('text'), text: `Enter the text of ${name}` })
  else if (row.text.length > 300)
    errors.push({ field: field('text'), text: `The text of ${name} must be 300 characters or fewer` })
  if (row.hint.length > 1000)
    errors.push({ field: field('hint'), text: `The hint of ${name} must be 1,000 characters or fewer` })
  const answers: Answer[] = []
  for (const a of row.answers) {
    if (blankAnswer(a)) continue
    const answer = `answer ${a.m} to ${name}`
    if (!a.label) errors.push({ field: field(`a${a.m}-label`), text: `Enter ${answer}` })
    else if (a.label.length > 100)
      errors.push({ field: field(`a${a.m}-label`), text: `The ${answer} must be 100 characters or fewer` })
    const n = questionNumber(a.to)
    if (n !== null) answers.push({ label: a.label, next: questionId(n) })
    else if (isUuid(a.to)) answers.push({ label: a.label, pathwayId: a.to })
    else errors.push({ field: field(`a${a.m}-to`), text: `Choose where ${answer} leads` })
  }
  if (answers.length < 2 && !errors.some((e) => e.field.startsWith(field('a'))))
    errors.push({ field: field('a1-label'), text: `Give ${name} at least two answers` })
  if (errors.length) return { errors }
  return {
    question: { id: questionId(row.n), text: row.text, ...(row.hint ? { hint: row.hint } : {}), answers },
    errors: [],
  }
}

/**
 * The decision tree form read into a tree: each question not left empty, its id from its place
 * ("q2"), each answer leading to a question or a pathway. Loops and dead ends are the
 * service's to find, as it saves; every problem of the form itself is reported at once.
 */
export function treeFromForm(values: TreeFormValues): FormResult<Tree> {
  const errors: FieldError[] = []
  const questions: Question[] = []
  const asked = values.questions.filter((q) => !blankQuestion(q))
  for (const row of asked) {
    const read = questionFrom(row)
    errors.push(...read.errors)
    if (read.question) questions.push(read.question)
  }
  if (!asked.length) errors.push({ field: 'q1-text', text: 'Add at least one question' })
  if (questionNumber(values.start) === null)
    errors.unshift({ field: 'start', text: 'Choose the question the tree starts with' })
  if (errors.length) return { ok: false, errors }
  // The schema has the last word on what a tree may be.
  const parsed = treeSchema.safeParse({ start: values.start, questions })
  if (!parsed.success)
    return {
      ok: false,
      errors: fieldErrors(parsed.error).map((e) => ({
        ...e,
        field: e.field.startsWith('questions') ? 'questions' : e.field,
      })),
    }
  return { ok: true, data: parsed.data }
}
