import { randomUUID } from 'node:crypto'
import { z } from 'zod'
import type { Sql } from '../db/database.ts'

export type Email = {
  to: string
  subject: string
  text: string
  html?: string
  attachments?: { filename: string; contentType: string; contentBase64: string }[]
  /** Headers besides the usual ones, such as List-Unsubscribe (RFC 2369) and List-Unsubscribe-Post (RFC 8058). */
  headers?: Record<string, string>
}

// A header's name is a token, and its value one line: nothing can add a header of its own.
const headerName = /^[A-Za-z][A-Za-z0-9-]{0,76}$/
function checkedHeaders(email: Email): string {
  const headers = email.headers ?? {}
  for (const [name, value] of Object.entries(headers))
    if (!headerName.test(name) || /[\r\n]/.test(value) || value.length > 2000)
      throw new Error('An email header must be a name and a single line')
  return JSON.stringify(headers)
}

const address = z.email()

/**
 * Writes an email to the outbox inside the caller's transaction: it is sent only if the
 * change that caused it commits, and a job sends it afterwards. The Message-ID is fixed now,
 * so a retry carries the same one and mail systems can discard a duplicate.
 */
export async function enqueueEmail(sql: Sql, partnershipId: string | null, email: Email): Promise<string> {
  if (!address.safeParse(email.to).success) throw new Error('An email needs a valid address to send to')
  const row = await sql.one<{ id: string }>(
    `INSERT INTO outbox (partnership_id, to_address, subject, text_body, html_body, attachments, message_id, headers)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
    [
      partnershipId,
      email.to,
      email.subject,
      email.text,
      email.html ?? null,
      JSON.stringify(email.attachments ?? []),
      `<${randomUUID()}@cascade.local>`,
      checkedHeaders(email),
    ],
  )
  return row.id
}

/** The statement that writes many emails to the outbox at once; refused for a bad address. */
function outboxWrite(partnershipId: string | null, emails: readonly Email[]): [string, unknown[]] {
  for (const email of emails)
    if (!address.safeParse(email.to).success) throw new Error('An email needs a valid address to send to')
  return [
    `INSERT INTO outbox (partnership_id, to_address, subject, text_body, html_body, attachments, message_id, headers)
     SELECT $1, e.to_address, e.subject, e.text_body, e.html_body, e.attachments::jsonb, e.message_id, e.headers::jsonb
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
            AS e(to_address, subject, text_body, html_body, attachments, message_id, headers)`,
    [
      partnershipId,
      emails.map((e) => e.to),
      emails.map((e) => e.subject),
      emails.map((e) => e.text),
      emails.map((e) => e.html ?? null),
      emails.map((e) => JSON.stringify(e.attachments ?? [])),
      emails.map(() => `<${randomUUID()}@cascade.local>`),
      emails.map(checkedHeaders),
    ],
  ]
}

/** Writes many emails to the outbox in one statement, as enqueueEmail does one. */
export async function enqueueEmails(
  sql: Sql,
  partnershipId: string | null,
  emails: readonly Email[],
): Promise<void> {
  if (!emails.length) return
  const [text, values] = outboxWrite(partnershipId, emails)
  await sql.query(text, values)
}

/**
 * As enqueueEmails, for the last thing a change does: the write goes with the transaction's
 * COMMIT rather than in a round trip of its own.
 */
export function enqueueEmailsAtCommit(
  sql: Sql,
  partnershipId: string | null,
  emails: readonly Email[],
): void {
  if (!emails.length) return
  const [text, values] = outboxWrite(partnershipId, emails)
  sql.later(text, values)
}
