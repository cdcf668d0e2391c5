import { londonDateText } from '#platform/clock.ts'
import type { Sql } from '#platform/db/database.ts'

/** A part of a person's data kept on an erasure, and the legal reason it must be kept. */
export type Refusal = { record: string; reason: string }

/** What anonymising a person did: what it erased, in words, and what it had to keep and why. */
export type Anonymised = {
  /** False when the person was erased before: nothing more was done. */
  changed: boolean
  erased: string[]
  refused: Refusal[]
}

/** What an erased person is called wherever their name was. */
export const ERASED_FIRST_NAME = 'Erased'
export const ERASED_LAST_NAME = 'person'
/** Replaces free text the person wrote or that was written about them. */
export const ERASED_TEXT = '[erased]'

/** An address that can never receive mail (RFC 2606), unique to the record so no two collide. */
export const erasedEmail = (id: string) => `erased.${id}@erased.invalid`

/** Issued invoices are kept this many years after issue (see the refusal's reason). */
export const INVOICE_YEARS = 6

/**
 * The columns an erasure overwrites in each table, and so the values it overwrites in the audit
 * events about the rows it changed: the trail must not keep what the erasure removed.
 */
const erasedColumns: Record<string, string[]> = {
  people: ['first_name', 'last_name', 'email', 'role', 'manager_name', 'manager_email', 'decision_reason'],
  applications: ['manager_name', 'manager_email', 'access_needs', 'reason', 'ended_note'],
  conduct_concerns: ['concern'],
  course_interests: ['name', 'email'],
  trainer_approvals: ['withdrawn_reason'],
  trainer_cpd_returns: ['activities', 'delivery_updates'],
  learning_evidence: ['rejected_reason', 'file_name', 'file_type'],
  charges: ['waived_reason'],
  evaluation_responses: ['answers'],
  telephone_calls: ['notes'],
}

