import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { answerProblems, isCorrect, quizProblems, scoreOf } from './rules.ts'

const option = (text: string, correct = false) => ({ text, correct })

describe('building a quiz', () => {
  it('refuses a question with no right answer marked, saying which', () => {
    const problems = quizProblems([
      { kind: 'single', options: [option('Yes', true), option('No')] },
      { kind: 'multiple', options: [option('A'), option('B')] },
    ])
    expect(problems).toEqual([
      { field: 'questions.1.options', text: 'Question 2 has no right answer marked: mark the right answer' },
    ])
  })

  it('refuses a single-choice question with two right answers', () => {
    expect(quizProblems([{ kind: 'single', options: [option('A', true), option('B', true)] }])).toEqual([
      {
        field: 'questions.0.options',
        text: 'Question 1 is single choice, so it needs exactly one right answer: 2 are marked',
      },
    ])
  })

  it('takes a multiple-choice question with several right answers', () => {
    expect(
      quizProblems([{ kind: 'multiple', options: [option('A', true), option('B', true), option('C')] }]),
    ).toEqual([])
  })

  it('refuses two options with the same words', () => {
    expect(
      quizProblems([{ kind: 'single', options: [option('Yes', true), option(' yes')] }])[0]?.text,
    ).toMatch(/two options the same/)
  })
})

describe('marking an answer', () => {
  const multiple = { options: [option('A', true), option('B'), option('C', true)] }

  it('marks a multiple-choice answer right only when exactly the right set is chosen', () => {
    expect(isCorrect(multiple, [0, 2])).toBe(true)
    expect(isCorrect(multiple, [2, 0])).toBe(true)
    expect(isCorrect(multiple, [0])).toBe(false)
    expect(isCorrect(multiple, [0, 1, 2])).toBe(false)
    expect(isCorrect(multiple, [0, 2, 2])).toBe(false)
    expect(isCorrect(multiple, [0, 2, 7])).toBe(false)
  })

  it('is right for exactly one chosen set, whatever the question (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.boolean(), { minLength: 2, maxLength: 8 }),
        fc.array(fc.nat(9)),
        (marks, chosen) => {
          const question = { options: marks.map((correct, i) => option(String(i), correct)) }
          const right = marks.flatMap((m, i) => (m ? [i] : []))
          const same = new Set(chosen).size === chosen.length && [...chosen].sort().join() === right.join()
          expect(isCorrect(question, chosen)).toBe(same)
        },
      ),
    )
  })

  it('scores the number of questions answered right', () => {
    const questions = [
      { id: 'a', options: [option('Yes', true), option('No')] },
      { id: 'b', ...multiple },
    ]
    expect(scoreOf(questions, { a: [0], b: [0, 2] })).toBe(2)
    expect(scoreOf(questions, { a: [1], b: [0, 2] })).toBe(1)
    expect(scoreOf(questions, {})).toBe(0)
  })

  it('names every unanswered or impossible answer at once', () => {
    const questions = [
      { id: 'a', kind: 'single' as const, options: [option('Yes', true), option('No')] },
      { id: 'b', kind: 'multiple' as const, ...multiple },
      { id: 'c', kind: 'single' as const, options: [option('Yes', true), option('No')] },
    ]
    expect(answerProblems(questions, { a: [], b: [0, 9], c: [0, 1] })).toEqual([
      { field: 'answers.a', text: 'Select an answer' },
      { field: 'answers.b', text: 'Select from the answers given' },
      { field: 'answers.c', text: 'Select one answer only' },
    ])
  })
})
