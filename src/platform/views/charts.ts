/**
 * Bar charts drawn on the server as SVG, so they show without scripts. Each is an image
 * named by its title and description; the same figures are always in a table beside it,
 * which is what a screen reader uses. Every bar carries its series and value as text, so
 * colour is never the only way to tell bars apart.
 */

export type ChartRow = { label: string; values: (number | null)[] }

const COLOURS = ['#1d70b8', '#912b88', '#00703c'] as const
const WIDTH = 640
const LABEL_HEIGHT = 22
const BAR_HEIGHT = 20
const GAP = 14
const BAR_LEFT = 8
const VALUE_ROOM = 170

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

const shorten = (text: string, max = 90) => (text.length > max ? `${text.slice(0, max - 1)}…` : text)

let charts = 0

/** Horizontal bars, grouped by row, one bar per series, scaled from 0 to `max`. */
export function barChart(options: {
  title: string
  description: string
  series: readonly string[]
  rows: readonly ChartRow[]
  max: number
  format?: (value: number) => string
}): string {
  const id = `chart-${++charts}`
  const format = options.format ?? ((v: number) => String(v))
  const plot = WIDTH - BAR_LEFT - VALUE_ROOM
  const group = LABEL_HEIGHT + options.series.length * (BAR_HEIGHT + 4) + GAP
  const legendHeight = options.series.length > 1 ? 28 : 0
  const height = legendHeight + options.rows.length * group
  const parts: string[] = []
  if (options.series.length > 1)
    options.series.forEach((name, i) => {
      const x = BAR_LEFT + i * 190
      parts.push(
        `<rect x="${x}" y="4" width="14" height="14" fill="${COLOURS[i % COLOURS.length]}"/>`,
        `<text x="${x + 20}" y="16" class="chart-text">${escapeXml(name)}</text>`,
      )
    })
  options.rows.forEach((row, r) => {
    const top = legendHeight + r * group
    parts.push(
      `<text x="${BAR_LEFT}" y="${top + 16}" class="chart-text chart-label">${escapeXml(shorten(row.label))}</text>`,
    )
    row.values.forEach((value, i) => {
      const y = top + LABEL_HEIGHT + i * (BAR_HEIGHT + 4)
      const width =
        value === null ? 0 : Math.max(2, Math.round((Math.min(value, options.max) / options.max) * plot))
      const text = `${options.series[i] ?? ''}: ${value === null ? 'no answers' : format(value)}`
      parts.push(
        `<rect x="${BAR_LEFT}" y="${y}" width="${width}" height="${BAR_HEIGHT}" fill="${COLOURS[i % COLOURS.length]}"/>`,
        `<text x="${BAR_LEFT + width + 6}" y="${y + 15}" class="chart-text">${escapeXml(text)}</text>`,
      )
    })
  })
  return [
    `<svg class="chart" role="img" aria-labelledby="${id}-title ${id}-desc" viewBox="0 0 ${WIDTH} ${height}" width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">`,
    `<title id="${id}-title">${escapeXml(options.title)}</title>`,
    `<desc id="${id}-desc">${escapeXml(options.description)}</desc>`,
    ...parts,
    '</svg>',
  ].join('')
}
