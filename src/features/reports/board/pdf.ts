import { londonDateText } from '#platform/clock.ts'
import type { PdfDocument, PdfStructure } from '#platform/pdf-layout.ts'
import {
  heading,
  keepRoom,
  MARGIN,
  numberPages,
  paragraph,
  table,
  taggedDocument,
  widthOf,
} from '#platform/pdf-layout.ts'
import type { ChartSpec } from '../page.ts'
import { chartsOf, SMALL } from '../page.ts'
import type { BoardReport } from './service.ts'
import { reportTables } from './tables.ts'

// The chart's bars: dark, mid and light, told apart by the words beside them as well as by shade.
const shades = ['#1d70b8', '#6f9ccf', '#b9cde6']
const seriesShort = ['this period', 'period before', 'a year earlier']

/** A bar chart drawn as vectors, its values written beside the bars; tagged as a figure with its description. */
function chart(doc: PdfDocument, parent: PdfStructure, spec: ChartSpec) {
  const labelWidth = 190
  const plot = widthOf(doc) - labelWidth - 110
  const bar = 7
  const rowHeight = 12 + seriesShort.length * (bar + 2)
  keepRoom(doc, 30 + Math.min(spec.rows.length, 4) * rowHeight)
  const figure = doc.struct('Figure', { alt: `${spec.title}. ${spec.description}` })
  parent.add(figure)
  const content = doc.markStructureContent('Figure')
  figure.add(content)
  doc
    .font('Helvetica-Bold')
    .fontSize(9.5)
    .fillColor('#0b0c0c')
    .text(spec.title, MARGIN, doc.y, { width: widthOf(doc) })
  doc.moveDown(0.3)
  for (const row of spec.rows) {
    if (doc.y + rowHeight > doc.page.height - doc.page.margins.bottom) {
      doc.endMarkedContent()
      doc.addPage()
      doc.y = doc.page.margins.top
      figure.add(doc.markStructureContent('Figure'))
    }
    const top = doc.y
    doc
      .font('Helvetica')
      .fontSize(8)
      .fillColor('#0b0c0c')
      .text(row.label, MARGIN, top, { width: labelWidth - 8 })
    row.values.forEach((value, i) => {
      const y = top + i * (bar + 2)
      const w = Math.max(0, Math.min(1, value / spec.max)) * plot
      if (w > 0)
        doc
          .rect(MARGIN + labelWidth, y, w, bar)
          .fill(shades[i] ?? '#1d70b8')
          .fillColor('#0b0c0c')
      doc
        .font('Helvetica')
        .fontSize(7)
        .text(`${spec.format(value)} ${seriesShort[i]}`, MARGIN + labelWidth + w + 4, y, { lineBreak: false })
    })
    doc.y = Math.max(top + row.values.length * (bar + 2) + 6, doc.y)
    doc.x = MARGIN
  }
  doc.endMarkedContent()
  figure.end()
  doc.moveDown(0.6)
}

const dayText = (d: Date) => londonDateText(d)

/**
 * The report as a tagged PDF: a title and who signed it off, a contents list that links to each
 * part and gives its page, the executive summary, then each section's narrative, figures, charts
 * and tables; page numbers at the foot. Text, not pictures, so it can be searched, copied and
 * read aloud.
 */
export async function reportPdf(r: BoardReport, partnership: string, now: Date): Promise<Buffer> {
  const title = `Report to the board: ${r.report.period.label}`
  const { doc, root, front, done } = await taggedDocument({
    title,
    author: partnership,
    subject: 'Report to the board',
    now,
  })
  paragraph(
    doc,
    front,
    r.signedOff
      ? `Signed off by ${r.signedOff.byName} for the ${r.signedOff.as === 'executive' ? 'executive' : 'sub-group'} on ${dayText(new Date(r.signedOff.at))}: version ${r.signedOff.version}.${r.signedOff.reason ? ` Corrected because: ${r.signedOff.reason}` : ''}`
      : `Draft, not signed off. Figures as they stood on ${dayText(now)}; they may still change.`,
  )
  paragraph(
    doc,
    front,
    `Each figure is for ${r.report.period.label}, beside ${r.report.previous.label} and, a year earlier, ${r.report.sameLastYear.label}. Counts of people below ${SMALL} are shown as “fewer than ${SMALL}” in the tables by agency, sector and the like.`,
  )

  // The contents list needs each part's page: its room is kept here and it is written last.
  const parts = [
    { id: 'summary', title: 'Executive summary' },
    ...r.report.sections.map((s) => ({ id: s.id, title: s.title })),
  ]
  const contents = doc.struct('TOC')
  root.add(contents)
  heading(doc, front, 'Contents', 2)
  const contentsTop = doc.y
  const contentsPage = doc.bufferedPageRange().count - 1
  doc.y = contentsTop + parts.length * 16 + 8
  const pageOf: Record<string, number> = {}

  const startPart = (id: string) => {
    doc.addPage()
    doc.y = doc.page.margins.top
    pageOf[id] = doc.bufferedPageRange().count
    doc.addNamedDestination(id)
  }

  startPart('summary')
  const summary = doc.struct('Sect')
  root.add(summary)
  heading(doc, summary, 'Executive summary', 1)
  paragraph(doc, summary, r.narrative.executiveSummary || 'No executive summary has been written.')
  summary.end()

  const tables = reportTables(r.report, 'read')
  for (const section of r.report.sections) {
    startPart(section.id)
    const part = doc.struct('Sect')
    root.add(part)
    heading(doc, part, section.title, 1)
    const words = r.narrative.sections[section.id]
    if (words) for (const para of words.split(/\n\s*\n/)) paragraph(doc, part, para.trim())
    for (const t of tables.filter((t) => t.section === section.title)) {
      const first = 190
      const rest = (widthOf(doc) - first) / (t.head.length - 1)
      table(doc, part, {
        caption: t.title,
        widths: [first, ...t.head.slice(1).map(() => rest)],
        head: t.head,
        rows: t.rows,
      })
      if (t.more)
        paragraph(
          doc,
          part,
          `The ${t.rows.length} largest are shown; ${t.more} more are in the table’s CSV file, ${t.id}.csv.`,
          9,
        )
      // The figures' charts follow their table, which says the same in words.
      if (t.id === `${section.id}-figures`) for (const spec of chartsOf(section)) chart(doc, part, spec)
    }
    part.end()
  }

  doc.switchToPage(contentsPage)
  let y = contentsTop
  for (const p of parts) {
    const item = doc.struct('TOCI')
    contents.add(item)
    doc
      .font('Helvetica')
      .fontSize(10.5)
      .fillColor('#1d70b8')
      .text(`${p.title}, page ${pageOf[p.id]}`, MARGIN, y, {
        width: widthOf(doc),
        goTo: p.id,
        underline: true,
        structParent: item,
        structType: 'Link',
      })
    item.end()
    y += 16
  }
  doc.fillColor('#0b0c0c')
  contents.end()
  front.end()
  numberPages(doc)
  root.end()
  doc.end()
  return done
}
