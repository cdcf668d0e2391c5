import { newCode } from '#features/certificates/code.ts'
import { certificatePdf } from '#features/certificates/pdf.ts'
import { certificatesByIds } from '#features/certificates/queries.ts'
import { cancellationChargePence, placeChargePence } from '#features/charges/rules.ts'
import type { PolicyRules } from '#features/policy/policy.ts'
import type { Session } from '#features/sessions/queries.ts'
import type { PartnershipRef } from '#platform/auth/identity.ts'
import { londonDateOf } from '#platform/clock.ts'
import type { Sql } from '#platform/db/database.ts'
import type { Email } from '#platform/mail/outbox.ts'
import { enqueueEmailsAtCommit } from '#platform/mail/outbox.ts'
import type { RegisterRow } from './queries.ts'
import { outcomeOf } from './rules.ts'

type Settling = {
  partnership: PartnershipRef
  session: Pick<Session, 'id' | 'courseTitle' | 'parts' | 'startsAt'>
  rules: PolicyRules
  publicUrl: string
  now: Date
}

/**
 * What bookings' registers now give rise to, worked out again whenever they change: the charge
 * for the place or the cancellation charge for not coming (at the policy of the session's date),
 * never both, and the certificate,
 * issued when the person attended every part in full and, where the policy asks, completed
 * the after-course evaluation. A person whose complete register falls short is told why, once.
 * A whole register is settled in a handful of statements, however many people are on it.
 */
export async function settleBookings(
  sql: Sql,
  context: Settling,
  rows: readonly RegisterRow[],
): Promise<void> {
  if (!rows.length) return
  const { session, rules, now } = context
  const outcomes = rows.map((row) => ({
    row,
    outcome: outcomeOf(new Map(row.marks.map((m) => [m.part, m.mark])), session.parts.length),
  }))
  const wanted = outcomes.map(({ row, outcome }) =>
    outcome.noShow
      ? { reason: 'no_show', amount: cancellationChargePence(row, rules) }
      : outcome.came
        ? { reason: 'place', amount: placeChargePence(row, session.parts, rules) }
        : { reason: null, amount: 0 },
  )
  const ids = rows.map((r) => r.applicationId)
  const charged = outcomes.flatMap(({ row }, i) => {
    const w = wanted[i]
    return w?.reason && w.amount > 0 ? [{ row, reason: w.reason, amount: w.amount }] : []
  })
  const inFull = outcomes.filter(({ outcome }) => outcome.attendedInFull).map(({ row }) => row)
  const short = outcomes.filter(({ outcome }) => !outcome.attendedInFull)
  const told = short.filter(({ outcome }) => outcome.shortfall)
  // The charges and certificates are put right by statements sent together, in this order.
  const [, , , toldNow] = await Promise.all([
    // A charge already invoiced or waived is left alone: an invoice is corrected by a credit note.
    sql.query(
      `DELETE FROM charges c USING unnest($1::uuid[], $2::text[], $3::int[]) AS w(application_id, reason, amount)
        WHERE c.application_id = w.application_id AND c.reason IN ('place', 'no_show')
          AND c.invoice_id IS NULL AND NOT c.waived
          AND (w.reason IS NULL OR c.reason <> w.reason OR w.amount = 0)`,
      [ids, wanted.map((w) => w.reason), wanted.map((w) => w.amount)],
    ),
    charged.length
      ? sql.query(
          `INSERT INTO charges (partnership_id, agency_id, person_id, session_id, application_id, reason, amount_pence, charged_on)
           SELECT $1, c.agency_id, c.person_id, $2, c.application_id, c.reason, c.amount, $3
             FROM unnest($4::uuid[], $5::uuid[], $6::uuid[], $7::text[], $8::int[])
                  AS c(agency_id, person_id, application_id, reason, amount)
            -- One charge a booking: one for another reason, already invoiced or waived, stands.
            WHERE NOT EXISTS (SELECT 1 FROM charges o WHERE o.application_id = c.application_id AND o.reason <> c.reason)
           ON CONFLICT (application_id, reason) DO UPDATE SET amount_pence = excluded.amount_pence, charged_on = excluded.charged_on
             WHERE charges.invoice_id IS NULL AND NOT charges.waived`,
          [
            context.partnership.id,
            session.id,
            londonDateOf(session.startsAt),
            charged.map((c) => c.row.agencyId),
            charged.map((c) => c.row.personId),
            charged.map((c) => c.row.applicationId),
            charged.map((c) => c.reason),
            charged.map((c) => c.amount),
          ],
        )
      : null,
    short.length
      ? sql.query('DELETE FROM certificates WHERE application_id = ANY($1::uuid[])', [
          short.map(({ row }) => row.applicationId),
        ])
      : null,
    told.length
      ? sql.query<{ id: string }>(
          `UPDATE applications SET no_certificate_told_at = $2
            WHERE id = ANY($1::uuid[]) AND no_certificate_told_at IS NULL RETURNING id`,
          [told.map(({ row }) => row.applicationId), now],
        )
      : [],
  ])
  const newlyTold = new Set(toldNow.map((r) => r.id))
  const emails: Email[] = told
    .filter(({ row }) => newlyTold.has(row.applicationId))
    .map(({ row, outcome }) => ({
      to: row.email,
      subject: `No certificate: ${session.courseTitle}`,
      text: [
        `Dear ${row.name},`,
        '',
        `A certificate for ${session.courseTitle} is given for attending the whole course. ${outcome.shortfall}`,
        '',
        'If that is wrong, ask the trainer or the partnership to correct the register.',
      ].join('\n'),
    }))
  emails.push(...(await issueCertificates(sql, context, inFull)))
  enqueueEmailsAtCommit(sql, context.partnership.id, emails)
}

