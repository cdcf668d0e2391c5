import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { freshDatabase, type TestDatabase } from '#test/support/database.ts'
import { smtpSink } from '#test/support/smtp-sink.ts'
import { steppingClock } from '../clock.ts'
import { enqueueEmail, enqueueEmails } from './outbox.ts'
import { createMailSender, createTransport, MAX_ATTEMPTS, type Transport } from './sender.ts'

const clock = steppingClock('2026-11-24T10:00:00Z')
let database: TestDatabase
let partnershipId: string

/** A transport that records what it sends, and can be told to fail. */
function recordingTransport() {
  const sent: { to: string; messageId: string }[] = []
  let failWith: string | null = null
  const transport: Transport = {
    async sendMail(message) {
      // A real SMTP conversation takes time: let concurrent senders overlap.
      await new Promise((resolve) => setTimeout(resolve, 5))
      if (failWith) throw new Error(failWith)
      sent.push({ to: String(message.to), messageId: String(message.messageId) })
    },
  }
  return { transport, sent, fail: (reason: string | null) => (failWith = reason) }
}

async function enqueue(to: string): Promise<string> {
  return database.db.tenant({ partnershipId, userId: null }, (sql) =>
    enqueueEmail(sql, partnershipId, { to, subject: 'Hello', text: 'Body' }),
  )
}

async function row(id: string) {
  return database.db.platform((sql) =>
    sql.one<{
      status: string
      attempts: number
      message_id: string
      last_error: string | null
      next_attempt_at: Date
    }>('SELECT status, attempts, message_id, last_error, next_attempt_at FROM outbox WHERE id = $1', [id]),
  )
}

beforeAll(async () => {
  database = await freshDatabase(clock)
  partnershipId = (
    await database.db.platform((sql) =>
      sql.one<{ id: string }>(`INSERT INTO partnerships (slug, name) VALUES ('test', 'Test') RETURNING id`),
    )
  ).id
})
afterAll(() => database?.close())
beforeEach(() => database.db.platform((sql) => sql.query('DELETE FROM outbox')))

