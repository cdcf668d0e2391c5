import { describe, expect, it } from 'vitest'
import type { DrawCandidate } from './draw.ts'
import { drawMessage, drawPicks, UNOBSERVED_WEIGHT } from './draw.ts'

const candidate = (n: number, observedRecently: boolean, agency = `Agency ${n}`): DrawCandidate => ({
  courseId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  courseTitle: `Course ${n}`,
  agencyId: agency,
  agencyName: agency,
  observedRecently,
})

describe('the draw of courses to observe', () => {
  const pool = Array.from({ length: 10 }, (_, i) => candidate(i + 1, i % 2 === 0))

  it('gives the same picks from the same seed and candidates, in whatever order they come', () => {
    const first = drawPicks('seed-1', pool, 3)
    const again = drawPicks('seed-1', [...pool].reverse(), 3)
    expect(again.picks).toEqual(first.picks)
    expect(first.picks.map((p) => p.position)).toEqual([1, 2, 3])
    expect(new Set(first.picks.map((p) => p.courseId)).size).toBe(3)
  })

  it('gives different picks from different seeds', () => {
    const draws = new Set(
      Array.from({ length: 20 }, (_, i) =>
        drawPicks(`seed-${i}`, pool, 3)
          .picks.map((p) => p.courseId)
          .join(),
      ),
    )
    expect(draws.size).toBeGreaterThan(5)
  })

  it('picks a course of an agency not observed in the last two rounds about three times as often', () => {
    // One course of each kind: the unobserved one is first with probability 3 / (3 + 1).
    const two = [candidate(1, true, 'Observed'), candidate(2, false, 'Unobserved')]
    let unobservedFirst = 0
    const runs = 4000
    for (let i = 0; i < runs; i++)
      if (drawPicks(`s${i}`, two, 1).picks[0]?.agencyName === 'Unobserved') unobservedFirst++
    const share = unobservedFirst / runs
    expect(share).toBeGreaterThan(0.71)
    expect(share).toBeLessThan(0.79)
    expect(UNOBSERVED_WEIGHT).toBe(3)
  })

  it('gives each pick its reason: the weighting named only when it applied', () => {
    const two = [candidate(1, true, 'Observed Police'), candidate(2, false, 'Shropshire Police')]
    const { picks } = drawPicks('any', two, 2)
    const byAgency = Object.fromEntries(picks.map((p) => [p.agencyName, p.reason]))
    expect(byAgency['Shropshire Police']).toBe(
      'Drawn at random, weighted three to one: Shropshire Police has not been observed in the last two rounds',
    )
    expect(byAgency['Observed Police']).toBe('Drawn at random')
    // With every agency unobserved, no one weighs more: the plain reason.
    const even = drawPicks('any', [candidate(1, false), candidate(2, false)], 1)
    expect(even.picks[0]?.reason).toBe('Drawn at random')
  })

  it('takes all the candidates when there are fewer than asked for, and says so', () => {
    const draw = drawPicks('seed', pool.slice(0, 2), 3)
    expect(draw.picks).toHaveLength(2)
    expect(draw.tookAll).toBe(true)
    expect(draw.message).toBe(
      'The policy asks for 3 courses to be observed, but only 2 courses were in the submitted self-assessments: all of them were picked.',
    )
    expect(drawMessage(3, 10, 3)).toBe(
      '3 courses drawn at random from 10 courses in the submitted self-assessments.',
    )
    expect(drawPicks('seed', [], 3).picks).toEqual([])
  })
})
