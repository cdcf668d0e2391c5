import { checkEvidence, MAX_EVIDENCE_BYTES, tooLargeMessage } from '#features/actions/evidence.ts'
import type { FieldError } from '#platform/errors.ts'
import { dateFromInput, formText, isCalendarDate, parseForm } from '#platform/http/forms.ts'
import type { Upload } from '#platform/http/uploads.ts'
import { evidenceSchema } from './forms.ts'
import type { EvidenceUpload } from './service.ts'

// A date's error links to its first box, as the GOV.UK date input asks.
export const summaryOf = (errors: readonly FieldError[]) =>
  errors.map((e) => ({ text: e.text, href: `#${e.field}${e.field === 'completedOn' ? '-day' : ''}` }))

/** Hours as typed, for the schema: a number where it reads as one, else the text, to be refused. */
function hoursOf(value: unknown): unknown {
  const text = formText(value)
  if (!text) return undefined
  return /^-?(\d+(\.\d*)?|\.\d+)$/.test(text) ? Number(text) : text
}

const hasFile = (upload: Upload | undefined): upload is Upload =>
  Boolean(upload && (upload.filename || upload.bytes.length > 0))

/**
 * Everything wrong with the evidence form at once: the schema's findings, and the date and the
 * file, which the service checks again but only once the rest is right.
 */
export async function evidenceFromForm(
  body: Record<string, unknown>,
  upload: Upload | undefined,
  today: string,
) {
  const completedOn = dateFromInput(body, 'completedOn')
  const form = parseForm(evidenceSchema, {
    kind: formText(body.kind) || undefined,
    title: body.title,
    provider: body.provider,
    completedOn: completedOn || undefined,
    hours: hoursOf(body.hours),
    requirementId: formText(body.requirementId) || undefined,
  })
  // The schema's message shows a date as the API takes it; the boxes take day, month and year.
  const errors: FieldError[] = (form.ok ? [] : form.errors).map((e) =>
    e.field === 'completedOn' && completedOn
      ? { ...e, text: 'The date completed must be a real date, like 27 3 2026' }
      : e,
  )
  if (isCalendarDate(completedOn) && completedOn > today)
    errors.push({ field: 'completedOn', text: 'The date completed must be today or in the past' })
  let file: EvidenceUpload | null = null
  if (hasFile(upload)) {
    const checked = upload.tooLarge
      ? { ok: false as const, message: tooLargeMessage(MAX_EVIDENCE_BYTES) }
      : await checkEvidence(upload.bytes)
    if (checked.ok) file = { filename: upload.filename, bytes: upload.bytes }
    else errors.push({ field: 'file', text: checked.message })
  }
  return form.ok && !errors.length
    ? { ok: true as const, data: form.data, file }
    : { ok: false as const, errors }
}
