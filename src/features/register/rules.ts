import type { Part } from '#features/sessions/rules.ts'

export const marks = ['attended', 'late', 'left_early', 'not_engaged', 'absent'] as const
export type Mark = (typeof marks)[number]

export const markNames: Record<Mark, string> = {
  attended: 'Attended in full',
  late: 'Arrived late',
  left_early: 'Left early',
  not_engaged: 'Did not engage',
  absent: 'Did not attend',
}

/** Why a mark cannot be taken for a part now, or null when it can: not before the part starts. */
export function markingRefusal(parts: readonly Part[], part: number, now: Date): string | null {
  const found = parts[part - 1]
  if (!found) return `This session has ${parts.length} ${parts.length === 1 ? 'part' : 'parts'}`
  if (now < found.startsAt) return `Part ${part} has not started yet, so its register cannot be taken`
  return null
}

/** Whether changing an existing mark is a correction, which needs a reason: once the session has ended. */
export function isCorrection(parts: readonly Part[], now: Date): boolean {
  const last = parts.at(-1)
  return last !== undefined && now >= last.endsAt
}

/** What a booking's marks so far add up to. */
export type Outcome = {
  /** Every part has a mark. */
  complete: boolean
  /** Came to at least one part, so the place is charged. */
  came: boolean
  /** Marked as not attending every part. */
  noShow: boolean
  /** Attended every part in full: the attendance a certificate needs. */
  attendedInFull: boolean
  /** Why not in full, in words for the person, when complete and not in full. */
  shortfall: string | null
}

const shortfallWords: Record<Exclude<Mark, 'attended'>, string> = {
  late: 'arrived late',
  left_early: 'left early',
  not_engaged: 'did not engage',
  absent: 'did not attend',
}

export function outcomeOf(marked: ReadonlyMap<number, Mark>, parts: number): Outcome {
  const all = Array.from({ length: parts }, (_, i) => marked.get(i + 1))
  const complete = all.every((m) => m !== undefined)
  const came = all.some((m) => m !== undefined && m !== 'absent')
  const noShow = complete && all.every((m) => m === 'absent')
  const attendedInFull = complete && all.every((m) => m === 'attended')
  const firstShort = all.findIndex((m) => m !== undefined && m !== 'attended')
  const mark = all[firstShort]
  const shortfall =
    complete && !attendedInFull && mark && mark !== 'attended'
      ? `The register shows you ${shortfallWords[mark]}${parts > 1 ? ` on part ${firstShort + 1}` : ''}.`
      : null
  return { complete, came, noShow, attendedInFull, shortfall }
}
