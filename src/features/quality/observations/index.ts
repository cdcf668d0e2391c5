/**
 * What other features read of observations: the grade words and the observations of the sessions a trainer trained on (for their record).
 */

export { gradeNames, grades } from '../words.ts'
export type { ObservationSummary } from './queries.ts'
export { observationsOf, observationsOfTrainer } from './queries.ts'
export type { ObservationService } from './service.ts'
