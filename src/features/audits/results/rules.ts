import type { AuditRating, AuditReturnStatus, Scale } from '../words.ts'
import { isRatingOf, ratingScore, returnStatuses, scaleRatings } from '../words.ts'
import type { ResultsCell, ResultsReturn, ResultsStandard } from './queries.ts'

/** How an agency's final rating of a standard moved since its return in the previous cycle. */
export const changes = ['up', 'down', 'same', 'new'] as const
export type Change = (typeof changes)[number]
export const changeNames: Record<Change, string> = {
  up: 'Up',
  down: 'Down',
  same: 'Same',
  new: 'New',
}
/** A symbol beside each change's words, so the column reads without colour. */
export const changeSymbols: Record<Change, string> = { up: '▲', down: '▼', same: '=', new: '+' }

/**
 * The change for one answer: none without a final rating now; new when the agency had no
 * rating of the standard (by ref) last time, or one on another scale that cannot be set beside
 * it; otherwise up, down or the same by each rating's place on the scale.
 */
export function changeOf(scale: Scale, now: AuditRating | null, previous: AuditRating | null): Change | null {
  if (!now) return null
  if (!previous || !isRatingOf(scale, previous)) return 'new'
  const diff = ratingScore(now) - ratingScore(previous)
  return diff > 0 ? 'up' : diff < 0 ? 'down' : 'same'
}

export type Cell = ResultsCell & { change: Change | null }

export type Section = { id: string; title: string; standards: ResultsStandard[] }

/** Standards grouped by their section, in the template's order. */
export function sectionsOf(standards: readonly ResultsStandard[]): Section[] {
  const sections: Section[] = []
  for (const s of standards) {
    const last = sections.at(-1)
    if (last?.id === s.sectionId) last.standards.push(s)
    else sections.push({ id: s.sectionId, title: s.sectionTitle, standards: [s] })
  }
  return sections
}

/** Cells keyed `agencyId standardId`, each given its change in place (12,000 of them in a large cycle). */
export function cellMap(scale: Scale, cells: ResultsCell[]): Record<string, Cell> {
  const map: Record<string, Cell> = {}
  for (const c of cells) {
    const cell = c as Cell
    cell.change = changeOf(scale, c.finalRating, c.previousRating)
    map[`${c.agencyId} ${c.standardId}`] = cell
  }
  return map
}

/** Per standard, the number of agencies at each rating of the scale (zero where none). */
export function aggregateOf(
  scale: Scale,
  standards: readonly ResultsStandard[],
  counts: readonly { standardId: string; rating: AuditRating; agencies: number }[],
): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {}
  for (const s of standards) out[s.id] = Object.fromEntries(scaleRatings[scale].map((r) => [r, 0]))
  for (const c of counts) {
    const row = out[c.standardId]
    if (row && c.rating in row) row[c.rating] = c.agencies
  }
  return out
}

export type Completion = Record<AuditReturnStatus, number> & { total: number }

export function completionOf(rows: readonly { status: AuditReturnStatus; returns: number }[]): Completion {
  const out = { total: 0 } as Completion
  for (const s of returnStatuses) out[s] = 0
  for (const r of rows) {
    out[r.status] = r.returns
    out.total += r.returns
  }
  return out
}

/** The returns shown as heatmap columns. */
export type Column = ResultsReturn
