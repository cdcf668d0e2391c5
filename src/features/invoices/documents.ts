import { neutraliseFormula } from '#features/directory/rules.ts'
import type { PolicyRules } from '#features/policy/policy.ts'
import { londonDateOf, londonDateText } from '#platform/clock.ts'
import { bytesOf, pdfKit } from '#platform/pdf.ts'
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

/** What an invoice says besides its charges, from the policy in force on the day it was issued. */
export type InvoiceTerms = {
  partnership: string
  rules: Pick<PolicyRules, 'postalAddress' | 'paymentDetails' | 'invoicePaymentTermsDays'>
}

/** The day an invoice is due: the day it was issued (Europe/London) and the policy's days to pay. */
export function dueDateOf(issuedAt: Date, termsDays: number): string {
  const issued = new Date(`${londonDateOf(issuedAt)}T12:00:00Z`)
  issued.setUTCDate(issued.getUTCDate() + termsDays)
  return issued.toISOString().slice(0, 10)
}

type PdfDocument = InstanceType<Awaited<ReturnType<typeof pdfKit>>>

const columns = [50, 155, 290, 395, 475]
const tableRight = 545
const fontSize = 10
const rowGap = 4

/** Where one row of the table is drawn: its page (from 0), its top and its height in points. */
export type RowPlacement = { page: number; y: number; height: number }

function cellWidth(i: number): number {
  const x = columns[i] ?? 50
  return (columns[i + 1] ?? tableRight) - x - 6
}

/**
 * Places the rows of a table from a starting point: each row is as tall as its tallest cell
 * once its text is wrapped to the column's width, so a long course title pushes the next row
 * down rather than printing over it; a row that would cross the bottom margin starts a page.
 */
export function layoutRows(
  doc: Pick<PdfDocument, 'heightOfString' | 'font' | 'fontSize' | 'page'>,
  rows: readonly { cells: readonly string[]; bold?: boolean }[],
  start: { page: number; y: number },
): RowPlacement[] {
  const bottom = doc.page.height - doc.page.margins.bottom
  const top = doc.page.margins.top
  let { page, y } = start
  return rows.map((row) => {
    doc.font(row.bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(fontSize)
    const height = Math.max(
      ...row.cells.map((text, i) => (text ? doc.heightOfString(text, { width: cellWidth(i) }) : 0)),
      doc.heightOfString('M'),
    )
    if (y + height > bottom && y > top) {
      page += 1
      y = top
    }
    const placed = { page, y, height }
    y += height + rowGap
    return placed
  })
}

/** The table of an invoice: a heading row, a row per charge and the total. */
function tableRows(invoice: Invoice): { cells: string[]; bold?: boolean }[] {
  return [
    { cells: ['Person', 'Course', 'Date', 'Reason', 'Amount'], bold: true },
    ...invoice.lines.map((l) => ({
      cells: [
        l.personName,
        l.courseTitle,
        dateText(l.sessionDate),
        reasonNames[l.reason],
        money(l.amountPence),
      ],
    })),
    { cells: ['', '', '', 'Total', money(invoice.totalPence)], bold: true },
  ]
}

async function newDocument(invoice: Invoice, partnership: string, now: Date) {
  const PDFDocument = await pdfKit()
  return new PDFDocument({
    size: 'A4',
    margin: 50,
    info: { Title: invoiceTitle(invoice), Author: partnership, CreationDate: now },
  })
}

/** Writes the heading: who from (with the partnership's address), who to, the dates and, for an invoice, when it is due. */
function writeHeading(doc: PdfDocument, invoice: Invoice, terms: InvoiceTerms) {
  doc.font('Helvetica-Bold').fontSize(20).text(invoiceTitle(invoice))
  doc.font('Helvetica').fontSize(11).moveDown(0.5)
  doc.text(`From: ${terms.partnership}`)
  if (terms.rules.postalAddress) doc.text(terms.rules.postalAddress, { indent: 32 })
  doc.text(`To: ${invoice.agencyName}`)
  doc.text(`Issued: ${londonDateText(new Date(invoice.issuedAt))}`)
  if (invoice.kind === 'invoice')
    doc.text(`Payment due by: ${dateText(dueDateOf(invoice.issuedAt, terms.rules.invoicePaymentTermsDays))}`)
  doc.text(`Period: ${dateText(invoice.periodFrom)} to ${dateText(invoice.periodTo)}`)
  if (invoice.reason) doc.text(`Reason: ${invoice.reason}`)
  doc.moveDown()
}

/** Where the table's rows of an invoice fall, as the PDF draws them. */
export async function invoiceRowLayout(invoice: Invoice, terms: InvoiceTerms): Promise<RowPlacement[]> {
  const doc = await newDocument(invoice, terms.partnership, new Date(invoice.issuedAt))
  writeHeading(doc, invoice, terms)
  const placed = layoutRows(doc, tableRows(invoice), { page: 0, y: doc.y })
  doc.end()
  return placed
}

/**
 * The invoice as a PDF: who from (with the partnership's postal address), who to, the dates
 * and when payment is due, a line per charge, the total, and how to pay.
 */
export async function invoicePdf(invoice: Invoice, terms: InvoiceTerms, now: Date): Promise<Buffer> {
  const doc = await newDocument(invoice, terms.partnership, now)
  const done = bytesOf(doc)
  writeHeading(doc, invoice, terms)
  const rows = tableRows(invoice)
  const placed = layoutRows(doc, rows, { page: 0, y: doc.y })
  let page = 0
  rows.forEach((row, r) => {
    const at = placed[r]
    if (!at) return
    if (at.page > page) {
      doc.addPage()
      page = at.page
    }
    doc.font(row.bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(fontSize)
    row.cells.forEach((text, i) => {
      doc.text(text, columns[i] ?? 50, at.y, {
        width: cellWidth(i),
        align: i === row.cells.length - 1 ? 'right' : 'left',
      })
    })
  })
  const last = placed.at(-1)
  doc.x = 50
  doc.y = last ? last.y + last.height + rowGap : doc.y
  if (terms.rules.paymentDetails) {
    doc.moveDown()
    doc.font('Helvetica-Bold').fontSize(11).text('How to pay', 50)
    doc
      .font('Helvetica')
      .fontSize(11)
      .text(terms.rules.paymentDetails, 50, undefined, { width: tableRight - 50 })
  }
  doc.end()
  return done
}
