import type { StandardInput } from './forms.ts'

/**
 * The training standards a partnership starts from: what Norfolk §11, South Gloucestershire's
 * five-point plan and Jersey's framework check of every safeguarding course, single- or
 * multi-agency. A partnership changes them into a new version of its own.
 */
export const defaultStandards: readonly StandardInput[] = [
  {
    title: 'Content matches the partnership’s procedures and current learning',
    guidance:
      'The course reflects the partnership’s current multi-agency procedures, thresholds and escalation policy, and national guidance in force. Material is reviewed at least once a year and after any change to procedures.',
    evidenceExpected:
      'The course outline or slides with the date last reviewed; the procedures and guidance it was checked against.',
  },
  {
    title: 'Trainers are competent and current',
    guidance:
      'Those delivering have safeguarding knowledge and experience at the level taught, training skills, and keep current through supervision, CPD and reading the learning from local and national reviews.',
    evidenceExpected:
      'The trainers’ names with their qualifications or train-the-trainer completion, and their CPD in the last year.',
  },
  {
    title: 'Learning objectives are stated and evaluated',
    guidance:
      'Each course states what learners will know or do differently, and evaluation asks about those objectives: immediately after the course and some months on, not only whether learners enjoyed the day.',
    evidenceExpected:
      'The stated learning objectives; the evaluation form; a summary of recent evaluation results against the objectives.',
  },
  {
    title: 'Attendance is recorded',
    guidance:
      'Who attended, for how long, and whether they took part is recorded for every session and kept, so the agency can show who is trained.',
    evidenceExpected: 'A recent register, and how attendance is kept on staff training records.',
  },
  {
    title: 'Refresher intervals are set',
    guidance:
      'The agency states how often staff refresh this training, no less often than the partnership’s refresher policy, and knows who is due.',
    evidenceExpected: 'The refresher interval in the agency’s training policy, and a compliance report.',
  },
  {
    title: 'Learning from reviews is included',
    guidance:
      'Findings from local and national case reviews relevant to the course are built into its content, and updated as new reviews are published.',
    evidenceExpected: 'Which reviews the course draws on, and where in the material their learning appears.',
  },
]
