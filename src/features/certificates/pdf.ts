import { londonDateText } from '#platform/clock.ts'
import { bytesOf, pdfKit } from '#platform/pdf.ts'
import type { Certificate } from './queries.ts'

/** Minutes as words: "3 hours", "1 hour 30 minutes". */
export function durationText(minutes: number): string {
  const hours = Math.floor(minutes / 60)
  const rest = minutes % 60
  const h = hours ? `${hours} ${hours === 1 ? 'hour' : 'hours'}` : ''
  const m = rest ? `${rest} ${rest === 1 ? 'minute' : 'minutes'}` : ''
  return [h, m].filter(Boolean).join(' ') || '0 minutes'
}

/** How long the course took: its parts' times, else the course's stated length. */
function minutesOf(certificate: Certificate): number | null {
  if (certificate.parts?.length)
    return certificate.parts.reduce(
      (total, p) =>
        total + Math.round((new Date(p.endsAt).getTime() - new Date(p.startsAt).getTime()) / 60_000),
      0,
    )
  return certificate.durationMinutes
}

/**
 * A certificate of completion as a PDF: the partnership, the person, the course and its
 * learning objectives, when and for how long, and the code that proves it genuine. It is CPD
 * evidence, so it says what was learned, not only that someone was there.
 */
export async function certificatePdf(
  certificate: Certificate,
  partnership: string,
  verifyUrl: string,
  now: Date,
): Promise<Buffer> {
  const PDFDocument = await pdfKit()
  const doc = new PDFDocument({
    size: 'A4',
    margin: 56,
    info: { Title: `Certificate: ${certificate.courseTitle}`, Author: partnership, CreationDate: now },
  })
  const done = bytesOf(doc)
  const minutes = minutesOf(certificate)
  doc.font('Helvetica').fontSize(14).text(partnership, { align: 'center' })
  doc.moveDown(1.5)
  doc.font('Helvetica-Bold').fontSize(28).text('Certificate of completion', { align: 'center' })
  doc.moveDown(1.5)
  doc.font('Helvetica').fontSize(14).text('This is to certify that', { align: 'center' })
  doc.moveDown(0.5)
  doc.font('Helvetica-Bold').fontSize(22).text(certificate.personName, { align: 'center' })
  doc.moveDown(0.5)
  doc.font('Helvetica').fontSize(14).text('completed', { align: 'center' })
  doc.moveDown(0.5)
  doc.font('Helvetica-Bold').fontSize(18).text(certificate.courseTitle, { align: 'center' })
  doc.moveDown(0.5)
  doc
    .font('Helvetica')
    .fontSize(13)
    .text(
      `on ${londonDateText(new Date(certificate.startsAt))}${minutes ? `, ${durationText(minutes)}` : ''}`,
      { align: 'center' },
    )
  doc.moveDown(1.5)
  doc.font('Helvetica-Bold').fontSize(13).text('Learning objectives')
  doc.font('Helvetica').fontSize(12)
  for (const objective of certificate.objectives) doc.text(`•  ${objective}`, { indent: 12 })
  doc.moveDown(2)
  doc.fontSize(11).text(`Verification code: ${certificate.code}`)
  doc.text(`Check it at ${verifyUrl}`)
  doc.end()
  return done
}
