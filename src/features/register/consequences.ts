import { newCode } from '#features/certificates/code.ts'
import { issueCertificate, withdrawCertificate } from '#features/certificates/queries.ts'
import { settleAttendanceCharge } from '#features/charges/queries.ts'
import { noShowChargePence, placeChargePence } from '#features/charges/rules.ts'
import type { PolicyRules } from '#features/policy/policy.ts'
import type { Session } from '#features/sessions/queries.ts'
import { londonDateOf } from '#platform/clock.ts'
import type { Sql } from '#platform/db/database.ts'
import { enqueueEmail } from '#platform/mail/outbox.ts'
import type { RegisterRow } from './queries.ts'
import { evaluatedAfterCourse, markToldNoCertificate } from './queries.ts'
import { outcomeOf } from './rules.ts'

/**
 * What a booking's register now gives rise to, worked out again whenever it changes: the
 * charge for the place or for not coming (at the policy of the session's date), and the
 * certificate, issued when the person attended every part in full and, where the policy asks,
 * completed the after-course evaluation. A person whose complete register falls short is told
 * why, once.
 */
export async function settleBooking(
  sql: Sql,
  context: { partnershipId: string; session: Session; rules: PolicyRules; publicUrl: string; now: Date },
  row: RegisterRow,
): Promise<void> {
  const { session, rules, now } = context
  const outcome = outcomeOf(new Map(row.marks.map((m) => [m.part, m.mark])), session.parts.length)
  await settleAttendanceCharge(
    sql,
    {
      partnershipId: context.partnershipId,
      agencyId: row.agencyId,
      personId: row.personId,
      sessionId: session.id,
      applicationId: row.applicationId,
      chargedOn: londonDateOf(session.startsAt),
    },
    outcome.noShow
      ? { reason: 'no_show', amountPence: noShowChargePence(row, session.parts, rules) }
      : outcome.came
        ? { reason: 'place', amountPence: placeChargePence(row, session.parts, rules) }
        : null,
  )

  if (!outcome.attendedInFull) {
    await withdrawCertificate(sql, row.applicationId)
    if (outcome.shortfall && (await markToldNoCertificate(sql, row.applicationId, now)))
      await enqueueEmail(sql, context.partnershipId, {
        to: row.email,
        subject: `No certificate: ${session.courseTitle}`,
        text: [
          `Dear ${row.name},`,
          '',
          `A certificate for ${session.courseTitle} is given for attending the whole course. ${outcome.shortfall}`,
          '',
          'If that is wrong, ask the trainer or the partnership to correct the register.',
        ].join('\n'),
      })
    return
  }
  await issueIfEvaluated(sql, context, row)
}

/** Issues the certificate of someone who attended in full, once the policy's conditions hold. */
export async function issueIfEvaluated(
  sql: Sql,
  context: {
    partnershipId: string
    session: Pick<Session, 'id' | 'courseTitle'>
    rules: PolicyRules
    publicUrl: string
  },
  row: Pick<RegisterRow, 'applicationId' | 'personId' | 'name' | 'email'>,
): Promise<void> {
  if (
    context.rules.certificateRule === 'attendance_and_evaluation' &&
    !(await evaluatedAfterCourse(sql, row.applicationId))
  )
    return
  const id = await issueCertificate(sql, {
    partnershipId: context.partnershipId,
    applicationId: row.applicationId,
    personId: row.personId,
    sessionId: context.session.id,
    code: newCode(),
  })
  if (!id) return
  await enqueueEmail(sql, context.partnershipId, {
    to: row.email,
    subject: `Your certificate: ${context.session.courseTitle}`,
    text: [
      `Dear ${row.name},`,
      '',
      `Your certificate of completion for ${context.session.courseTitle} is ready. It is evidence for your CPD record:`,
      `${context.publicUrl}/certificates/${id}`,
    ].join('\n'),
  })
}
