import nunjucks from 'nunjucks'
import { auditRatingNames } from '../words.ts'
import { changeNames, changeSymbols } from './rules.ts'
import type { Results } from './service.ts'

// The templates' own escaping, which the type definitions leave out.
const { escape: escapeHtml } = (nunjucks as unknown as { lib: { escape: (text: string) => string } }).lib

/**
 * The heatmap's bodies, a section at a time, as HTML. Drawn here rather than in the template:
 * a cycle of 300 agencies by 40 standards is 12,000 cells, and string building keeps the page
 * inside its time budget where a template loop per cell does not. Each cell is as short as it
 * can be (its patterned swatch drawn by the stylesheet, its column known by its place), yet
 * carries its rating's words, and the change's words beside its symbol.
 */
export function heatmapBodies(r: Results): string {
  const out: string[] = []
  const span = r.columns.length + 1
  for (const section of r.sections) {
    out.push(
      `<tbody class="govuk-table__body"><tr class="govuk-table__row"><th scope="colgroup" colspan="${span}" class="govuk-table__header cascade-heatmap__section">${escapeHtml(section.title)}</th></tr>`,
    )
    for (const s of section.standards) {
      out.push(
        `<tr class="govuk-table__row" data-ref="${escapeHtml(s.ref)}"><th scope="row" class="govuk-table__header">${escapeHtml(s.ref)} ${escapeHtml(s.title)}</th>`,
      )
      for (const col of r.columns) {
        const c = r.cells[`${col.agencyId} ${s.id}`]
        const rating = c?.finalRating
        if (!c || !rating) {
          out.push(`<td class="govuk-table__cell cascade-cell cascade-cell--none">Not answered</td>`)
          continue
        }
        const revised = c.resolution === 'revised' ? ' (revised)' : ''
        const change = c.change
          ? `<br><span aria-hidden="true">${changeSymbols[c.change]}</span> ${changeNames[c.change]}`
          : ''
        out.push(
          `<td class="govuk-table__cell cascade-cell cascade-cell--${rating}">${auditRatingNames[rating]}${revised}${change}</td>`,
        )
      }
      out.push('</tr>')
    }
    out.push('</tbody>')
  }
  return out.join('')
}
