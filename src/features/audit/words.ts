import { statusNames as applicationStatusNames } from '#features/booking/page-forms.ts'
import { deliveryMethodNames } from '#features/courses/forms.ts'
import { needStatusNames } from '#features/needs/forms.ts'
import { jurisdictionNames } from '#features/policy/policy.ts'
import { markNames } from '#features/register/rules.ts'
import { reviewStatusNames } from '#features/reviews/words.ts'
import { sessionStatusNames } from '#features/sessions/forms.ts'
import { roleNames } from '#platform/auth/roles.ts'

/**
 * The audit trail in the domain's words: the database records table and column names, and
 * people read "the session", "Capacity". A table or column added later without a word here is
 * still shown, its name turned into words, so nothing is lost from the trail.
 */

/** What a row of each audited table is, in the singular. */
export const recordNames: Record<string, string> = {
  action_evidence: 'evidence file',
  action_updates: 'action update',
  actions: 'action',
  audit_answers: 'answer in an audit return',
  audit_challenge_event_returns: 'return discussed at a challenge event',
  audit_challenge_events: 'challenge event',
  audit_cycles: 'audit cycle',
  audit_evidence_files: 'audit evidence file',
  audit_return_contributors: 'colleague named on an audit return',
  audit_returns: 'audit return',
  audit_sections: 'section of an audit template',
  audit_standards: 'standard of an audit template',
  audit_template_versions: 'version of an audit template',
  board_report_versions: 'signed-off version of a report to the board',
  board_reports: 'report to the board',
  audit_templates: 'audit template',
  case_audit_agencies: 'agency taking part in a case audit',
  case_audit_answers: 'answer in a case audit',
  case_audit_case_refs: 'agency’s case reference',
  case_audit_cases: 'case in a case audit',
  case_audit_escalation_notices: 'escalation notice',
  case_audit_escalations: 'escalation of a case with current risk',
  case_audit_questions: 'case audit question',
  case_audits: 'case audit',
  agencies: 'agency',
  agency_spells: 'agency history',
  api_tokens: 'API token',
  applications: 'application',
  attendance: 'register mark',
  capacity_overrides: 'capacity decision',
  certificates: 'certificate',
  charges: 'charge',
  complaints: 'complaint',
  conduct_concerns: 'concern',
  course_findings: 'finding a course answers',
  course_learning_products: 'product a course gives',
  course_interests: 'interest in a course',
  data_requests: 'subject access or erasure request',
  course_themes: 'course theme',
  course_versions: 'course version',
  courses: 'course',
  dissemination_evidence: 'dissemination evidence file',
  dissemination_records: 'dissemination record',
  evaluation_completions: 'evaluation completed',
  evaluation_invitations: 'evaluation invitation',
  evaluation_responses: 'evaluation response',
  finding_themes: 'finding theme',
  findings: 'finding',
  invoice_counters: 'invoice numbering',
  invoice_lines: 'invoice line',
  invoices: 'invoice',
  knowledge_audit_answers: 'knowledge audit answer',
  knowledge_audit_invitations: 'knowledge audit invitation',
  knowledge_audit_products: 'product a knowledge audit tests',
  knowledge_audit_questions: 'knowledge audit question',
  knowledge_audit_reviews: 'review a knowledge audit tests',
  knowledge_audits: 'knowledge audit',
  learning_products: 'learning product',
  learning_product_versions: 'learning product version',
  learning_product_files: 'learning product file',
  learning_product_themes: 'learning product theme',
  learning_product_reviews: 'review a learning product comes from',
  learning_product_findings: 'finding a learning product comes from',
  learning_product_sends: 'learning product sent to an agency',
  learning_confirmations: 'practitioner’s confirmation of learning',
  identity_provider_domains: 'email domain signed in by an identity provider',
  identity_providers: 'identity provider for single sign-on',
  memberships: 'role',
  need_findings: 'finding a need answers',
  need_themes: 'need theme',
  need_transitions: 'need step',
  needs: 'training need',
  newsletter_products: 'product in a newsletter',
  newsletter_subscriber_themes: 'newsletter subscriber’s theme',
  newsletter_subscribers: 'newsletter subscriber',
  newsletter_themes: 'theme a newsletter goes to',
  newsletters: 'newsletter',
  observation_ratings: 'rating in an observation',
  observations: 'observation',
  people: 'person',
  people_imports: 'staff import',
  policies: 'policy',
  privacy_statements: 'privacy notice and accessibility statement',
  retention_runs: 'run of the retention job',
  pathway_finders: 'decision tree of the pathways',
  pathway_requirement_courses: 'course meeting a pathway requirement',
  pathway_requirements: 'pathway requirement',
  pathways: 'pathway',
  learning_evidence: 'learning evidence',
  recognitions: 'recognition of another partnership’s course',
  qa_evidence_files: 'self-assessment evidence file',
  qa_feedback: 'reviewer’s feedback on a self-assessment',
  qa_picks: 'course picked for observation',
  qa_ratings: 'rating in a self-assessment',
  qa_return_courses: 'course in a self-assessment',
  qa_returns: 'self-assessment',
  qa_rounds: 'self-assessment round',
  questionnaire_versions: 'questionnaire version',
  questionnaires: 'questionnaire',
  recommendation_agencies: 'agency a recommendation is for',
  recommendations: 'recommendation',
  review_agencies: 'agency involved in a review',
  review_themes: 'review theme',
  review_transitions: 'review step',
  reviews: 'case review',
  second_factor_resets: 'reset of a second factor',
  session_parts: 'session part',
  session_trainers: 'session trainer',
  sessions: 'session',
  subgroups: 'sub-group',
  surveys: 'survey',
  telephone_calls: 'telephone call',
  telephone_samples: 'telephone sample',
  themes: 'theme',
  trainer_approvals: 'trainer approval',
  trainer_cpd_returns: 'CPD questionnaire',
  training_contracts: 'contract',
}

