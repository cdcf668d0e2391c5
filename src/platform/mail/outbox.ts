import { randomUUID } from 'node:crypto'
import { z } from 'zod'
import type { Sql } from '../db/database.ts'

export type Email = {
  to: string
  subject: string
  text: string
  html?: string
  attachments?: { filename: string; contentType: string; contentBase64: string }[]
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
    `INSERT INTO outbox (partnership_id, to_address, subject, text_body, html_body, attachments, message_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [
      partnershipId,
      email.to,
      email.subject,
      email.text,
      email.html ?? null,
      JSON.stringify(email.attachments ?? []),
      `<${randomUUID()}@cascade.local>`,
    ],
  )
  return row.id
}
