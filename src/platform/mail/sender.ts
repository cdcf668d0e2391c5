import nodemailer from 'nodemailer'
import type { Clock } from '../clock.ts'
import type { Database } from '../db/database.ts'

export type Transport = { sendMail(message: Record<string, unknown>): Promise<unknown> }

type Claimed = {
  id: string
  to_address: string
  subject: string
  text_body: string
  html_body: string | null
  attachments: { filename: string; contentType: string; contentBase64: string }[]
  message_id: string
  headers: Record<string, string>
  attempts: number
}

export const MAX_ATTEMPTS = 8
// A claim outlives any SMTP conversation; a sender that dies leaves the row to be claimed again after it.
const CLAIM_MINUTES = 5

/** Minutes to wait before the next try: 1, 2, 4 … up to an hour. */
export function backoffMinutes(attempts: number): number {
  return Math.min(60, 2 ** Math.max(0, attempts - 1))
}

export function createTransport(smtpUrl: string | undefined): Transport | null {
  return smtpUrl ? (nodemailer.createTransport(smtpUrl) as unknown as Transport) : null
}

/**
 * Sends what is due in the outbox. Each row is claimed in a short transaction (so two senders
 * never take the same row), sent with no transaction open (the embedded database runs one
 * transaction at a time), then marked sent only if this claim still holds it. A sender that
 * dies after the SMTP server accepted a message but before marking it leaves the row to be
 * sent again after the claim runs out, with the same Message-ID, so mail systems drop the copy.
 */
export function createMailSender(deps: {
  db: Database
  clock: Clock
  transport: Transport | null
  from: string
}) {
  const { db, clock, transport } = deps

  async function claim(limit: number): Promise<Claimed[]> {
    const now = clock.now()
    return db.platform((sql) =>
      sql.query<Claimed>(
        `UPDATE outbox SET status = 'sending', attempts = attempts + 1, claimed_until = $2
          WHERE id IN (
            SELECT id FROM outbox
             WHERE (status = 'pending' AND next_attempt_at <= $1) OR (status = 'sending' AND claimed_until < $1)
             ORDER BY next_attempt_at
             LIMIT $3
             FOR UPDATE SKIP LOCKED)
          RETURNING id, to_address, subject, text_body, html_body, attachments, message_id, headers, attempts`,
        [now, new Date(now.getTime() + CLAIM_MINUTES * 60_000), limit],
      ),
    )
  }

  return {
    async sendDue(limit = 20): Promise<{ sent: number; failed: number; retried: number }> {
      const outcome = { sent: 0, failed: 0, retried: 0 }
      if (!transport) return outcome
      for (const row of await claim(limit)) {
        try {
          await transport.sendMail({
            from: deps.from,
            to: row.to_address,
            subject: row.subject,
            text: row.text_body,
            html: row.html_body ?? undefined,
            messageId: row.message_id,
            headers: row.headers,
            attachments: row.attachments.map((a) => ({
              filename: a.filename,
              contentType: a.contentType,
              content: a.contentBase64,
              encoding: 'base64',
            })),
          })
          await db.platform((sql) =>
            sql.query(
              `UPDATE outbox SET status = 'sent', sent_at = $2, claimed_until = NULL, last_error = NULL
                WHERE id = $1 AND status = 'sending' AND attempts = $3`,
              [row.id, clock.now(), row.attempts],
            ),
          )
          outcome.sent++
        } catch (error) {
          const giveUp = row.attempts >= MAX_ATTEMPTS
          // The reason, without the message or addresses it was about.
          const reason = (error instanceof Error ? error.message : String(error))
            .replace(/\S+@\S+/g, '<address>')
            .slice(0, 500)
          await db.platform((sql) =>
            sql.query(
              `UPDATE outbox SET status = $2, next_attempt_at = $3, claimed_until = NULL, last_error = $4
                WHERE id = $1 AND status = 'sending' AND attempts = $5`,
              [
                row.id,
                giveUp ? 'failed' : 'pending',
                new Date(clock.now().getTime() + backoffMinutes(row.attempts) * 60_000),
                reason,
                row.attempts,
              ],
            ),
          )
          if (giveUp) outcome.failed++
          else outcome.retried++
        }
      }
      return outcome
    },
  }
}

export type MailSender = ReturnType<typeof createMailSender>

export type OutboxEntry = {
  id: string
  to: string
  subject: string
  text: string
  html: string | null
  status: string
  attempts: number
  createdAt: Date
}

/** The newest mail of every partnership, for the development-only outbox page. */
export function listOutbox(db: Database, limit = 50): Promise<OutboxEntry[]> {
  return db.platform((sql) =>
    sql.query<OutboxEntry>(
      `SELECT id, to_address AS "to", subject, text_body AS text, html_body AS html, status, attempts, created_at AS "createdAt"
         FROM outbox ORDER BY created_at DESC, id LIMIT $1`,
      [limit],
    ),
  )
}