/** Labels for columns, the same wherever the column appears; a table's own label comes first. */
const fieldLabels: Record<string, string> = {
  access_needs: 'Access needs',
  accepts_other_dates: 'Would take another date',
  address: 'Address',
  agency_ids: 'Agencies',
  agency_since: 'In the agency since',
  amount_pence: 'Amount',
  anonymised_at: 'Anonymised',
  answers: 'Answers',
  applied_at: 'Applied',
  at: 'When',
  approval_needed_at: 'Approval asked for',
  approved_at: 'Approved',
  archived: 'Archived',
  audience: 'Audience',
  below_minimum_confirmed_at: 'Chosen to run below minimum places',
  called_at: 'Called',
  cancellation_reason: 'Cancellation reason',
  cancelled_at: 'Cancelled',
  capacity: 'Capacity',
  capacity_half_days: 'Capacity (half days)',
  category: 'Category',
  charged_on: 'Charged on',
  closes_on: 'Closes on',
  code: 'Code',
  complainant_email: 'Complainant’s email',
  complainant_name: 'Complainant',
  completed_at: 'Completed',
  concern: 'Concern',
  confirmed_at: 'Place confirmed',
  content: 'Content',
  correction_reason: 'Reason for the correction',
  course_title: 'Course',
  cpd_completed_on: 'CPD questionnaire completed',
  credits: 'Credits',
  decided_at: 'Decided',
  decision_reason: 'Reason for the decision',
  delivery_format: 'Delivery format',
  delivery_method: 'Delivery method',
  details: 'Details',
  duration_minutes: 'Length (minutes)',
  effective_from: 'In force from',
  effectiveness_measure: 'How effectiveness will be measured',
  email: 'Email',
  ended_at: 'Ended',
  ended_note: 'Note on ending',
  ends_at: 'Ends',
  estimated_cost_pence: 'Estimated cost',
  estimated_delivery_half_days: 'Estimated delivery (half days)',
  evaluation_plan: 'Evaluation plan',
  expected_outcomes: 'Expected outcomes',
  expires_at: 'Expires',
  filename: 'File',
  financial_year: 'Programme year',
  financial_year_start: 'Programme year',
  first_name: 'First name',
  format: 'Format',
  framework: 'Framework',
  from_status: 'From',
  headcount: 'Headcount',
  how: 'How it was passed on',
  identified_by: 'How the need was identified',
  identified_other: 'Identified by (other)',
  impact_measures: 'Impact measures',
  invited_at: 'Invited',
  invoicing_contact_email: 'Invoicing contact email',
  invoicing_contact_name: 'Invoicing contact',
  issued_at: 'Issued',
  joining_url: 'Joining link',
  kind: 'Kind',
  last_name: 'Last name',
  last_number: 'Last invoice number',
  leads_emailed: 'Agency leads emailed',
  manager_email: 'Line manager’s email',
  manager_name: 'Line manager',
  manager_told_at: 'Line manager told',
  mapping: 'Columns',
  mark: 'Mark',
  marked_at: 'Marked',
  materials: 'Materials',
  materials_ownership: 'Who owns the materials',
  minimum_places: 'Minimum places',
  missed_at: 'Missed',
  month: 'Month',
  name: 'Name',
  no_certificate_told_at: 'Told there is no certificate',
  notes: 'Notes',
  number: 'Number',
  objectives: 'Learning objectives',
  offer_expires_at: 'Offer expires',
  other_costs: 'Other costs',
  on_date: 'On',
  outcome: 'Outcome',
  part: 'Part',
  period_from: 'Period from',
  period_to: 'Period to',
  person_name: 'Person',
  plan_outcome: 'Action plan outcome',
  planned_half_days: 'Planned (half days)',
  population: 'People to draw from',
  position: 'Position',
  practice_change: 'Practice change wanted',
  preferred_methods: 'Preferred methods',
  proposal: 'Proposal',
  proposal_summary: 'Proposal',
  provider_contact_email: 'Provider contact email',
  provider_contact_name: 'Provider contact',
  provider_contact_phone: 'Provider contact phone',
  provider_name: 'Provider',
  published_at: 'Published',
  questions: 'Questions',
  raised_at: 'Raised',
  reason: 'Reason',
  received_at: 'Received',
  recommended_method: 'Recommended method',
  recorded_at: 'Recorded',
  registered_at: 'Registered',
  relevant_policies: 'Relevant policies',
  reminded_at: 'Reminded',
  reminders_sent: 'Reminders sent',
  response: 'Response',
  responded_at: 'Responded',
  review_on: 'Review by',
  revoked_at: 'Revoked',
  role: 'Role',
  rules: 'Rules',
  safer_programme_member: 'Safer Programme member',
  sector: 'Sector',
  sent_at: 'Sent',
  sent_to: 'Sent to',
  session_date: 'Session date',
  shortlist_proposed_at: 'Places proposed',
  shortlisted_at: 'Places confirmed',
  staff_reached: 'Staff reached',
  stage: 'Stage',
  started_on: 'Started',
  starts_at: 'Starts',
  starts_on: 'Starts',
  status: 'Status',
  submitted_at: 'Submitted',
  summary: 'Summary',
  target_audience: 'Target audience',
  tier: 'Tier',
  title: 'Title',
  to_status: 'To',
  total_pence: 'Total',
  trained_on: 'Train-the-trainer completed',
  trainer_cost_pence: 'Trainer cost',
  trainer_paid_by: 'Trainer paid by',
  training_type: 'Type of training',
  venue: 'Venue',
  venue_cost_pence: 'Venue cost',
  venue_paid_by: 'Venue paid by',
  version: 'Version',
  waited_at: 'Waiting since',
  waived: 'Waived',
  waived_at: 'Waived',
  waived_reason: 'Reason for waiving',
  waiting_list_reordered_at: 'Waiting list reordered',
  waiting_position: 'Place on the waiting list',
  withdrawn_at: 'Withdrawn',
  withdrawn_reason: 'Reason for withdrawing',
  workforce: 'Workforce',
}

