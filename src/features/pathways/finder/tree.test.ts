import { describe, expect, it } from 'vitest'
import type { Tree } from './tree.ts'
import { treeProblems, walk } from './tree.ts'

const offered = new Set(['mandatory', 'cse', 'managers'])

/** North Somerset's demo tree: contact? No → mandatory; Yes → lead? Yes → managers, No → cse. */
const northSomerset = (): Tree => ({
  start: 'contact',
  questions: [
    {
      id: 'contact',
      text: 'Do you have contact with children?',
      answers: [
        { label: 'Yes', next: 'lead' },
        { label: 'No', pathwayId: 'mandatory' },
      ],
    },
    {
      id: 'lead',
      text: 'Are you a safeguarding lead?',
      answers: [
        { label: 'Yes', pathwayId: 'managers' },
        { label: 'No', pathwayId: 'cse' },
      ],
    },
  ],
})

const texts = (tree: Tree) => treeProblems(tree, offered).map((p) => p.text)

describe('treeProblems', () => {
  it('finds nothing wrong with a tree whose every way through ends on an offered pathway', () => {
    expect(treeProblems(northSomerset(), offered)).toEqual([])
  })

  it('names two questions that share an id', () => {
    const tree = northSomerset()
    tree.questions.push({ id: 'lead', text: 'Again?', answers: [{ label: 'Yes', pathwayId: 'cse' }] })
    expect(texts(tree)).toContain('Two questions have the id “lead”')
  })

  it('asks for a start question when the start is not one of the questions', () => {
    expect(treeProblems({ ...northSomerset(), start: 'nowhere' }, offered)).toEqual([
      { field: 'start', text: 'Choose the question the tree starts with' },
    ])
  })

  it('calls an answer leading to no question a dead end', () => {
    const tree = northSomerset()
    tree.questions[1]?.answers.splice(1, 1, { label: 'No', next: 'missing' })
    expect(texts(tree)).toEqual([
      'The answer “No” to “Are you a safeguarding lead?” leads to no question: a dead end',
    ])
  })

  it('calls an answer leading to a pathway not offered a dead end', () => {
    const tree = northSomerset()
    tree.questions[1]?.answers.splice(1, 1, { label: 'No', pathwayId: 'retired' })
    expect(texts(tree)).toEqual([
      'The answer “No” to “Are you a safeguarding lead?” leads to a pathway that is not offered: a dead end',
    ])
  })

  it('refuses an answer that leads both to a question and a pathway, or to neither', () => {
    const tree = northSomerset()
    tree.questions[0]?.answers.splice(0, 2, { label: 'Yes', next: 'lead', pathwayId: 'cse' }, { label: 'No' })
    expect(texts(tree)).toEqual([
      'The answer “Yes” to “Do you have contact with children?” must lead to one question or one pathway',
      'The answer “No” to “Do you have contact with children?” must lead to one question or one pathway',
    ])
  })

  it('names a loop back to a question asked before', () => {
    const tree = northSomerset()
    tree.questions[1]?.answers.splice(1, 1, { label: 'No', next: 'contact' })
    expect(texts(tree)).toEqual([
      'The answer “No” to “Are you a safeguarding lead?” leads back to “Do you have contact with children?”: a loop',
    ])
  })

  it('names a question that leads to itself as a loop', () => {
    const tree = northSomerset()
    tree.questions[1]?.answers.splice(1, 1, { label: 'No', next: 'lead' })
    expect(texts(tree)).toEqual([
      'The answer “No” to “Are you a safeguarding lead?” leads back to “Are you a safeguarding lead?”: a loop',
    ])
  })

  it('does not call two ways to the same question a loop', () => {
    const tree: Tree = {
      start: 'a',
      questions: [
        {
          id: 'a',
          text: 'A?',
          answers: [
            { label: 'Yes', next: 'b' },
            { label: 'No', next: 'c' },
          ],
        },
        { id: 'b', text: 'B?', answers: [{ label: 'Yes', next: 'c' }] },
        { id: 'c', text: 'C?', answers: [{ label: 'Yes', pathwayId: 'cse' }] },
      ],
    }
    expect(treeProblems(tree, offered)).toEqual([])
  })

  it('names a question no answer reaches', () => {
    const tree = northSomerset()
    tree.questions.push({ id: 'orphan', text: 'Orphan?', answers: [{ label: 'Yes', pathwayId: 'cse' }] })
    expect(texts(tree)).toEqual(['No answer leads to “Orphan?”'])
  })
})

describe('walk', () => {
  it('asks the start question before any answer', () => {
    const step = walk(northSomerset(), [])
    expect(step && 'question' in step && step.question.id).toBe('contact')
    expect(step?.asked).toEqual([])
  })

  it('asks the next question after an answer that leads to one', () => {
    const step = walk(northSomerset(), [0])
    expect(step && 'question' in step && step.question.id).toBe('lead')
    expect(step?.asked.map((a) => a.answer.label)).toEqual(['Yes'])
  })

  it('ends on the pathway the last answer leads to, with the answers given', () => {
    const step = walk(northSomerset(), [0, 1])
    expect(step && 'pathwayId' in step && step.pathwayId).toBe('cse')
    expect(step?.asked.map((a) => [a.question.id, a.answer.label])).toEqual([
      ['contact', 'Yes'],
      ['lead', 'No'],
    ])
    const first = walk(northSomerset(), [1])
    expect(first && 'pathwayId' in first && first.pathwayId).toBe('mandatory')
  })

  it('finds nothing for an answer the question does not have', () => {
    expect(walk(northSomerset(), [2])).toBeNull()
    expect(walk(northSomerset(), [0, 5])).toBeNull()
  })

  it('finds nothing for answers beyond a pathway', () => {
    expect(walk(northSomerset(), [1, 0])).toBeNull()
    expect(walk(northSomerset(), [0, 1, 0])).toBeNull()
  })

  it('finds nothing when an answer leads to a question that is not there', () => {
    const tree = northSomerset()
    tree.questions[0]?.answers.splice(0, 1, { label: 'Yes', next: 'missing' })
    expect(walk(tree, [0])).toBeNull()
    expect(walk({ ...northSomerset(), start: 'missing' }, [])).toBeNull()
  })
})
