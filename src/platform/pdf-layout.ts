import { bytesOf, pdfKit } from './pdf.ts'

/**
 * Drawing a tagged PDF: headings, paragraphs and tables as structure a screen reader can follow,
 * page furniture marked as such, so the document reads in order and its text can be selected.
 */
export type PdfDocument = InstanceType<Awaited<ReturnType<typeof pdfKit>>>
export type PdfStructure = ReturnType<PdfDocument['struct']>

export const MARGIN = 48
const gap = 3

const bottomOf = (doc: PdfDocument) => doc.page.height - doc.page.margins.bottom
/**
 * A tagged A4 document in English, showing its title, with its root structure, its first section
 * (title and author written) and a promise of its bytes: the start of every PDF that must be read
 * aloud and searched.
 */
export async function taggedDocument(info: { title: string; author: string; subject: string; now: Date }) {
  const PDFDocument = await pdfKit()
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    bufferPages: true,
    tagged: true,
    lang: 'en-GB',
    displayTitle: true,
    pdfVersion: '1.7',
    info: { Title: info.title, Author: info.author, Subject: info.subject, CreationDate: info.now },
  })
  const done = bytesOf(doc)
  const root = doc.struct('Document')
  doc.addStructure(root)
  // The first section opens with the title and who the document is from.
  const front = doc.struct('Sect')
  root.add(front)
  heading(doc, front, info.title, 1)
  paragraph(doc, front, info.author, 12)
  return { doc, root, front, done }
}

export const widthOf = (doc: PdfDocument) => doc.page.width - 2 * MARGIN

/** Starts a new page when less than `room` points are left on this one. */
export function keepRoom(doc: PdfDocument, room: number) {
  if (doc.y + room > bottomOf(doc)) {
    doc.addPage()
    doc.y = doc.page.margins.top
  }
}

export function heading(doc: PdfDocument, parent: PdfStructure, text: string, level: 1 | 2 | 3) {
  const size = { 1: 18, 2: 14, 3: 11 }[level]
  keepRoom(doc, size * 4)
  doc
    .font('Helvetica-Bold')
    .fontSize(size)
    .text(text, MARGIN, doc.y + (level === 1 ? 0 : 6), {
      width: widthOf(doc),
      structParent: parent,
      structType: `H${level}`,
    })
  doc.moveDown(0.4)
}

export function paragraph(doc: PdfDocument, parent: PdfStructure, text: string, size = 10) {
  keepRoom(doc, size * 2)
  doc
    .font('Helvetica')
    .fontSize(size)
    .text(text, MARGIN, doc.y, { width: widthOf(doc), structParent: parent, structType: 'P' })
  doc.moveDown(0.5)
}

/**
 * A table with its caption, its heading row repeated on every page it runs onto, and each row as
 * tall as its tallest wrapped cell, so long text pushes the next row down rather than over it.
 * Tagged as a table of header and data cells; the first column heads its row.
 */
export function table(
  doc: PdfDocument,
  parent: PdfStructure,
  t: { caption: string; widths: readonly number[]; head: readonly string[]; rows: readonly string[][] },
  fontSize = 8.5,
) {
  const fontOf = (header: boolean, i: number) => (header || i === 0 ? 'Helvetica-Bold' : 'Helvetica')
  const room = (i: number) => (t.widths[i] ?? 60) - 6
  // A cell that fits on one line (most: numbers) is drawn as one line, without wrapping it,
  // which is most of the cost of a long table; measured in the font it is drawn in.
  const oneLine = (text: string, header: boolean, i: number) => {
    doc.font(fontOf(header, i)).fontSize(fontSize)
    const width = doc.widthOfString(text)
    return width <= room(i) ? width : null
  }
  const heightOf = (cells: readonly string[], header: boolean) => {
    doc.fontSize(fontSize)
    const line = doc.currentLineHeight(true)
    return Math.max(
      line,
      ...cells.map((text, i) => {
        if (!text || oneLine(text, header, i) !== null) return line
        return doc.font(fontOf(header, i)).heightOfString(text, { width: room(i) })
      }),
    )
  }
  const structure = doc.struct('Table')
  parent.add(structure)
  keepRoom(doc, 14 + heightOf(t.head, true) * 3)
  doc
    .font('Helvetica-Bold')
    .fontSize(9.5)
    .text(t.caption, MARGIN, doc.y, { width: widthOf(doc), structParent: structure, structType: 'Caption' })
  doc.moveDown(0.3)
  let y = doc.y
  const draw = (cells: readonly string[], header: boolean) => {
    const row = doc.struct('TR')
    structure.add(row)
    let x = MARGIN
    cells.forEach((text, i) => {
      const structType = header || i === 0 ? 'TH' : 'TD'
      const width = oneLine(text, header, i)
      if (width === null)
        doc.text(text, x, y, {
          width: room(i),
          align: i === 0 ? 'left' : 'right',
          structParent: row,
          structType,
        })
      else {
        // Numbers line up on the right of their column, as in the page's tables.
        const at = i === 0 ? x : x + room(i) - width
        doc.text(text, at, y, { lineBreak: false, structParent: row, structType })
      }
      x += t.widths[i] ?? 60
    })
    row.end()
  }
  const rule = (at: number) => {
    doc.markContent('Artifact', { type: 'Layout' })
    doc
      .moveTo(MARGIN, at)
      .lineTo(MARGIN + t.widths.reduce((a, b) => a + b, 0), at)
      .lineWidth(0.5)
      .strokeColor('#505a5f')
      .stroke()
    doc.endMarkedContent()
  }
  const headRow = () => {
    const h = heightOf(t.head, true)
    draw(t.head, true)
    y += h + gap
    rule(y - 1.5)
  }
  headRow()
  for (const cells of t.rows) {
    const h = heightOf(cells, false)
    if (y + h > bottomOf(doc)) {
      doc.addPage()
      y = doc.page.margins.top
      headRow()
    }
    draw(cells, false)
    y += h + gap
  }
  structure.end()
  doc.x = MARGIN
  doc.y = y + 8
}

/** Numbers every page at its foot once the document is drawn and the count known, marked as page furniture. */
export function numberPages(doc: PdfDocument) {
  const range = doc.bufferedPageRange()
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i)
    const bottom = doc.page.margins.bottom
    doc.page.margins.bottom = 0
    doc.markContent('Artifact', { type: 'Pagination' })
    doc
      .font('Helvetica')
      .fontSize(8)
      .fillColor('#0b0c0c')
      .text(`Page ${i + 1} of ${range.count}`, MARGIN, doc.page.height - 30, {
        width: widthOf(doc),
        align: 'center',
        lineBreak: false,
      })
    doc.endMarkedContent()
    doc.page.margins.bottom = bottom
  }
}