const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`

/**
 * Erases a person on request (UK GDPR article 17), in the caller's transaction: their names,
 * email, job role and line manager replaced, the free text they wrote or that was written about
 * them replaced, evidence files removed, their sign-in account disabled and signed out. Ids,
 * dates, marks, scores and amounts stay, so the registers, evaluations, charges and reports of
 * past years still add up. What the law requires kept is kept and said why: an issued invoice's
 * lines name the person charged. The audit events about what changed are overwritten with the
 * erased values, so the trail does not keep what was erased. Idempotent: a person already
 * erased is left alone.
 *
 * A small interface other features (retention) can call with their own transaction.
 */
export async function anonymisePerson(
  sql: Sql,
  personId: string,
  options: { now: Date },
): Promise<Anonymised> {
  const person = await sql.maybeOne<{ email: string; userId: string | null; erasedAt: Date | null }>(
    `SELECT email, user_id AS "userId", erased_at AS "erasedAt" FROM people WHERE id = $1 FOR UPDATE`,
    [personId],
  )
  if (!person) throw new Error('anonymisePerson: no such person in this partnership')
  const refused = await erasureRefusals(sql, personId)
  if (person.erasedAt) return { changed: false, erased: [], refused }

  const erased: string[] = []
  const rows: Record<string, string[]> = { people: [personId] }
  const ids = async (table: string, text: string, values: readonly unknown[]) => {
    const changed = await sql.query<{ id: string }>(text, values)
    rows[table] = [...(rows[table] ?? []), ...changed.map((r) => r.id)]
    return changed.length
  }

  await sql.query(
    `UPDATE people SET first_name = $2, last_name = $3, email = $4, role = NULL, manager_name = NULL,
            manager_email = NULL, decision_reason = NULL, erased_at = $5, updated_at = $5
      WHERE id = $1`,
    [personId, ERASED_FIRST_NAME, ERASED_LAST_NAME, erasedEmail(personId), options.now],
  )
  erased.push('Their names, work email, job role and line manager in the directory')

  const applications = await ids(
    'applications',
    `UPDATE applications SET manager_name = NULL, manager_email = $2, access_needs = NULL,
            reason = CASE WHEN reason IS NULL THEN NULL ELSE $3 END,
            ended_note = CASE WHEN ended_note IS NULL THEN NULL ELSE $3 END
      WHERE person_id = $1 RETURNING id`,
    [personId, erasedEmail(personId), ERASED_TEXT],
  )
  if (applications)
    erased.push(
      `The line manager, access needs and notes on ${count(applications, 'application')} (the places, marks and charges stay)`,
    )
  const responses = await ids(
    'evaluation_responses',
    `UPDATE evaluation_responses r SET answers = r.answers || coalesce((
        SELECT jsonb_object_agg(q ->> 'id', CASE WHEN q ->> 'kind' = 'free_text' THEN to_jsonb($2::text)
                                                 ELSE jsonb_set(r.answers -> (q ->> 'id'), '{action}', to_jsonb($2::text)) END)
          FROM questionnaire_versions v, jsonb_array_elements(v.questions) q
         WHERE v.id = r.version_id AND r.answers ? (q ->> 'id')
           AND (q ->> 'kind' = 'free_text'
                OR (q ->> 'kind' = 'action_plan' AND jsonb_typeof(r.answers -> (q ->> 'id')) = 'object'))), '{}'::jsonb)
      WHERE r.application_id IN (SELECT id FROM applications WHERE person_id = $1) RETURNING r.id`,
    [personId, ERASED_TEXT],
  )
  if (responses)
    erased.push(
      `What they wrote in ${count(responses, 'evaluation')} (their scores and choices stay, so the results still add up)`,
    )
  const calls = await ids(
    'telephone_calls',
    `UPDATE telephone_calls SET notes = $2
      WHERE notes IS NOT NULL AND application_id IN (SELECT id FROM applications WHERE person_id = $1) RETURNING id`,
    [personId, ERASED_TEXT],
  )
  if (calls) erased.push(`Notes of ${count(calls, 'follow-up telephone call')}`)
  const concerns = await ids(
    'conduct_concerns',
    'UPDATE conduct_concerns SET concern = $2 WHERE person_id = $1 RETURNING id',
    [personId, ERASED_TEXT],
  )
  if (concerns) erased.push(`The words of ${count(concerns, 'concern')} raised about them`)
  const interests = await ids(
    'course_interests',
    'UPDATE course_interests SET name = $2, email = $3 WHERE person_id = $1 RETURNING id',
    [personId, `${ERASED_FIRST_NAME} ${ERASED_LAST_NAME}`, erasedEmail(personId)],
  )
  if (interests) erased.push(`Their name and email on ${count(interests, 'interest')} in a course`)
  const approvals = await ids(
    'trainer_approvals',
    'UPDATE trainer_approvals SET withdrawn_reason = $2 WHERE person_id = $1 AND withdrawn_reason IS NOT NULL RETURNING id',
    [personId, ERASED_TEXT],
  )
  if (approvals) erased.push(`The reasons ${count(approvals, 'trainer approval')} was withdrawn`)
  const cpd = await ids(
    'trainer_cpd_returns',
    'UPDATE trainer_cpd_returns SET activities = $2, delivery_updates = $2 WHERE person_id = $1 RETURNING id',
    [personId, ERASED_TEXT],
  )
  if (cpd) erased.push(`What they wrote in ${count(cpd, 'CPD questionnaire')} (the hours stay)`)
  const evidence = await ids(
    'learning_evidence',
    `UPDATE learning_evidence SET file_name = NULL, file_type = NULL, file_bytes = NULL,
            rejected_reason = CASE WHEN rejected_reason IS NULL THEN NULL ELSE $2 END
      WHERE person_id = $1 AND (file_bytes IS NOT NULL OR rejected_reason IS NOT NULL) RETURNING id`,
    [personId, ERASED_TEXT],
  )
  if (evidence) erased.push(`Files and notes of ${count(evidence, 'piece', 'pieces')} of learning evidence`)
  const waived = await ids(
    'charges',
    'UPDATE charges SET waived_reason = $2 WHERE person_id = $1 AND waived_reason IS NOT NULL RETURNING id',
    [personId, ERASED_TEXT],
  )
  if (waived)
    erased.push(`The reasons ${count(waived, 'charge was', 'charges were')} waived (the amounts stay)`)

  // Emails sent to them say their name: the copies kept are emptied, and none still waiting goes.
  const mail = await sql.query(
    `UPDATE outbox SET to_address = $2, subject = $3, text_body = $3, html_body = NULL, attachments = '[]',
            status = CASE WHEN status IN ('pending', 'sending') THEN 'failed' ELSE status END,
            last_error = CASE WHEN status IN ('pending', 'sending') THEN 'The recipient was erased' ELSE last_error END
      WHERE partnership_id = cascade_partnership_id() AND lower(to_address) = lower($1) RETURNING 1`,
    [person.email, erasedEmail(personId), ERASED_TEXT],
  )
  if (mail.length) erased.push(`${count(mail.length, 'email')} sent to them`)

  if (person.userId) erased.push(await closeAccount(sql, person.userId, personId, options.now))

  // The trail's events about every row changed take the values the rows hold now.
  await sql.query('SELECT cascade_erase_audit_values($1, $2::jsonb, $3::jsonb)', [
    personId,
    JSON.stringify(erasedColumns),
    JSON.stringify(rows),
  ])
  erased.push('Those values in the audit trail’s entries about them')
  return { changed: true, erased, refused }
}

/** What the law requires kept of the person's data, and why: an erasure refuses these parts. */
export async function erasureRefusals(sql: Sql, personId: string): Promise<Refusal[]> {
  const invoices = await sql.query<{ number: number; issuedAt: Date; lines: number }>(
    `SELECT i.number, i.issued_at AS "issuedAt", count(*)::int AS lines
       FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id JOIN charges c ON c.id = l.charge_id
      WHERE c.person_id = $1 GROUP BY i.id, i.number, i.issued_at ORDER BY i.issued_at, i.number`,
    [personId],
  )
  return invoices.map((i) => {
    const until = new Date(i.issuedAt)
    until.setUTCFullYear(until.getUTCFullYear() + INVOICE_YEARS)
    return {
      record: `Their name on ${count(i.lines, 'line')} of invoice ${i.number}, issued ${londonDateText(i.issuedAt)}`,
      reason: `An issued invoice must be kept as it was issued, with the name of the person each charge is for, for ${INVOICE_YEARS} years under UK tax law (HMRC’s record-keeping rules; UK GDPR article 17(3)(b), a legal obligation). It can be erased after ${londonDateText(until)}.`,
    }
  })
}

/**
 * The person's sign-in account: their roles here end and every session is signed out. An
 * account used in no other partnership is disabled and its name and email erased; one used in
 * another partnership stays theirs there.
 */
async function closeAccount(sql: Sql, userId: string, personId: string, now: Date): Promise<string> {
  await sql.query('DELETE FROM memberships WHERE user_id = $1', [userId])
  await sql.query('UPDATE api_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL', [
    userId,
    now,
  ])
  await sql.query('UPDATE user_sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL', [
    userId,
    now,
  ])
  await sql.query('DELETE FROM sign_in_links WHERE user_id = $1', [userId])
  const elsewhere = await sql.one<{ elsewhere: boolean }>('SELECT cascade_user_elsewhere($1) AS elsewhere', [
    userId,
  ])
  if (elsewhere.elsewhere)
    return 'Their roles in this partnership; they were signed out (their account stays, as another partnership uses it)'
  // A closed account keeps no way to sign in: its second factor and recovery codes go too.
  await sql.query('DELETE FROM second_factor_challenges WHERE user_id = $1', [userId])
  await sql.query('DELETE FROM second_factor_recovery_codes WHERE user_id = $1', [userId])
  await sql.query('DELETE FROM second_factors WHERE user_id = $1', [userId])
  await sql.query(
    `UPDATE users SET email = $2, display_name = $3, password_hash = NULL, disabled = true WHERE id = $1`,
    [userId, erasedEmail(personId), `${ERASED_FIRST_NAME} ${ERASED_LAST_NAME}`],
  )
  return 'Their sign-in account: disabled, its name and email erased, and signed out everywhere'
}
