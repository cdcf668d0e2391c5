import type { Question, Tree } from '../finder/tree.ts'

type PathwayRef = { id: string; title: string; status: string }

export type OutlineAnswer = {
  label: string
  /** The question it leads to, asked after it. */
  question: OutlineQuestion | null
  /** The pathway it ends on. */
  pathway: PathwayRef | null
  /** A question it leads back to, which a saved tree never has, shown rather than followed. */
  backTo: number | null
}

export type OutlineQuestion = { number: number; text: string; hint: string | null; answers: OutlineAnswer[] }

/**
 * The decision tree as nested lists read it, from its start question: each answer followed by
 * the question it leads to, or the pathway it ends on. Questions are numbered by their place,
 * as the change form numbers them.
 */
export function treeOutline(tree: Tree, pathways: readonly PathwayRef[]): OutlineQuestion | null {
  const numbers = new Map(tree.questions.map((q, i) => [q.id, i + 1]))
  const byId = new Map(tree.questions.map((q) => [q.id, q]))
  const pathwayById = new Map(pathways.map((p) => [p.id, p]))

  const outline = (q: Question, path: ReadonlySet<string>): OutlineQuestion => ({
    number: numbers.get(q.id) ?? 0,
    text: q.text,
    hint: q.hint ?? null,
    answers: q.answers.map((a) => {
      const next = a.next ? byId.get(a.next) : undefined
      const loops = next ? path.has(next.id) : false
      return {
        label: a.label,
        question: next && !loops ? outline(next, new Set([...path, next.id])) : null,
        pathway: a.pathwayId ? (pathwayById.get(a.pathwayId) ?? null) : null,
        backTo: next && loops ? (numbers.get(next.id) ?? null) : null,
      }
    }),
  })

  const start = byId.get(tree.start)
  return start ? outline(start, new Set([start.id])) : null
}
