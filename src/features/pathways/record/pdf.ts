import { dayText } from '#features/actions/chasing-emails.ts'
import { londonDateText } from '#platform/clock.ts'
import { bytesOf, pdfKit } from '#platform/pdf.ts'
import type { RecordEntry } from './queries.ts'
import type { LearningRecord } from './service.ts'
import { hoursText } from './service.ts'

/**
 * A learning record as a PDF for revalidation and appraisal: CPD hours by year, then each
 * entry as a short paragraph (a table's wrapped cells would overprint the next row), newest first.
 */
export async function learningRecordPdf(
  record: LearningRecord,
  kindNames: Record<RecordEntry['kind'], string>,
  now: Date,
): Promise<Buffer> {
  const PDFDocument = await pdfKit()
  const doc = new PDFDocument({
    size: 'A4',
    margin: 56,
    info: { Title: `Learning record: ${record.person.name}`, Author: record.partnership, CreationDate: now },
  })
  const done = bytesOf(doc)
  doc.font('Helvetica').fontSize(12).text(record.partnership)
  doc.moveDown(0.5)
  doc.font('Helvetica-Bold').fontSize(22).text(`Learning record: ${record.person.name}`)
  doc
    .font('Helvetica')
    .fontSize(11)
    .text(`${record.person.agencyName}. Made on ${londonDateText(now)}.`)
  doc.moveDown()
  doc.font('Helvetica-Bold').fontSize(14).text('CPD hours by year')
  doc.font('Helvetica').fontSize(11)
  if (!record.hoursByYear.length) doc.text('None recorded yet.')
  for (const { year, hours } of record.hoursByYear)
    doc.text(`${year}: ${hours} ${hours === 1 ? 'hour' : 'hours'}`)
  doc.text(
    'Courses attended and learning verified by the agency lead count; evidence waiting or not accepted does not.',
  )
  doc.moveDown()
  doc.font('Helvetica-Bold').fontSize(14).text('Learning')
  if (!record.entries.length) doc.font('Helvetica').fontSize(11).text('Nothing recorded yet.')
  for (const e of record.entries) {
    doc.moveDown(0.5)
    doc.font('Helvetica-Bold').fontSize(11).text(e.title)
    const hours = hoursText(e.minutes)
    doc
      .font('Helvetica')
      .fontSize(10)
      .text(
        `${dayText(e.on)}. ${kindNames[e.kind]}, ${e.provider}${hours ? `, ${hours} ${hours === '1' ? 'hour' : 'hours'}` : ''}. ${e.proof}.`,
      )
  }
  doc.end()
  return done
}
