import { actionStatusNames } from '#features/actions/index.ts'
import { londonDateText } from '#platform/clock.ts'
import { bytesOf, pdfKit } from '#platform/pdf.ts'
import type { AuditRating } from '../words.ts'
import { auditRatingNames, resolutionNames, returnStatuses, returnStatusNames } from '../words.ts'
import { changeNames } from './rules.ts'
import type { CycleReport } from './service.ts'

type PdfDocument = InstanceType<Awaited<ReturnType<typeof pdfKit>>>

const margin = 40
const fontSize = 8
const gap = 3

/** Short forms of the ratings for the heatmap's narrow cells, spelt out in the key above it. */
const shortNames: Record<AuditRating, string> = {
  outstanding: 'O',
  good: 'G',
  requires_improvement: 'RI',
  inadequate: 'I',
  green: 'Gr',
  amber: 'Am',
  red: 'Red',
}

const day = (d: string) => londonDateText(new Date(`${d}T12:00:00Z`))

/**
 * Draws a table: a bold heading row repeated on every page it runs onto, each row as tall as
 * its tallest wrapped cell, so long text pushes the next row down rather than over it.
 */
function table(
  doc: PdfDocument,
  widths: readonly number[],
  head: readonly string[],
  rows: readonly string[][],
) {
  const bottom = () => doc.page.height - doc.page.margins.bottom
  const heightOf = (cells: readonly string[], bold: boolean) => {
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(fontSize)
    return Math.max(
      doc.heightOfString('M'),
      ...cells.map((text, i) => (text ? doc.heightOfString(text, { width: (widths[i] ?? 60) - 4 }) : 0)),
    )
  }
  const draw = (cells: readonly string[], bold: boolean, y: number) => {
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(fontSize)
    let x = margin
    cells.forEach((text, i) => {
      const w = widths[i] ?? 60
      doc.text(text, x, y, { width: w - 4, lineBreak: true })
      x += w
    })
  }
  let y = doc.y
  const heading = () => {
    const h = heightOf(head, true)
    draw(head, true, y)
    y += h + gap
    doc
      .moveTo(margin, y - 1.5)
      .lineTo(margin + widths.reduce((a, b) => a + b, 0), y - 1.5)
      .lineWidth(0.5)
      .stroke()
  }
  if (y + heightOf(head, true) * 2 > bottom()) {
    doc.addPage()
    y = doc.page.margins.top
  }
  heading()
  for (const row of rows) {
    const h = heightOf(row, false)
    if (y + h > bottom()) {
      doc.addPage()
      y = doc.page.margins.top
      heading()
    }
    draw(row, false, y)
    y += h + gap
  }
  doc.x = margin
  doc.y = y + 6
}

function heading(doc: PdfDocument, text: string) {
  if (doc.y > doc.page.height - doc.page.margins.bottom - 60) doc.addPage()
  doc
    .font('Helvetica-Bold')
    .fontSize(13)
    .text(text, margin, doc.y + 6)
  doc.moveDown(0.4)
}

function paragraph(doc: PdfDocument, text: string) {
  doc
    .font('Helvetica')
    .fontSize(10)
    .text(text, margin, doc.y, { width: doc.page.width - 2 * margin })
  doc.moveDown(0.5)
}

/** Numbers every page at its foot, once the report is drawn and the count is known. */
function numberPages(doc: PdfDocument) {
  const range = doc.bufferedPageRange()
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i)
    const bottom = doc.page.margins.bottom
    doc.page.margins.bottom = 0
    doc
      .font('Helvetica')
      .fontSize(8)
      .text(`Page ${i + 1} of ${range.count}`, margin, doc.page.height - 28, {
        width: doc.page.width - 2 * margin,
        align: 'center',
        lineBreak: false,
      })
    doc.page.margins.bottom = bottom
  }
}

/**
 * The cycle report as a PDF, landscape for the heatmap's width: the summary and completion,
 * the heatmap a section at a time (agencies down, the section's standards across), the change
 * since the last cycle, the challenges and how they ended, and the action plans. Text, not
 * pictures, so it can be searched, copied and read aloud.
 */