/** Labels a column has only in one table, where the shared one would mislead. */
const tableFieldLabels: Record<string, Record<string, string>> = {
  people: { role: 'Job role', status: 'Directory status' },
  // A policy's rules are the policy: each rule is named on its own.
  policies: { rules: '' },
  needs: { status: 'Stage' },
  charges: { reason: 'What the charge is for' },
  course_versions: { reason: 'Reason for the new version' },
  // A subscriber's address is never in the trail (the audit trigger leaves it out).
  newsletter_subscribers: { confirmed_at: 'Address confirmed', all_themes: 'Every theme' },
  newsletters: {
    all_subscribers: 'To every subscriber',
    sending_from: 'Sending started',
    introduction: 'Introduction',
  },
  trainer_cpd_returns: {
    completed_on: 'Returned on',
    activities: 'CPD done',
    tenths_of_hours: 'Hours of CPD, in tenths',
    delivery_updates: 'Updated in their delivery',
    reviews_read: 'Reviews’ learning read',
    by_label: 'Recorded by',
  },
}

/**
 * Columns never shown: internal bookkeeping, and anything secret. Ids are left out by their
 * values too (see `isHiddenValue`), so a new `…_by` or `…_id` column stays out.
 */
const hiddenColumns = new Set([
  'id',
  'partnership_id',
  'created_at',
  'updated_at',
  'search',
  'email_key',
  'manager_email_key',
  'shortlist_seed',
  'seed',
  'encoding',
  'last_used_at',
])

