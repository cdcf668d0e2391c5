/**
 * What other features read of observations: the grade words, the count of grades in a period
 * (for a QA summary), and the observations list a trainer's record can filter by session.
 */

export { gradeNames, grades } from '../words.ts'
export type { ObservationSummary } from './queries.ts'
export { gradeCounts, observationsOf } from './queries.ts'
export type { ObservationService } from './service.ts'
