import { isUuid } from '#platform/db/database.ts'
import type { FieldError } from '#platform/errors.ts'
import type { FormResult } from '#platform/http/forms.ts'
import { fieldErrors, formText } from '#platform/http/forms.ts'
import type { PathwayInput, RequirementInput } from '../forms.ts'
import { pathwaySchema, requirementSchema } from '../forms.ts'
import type { Pathway } from '../queries.ts'

/** Empty requirement rows the form offers below the pathway's own, so requirements can be added without JavaScript. */
export const EMPTY_ROWS = 3
// The schema allows 30 requirements; a form never offers more rows than that and the empty ones.
const MOST_ROWS = 30 + EMPTY_ROWS

/** One "Requirement N" fieldset as the form shows it, typed values kept as typed. */
export type RequirementRow = {
  n: number
  /** The kept requirement's id, so evidence recorded against it stays with it. */
  id: string
  title: string
  required: string
  refresherMonths: string
  courseIds: string[]
  remove: boolean
}

export type PathwayFormValues = {
  title: string
  audience: string
  summary: string
  status: string
  rows: RequirementRow[]
}

const emptyRow = (n: number): RequirementRow => ({
  n,
  id: '',
  title: '',
  required: '',
  refresherMonths: '',
  courseIds: [],
  remove: false,
})

const rowField = (n: number, name: string) => `requirements-${n}-${name}`

/** A pathway as its change form first shows it, with empty rows to add requirements in. */
export function pathwayFormValues(pathway: Pathway | null): PathwayFormValues {
  const rows = (pathway?.requirements ?? []).map((r, i) => ({
    n: i + 1,
    id: r.id,
    title: r.title,
    required: r.required ? 'required' : 'optional',
    refresherMonths: r.refresherMonths === null ? '' : String(r.refresherMonths),
    courseIds: r.courses.map((c) => c.id),
    remove: false,
  }))
  for (let i = 0; i < EMPTY_ROWS; i++) rows.push(emptyRow(rows.length + 1))
  return {
    title: pathway?.title ?? '',
    audience: pathway?.audience ?? '',
    summary: pathway?.summary ?? '',
    status: pathway?.status ?? 'active',
    rows,
  }
}

const asList = (value: unknown): string[] =>
  (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string' && v !== '')

/** The form as a browser sent it, as values to check or to show again. */
export function pathwayFormFrom(body: Record<string, unknown>): PathwayFormValues {
  const numbers = Object.keys(body).flatMap((key) => {
    const match = /^requirements-(\d{1,3})-/.exec(key)
    return match ? [Number(match[1])] : []
  })
  const count = Math.min(MOST_ROWS, Math.max(0, ...numbers))
  const rows: RequirementRow[] = []
  for (let n = 1; n <= count; n++)
    rows.push({
      n,
      id: formText(body[rowField(n, 'id')]),
      title: formText(body[rowField(n, 'title')]),
      required: formText(body[rowField(n, 'required')]),
      refresherMonths: formText(body[rowField(n, 'refresherMonths')]),
      courseIds: asList(body[rowField(n, 'courses')]),
      remove: body[rowField(n, 'remove')] === 'yes',
    })
  return {
    title: formText(body.title),
    audience: formText(body.audience),
    summary: formText(body.summary),
    status: formText(body.status),
    rows,
  }
}

/** Whether a row is left out: removed, or a new one left empty. */
function ignored(row: RequirementRow): boolean {
  if (row.id) return row.remove
  return !row.title && !row.required && !row.refresherMonths && !row.courseIds.length
}

/** A requirement row read, or what is wrong with it, each message naming the requirement. */
function requirementFrom(row: RequirementRow): { requirement?: RequirementInput; errors: FieldError[] } {
  const errors: FieldError[] = []
  const name = `requirement ${row.n}`
  if (!row.title) errors.push({ field: rowField(row.n, 'title'), text: `Enter the title of ${name}` })
  else if (row.title.length > 200)
    errors.push({
      field: rowField(row.n, 'title'),
      text: `The title of ${name} must be 200 characters or fewer`,
    })
  if (row.required !== 'required' && row.required !== 'optional')
    errors.push({
      field: rowField(row.n, 'required'),
      text: `Say whether ${name} is required or optional`,
    })
  let refresherMonths: number | null = null
  if (row.refresherMonths) {
    if (!/^\d{1,6}$/.test(row.refresherMonths))
      errors.push({
        field: rowField(row.n, 'refresherMonths'),
        text: `Enter the refresher of ${name} as a whole number of months, like 36, or leave it blank for no refresher`,
      })
    else {
      refresherMonths = Number(row.refresherMonths)
      if (refresherMonths < 1 || refresherMonths > 240)
        errors.push({
          field: rowField(row.n, 'refresherMonths'),
          text: `The refresher of ${name} must be between 1 and 240 months (20 years)`,
        })
    }
  }
  if (row.courseIds.some((id) => !isUuid(id)))
    errors.push({ field: rowField(row.n, 'courses'), text: `Choose the courses of ${name} from the list` })
  if (errors.length) return { errors }
  // The schema has the last word on what a requirement may be; its message, on this row.
  const parsed = requirementSchema.safeParse({
    ...(row.id ? { id: row.id } : {}),
    title: row.title,
    required: row.required === 'required',
    refresherMonths,
    courseIds: row.courseIds,
  })
  if (!parsed.success)
    return {
      errors: fieldErrors(parsed.error).map((e) => ({
        field: rowField(row.n, e.field === 'courseIds' ? 'courses' : 'title'),
        text: `Requirement ${row.n}: ${e.text}`,
      })),
    }
  return { requirement: parsed.data, errors: [] }
}

/**
 * The pathway form read into a pathway: each requirement row that is not empty or removed
 * becomes a requirement, keeping its id; every problem is reported at once, in the form's
 * order, each naming its field.
 */
export function pathwayFromForm(values: PathwayFormValues, editing: boolean): FormResult<PathwayInput> {
  const errors: FieldError[] = []
  const parsed = pathwaySchema.omit({ requirements: true }).safeParse({
    title: values.title,
    audience: values.audience,
    summary: values.summary || null,
    ...(editing ? { status: values.status || undefined } : {}),
  })
  if (!parsed.success) errors.push(...fieldErrors(parsed.error))
  if (editing && !values.status)
    errors.push({ field: 'status', text: 'Say whether the pathway is active or retired' })

  const kept = values.rows.filter((row) => !ignored(row))
  const requirements: RequirementInput[] = []
  for (const row of kept) {
    const read = requirementFrom(row)
    errors.push(...read.errors)
    if (read.requirement) requirements.push(read.requirement)
  }
  const first = values.rows[0]?.n ?? 1
  if (!kept.length) errors.push({ field: rowField(first, 'title'), text: 'Add at least one requirement' })
  else if (kept.length > 30)
    errors.push({ field: 'requirements', text: 'A pathway can have at most 30 requirements' })

  if (errors.length || !parsed.success) return { ok: false, errors }
  return { ok: true, data: { ...parsed.data, requirements } }
}
