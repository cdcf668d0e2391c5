import type { FieldError } from '#platform/errors.ts'
import { formText } from '#platform/http/forms.ts'
import type { StandardInput, VersionInput } from './forms.ts'
import { versionSchema } from './forms.ts'

type Body = Record<string, unknown>

/** The change form's values: each standard's three boxes, numbered from 1, and one blank to add. */
export function valuesOf(standards: readonly StandardInput[]): Body {
  const values: Body = { count: String(standards.length + 1), note: '' }
  standards.forEach((s, i) => {
    values[`title-${i + 1}`] = s.title
    values[`guidance-${i + 1}`] = s.guidance
    values[`evidence-${i + 1}`] = s.evidenceExpected
  })
  return values
}

/** How many standards the form shows: the ones it was given and one blank, at most 31. */
export const rowsOf = (body: Body) => Math.min(31, Math.max(1, Number(formText(body.count)) || 1))

/**
 * Reads the change form: a standard ticked to remove, or left wholly blank (the spare row), is
 * left out; one partly filled in is an error against its own box.
 */
export function versionFromForm(
  body: Body,
): { ok: true; data: VersionInput } | { ok: false; errors: FieldError[] } {
  const standards: StandardInput[] = []
  const errors: FieldError[] = []
  // The form's row of each standard kept, to put an error against its own box.
  const rows: number[] = []
  for (let n = 1; n <= rowsOf(body); n++) {
    const title = formText(body[`title-${n}`]).trim()
    const guidance = formText(body[`guidance-${n}`]).trim()
    const evidenceExpected = formText(body[`evidence-${n}`]).trim()
    if (body[`remove-${n}`] === 'yes' || (!title && !guidance && !evidenceExpected)) continue
    const missing = (field: string, what: string) =>
      errors.push({ field: `${field}-${n}`, text: `Enter ${what} for standard ${n}` })
    if (!title) missing('title', 'the standard')
    if (!guidance) missing('guidance', 'the guidance')
    if (!evidenceExpected) missing('evidence', 'the evidence expected')
    standards.push({ title, guidance, evidenceExpected })
    rows.push(n)
  }
  if (errors.length) return { ok: false, errors }
  const parsed = versionSchema.safeParse({ standards, note: formText(body.note) })
  if (parsed.success) return { ok: true, data: parsed.data }
  return {
    ok: false,
    errors: parsed.error.issues.map((issue) => {
      const [, index, key] = issue.path as [string, number | undefined, string | undefined]
      const field =
        typeof index === 'number' && key
          ? `${key === 'evidenceExpected' ? 'evidence' : key}-${rows[index] ?? 1}`
          : String(issue.path[0] ?? 'title-1')
      return { field: field === 'standards' ? 'title-1' : field, text: issue.message }
    }),
  }
}