describe('the outbox', () => {
  it('never sends mail from a change that rolled back', async () => {
    const { transport, sent } = recordingTransport()
    await expect(
      database.db.tenant({ partnershipId, userId: null }, async (sql) => {
        await enqueueEmail(sql, partnershipId, { to: 'someone@example.org', subject: 'Hi', text: 'Body' })
        throw new Error('the change failed')
      }),
    ).rejects.toThrow('the change failed')
    await createMailSender({ db: database.db, clock, transport, from: 'Cascade <c@example.org>' }).sendDue()
    expect(sent).toEqual([])
  })

  it('sends committed mail exactly once, even with two senders at once', async () => {
    const { transport, sent } = recordingTransport()
    const ids = await Promise.all(['a@example.org', 'b@example.org', 'c@example.org'].map(enqueue))
    const sender = () =>
      createMailSender({ db: database.db, clock, transport, from: 'Cascade <c@example.org>' })
    const outcomes = await Promise.all([sender().sendDue(), sender().sendDue()])
    expect(outcomes.reduce((n, o) => n + o.sent, 0)).toBe(3)
    expect(sent.map((s) => s.to).sort()).toEqual(['a@example.org', 'b@example.org', 'c@example.org'])
    for (const id of ids) expect((await row(id)).status).toBe('sent')
    await sender().sendDue()
    expect(sent).toHaveLength(3)
  })

  it('retries a failure later with the same Message-ID, and keeps no address in the error', async () => {
    const { transport, sent, fail } = recordingTransport()
    const sender = createMailSender({ db: database.db, clock, transport, from: 'Cascade <c@example.org>' })
    const id = await enqueue('later@example.org')
    fail('mailbox later@example.org unavailable')
    expect(await sender.sendDue()).toEqual({ sent: 0, failed: 0, retried: 1 })
    const failed = await row(id)
    expect(failed).toMatchObject({
      status: 'pending',
      attempts: 1,
      last_error: 'mailbox <address> unavailable',
    })
    expect(failed.next_attempt_at.getTime()).toBe(clock.now().getTime() + 60_000)

    fail(null)
    expect((await sender.sendDue()).sent).toBe(0)
    clock.advance(61_000)
    expect((await sender.sendDue()).sent).toBe(1)
    expect(sent[0]?.messageId).toBe(failed.message_id)
  })

  it('gives up after the last attempt', async () => {
    const { transport, fail } = recordingTransport()
    const sender = createMailSender({ db: database.db, clock, transport, from: 'Cascade <c@example.org>' })
    const id = await enqueue('never@example.org')
    fail('rejected')
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      await sender.sendDue()
      clock.advance(61 * 60_000)
    }
    expect(await row(id)).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS })
  })

  it('sends again mail claimed by a sender that died mid-way, once its claim runs out', async () => {
    const { transport, sent } = recordingTransport()
    const id = await enqueue('orphan@example.org')
    await database.db.platform((sql) =>
      sql.query(`UPDATE outbox SET status = 'sending', attempts = 1, claimed_until = $2 WHERE id = $1`, [
        id,
        new Date(clock.now().getTime() + 60_000),
      ]),
    )
    const sender = createMailSender({ db: database.db, clock, transport, from: 'Cascade <c@example.org>' })
    expect((await sender.sendDue()).sent).toBe(0)
    clock.advance(2 * 60_000)
    expect((await sender.sendDue()).sent).toBe(1)
    expect(sent.map((s) => s.to)).toEqual(['orphan@example.org'])
  })

  it('keeps mail in the outbox when no SMTP server is configured', async () => {
    const id = await enqueue('waiting@example.org')
    const outcome = await createMailSender({
      db: database.db,
      clock,
      transport: null,
      from: 'Cascade <c@example.org>',
    }).sendDue()
    expect(outcome).toEqual({ sent: 0, failed: 0, retried: 0 })
    expect((await row(id)).status).toBe('pending')
  })

  it('sends an email’s own headers over SMTP, written one at a time or in a batch', async () => {
    const sink = await smtpSink()
    try {
      const unsubscribe = {
        'List-Unsubscribe': '<https://cascade.example.org/p/test/unsubscribe?token=abc.def>',
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      }
      await database.db.tenant({ partnershipId, userId: null }, async (sql) => {
        await enqueueEmail(sql, partnershipId, {
          to: 'one@example.org',
          subject: 'One',
          text: 'Body',
          headers: unsubscribe,
        })
        await enqueueEmails(sql, partnershipId, [
          { to: 'many@example.org', subject: 'Many', text: 'Body', headers: unsubscribe },
          { to: 'plain@example.org', subject: 'Plain', text: 'Body' },
        ])
      })
      const sender = createMailSender({
        db: database.db,
        clock,
        transport: createTransport(sink.url),
        from: 'Cascade <c@example.org>',
      })
      expect((await sender.sendDue()).sent).toBe(3)
      const message = (to: string) => {
        const found = sink.received.find((m) => m.to.some((r) => r.includes(to)))
        // Unfolded, as a mail client reads a long header.
        return (found?.data ?? '').replace(/\r\n[ \t]+/g, ' ')
      }
      for (const to of ['one@example.org', 'many@example.org']) {
        expect(message(to)).toContain(
          'List-Unsubscribe: <https://cascade.example.org/p/test/unsubscribe?token=abc.def>',
        )
        expect(message(to)).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click')
      }
      expect(message('plain@example.org')).toContain('Subject: Plain')
      expect(message('plain@example.org')).not.toContain('List-Unsubscribe')
    } finally {
      await sink.close()
    }
  })

  it('refuses a header that would smuggle in another', async () => {
    await expect(
      database.db.tenant({ partnershipId, userId: null }, (sql) =>
        enqueueEmail(sql, partnershipId, {
          to: 'someone@example.org',
          subject: 'Hi',
          text: 'Body',
          headers: { 'List-Unsubscribe': '<https://x.example>\r\nBcc: all@example.org' },
        }),
      ),
    ).rejects.toThrow(/single line/)
  })

  it('refuses an email to an address that is not one', async () => {
    await expect(enqueue('not an address')).rejects.toThrow(/valid address/)
  })
})