/**
 * Issues the certificates of those who attended in full, once the policy's conditions hold,
 * and returns the emails that send them.
 */
export async function issueCertificates(
  sql: Sql,
  context: Settling,
  rows: readonly Pick<RegisterRow, 'applicationId' | 'personId' | 'name' | 'email'>[],
): Promise<Email[]> {
  if (!rows.length) return []
  let due = rows
  if (context.rules.certificateRule === 'attendance_and_evaluation') {
    const evaluated = new Set(
      (
        await sql.query<{ id: string }>(
          `SELECT application_id AS id FROM evaluation_completions
            WHERE application_id = ANY($1::uuid[]) AND stage = 'after_course'`,
          [rows.map((r) => r.applicationId)],
        )
      ).map((r) => r.id),
    )
    due = rows.filter((r) => evaluated.has(r.applicationId))
  }
  if (!due.length) return []
  const issued = await sql.query<{ id: string; applicationId: string }>(
    `INSERT INTO certificates (partnership_id, application_id, person_id, session_id, code)
     SELECT $1, c.application_id, c.person_id, $2, c.code
       FROM unnest($3::uuid[], $4::uuid[], $5::text[]) AS c(application_id, person_id, code)
     ON CONFLICT (application_id) DO NOTHING RETURNING id, application_id AS "applicationId"`,
    [
      context.partnership.id,
      context.session.id,
      due.map((r) => r.applicationId),
      due.map((r) => r.personId),
      due.map(() => newCode()),
    ],
  )
  const byApplication = new Map(due.map((r) => [r.applicationId, r]))
  // Each certificate goes with its email, so the person has it whether or not they sign in.
  const certificates = await certificatesByIds(
    sql,
    issued.map((c) => c.id),
  )
  const emails: Email[] = []
  for (const certificate of certificates) {
    const row = byApplication.get(certificate.applicationId)
    if (!row) continue
    const pdf = await certificatePdf(
      certificate,
      context.partnership.name,
      `${context.publicUrl}/verify/${certificate.code}`,
      context.now,
    )
    emails.push({
      to: row.email,
      subject: `Your certificate: ${context.session.courseTitle}`,
      text: [
        `Dear ${row.name},`,
        '',
        `Your certificate of completion for ${context.session.courseTitle} is attached. It is evidence for your CPD record, and you can download it again at any time:`,
        `${context.publicUrl}/certificates/${certificate.id}`,
      ].join('\n'),
      attachments: [
        {
          filename: `certificate-${certificate.code}.pdf`,
          contentType: 'application/pdf',
          contentBase64: pdf.toString('base64'),
        },
      ],
    })
  }
  return emails
}
