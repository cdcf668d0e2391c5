/** What an audited change did to each field: only the fields that changed, with their old and new values. */
export function changedFields(
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
): { field: string; before: string; after: string }[] {
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])
  const shown = (value: unknown) =>
    value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value)
  const changes: { field: string; before: string; after: string }[] = []
  for (const key of keys) {
    if (key === 'partnership_id' || key === 'created_at') continue
    const old = shown(before?.[key])
    const now = shown(after?.[key])
    if (old !== now) changes.push({ field: key, before: old, after: now })
  }
  return changes
}
