import { fileTypeFromBuffer } from 'file-type'

/** The largest evidence file taken: enough for a scanned audit report, small enough for the database. */
export const MAX_EVIDENCE_BYTES = 10 * 1024 * 1024

/**
 * The kinds of evidence file taken, by what their bytes are (never by their name or the type
 * the browser claims): PDF, Word, Excel and PowerPoint documents, and common images.
 */
const accepted: Record<string, string> = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  png: 'image/png',
  jpg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
}

const KINDS = 'a PDF, a Word, Excel or PowerPoint document, or a PNG, JPEG, GIF or WebP image'

/** Programs by their first bytes: Windows (MZ), Linux (ELF) and macOS (Mach-O) executables and scripts. */
function isProgram(bytes: Buffer, detected: string | undefined): boolean {
  if (detected && ['exe', 'elf', 'macho', 'dll'].includes(detected)) return true
  const head = bytes.subarray(0, 4)
  return (
    head.subarray(0, 2).toString('latin1') === 'MZ' ||
    head.toString('latin1') === '\x7fELF' ||
    head.subarray(0, 2).toString('latin1') === '#!' ||
    [0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe].includes(head.readUInt32BE(0))
  )
}

export type EvidenceCheck = { ok: true; contentType: string } | { ok: false; message: string }

/** Whether a file may be kept as evidence, and the content type it is served back with. */
export async function checkEvidence(bytes: Buffer, maxBytes = MAX_EVIDENCE_BYTES): Promise<EvidenceCheck> {
  if (bytes.length === 0) return { ok: false, message: 'The selected file is empty' }
  if (bytes.length > maxBytes) return { ok: false, message: tooLargeMessage(maxBytes) }
  const detected = await fileTypeFromBuffer(bytes)
  if (bytes.length >= 4 && isProgram(bytes, detected?.ext))
    return { ok: false, message: `The file is a program, not evidence: upload ${KINDS}` }
  const contentType = detected ? accepted[detected.ext] : undefined
  if (!contentType) return { ok: false, message: `The file must be ${KINDS}` }
  return { ok: true, contentType }
}

/** What a person is told about a file over the limit: "The file must be smaller than 10 MB". */
export function tooLargeMessage(maxBytes: number): string {
  return `The file must be smaller than ${Math.round(maxBytes / (1024 * 1024))} MB`
}

/** A file's name as kept: its last path segment, without control characters, at most 255 characters. */
export function keptFilename(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? ''
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, '').trim()
  return (clean || 'evidence').slice(0, 255)
}