/** Columns left out of one table only: a staff import's whole file is its own record, not a change to read. */
const hiddenTableColumns = new Set(['people_imports.content', 'people_imports.mapping'])

/** Whether a column's changes are kept out of the trail page: ids, hashes, secrets, bookkeeping. */
export function isHiddenColumn(table: string, column: string): boolean {
  return (
    hiddenColumns.has(column) ||
    hiddenTableColumns.has(`${table}.${column}`) ||
    column.endsWith('_id') ||
    /hash|secret|token|password/.test(column)
  )
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** An id, or a list of ids: nothing a person can read. */
export function isHiddenValue(value: unknown): boolean {
  if (typeof value === 'string') return UUID.test(value)
  if (Array.isArray(value))
    return value.length > 0 && value.every((v) => typeof v === 'string' && UUID.test(v))
  return false
}

/** "shortlistingLeadWeeks" or "lead_weeks" → "Shortlisting lead weeks". */
export function inWords(name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_.-]+/g, ' ')
    .trim()
    .toLowerCase()
  return words.charAt(0).toUpperCase() + words.slice(1)
}

/** A column's label: the table's own, the shared one, or the name in words. A nested value's path joins with ": ". */
export function fieldLabel(table: string, path: string): string {
  const [column = path, ...inner] = path.split('.')
  const label = tableFieldLabels[table]?.[column] ?? fieldLabels[column] ?? inWords(column)
  // An amount is shown in pounds, so "pence" leaves its name.
  return [label, ...inner.map((key) => inWords(key.replace(/Pence$/, '')))].filter(Boolean).join(': ')
}

export function recordName(table: string): string {
  return recordNames[table] ?? inWords(table).toLowerCase()
}

/** The names of coded values, per column, from the features that own them. */
const valueNames: Record<string, Record<string, string>> = {
  'sessions.status': sessionStatusNames,
  'applications.status': applicationStatusNames,
  'attendance.mark': markNames,
  'needs.status': needStatusNames,
  'need_transitions.from_status': needStatusNames,
  'need_transitions.to_status': needStatusNames,
  'reviews.status': reviewStatusNames,
  'review_transitions.from_status': reviewStatusNames,
  'review_transitions.to_status': reviewStatusNames,
  'courses.delivery_method': deliveryMethodNames,
  'memberships.role': roleNames,
  'policies.rules.jurisdiction': jurisdictionNames,
}

const dateTime = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  hour12: true,
})
const dateOnly = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'UTC',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
})
const pounds = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP' })

