import { seededUniform } from '#features/evaluation/sample.ts'

/**
 * The draw of single-agency courses to observe in a round, decided in order:
 * 1. the candidates are the courses listed in the round's submitted (or reviewed) returns;
 * 2. a course whose agency was not observed in the last two rounds (no pick of its courses in
 *    them was observed) weighs three times as much as one whose agency was;
 * 3. a weighted sample without replacement of the policy's number, from a recorded seed:
 *    each course's key is u^(1/weight), u drawn from the seed and the course's id, and the
 *    largest keys are picked (Efraimidis and Spirakis). The same seed and the same candidates
 *    give the same picks, in whatever order the candidates come;
 * 4. fewer candidates than asked for: all of them are picked, and the draw says so.
 */

/** How much more likely a course is to be drawn when its agency was not observed in the last two rounds. */
export const UNOBSERVED_WEIGHT = 3
/** How many earlier rounds the weighting looks back on. */
export const ROUNDS_LOOKED_BACK = 2

export type DrawCandidate = {
  courseId: string
  courseTitle: string
  agencyId: string
  agencyName: string
  /** Whether a pick of this agency's in the last two rounds was observed. */
  observedRecently: boolean
}

export type DrawnPick = DrawCandidate & { position: number; reason: string }

export type DrawResult = {
  picks: DrawnPick[]
  /** True when there were fewer candidates than the policy's number, so all were picked. */
  tookAll: boolean
  message: string
}

export const weightOf = (c: Pick<DrawCandidate, 'observedRecently'>): number =>
  c.observedRecently ? 1 : UNOBSERVED_WEIGHT

/** The reason a drawn course was picked, in the words the draw page and the API show. */
export function reasonFor(candidate: DrawCandidate, weighted: boolean): string {
  if (weighted && !candidate.observedRecently)
    return `Drawn at random, weighted three to one: ${candidate.agencyName} has not been observed in the last two rounds`
  return 'Drawn at random'
}

const courses = (n: number) => `${n} ${n === 1 ? 'course' : 'courses'}`

/** What a draw did, in words: how many from how many, or that all were taken. */
export function drawMessage(size: number, candidates: number, picked: number): string {
  if (candidates < size)
    return `The policy asks for ${courses(size)} to be observed, but only ${courses(candidates)} ${candidates === 1 ? 'was' : 'were'} in the submitted self-assessments: all of them were picked.`
  return `${courses(picked)} drawn at random from ${courses(candidates)} in the submitted self-assessments.`
}

/** The draw itself: `size` courses by seeded weighted sampling, numbered from 1 in the order drawn. */
export function drawPicks(seed: string, candidates: readonly DrawCandidate[], size: number): DrawResult {
  const unique = [...new Map(candidates.map((c) => [c.courseId, c])).values()]
  // The weighting says something only when some candidates weigh more than others.
  const weighted = new Set(unique.map(weightOf)).size > 1
  const keyed = unique
    .map((c) => ({ c, key: seededUniform(seed, c.courseId) ** (1 / weightOf(c)) }))
    .sort((a, b) => b.key - a.key || (a.c.courseId < b.c.courseId ? -1 : 1))
  const picks = keyed.slice(0, Math.max(0, size)).map(({ c }, i) => ({
    ...c,
    position: i + 1,
    reason: reasonFor(c, weighted),
  }))
  return {
    picks,
    tookAll: unique.length < size,
    message: drawMessage(size, unique.length, picks.length),
  }
}
