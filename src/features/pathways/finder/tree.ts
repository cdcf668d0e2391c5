import type { FieldError } from '#platform/errors.ts'

/** An answer leads to another question or ends on a pathway: never both, never neither. */
export type Answer = { label: string; next?: string | undefined; pathwayId?: string | undefined }
export type Question = { id: string; text: string; hint?: string | undefined; answers: Answer[] }
/** A partnership's "which training do I need?" decision tree, asked from its start question. */
export type Tree = { start: string; questions: Question[] }

const quoted = (q: Question) => `“${q.text}”`

/**
 * Why a tree cannot be saved, each problem naming its question: an answer that leads nowhere
 * (to no question, or to a pathway that is not offered), a question that leads back to one
 * asked before it, and a question no answer reaches. An empty list means every way through
 * the tree ends on a pathway.
 */
export function treeProblems(tree: Tree, pathwayIds: ReadonlySet<string>): FieldError[] {
  const problems: FieldError[] = []
  const byId = new Map<string, Question>()
  for (const q of tree.questions) {
    if (byId.has(q.id)) problems.push({ field: 'questions', text: `Two questions have the id “${q.id}”` })
    byId.set(q.id, q)
  }
  const start = byId.get(tree.start)
  if (!start) return [...problems, { field: 'start', text: 'Choose the question the tree starts with' }]

  for (const q of tree.questions) {
    for (const a of q.answers) {
      const leadsTo = (a.next ? 1 : 0) + (a.pathwayId ? 1 : 0)
      if (leadsTo !== 1)
        problems.push({
          field: 'questions',
          text: `The answer “${a.label}” to ${quoted(q)} must lead to one question or one pathway`,
        })
      else if (a.next && !byId.has(a.next))
        problems.push({
          field: 'questions',
          text: `The answer “${a.label}” to ${quoted(q)} leads to no question: a dead end`,
        })
      else if (a.pathwayId && !pathwayIds.has(a.pathwayId))
        problems.push({
          field: 'questions',
          text: `The answer “${a.label}” to ${quoted(q)} leads to a pathway that is not offered: a dead end`,
        })
    }
  }
  if (problems.length) return problems

  // Depth first from the start: a question met again on the way it was reached is a loop.
  const reached = new Set<string>()
  const onPath = new Set<string>()
  const loops: FieldError[] = []
  const visit = (q: Question) => {
    reached.add(q.id)
    onPath.add(q.id)
    for (const a of q.answers) {
      const next = a.next ? byId.get(a.next) : undefined
      if (!next) continue
      if (onPath.has(next.id))
        loops.push({
          field: 'questions',
          text: `The answer “${a.label}” to ${quoted(q)} leads back to ${quoted(next)}: a loop`,
        })
      else if (!reached.has(next.id)) visit(next)
    }
    onPath.delete(q.id)
  }
  visit(start)
  for (const q of tree.questions)
    if (!reached.has(q.id)) loops.push({ field: 'questions', text: `No answer leads to ${quoted(q)}` })
  return loops
}

/** Where a sequence of answers (by their positions) leads: the next question, or the pathway. */
export function walk(
  tree: Tree,
  chosen: readonly number[],
):
  | { question: Question; asked: { question: Question; answer: Answer }[] }
  | { pathwayId: string; asked: { question: Question; answer: Answer }[] }
  | null {
  const byId = new Map(tree.questions.map((q) => [q.id, q]))
  let question = byId.get(tree.start)
  const asked: { question: Question; answer: Answer }[] = []
  for (const n of chosen) {
    if (!question) return null
    const answer = question.answers[n]
    if (!answer) return null
    asked.push({ question, answer })
    if (answer.pathwayId)
      return asked.length === chosen.length ? { pathwayId: answer.pathwayId, asked } : null
    question = answer.next ? byId.get(answer.next) : undefined
  }
  return question ? { question, asked } : null
}
