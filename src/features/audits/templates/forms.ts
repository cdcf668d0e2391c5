import { z } from 'zod'
import type { FieldError } from '#platform/errors.ts'
import { scales, templateKinds } from '../words.ts'

const text = (max: number, label: string) =>
  z
    .string({ message: `Enter ${label}` })
    .trim()
    .min(1, { message: `Enter ${label}` })
    .max(max, {
      message: `${label.charAt(0).toUpperCase()}${label.slice(1)} must be ${max.toLocaleString('en-GB')} characters or fewer`,
    })

/** A standard's number within its template: digits and letters joined by dots, like 2.3 or 4.1a. */
export const REF = /^[0-9A-Za-z]+(\.[0-9A-Za-z]+)*$/

export const standardSchema = z
  .object({
    ref: text(20, 'the reference').regex(REF, {
      message: 'Write the reference as numbers with dots, like 2.3',
    }),
    title: text(200, 'the title'),
    question: text(2000, 'the question'),
    guidance: text(5000, 'the guidance'),
    evidenceExpected: text(5000, 'the evidence expected'),
  })
  .strict()
export type StandardInput = z.infer<typeof standardSchema>

export const sectionSchema = z
  .object({
    title: text(200, 'the section’s title'),
    standards: z
      .array(standardSchema)
      .min(1, { message: 'Give the section at least one standard' })
      .max(100, { message: 'A section has at most 100 standards' }),
  })
  .strict()
export type SectionInput = z.infer<typeof sectionSchema>

/** A template's version as the API and the forms send it; with `templateId`, a new version of that template. */
export const templateSchema = z
  .object({
    templateId: z.uuid({ message: 'Name a template by its id' }).optional(),
    kind: z.enum(templateKinds, { message: `Choose the kind: ${templateKinds.join(', ')}` }),
    title: text(200, 'the template’s title'),
    scale: z.enum(scales, { message: 'Choose the scale: four_point or rag' }),
    note: z
      .string()
      .trim()
      .max(2000, { message: 'The note must be 2,000 characters or fewer' })
      .nullish()
      .transform((v) => v || null),
    sections: z
      .array(sectionSchema)
      .min(1, { message: 'Give the template at least one section' })
      .max(50, { message: 'A template has at most 50 sections' }),
  })
  .strict()
export type TemplateInput = z.input<typeof templateSchema>
export type TemplateVersionInput = z.output<typeof templateSchema>

/** Where a field sits, in words a person finds it by: "Section 2, standard 3 (2.3)". */
function placeOf(raw: unknown, path: readonly PropertyKey[]): string {
  if (path[0] !== 'sections' || typeof path[1] !== 'number') return ''
  const section = `Section ${path[1] + 1}`
  if (path[2] !== 'standards' || typeof path[3] !== 'number') return `${section}: `
  const ref = (raw as { sections?: { standards?: { ref?: unknown }[] }[] })?.sections?.[path[1]]?.standards?.[
    path[3]
  ]?.ref
  return `${section}, standard ${path[3] + 1}${typeof ref === 'string' && ref.trim() ? ` (${ref.trim()})` : ''}: `
}

/**
 * The template checked, each problem named by its section and standard, and a reference used
 * twice in the version refused: the reference is how one cycle's answer meets the last one's.
 */
export function checkTemplate(
  raw: unknown,
): { ok: true; data: TemplateVersionInput } | { ok: false; errors: FieldError[] } {
  const parsed = templateSchema.safeParse(raw)
  if (!parsed.success) {
    const seen = new Set<string>()
    const errors: FieldError[] = []
    for (const issue of parsed.error.issues) {
      const field = issue.path.map(String).join('.') || 'form'
      if (seen.has(field)) continue
      seen.add(field)
      errors.push({ field, text: `${placeOf(raw, issue.path)}${issue.message}` })
    }
    return { ok: false, errors }
  }
  const errors: FieldError[] = []
  const first = new Map<string, string>()
  for (const [s, section] of parsed.data.sections.entries())
    for (const [d, standard] of section.standards.entries()) {
      const key = standard.ref.toLowerCase()
      const where = `Section ${s + 1}, standard ${d + 1}`
      const earlier = first.get(key)
      if (earlier)
        errors.push({
          field: `sections.${s}.standards.${d}.ref`,
          text: `${where}: reference ${standard.ref} is already used by ${earlier}: give each standard its own`,
        })
      else first.set(key, where.toLowerCase())
    }
  return errors.length ? { ok: false, errors } : { ok: true, data: parsed.data }
}
