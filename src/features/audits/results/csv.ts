import { stringify } from 'csv-stringify/sync'
import { neutraliseFormula } from '#features/directory/rules.ts'
import { auditRatingNames, resolutionNames, reviewNames } from '../words.ts'
import { changeNames } from './rules.ts'
import type { Results } from './service.ts'

const columns = [
  'Agency',
  'Section',
  'Ref',
  'Standard',
  'Rating',
  'Final rating',
  'Previous rating',
  'Change',
  'Review',
  'Resolution',
]

/**
 * The results as a spreadsheet: one row per agency shown and standard, a standard not answered
 * with its ratings blank; every cell safe from spreadsheet formulas.
 */
export function resultsCsv(results: Results): Buffer {
  const rows: string[][] = []
  for (const col of results.columns)
    for (const s of results.standards) {
      const c = results.cells[`${col.agencyId} ${s.id}`]
      rows.push([
        col.agencyName,
        s.sectionTitle,
        s.ref,
        s.title,
        c?.rating ? auditRatingNames[c.rating] : '',
        c?.finalRating ? auditRatingNames[c.finalRating] : '',
        c?.previousRating ? auditRatingNames[c.previousRating] : '',
        c?.change ? changeNames[c.change] : '',
        c?.review ? reviewNames[c.review] : '',
        c?.resolution ? resolutionNames[c.resolution] : '',
      ])
    }
  const body = stringify(
    rows.map((r) => r.map(neutraliseFormula)),
    { header: true, columns },
  )
  return Buffer.from(`\uFEFF${body}`, 'utf8')
}
