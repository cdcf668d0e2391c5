import { neutraliseFormula } from '#features/directory/rules.ts'
import { londonDateText } from '#platform/clock.ts'
import { pdfKit } from '#platform/pdf.ts'
import { money } from '#platform/views/nunjucks.ts'
import type { Invoice } from './queries.ts'

export const reasonNames = {
  place: 'Place',
  late_cancellation: 'Late cancellation',
  no_show: 'Did not attend',
} as const

/** "Invoice 42" or "Credit note 43": one sequence, so a number is never used twice. */
export function invoiceTitle(invoice: Pick<Invoice, 'kind' | 'number'>): string {
  return `${invoice.kind === 'invoice' ? 'Invoice' : 'Credit note'} ${invoice.number}`
}

const dateText = (date: string) => londonDateText(new Date(`${date}T12:00:00Z`))

/** The invoice as a spreadsheet: one row a charge, amounts in pounds with two decimals. */
export function invoiceCsv(invoice: Invoice): string {
  const cell = (value: string) => `"${neutraliseFormula(value).replaceAll('"', '""')}"`
  const rows = [
    ['Number', 'Agency', 'Person', 'Course', 'Date', 'Reason', 'Amount (£)'],
    ...invoice.lines.map((l) => [
      String(invoice.number),
      invoice.agencyName,
      l.personName,
      l.courseTitle,
      l.sessionDate,
      reasonNames[l.reason],
      (l.amountPence / 100).toFixed(2),
    ]),
    ['', '', '', '', '', 'Total', (invoice.totalPence / 100).toFixed(2)],
  ]
  return `${rows.map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`
}

/** The invoice as a PDF: who from, who to, the period, a line per charge and the total. */
export async function invoicePdf(invoice: Invoice, partnership: string, now: Date): Promise<Buffer> {
  const PDFDocument = await pdfKit()
  const doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    info: { Title: invoiceTitle(invoice), Author: partnership, CreationDate: now },
  })
  const chunks: Buffer[] = []
  doc.on('data', (chunk: Buffer) => chunks.push(chunk))
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)))
    doc.on('error', reject)
  })
  doc.font('Helvetica-Bold').fontSize(20).text(invoiceTitle(invoice))
  doc.font('Helvetica').fontSize(11).moveDown(0.5)
  doc.text(`From: ${partnership}`)
  doc.text(`To: ${invoice.agencyName}`)
  doc.text(`Issued: ${londonDateText(new Date(invoice.issuedAt))}`)
  doc.text(`Period: ${dateText(invoice.periodFrom)} to ${dateText(invoice.periodTo)}`)
  if (invoice.reason) doc.text(`Reason: ${invoice.reason}`)
  doc.moveDown()
  const columns = [50, 155, 290, 395, 475]
  const row = (cells: string[], bold = false) => {
    const y = doc.y
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(10)
    cells.forEach((text, i) => {
      const x = columns[i] ?? 50
      const width = (columns[i + 1] ?? 545) - x - 6
      doc.text(text, x, y, { width, align: i === cells.length - 1 ? 'right' : 'left' })
    })
    doc.x = 50
    doc.moveDown(0.4)
  }
  row(['Person', 'Course', 'Date', 'Reason', 'Amount'], true)
  for (const l of invoice.lines)
    row([l.personName, l.courseTitle, dateText(l.sessionDate), reasonNames[l.reason], money(l.amountPence)])
  doc.moveDown(0.5)
  row(['', '', '', 'Total', money(invoice.totalPence)], true)
  doc.end()
  return done
}
