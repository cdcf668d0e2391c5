/**
 * What other features read of observations: the grade words, the count of grades in a period
 * (for a QA summary), and the observations of the sessions a trainer trained on (for their record).
 */

export { gradeNames, grades } from '../words.ts'
export type { ObservationSummary } from './queries.ts'
export { gradeCounts, observationsOf, observationsOfTrainer } from './queries.ts'
export type { ObservationService } from './service.ts'
