import type { FieldError } from '#platform/errors.ts'
import { formText as text } from '#platform/http/forms.ts'
import type { Scale, TemplateKind } from '../words.ts'
import type { SectionInput, StandardInput, TemplateInput } from './forms.ts'

/**
 * The template form, all on one page without JavaScript: a fieldset per section with its
 * title and a block of fields per standard (`s-2-3-title` is section 2's third row). Blank
 * rows are left out; "Add more rows" shows the same form with more blank ones, saving nothing.
 */

type Body = Record<string, unknown>

/** Blank standard rows under each section, and blank sections after them, when the form opens. */
const BLANK_ROWS = 1
const MORE_ROWS = 3
const MAX_SECTIONS = 50
const MAX_ROWS = 100

/** The form's sections and their standard rows, by number: what the page draws. */
export type Layout = { n: number; rows: number[] }[]

const fields = ['ref', 'title', 'question', 'guidance', 'evidence'] as const
const count = (value: unknown, max: number) =>
  Math.min(Math.max(Number.parseInt(text(value), 10) || 0, 0), max)
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1)

/** A saved or suggested version as the form's values. */
export function valuesOf(template: {
  title: string
  kind: TemplateKind
  scale: Scale
  sections: readonly { title: string; standards: readonly StandardInput[] }[]
}): Body {
  const values: Body = {
    title: template.title,
    kind: template.kind,
    scale: template.scale,
    sections: String(template.sections.length),
  }
  template.sections.forEach((section, i) => {
    const n = i + 1
    values[`section-${n}-title`] = section.title
    values[`section-${n}-count`] = String(section.standards.length)
    section.standards.forEach((s, j) => {
      const prefix = `s-${n}-${j + 1}`
      values[`${prefix}-ref`] = s.ref
      values[`${prefix}-title`] = s.title
      values[`${prefix}-question`] = s.question
      values[`${prefix}-guidance`] = s.guidance
      values[`${prefix}-evidence`] = s.evidenceExpected
    })
  })
  return values
}

/**
 * The sections and rows to draw for these values: each section's rows and some blank ones, and
 * a blank section at the end; `more` adds more blank rows everywhere.
 */
export function layoutOf(values: Body, more = false): Layout {
  const extra = more ? MORE_ROWS : BLANK_ROWS
  const sections = count(values.sections, MAX_SECTIONS)
  const layout: Layout = range(sections).map((n) => ({
    n,
    rows: range(Math.min(count(values[`section-${n}-count`], MAX_ROWS) + extra, MAX_ROWS)),
  }))
  if (sections < MAX_SECTIONS) layout.push({ n: sections + 1, rows: range(Math.max(extra, 2)) })
  return layout
}

/** The values with the layout's counts, so a form shown again keeps the rows it drew. */
export function withCounts(values: Body, layout: Layout): Body {
  const out: Body = { ...values, sections: String(layout.length) }
  for (const s of layout) out[`section-${s.n}-count`] = String(s.rows.length)
  return out
}

/** Where each kept section and standard came from on the form, to put the service's errors back. */
export type Places = { sections: number[]; standards: [number, number][][] }

/** The form as the service's input, leaving out blank and removed rows; nothing is judged here but the shape. */
export function templateFromForm(body: Body): { input: TemplateInput; places: Places; errors: FieldError[] } {
  const errors: FieldError[] = []
  const places: Places = { sections: [], standards: [] }
  const sections: SectionInput[] = []
  for (const { n, rows } of layoutOf(body)) {
    if (text(body[`section-${n}-remove`]) === 'yes') continue
    const standards: StandardInput[] = []
    const at: [number, number][] = []
    for (const m of rows) {
      const prefix = `s-${n}-${m}`
      if (text(body[`${prefix}-remove`]) === 'yes') continue
      const [ref, title, question, guidance, evidenceExpected] = fields.map((f) =>
        text(body[`${prefix}-${f}`]),
      )
      if (!ref && !title && !question && !guidance && !evidenceExpected) continue
      standards.push({
        ref: ref ?? '',
        title: title ?? '',
        question: question ?? '',
        guidance: guidance ?? '',
        evidenceExpected: evidenceExpected ?? '',
      })
      at.push([n, m])
    }
    const title = text(body[`section-${n}-title`])
    if (!title && !standards.length) continue
    sections.push({ title, standards })
    places.sections.push(n)
    places.standards.push(at)
  }
  const kind = text(body.kind) as TemplateKind
  const scale = text(body.scale) as Scale
  return {
    input: { title: text(body.title), kind, scale, note: text(body.note) || null, sections },
    places,
    errors,
  }
}

const FIELD_OF: Record<string, string> = {
  ref: 'ref',
  title: 'title',
  question: 'question',
  guidance: 'guidance',
  evidenceExpected: 'evidence',
}

/** The service's field names (sections.1.standards.2.ref) as the form's (s-2-3-ref). */
export function formFieldOf(field: string, places: Places): string {
  const standard = /^sections\.(\d+)\.standards\.(\d+)\.(\w+)$/.exec(field)
  if (standard) {
    const [n, m] = places.standards[Number(standard[1])]?.[Number(standard[2])] ?? [1, 1]
    return `s-${n}-${m}-${FIELD_OF[standard[3] ?? ''] ?? 'title'}`
  }
  const section = /^sections\.(\d+)(?:\.(\w+))?$/.exec(field)
  if (section) {
    const n = places.sections[Number(section[1])] ?? 1
    // A section with no standards: its first row is where one goes.
    return section[2] === 'standards' ? `s-${n}-1-ref` : `section-${n}-title`
  }
  if (field === 'sections') return 'section-1-title'
  return field
}
