import type { Standard } from '#features/quality/standards/queries.ts'
import type { FieldError } from '#platform/errors.ts'
import type { FormResult } from '#platform/http/forms.ts'
import { calendarDateOf, dateFromInput, formText as text } from '#platform/http/forms.ts'
import type { Outcome, Rating } from '../words.ts'
import { outcomes, ratings } from '../words.ts'
import type { OpenRoundInput, RatingInput, ReviewActionInput, ReviewInput } from './forms.ts'
import { evidenceUrl } from './forms.ts'

/** How many action rows the review form offers; blank rows are left out. */
export const ACTION_ROWS = 3

const listOf = (value: unknown): string[] =>
  (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter(
    (v): v is string => typeof v === 'string' && v !== '',
  )

const tooLong = (value: string, max: number) => value.length > max

/** The opening form: title, due date boxes, the agencies ticked. */
export function openFromForm(body: Record<string, unknown>): FormResult<OpenRoundInput> {
  const errors: FieldError[] = []
  const title = text(body.title)
  if (!title) errors.push({ field: 'title', text: 'Enter a title for the round, like Self-assessment 2027' })
  else if (tooLong(title, 200))
    errors.push({ field: 'title', text: 'The title must be 200 characters or fewer' })
  const typed = dateFromInput(body, 'dueOn')
  const [year, month, day] = typed.split('-')
  const dueOn = typed ? calendarDateOf(day ?? '', month ?? '', year ?? '') : null
  if (!typed) errors.push({ field: 'dueOn-day', text: 'Enter the due date' })
  else if (!dueOn)
    errors.push({ field: 'dueOn-day', text: 'The due date must be a real date, like 31 3 2027' })
  const agencyIds = listOf(body.agencyIds)
  if (!agencyIds.length) errors.push({ field: 'agencyIds', text: 'Select at least one agency to ask' })
  if (errors.length || !dueOn) return { ok: false, errors }
  return { ok: true, data: { title, dueOn, agencyIds } }
}

/** A course's ratings from its page: one set of fields per standard, named by the standard's id. */
export function ratingsFromForm(
  body: Record<string, unknown>,
  standards: readonly Standard[],
): FormResult<RatingInput[]> {
  const errors: FieldError[] = []
  const rows: RatingInput[] = []
  for (const s of standards) {
    const rating = text(body[`rating-${s.id}`])
    if (rating && !(ratings as readonly string[]).includes(rating))
      errors.push({ field: `rating-${s.id}`, text: `Choose a rating for ${s.title} from the list` })
    const narrative = text(body[`narrative-${s.id}`])
    if (tooLong(narrative, 10000))
      errors.push({
        field: `narrative-${s.id}`,
        text: `The narrative for ${s.title} must be 10,000 characters or fewer`,
      })
    const note = text(body[`evidenceNote-${s.id}`])
    if (tooLong(note, 5000))
      errors.push({
        field: `evidenceNote-${s.id}`,
        text: `The evidence note for ${s.title} must be 5,000 characters or fewer`,
      })
    const link = evidenceUrl.safeParse(text(body[`evidenceUrl-${s.id}`]))
    if (!link.success)
      errors.push({
        field: `evidenceUrl-${s.id}`,
        text: `${link.error.issues[0]?.message ?? 'Enter a link starting https://'} (${s.title})`,
      })
    rows.push({
      standardId: s.id,
      rating: (rating || null) as Rating | null,
      narrative: narrative || null,
      evidenceNote: note || null,
      evidenceUrl: link.success ? link.data : null,
    })
  }
  return errors.length ? { ok: false, errors } : { ok: true, data: rows }
}

/** The review form: feedback per standard, outcome, summary and up to three actions. */
export function reviewFromForm(
  body: Record<string, unknown>,
  standards: readonly Standard[],
): FormResult<ReviewInput> & { rows: number[] } {
  const errors: FieldError[] = []
  const feedback = standards
    .map((s) => ({ standardId: s.id, feedback: text(body[`feedback-${s.id}`]) }))
    .filter((f) => f.feedback)
  for (const f of feedback)
    if (tooLong(f.feedback, 10000))
      errors.push({ field: `feedback-${f.standardId}`, text: 'Feedback must be 10,000 characters or fewer' })
  const outcome = text(body.outcome)
  if (!(outcomes as readonly string[]).includes(outcome))
    errors.push({ field: 'outcome', text: 'Choose the outcome' })
  const summary = text(body.summary)
  if (!summary) errors.push({ field: 'summary', text: 'Enter an overall summary of your feedback' })
  else if (tooLong(summary, 10000))
    errors.push({ field: 'summary', text: 'The summary must be 10,000 characters or fewer' })
  const actions: ReviewActionInput[] = []
  const rows: number[] = []
  for (let n = 1; n <= ACTION_ROWS; n++) {
    const prefix = `action-${n}`
    const description = text(body[`${prefix}-description`])
    const successMeasure = text(body[`${prefix}-successMeasure`])
    const standardId = text(body[`${prefix}-standardId`])
    const typed = dateFromInput(body, `${prefix}-dueOn`)
    if (!description && !successMeasure && !typed) continue
    if (!description) errors.push({ field: `${prefix}-description`, text: `Describe action ${n}` })
    const [year, month, day] = typed.split('-')
    const dueOn = typed ? calendarDateOf(day ?? '', month ?? '', year ?? '') : null
    if (!dueOn)
      errors.push({
        field: `${prefix}-dueOn-day`,
        text: typed ? `Action ${n}’s due date must be a real date` : `Enter action ${n}’s due date`,
      })
    if (!successMeasure)
      errors.push({ field: `${prefix}-successMeasure`, text: `Say how you will know action ${n} worked` })
    if (standardId && !standards.some((s) => s.id === standardId))
      errors.push({ field: `${prefix}-standardId`, text: 'Choose a standard from the list' })
    rows.push(n)
    actions.push({ description, dueOn: dueOn ?? '', successMeasure, standardId: standardId || null })
  }
  if (errors.length) return { ok: false, errors, rows }
  return { ok: true, data: { outcome: outcome as Outcome, summary, feedback, actions }, rows }
}

/** The service's field names (actions.0.dueOn) as the review page's (action-1-dueOn-day). */
export function reviewFieldOf(field: string, rows: readonly number[]): string {
  const match = /^actions\.(\d+)\.(\w+)$/.exec(field)
  if (match) {
    const n = rows[Number(match[1])] ?? 1
    return match[2] === 'dueOn' ? `action-${n}-dueOn-day` : `action-${n}-${match[2]}`
  }
  if (field === 'actions') return 'action-1-description'
  return field
}