/** A date as people write it: "12 Feb 2027". */
export function dateInWords(value: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? dateOnly.format(new Date(`${value}T00:00:00Z`)) : value
}

/** A recorded value as a person reads it: dates and times in London, money in pounds, yes and no. */
export function valueInWords(table: string, path: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return ''
  const column = path.split('.')[0] ?? path
  if (typeof value === 'boolean') return value ? 'Yes' : 'No'
  if (typeof value === 'number') return /pence$/i.test(path) ? pounds.format(value / 100) : String(value)
  if (typeof value === 'string') {
    const named = (valueNames[`${table}.${path}`] ?? valueNames[`${table}.${column}`])?.[value]
    if (named) return named
    if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return dateInWords(value)
    if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value) && !Number.isNaN(Date.parse(value)))
      return dateTime.format(new Date(value))
    // A coded value ("in_person", "funding_partner") reads as words.
    if (/^[a-z]+([_-][a-z]+)*$/.test(value)) return inWords(value)
    return value
  }
  if (Array.isArray(value))
    return value.every((v) => typeof v !== 'object' || v === null)
      ? value.map((v) => valueInWords(table, path, v)).join(', ')
      : `${value.length} ${value.length === 1 ? 'item' : 'items'}`
  return ''
}

/** What happened, from the action the service named, or from the change itself. */
const actionWords: Record<string, string> = {
  'action.extend': 'extended the action’s due date',
  'action.raise': 'raised an action',
  'action.update': 'recorded progress on the action',
  'action.verify': 'verified the action',
  'api-token.revoke': 'revoked an API token',
  'application.apply': 'applied',
  'application.approve': 'approved the application',
  'application.move': 'moved the application',
  'audits.action-plan.raise': 'added an action to an audit action plan',
  'audits.case_audits.acknowledge': 'acknowledged an escalation',
  'audits.case_audits.action': 'raised an action on a case audit’s recommendation',
  'audits.case_audits.answer': 'answered a case audit’s questions',
  'audits.case_audits.chase-escalation': 'chased an escalation not yet acknowledged',
  'audits.case_audits.conclude': 'concluded the case audit',
  'audits.case_audits.create': 'opened a case audit',
  'audits.case_audits.escalate': 'escalated a case with current risk',
  'audits.case_audits.finding': 'recorded a case audit finding',
  'audits.case_audits.grade': 'graded a case',
  'audits.case_audits.panel': 'recorded the panel day',
  'audits.case_audits.recommendation': 'made a recommendation from a case audit finding',
  'audits.case_audits.sample': 'changed the case audit’s sample',
  'audits.case_audits.send': 'sent the case audit to the agencies',
  'audits.challenge.event': 'recorded a challenge event',
  'audits.cycles.close': 'closed an audit cycle',
  'audits.cycles.open': 'opened an audit cycle',
  'audits.cycles.people': 'chose returns’ senior leads and reviewers',
  'audits.cycles.remind': 'reminded agencies of their audit returns',
  'audits.returns.answer': 'answered a standard of an audit return',
  'audits.returns.carry-forward': 'started an audit return from the last one',
  'audits.returns.contributor': 'changed who works on an audit return',
  'audits.returns.evidence': 'changed an audit return’s evidence',
  'audits.returns.review': 'reviewed an audit return',
  'audits.returns.submit': 'signed off and submitted an audit return',
  'audits.templates.create': 'made an audit template',
  'audits.templates.version': 'saved a new version of an audit template',
  'booking.accept': 'accepted an offered place',
  'booking.offer': 'offered a place from the waiting list',
  'booking.offer-lapse': 'let an offer lapse',
  'booking.remind': 'sent a reminder',
  'booking.substitute': 'sent someone else instead',
  'charge.waive': 'waived the charge',
  'complaint.log': 'logged a complaint',
  'complaint.respond': 'answered the complaint',
  'concern.raise': 'raised a concern',
  'demo.seed': 'loaded the demo data',
  'evaluation.complete': 'completed an evaluation',
  'evaluation.respond': 'answered an evaluation',
  'interest.invite': 'invited those interested',
  'interest.register': 'registered interest',
  'invoice.credit': 'credited an invoice',
  'invoice.issue': 'issued an invoice',
  'identity-provider.add': 'added an identity provider',
  'identity-provider.change': 'changed an identity provider',
  'identity-provider.remove': 'removed an identity provider',
  'membership.grant': 'gave a role',
  'need.decline': 'declined the proposal',
  'need.endorse': 'endorsed the proposal',
  'need.link-course': 'linked a course to the need',
  'need.propose': 'proposed how to meet the need',
  'need.submit': 'asked for training',
  'newsletter.create': 'wrote a newsletter',
  'newsletter.send': 'sent the newsletter',
  'newsletter.subscribe': 'subscribed to the newsletter',
  'newsletter.unsubscribe': 'unsubscribed from the newsletter',
  'newsletter.update': 'changed the newsletter',
  'pathways.create': 'made a pathway',
  'report.narrative': 'wrote the narrative of a report to the board',
  'report.sign-off': 'signed off a report to the board',
  'report.correction': 'opened a correction of a signed-off report to the board',
  'pathways.finder': 'saved the pathway decision tree',
  'pathways.set': 'set a person’s pathway',
  'pathways.set-by-role': 'set the pathway of an agency’s staff by role',
  'pathways.evidence': 'recorded learning evidence',
  'pathways.evidence-code': 'added another partnership’s certificate by its code',
  'pathways.evidence-import': 'imported staff’s learning evidence',
  'pathways.evidence-decide': 'decided on learning evidence',
  'pathways.remind': 'reminded people of training about to lapse',
  'pathways.lead-summary': 'sent agency leads their monthly training summary',
  'reports.agency-digest': 'sent agency leads their quarterly digest',
  'pathways.recognise': 'recognised another partnership’s course',
  'pathways.unrecognise': 'stopped recognising another partnership’s course',
  'person.confirm': 'confirmed the registration',
  'person.import': 'imported staff',
  'person.import.columns': 'chose the import’s columns',
  'person.import.commit': 'imported staff',
  'person.import.upload': 'uploaded a staff file',
  'person.merge': 'merged two records',
  'person.export': 'downloaded everything held about a person',
  'person.erase': 'erased a person on request',
  'person.register': 'registered',
  'person.sign-on': 'signed in with their organisation’s account for the first time',
  'person.reject': 'turned down the registration',
  'policy.confirm-examples': 'confirmed the policy’s assumed values',
  'privacy.statement': 'changed the privacy notice and accessibility statement',
  'retention.run': 'recorded a run of the retention job',
  'retention.leavers': 'anonymised people who left past the retention period',
  'retention.applications': 'anonymised applications and registers past the retention period',
  'retention.survey_answers': 'removed the free text of survey answers past the retention period',
  'retention.audit_trail': 'removed personal details from the audit trail past the retention period',
  'quality.add-pick': 'added a course to observe',
  'quality.draw': 'drew the courses to observe',
  'quality.observe': 'recorded an observation',
  'quality.respond': 'responded to an observation’s feedback',
  'quality.set-aside-pick': 'set aside a course picked for observation',
  'questionnaire.publish': 'published a questionnaire',
  'register.mark': 'took the register',
  'review.actions_in_progress': 'marked the review’s actions as in progress',
  'review.add-finding': 'added a finding to the review',
  'review.add-recommendation': 'added a recommendation to the review',
  'review.change': 'changed the review',
  'review.closed': 'closed the review',
  'review.create': 'recorded a case review',
  'review.decision_made': 'recorded the decision on the review',
  'review.in_progress': 'marked the review as in progress',
  'review.published': 'recorded the review’s publication',
  'review.respond': 'recorded the board’s response',
  'register.walk-in': 'added someone who came on the day',
  'second-factor.reset': 'reset someone’s second factor for signing in',
  'session.run-below-minimum': 'chose to run the session below its minimum places',
  'session.schedule': 'scheduled the session',
  'session.shortlist-confirm': 'confirmed the places',
  'session.shortlist-move': 'moved someone on the allocation',
  'session.shortlist-propose': 'proposed places',
  'telephone.draw': 'drew the telephone sample',
  'telephone.record': 'recorded a telephone call',
  'trainer.approve': 'approved a trainer',
  'waiting-list.reorder': 'reordered the waiting list',
}

