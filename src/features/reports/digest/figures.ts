import type { Figure } from '../figures.ts'

/**
 * A figure of an agency's digest beside the period before and the same period a year earlier,
 * as the report's figures are; money is whole pence, and a value is null where it is withheld
 * (an average of fewer than five people's answers).
 */
export type DigestFigure = Omit<Figure, 'value' | 'previous' | 'lastYear'> & {
  value: number | null
  previous: number | null
  lastYear: number | null
}

export type DigestSection = { id: string; title: string; figures: DigestFigure[] }