export async function reportPdf(r: CycleReport, partnership: string, now: Date): Promise<Buffer> {
  const PDFDocument = await pdfKit()
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin,
    bufferPages: true,
    info: { Title: r.cycle.title, Author: partnership, CreationDate: now },
  })
  const done = bytesOf(doc)
  const width = doc.page.width - 2 * margin

  doc.font('Helvetica-Bold').fontSize(18).text(r.cycle.title, margin, margin)
  paragraph(
    doc,
    `${partnership}. ${r.cycle.templateTitle}. Opened ${day(r.cycle.openedOn)}, due ${day(r.cycle.dueOn)}. Report made ${londonDateText(now)}.`,
  )
  paragraph(
    doc,
    r.cycle.previousTitle
      ? `Change is shown against each agency’s return in ${r.cycle.previousTitle}.`
      : 'There is no earlier cycle of this template to compare with.',
  )

  heading(doc, 'Completion')
  table(
    doc,
    [200, 80],
    ['Status', 'Returns'],
    [
      ...returnStatuses.map((s) => [returnStatusNames[s], String(r.completion[s])]),
      ['Total', String(r.completion.total)],
    ],
  )

  heading(doc, 'Final ratings by standard, every agency')
  table(
    doc,
    [60, 260, ...r.ratings.map(() => 80)],
    ['Ref', 'Standard', ...r.ratings.map((x) => auditRatingNames[x])],
    r.standards.map((s) => [s.ref, s.title, ...r.ratings.map((x) => String(r.aggregate[s.id]?.[x] ?? 0))]),
  )

  heading(doc, 'Heatmap: final rating by agency and standard')
  paragraph(
    doc,
    `Key: ${r.ratings.map((x) => `${shortNames[x]} ${auditRatingNames[x]}`).join('; ')}; a dash is not answered. The change since the last cycle follows the rating.`,
  )
  for (const section of r.sections) {
    paragraph(doc, section.title)
    const cols = section.standards
    const each = Math.max(40, Math.min(90, (width - 170) / Math.max(1, cols.length)))
    table(
      doc,
      [170, ...cols.map(() => each)],
      ['Agency', ...cols.map((s) => s.ref)],
      r.columns.map((col) => [
        col.agencyName,
        ...cols.map((s) => {
          const c = r.cells[`${col.agencyId} ${s.id}`]
          if (!c?.finalRating) return '-'
          return c.change
            ? `${shortNames[c.finalRating]}, ${changeNames[c.change].toLowerCase()}`
            : shortNames[c.finalRating]
        }),
      ]),
    )
  }

  heading(doc, 'Change since the last cycle')
  table(
    doc,
    [60, 300, 70, 70, 70, 70],
    ['Ref', 'Standard', 'Up', 'Down', 'Same', 'New'],
    r.standards.map((s) => {
      const n = { up: 0, down: 0, same: 0, new: 0 }
      for (const col of r.columns) {
        const change = r.cells[`${col.agencyId} ${s.id}`]?.change
        if (change) n[change] += 1
      }
      return [s.ref, s.title, String(n.up), String(n.down), String(n.same), String(n.new)]
    }),
  )

  heading(doc, 'Challenges and how they ended')
  for (const e of r.events)
    paragraph(
      doc,
      `Challenge event on ${day(e.heldOn)}: ${e.agencies.join(', ') || 'no returns'}. Attendees: ${e.attendees}.`,
    )
  if (r.challenged.length)
    table(
      doc,
      [150, 40, 160, 70, 200, 140],
      ['Agency', 'Ref', 'Standard', 'Rating', 'Challenge', 'Outcome'],
      r.challenged.map((c) => [
        c.agencyName,
        c.ref,
        c.title,
        c.rating ? auditRatingNames[c.rating] : '',
        c.reviewNote,
        c.resolution
          ? `${resolutionNames[c.resolution]}${c.revisedRating ? ` to ${auditRatingNames[c.revisedRating]}` : ''}${c.heldOn ? ` (${day(c.heldOn)})` : ''}`
          : 'Not yet settled',
      ]),
    )
  else paragraph(doc, 'No answer was challenged.')

  heading(doc, 'Action plans')
  if (r.plans.length)
    table(
      doc,
      [170, 70, 80, 60, 60, 60, 60, 60, 60, 60],
      [
        'Agency',
        'Below good',
        'No action yet',
        'Actions',
        actionStatusNames.not_started,
        actionStatusNames.on_track,
        actionStatusNames.at_risk,
        actionStatusNames.completed,
        actionStatusNames.verified,
        'Overdue',
      ],
      r.plans.map((p) => [
        p.agencyName,
        String(p.belowGood),
        String(p.withoutAction),
        String(p.actions.total),
        String(p.actions.not_started),
        String(p.actions.on_track),
        String(p.actions.at_risk),
        String(p.actions.completed),
        String(p.actions.verified),
        String(p.actions.overdue),
      ]),
    )
  else paragraph(doc, 'No return is concluded yet, so no action plan is due.')

  numberPages(doc)
  doc.end()
  return done
}
