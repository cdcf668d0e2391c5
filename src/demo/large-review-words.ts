// The words of the large partnership's synthetic case reviews: plausible, anonymised, and
// chosen among by the seed, so the register, the tracker and search read like a real board's.

export const SUBGROUPS = [
  'Learning and development sub-group',
  'Case review sub-group',
  'Quality assurance sub-group',
] as const

/** Case-review themes, made for a partnership that has none of its own yet. */
export const THEMES = [
  'Domestic abuse',
  'Exploitation',
  'Information sharing',
  'Mental health',
  'Neglect',
  'Professional curiosity',
  'Self-neglect',
  'Substance misuse',
  'Think family',
  'Transitions to adulthood',
]

export const REVIEWERS = [
  'Dr Helen Marsh',
  'Mark Okafor',
  'Sian Pritchard',
  'Dr Ravi Menon',
  'Ruth Calloway',
  'Tom Ashworth',
  'Fiona Garvey',
]

export const FINDINGS = [
  'Information held by one agency about risk in the household was not shared with the others in time.',
  'Practitioners accepted explanations from the family without checking them against what they had seen.',
  'The voice of the child was not recorded at key meetings, so decisions were made without it.',
  'Escalation between agencies was not used when professionals disagreed about the level of risk.',
  'The impact of parental mental health on the care of the children was not assessed.',
  'Repeated missed health appointments were not recognised as a sign of neglect.',
  'Agencies worked with the adult alone and did not think about the whole family.',
  'Domestic abuse was known to some agencies but not considered in the safeguarding plan.',
  'The move from children’s to adult services left no one holding the case for four months.',
  'Self-neglect was treated as a lifestyle choice without an assessment of capacity.',
  'Records of strategy discussions did not say who would do what by when.',
  'Supervision did not give practitioners the space to reflect on a case that was drifting.',
  'Signs of exploitation outside the home were seen as the young person’s choices.',
  'Substance misuse services were not invited to multi-agency meetings.',
]

export const RECOMMENDATIONS = [
  'Agencies should review how they share information about risk when a family moves between areas.',
  'The partnership should promote the escalation policy and test that practitioners know how to use it.',
  'Agencies should make sure the child’s lived experience is recorded at every multi-agency meeting.',
  'Health partners should follow up missed appointments for children subject to a plan.',
  'The partnership should commission multi-agency training on professional curiosity.',
  'Adult services should assess mental capacity when self-neglect is suspected.',
  'Agencies should audit the quality of strategy discussion records.',
  'The partnership should agree a protocol for young people moving to adult services.',
  'Agencies should make sure supervision includes reflection on cases where progress has stalled.',
  'The partnership should raise with the national panel how exploitation is recognised across areas.',
  'Agencies should ask about domestic abuse routinely and record the answer.',
  'Substance misuse services should be invited to every strategy meeting where use is a concern.',
]

export const NOT_ACCEPTED_REASONS = [
  'This is already covered by the partnership’s neglect strategy; the board will monitor it there.',
  'The board does not have the authority to direct national policy; it has written to the panel instead.',
  'The agencies concerned have changed the service since the review, so this no longer applies.',
]

export const PARTIAL_REASONS = [
  'Accepted for children’s services; adult services will address it through their own review.',
  'Accepted in principle; resources allow a pilot in one locality this year.',
  'Accepted except the timescale, which the board has extended to fit the training programme.',
]

export const NATIONAL_BODIES = [
  'Department for Education',
  'Department of Health and Social Care',
  'Home Office',
  'NHS England',
]

export const ACTIONS = [
  'Update the information-sharing guidance and brief every team on it.',
  'Audit twenty case files for the child’s voice and report the findings to the sub-group.',
  'Deliver three multi-agency workshops on professional curiosity.',
  'Add a prompt on domestic abuse to the assessment template.',
  'Write a transitions protocol with adult services and agree it at the board.',
  'Run a briefing on the escalation policy for team managers.',
  'Introduce a missed-appointments check into the health visiting pathway.',
  'Revise supervision guidance to include reflective case discussion.',
  'Publish a seven-minute briefing on the review and share it with every agency.',
  'Commission refresher training on mental capacity and self-neglect.',
]

export const SUCCESS_MEASURES = [
  'A re-audit in six months shows at least 80% of records meet the standard.',
  'Every team manager has attended the briefing and staff surveys show they know the policy.',
  'The sub-group sees the signed protocol and an audit of its first ten cases.',
  'Practitioners report greater confidence in the evaluation three months after training.',
  'Quarterly data shows missed appointments followed up within a week.',
]
