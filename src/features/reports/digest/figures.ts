import type { Figure, Which } from '../figures.ts'

/**
 * A figure of an agency's digest beside the period before and the same period a year earlier,
 * as the report's figures are; money is whole pence, and a value is null where it is withheld
 * (an average of fewer than five people's answers).
 */
export type DigestFigure = Omit<Figure, 'unit' | 'value' | 'previous' | 'lastYear'> & {
  unit: Figure['unit'] | 'pence'
  value: number | null
  previous: number | null
  lastYear: number | null
}

export type DigestSection = { id: string; title: string; figures: DigestFigure[] }

/** A sum of money per period, in pence. */
export function penceOf(id: string, label: string, pence: Partial<Record<Which, number>>): DigestFigure {
  return {
    id,
    label,
    unit: 'pence',
    value: pence.current ?? 0,
    previous: pence.previous ?? 0,
    lastYear: pence.lastYear ?? 0,
  }
}
