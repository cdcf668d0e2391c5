/** A piece of text as it stands between two versions: kept, added or removed. */
export type DiffPart = { kind: 'same' | 'added' | 'removed'; text: string }

/** Beyond this many word pairs the middle of two texts is shown as removed then added, to keep the page quick. */
const MAX_CELLS = 4_000_000

/** Words with the spaces after them, so the parts join back into the texts exactly. */
const wordsOf = (text: string): string[] => text.match(/\S+\s*|\s+/g) ?? []

function push(parts: DiffPart[], kind: DiffPart['kind'], text: string) {
  if (!text) return
  const last = parts.at(-1)
  if (last && last.kind === kind) last.text += text
  else parts.push({ kind, text })
}

/**
 * What changed from `from` to `to`, word by word (a longest common subsequence): what a
 * colleague's save changed while someone else was editing, shown to the later saver.
 */
export function wordDiff(from: string, to: string): DiffPart[] {
  const a = wordsOf(from)
  const b = wordsOf(to)
  let start = 0
  while (start < a.length && start < b.length && a[start] === b[start]) start += 1
  let endA = a.length
  let endB = b.length
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA -= 1
    endB -= 1
  }
  const parts: DiffPart[] = []
  push(parts, 'same', a.slice(0, start).join(''))
  const midA = a.slice(start, endA)
  const midB = b.slice(start, endB)
  if (midA.length * midB.length > MAX_CELLS) {
    push(parts, 'removed', midA.join(''))
    push(parts, 'added', midB.join(''))
  } else {
    // lengths[i][j]: the longest common run of midA from i and midB from j.
    const width = midB.length + 1
    const lengths = new Uint32Array((midA.length + 1) * width)
    for (let i = midA.length - 1; i >= 0; i -= 1)
      for (let j = midB.length - 1; j >= 0; j -= 1)
        lengths[i * width + j] =
          midA[i] === midB[j]
            ? (lengths[(i + 1) * width + j + 1] ?? 0) + 1
            : Math.max(lengths[(i + 1) * width + j] ?? 0, lengths[i * width + j + 1] ?? 0)
    let i = 0
    let j = 0
    while (i < midA.length && j < midB.length) {
      if (midA[i] === midB[j]) {
        push(parts, 'same', midA[i] ?? '')
        i += 1
        j += 1
      } else if ((lengths[(i + 1) * width + j] ?? 0) >= (lengths[i * width + j + 1] ?? 0)) {
        push(parts, 'removed', midA[i] ?? '')
        i += 1
      } else {
        push(parts, 'added', midB[j] ?? '')
        j += 1
      }
    }
    push(parts, 'removed', midA.slice(i).join(''))
    push(parts, 'added', midB.slice(j).join(''))
  }
  push(parts, 'same', a.slice(endA).join(''))
  return parts
}