/** The verb for the change itself: the record was added, changed or removed. */
export function changeVerb(before: unknown, after: unknown): 'added' | 'changed' | 'removed' {
  if (before === null || before === undefined) return 'added'
  if (after === null || after === undefined) return 'removed'
  return 'changed'
}

/** The step a change was part of, in words, or null when the change says it all (a plain insert, update or delete). */
export function actionInWords(action: string): string | null {
  if (['insert', 'update', 'delete'].includes(action)) return null
  // "session.change", "contract.add": the verb and the record already say it.
  if (/\.(add|change|create|update|delete|remove)$/.test(action)) return null
  // Older events name the page they came from.
  if (action.startsWith('/')) return null
  return capitalised(actionWords[action] ?? inWords(action).toLowerCase())
}

/** The first letter in capitals, the rest as it is ("API token" stays). */
export function capitalised(words: string): string {
  return words.charAt(0).toUpperCase() + words.slice(1)
}

/** Who acted, when no person did: the job or tool named in the trail. */
export function actorInWords(label: string | null): string {
  if (!label) return 'The service'
  if (label === 'demo-seed') return 'The demo data'
  if (label === 'cli') return 'The command line'
  if (label.startsWith('job:')) return `The scheduled ${inWords(label.slice(4)).toLowerCase()}`
  return inWords(label)
}

