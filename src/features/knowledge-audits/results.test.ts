import { describe, expect, it } from 'vitest'
import type { ResultAnswer, ResultInvitation } from './results.ts'
import { resultsOf } from './results.ts'

const questions = [
  { id: 'q1', position: 1, text: 'One' },
  { id: 'q2', position: 2, text: 'Two' },
]
let n = 0
function people(count: number, agency: string, sector: string, rightOnQ1: number) {
  const invitations: ResultInvitation[] = []
  const answers: ResultAnswer[] = []
  for (let i = 0; i < count; i++) {
    const id = `i${++n}`
    const q1 = i < rightOnQ1
    invitations.push({
      id,
      agencyId: agency,
      agencyName: agency,
      sector,
      answeredAt: new Date(),
      score: q1 ? 2 : 1,
      confidence: 7,
    })
    answers.push(
      { invitationId: id, questionId: 'q1', correct: q1 },
      { invitationId: id, questionId: 'q2', correct: true },
    )
  }
  return { invitations, answers }
}

describe('knowledge audit results', () => {
  it('shows no figure for a group of fewer than 5 answers, overall, by agency, by sector or per question', () => {
    const big = people(6, 'Police', 'police', 3)
    const small = people(4, 'School', 'education', 4)
    const r = resultsOf({
      questions,
      invitations: [...big.invitations, ...small.invitations],
      answers: [...big.answers, ...small.answers],
    })
    expect(r.responseRate).toBe(100)
    expect(r.questions[0]?.overall).toEqual({ suppressed: false, answered: 10, correct: 7, percent: 70 })
    expect(r.questions[0]?.byAgency).toEqual([
      { key: 'Police', name: 'Police', cell: { suppressed: false, answered: 6, correct: 3, percent: 50 } },
      {
        key: 'School',
        name: 'School',
        cell: { suppressed: true, answered: null, correct: null, percent: null },
      },
    ])
    expect(r.questions[0]?.bySector.find((g) => g.key === 'education')?.cell.suppressed).toBe(true)
    expect(r.agencies.find((a) => a.key === 'School')).toMatchObject({
      suppressed: true,
      averagePercent: null,
    })
    expect(r.agencies.find((a) => a.key === 'Police')).toMatchObject({
      suppressed: false,
      averagePercent: 75,
    })
  })

  it('hides the whole audit’s figures when fewer than 5 answered', () => {
    const few = people(4, 'Police', 'police', 2)
    const r = resultsOf({ questions, ...few })
    expect(r.invited).toBeNull()
    expect(r.responseRate).toBeNull()
    expect(r.scores).toEqual({ suppressed: true })
    expect(r.confidence).toEqual({ suppressed: true })
    expect(r.questions.every((q) => q.overall.suppressed)).toBe(true)
  })

  it('gives the score distribution and confidence with the same numbers the table shows', () => {
    const all = people(5, 'Police', 'police', 2)
    const r = resultsOf({ questions, ...all })
    expect(r.scores).toEqual({
      suppressed: false,
      distribution: [
        { score: 0, people: 0 },
        { score: 1, people: 3 },
        { score: 2, people: 2 },
      ],
      averagePercent: 70,
    })
    expect(r.confidence.suppressed === false && r.confidence.average).toBe(7)
  })
})
