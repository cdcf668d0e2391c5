import type { FieldError } from '#platform/errors.ts'

export type Part = { startsAt: Date; endsAt: Date }

/**
 * Checks a session's parts: each ends after it starts, none overlaps another, and (for a new
 * time) none has begun. Parts come back in time order.
 */
export function checkParts(
  parts: readonly Part[],
  now: Date,
  field = 'parts',
): { parts: Part[]; errors: FieldError[] } {
  const sorted = [...parts].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime())
  const errors: FieldError[] = []
  const add = (text: string) => {
    if (!errors.some((e) => e.text === text)) errors.push({ field, text })
  }
  sorted.forEach((part, index) => {
    if (part.endsAt <= part.startsAt) add('Each part must end after it starts')
    if (part.startsAt < now) add('A session cannot start in the past')
    const before = sorted[index - 1]
    if (before && part.startsAt < before.endsAt) add('The parts of a session cannot overlap')
  })
  return { parts: sorted, errors }
}

/** True when two sets of parts share any moment. */
export function overlaps(a: readonly Part[], b: readonly Part[]): boolean {
  return a.some((x) => b.some((y) => x.startsAt < y.endsAt && y.startsAt < x.endsAt))
}
