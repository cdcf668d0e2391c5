import type { FieldError } from '#platform/errors.ts'
import { dateFromInput, formText } from '#platform/http/forms.ts'
import type { CreateCaseAuditInput } from './forms.ts'

/** A form field that may be repeated (checkboxes), as its non-empty values. */
export const listOf = (value: unknown): string[] =>
  (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter(
    (v): v is string => typeof v === 'string' && v !== '',
  )

/** The opening form: the questions one to a line, each agency ticked with its named lead chosen beside it. */
export function createFromForm(body: Record<string, unknown>): CreateCaseAuditInput {
  return {
    title: formText(body.title),
    themeId: formText(body.themeId),
    dueOn: dateFromInput(body, 'dueOn'),
    questions: formText(body.questions)
      .split(/\r?\n/)
      .map((q) => q.trim())
      .filter(Boolean),
    agencies: listOf(body.agencyIds).map((agencyId) => ({
      agencyId,
      leadUserId: formText(body[`lead-${agencyId}`]) || null,
    })),
  }
}

/** Each agency's reference typed on the sample form, `ref-{agencyId}`; blanks left out. */
export function referencesFromForm(body: Record<string, unknown>, agencyIds: readonly string[]) {
  return {
    references: agencyIds
      .map((agencyId) => ({ agencyId, reference: formText(body[`ref-${agencyId}`]) }))
      .filter((r) => r.reference),
  }
}

/** Moves the service's field names to the page's: references to their boxes, dates to their day box. */
export function onPage(
  errors: readonly FieldError[],
  body: Record<string, unknown>,
  agencyIds: readonly string[] = [],
) {
  const typed = agencyIds.filter((a) => formText(body[`ref-${a}`]))
  return errors.map((e) => {
    const ref = /^references\.(\d+)\./.exec(e.field)
    if (ref) return { ...e, field: `ref-${typed[Number(ref[1])] ?? ''}` }
    if (e.field === 'references') return { ...e, field: `ref-${agencyIds[0] ?? ''}` }
    if (e.field === 'dueOn' || e.field === 'panelOn' || e.field === 'dueOnAction')
      return { ...e, field: `${e.field}-day` }
    if (e.field.startsWith('agencies')) return { ...e, field: 'agencyIds' }
    return e
  })
}
