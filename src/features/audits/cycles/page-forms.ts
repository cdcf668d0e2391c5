import type { FieldError } from '#platform/errors.ts'
import type { FormResult } from '#platform/http/forms.ts'
import { calendarDateOf, dateFromInput, formText as text } from '#platform/http/forms.ts'
import type { OpenCycleInput, ReturnPeople } from './forms.ts'

const listOf = (value: unknown): string[] =>
  (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter(
    (v): v is string => typeof v === 'string' && v !== '',
  )

/**
 * The opening form: title, the template (its current version), due date boxes, the agencies
 * ticked, each agency's senior lead (`lead-{agencyId}`) and reviewer (`reviewer-{agencyId}`),
 * and the survey's questionnaire (none for no survey). Only the ticked agencies' people count.
 */
export function openFromForm(body: Record<string, unknown>): FormResult<OpenCycleInput> {
  const errors: FieldError[] = []
  const title = text(body.title)
  if (!title)
    errors.push({ field: 'title', text: 'Enter a title for the cycle, like Section 11 audit 2026-27' })
  const versionId = text(body.versionId)
  if (!versionId) errors.push({ field: 'versionId', text: 'Choose the template' })
  const typed = dateFromInput(body, 'dueOn')
  const [year, month, day] = typed.split('-')
  const dueOn = typed ? calendarDateOf(day ?? '', month ?? '', year ?? '') : null
  if (!typed) errors.push({ field: 'dueOn-day', text: 'Enter the due date' })
  else if (!dueOn)
    errors.push({ field: 'dueOn-day', text: 'The due date must be a real date, like 29 1 2027' })
  const agencyIds = listOf(body.agencyIds)
  if (!agencyIds.length) errors.push({ field: 'agencyIds', text: 'Select at least one agency to ask' })
  if (errors.length || !dueOn) return { ok: false, errors }
  const pick = (prefix: string) =>
    Object.fromEntries(
      agencyIds.flatMap((a) => (text(body[`${prefix}-${a}`]) ? [[a, text(body[`${prefix}-${a}`])]] : [])),
    )
  const questionnaireId = text(body.questionnaireId)
  return {
    ok: true,
    data: {
      title,
      versionId,
      dueOn,
      agencyIds,
      seniorLeads: pick('lead'),
      reviewers: pick('reviewer'),
      survey: questionnaireId ? { questionnaireId } : null,
    },
  }
}

/** The service's field names as the opening form's. */
export function openFieldOf(field: string): string {
  if (field === 'dueOn') return 'dueOn-day'
  if (field === 'survey.questionnaireId') return 'questionnaireId'
  const person = /^(seniorLeads|reviewers)\.(.+)$/.exec(field)
  if (person) return `${person[1] === 'seniorLeads' ? 'lead' : 'reviewer'}-${person[2]}`
  return field
}

/** The cycle page's people form: a senior lead and a reviewer select per return shown. */
export function peopleFromForm(body: Record<string, unknown>, returnIds: readonly string[]): ReturnPeople[] {
  return returnIds.map((id) => ({
    returnId: id,
    seniorLeadUserId: text(body[`seniorLead-${id}`]) || null,
    reviewerUserId: text(body[`reviewer-${id}`]) || null,
  }))
}
