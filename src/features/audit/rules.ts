import { fieldLabel, isHiddenColumn, isHiddenValue, valueInWords } from './words.ts'

/** One field an audited change touched, labelled and with its values in words. */
export type FieldChange = { field: string; before: string; after: string }

/** A row's values as paths to plain values: a nested value (a venue, a policy's rules) by its path. */
function leaves(value: unknown, path: string, into: Map<string, unknown>): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value)) leaves(inner, `${path}.${key}`, into)
    return
  }
  into.set(path, value)
}

function leavesOf(table: string, row: Record<string, unknown> | null): Map<string, unknown> {
  const found = new Map<string, unknown>()
  for (const [column, value] of Object.entries(row ?? {}))
    if (!isHiddenColumn(table, column)) leaves(value, column, found)
  return found
}

/**
 * What an audited change did to each field: only the fields that changed, labelled in words
 * with their old and new values in words. Ids, secrets and bookkeeping are never shown.
 */
export function changedFields(
  table: string,
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
): FieldChange[] {
  const old = leavesOf(table, before)
  const now = leavesOf(table, after)
  const changes: FieldChange[] = []
  for (const path of new Set([...old.keys(), ...now.keys()])) {
    const was = old.get(path)
    const is = now.get(path)
    if (isHiddenValue(was) || isHiddenValue(is)) continue
    const wasText = valueInWords(table, path, was)
    const isText = valueInWords(table, path, is)
    if (wasText !== isText) changes.push({ field: fieldLabel(table, path), before: wasText, after: isText })
  }
  // Alphabetical by label, so the same kind of record always reads in the same order.
  return changes.sort((a, b) => a.field.localeCompare(b.field))
}