/** What a record's entry needs to name it: the row itself and what its ids point at. */
export type Named = {
  row: Record<string, unknown>
  courseTitle: string | null
  sessionStartsAt: Date | null
  personName: string | null
  userName: string | null
}

const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim() : null)
const shortened = (value: string | null, length = 60) =>
  value && value.length > length ? `${value.slice(0, length - 1).trimEnd()}…` : value
const onDate = (value: Date | string | null) =>
  value ? dateOnly.format(new Date(typeof value === 'string' ? value : value.toISOString())) : null
const joined = (...parts: (string | null)[]) => parts.filter(Boolean).join(', ') || null

/**
 * The record's own name, as a person knows it: "Working together, 12 Feb 2027" for a session,
 * "Ada Lovelace" for a person; null when nothing readable is known (the entry then names only
 * the kind of record).
 */
export function recordLabel(table: string, named: Named): string | null {
  const { row } = named
  const person =
    named.personName ?? ([text(row.first_name), text(row.last_name)].filter(Boolean).join(' ') || null)
  const session = joined(named.courseTitle, onDate(named.sessionStartsAt))
  switch (table) {
    case 'sessions':
      return joined(named.courseTitle, onDate(text(row.starts_at)))
    case 'session_parts':
    case 'session_trainers':
    case 'attendance':
      return session
    case 'applications':
    case 'charges':
    case 'certificates':
    case 'conduct_concerns':
    case 'evaluation_invitations':
    case 'telephone_calls':
      return person && session ? `${person} on ${session}` : (person ?? session)
    case 'trainer_approvals':
      return person && named.courseTitle ? `${person} for ${named.courseTitle}` : person
    case 'people':
    case 'agency_spells':
      return person
    case 'memberships':
      return named.userName
    case 'needs':
      return shortened(text(row.practice_change))
    case 'policies':
      return row.effective_from ? `in force from ${dateInWords(String(row.effective_from))}` : null
    case 'invoices':
      return text(String(row.number ?? ''))
    case 'course_versions':
    case 'course_themes':
      return named.courseTitle
    default:
      return (
        text(row.name) ??
        text(row.title) ??
        text(row.provider_name) ??
        text(row.complainant_name) ??
        text(row.filename) ??
        named.courseTitle
      )
  }
}
