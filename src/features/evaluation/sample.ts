import { createHash } from 'node:crypto'

/**
 * A random sample drawn from a seed: each id's place is the hash of the seed and the id, so
 * the same seed and the same people always give the same sample, whatever order they come in.
 */
export function drawSample(seed: string, ids: readonly string[], size: number): string[] {
  return [...new Set(ids)]
    .map((id) => ({ id, key: createHash('sha256').update(`${seed}:${id}`).digest('hex') }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .slice(0, Math.max(0, size))
    .map((x) => x.id)
}

/** The first day of the month `months` before (or after) the month of a London date. */
export function monthStart(londonDate: string, months = 0): string {
  const [year, month] = londonDate.split('-').map(Number) as [number, number]
  const index = year * 12 + (month - 1) + months
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}-01`
}

/**
 * A number in (0, 1) drawn from a seed for one id: the hash of the seed and the id, as
 * `drawSample` orders by, so the same seed and id always give the same number. A weighted draw
 * builds its keys from it.
 */
export function seededUniform(seed: string, id: string): number {
  const hex = createHash('sha256').update(`${seed}:${id}`).digest('hex').slice(0, 13)
  return (Number.parseInt(hex, 16) + 0.5) / 2 ** 52
}
