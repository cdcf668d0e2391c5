import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { TestApp } from '#test/support/app.ts'
import { TEST_NOW, testApp } from '#test/support/app.ts'
import { revokeTokenBy, tokenTable } from './tokens.ts'

let t: TestApp

beforeAll(async () => {
  t = await testApp()
})
beforeEach(() => t.clock.set(TEST_NOW))
afterAll(() => t?.close())

/** Makes a token for the partnership's admin, answering its secret and its id. */
async function tokenOf(slug: string, name: string, expiresInDays?: number) {
  const partnership = await t.partnership(slug)
  const user = await t.db.anonymous({}, (sql) =>
    sql.one<{ id: string }>('SELECT id FROM users WHERE email = $1', [`admin@${slug}.example.org`]),
  )
  const secret = await t.services.tokens.create({
    partnershipId: partnership.id,
    userId: user.id,
    name,
    expiresInDays,
  })
  const { id } = await t.db.platform((sql) =>
    sql.one<{ id: string }>('SELECT id FROM api_tokens WHERE partnership_id = $1 AND name = $2', [
      partnership.id,
      name,
    ]),
  )
  return { secret, id }
}

const revocations = (id: string) =>
  t.db.platform((sql) =>
    sql.query<{ action: string; actor_label: string }>(
      `SELECT action, actor_label FROM audit_events WHERE entity_type = 'api_tokens' AND entity_id = $1 AND action = 'api-token.revoke'`,
      [id],
    ),
  )

describe('cascade tokens list', () => {
  it('lists the partnership’s tokens with whose they are, their dates and status, and never a secret', async () => {
    const reports = await tokenOf('norfolk', 'reports', 30)
    const nightly = await tokenOf('norfolk', 'nightly')
    const jersey = await tokenOf('jersey', 'jersey feed')
    await revokeTokenBy(t.services, 'norfolk', nightly.id)
    t.clock.set('2027-01-01T09:00:00Z')
    const table = await tokenTable(t.services, 'norfolk')
    const lines = table.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^ID\s+NAME\s+USER\s+CREATED\s+LAST USED\s+EXPIRES\s+STATUS$/)
    const line = (id: string) => lines.find((l) => l.startsWith(id.slice(0, 8)))
    expect(line(reports.id)).toMatch(
      /reports\s+admin@norfolk\.example\.org\s+2026-11-24 10:00\s+never\s+2026-12-24 10:00\s+expired$/,
    )
    expect(line(nightly.id)).toMatch(/nightly .*2027-11-24 10:00\s+revoked$/)
    expect(line(jersey.id)).toBeUndefined()
    expect(table).not.toContain('jersey feed')
    for (const secret of [reports.secret, nightly.secret]) expect(table).not.toContain(secret)
    expect(table).not.toMatch(/cas_/)
  })

  it('says when a partnership has no tokens', async () => {
    expect(await tokenTable(t.services, 'shropshire')).toBe('There are no API tokens in shropshire\n')
  })
})

describe('cascade tokens revoke', () => {
  it('revokes a token named by the start of its id, which is refused from then on, and audits it', async () => {
    const token = await tokenOf('norfolk', 'to revoke')
    expect((await t.services.tokens.check(token.secret)).status).toBe('accepted')
    expect(await revokeTokenBy(t.services, 'norfolk', token.id.slice(0, 8))).toBe(
      `Revoked API token ${token.id.slice(0, 8)} (to revoke, admin@norfolk.example.org): it no longer works`,
    )
    expect(await t.services.tokens.check(token.secret)).toEqual({ status: 'revoked' })
    expect(await revocations(token.id)).toEqual([{ action: 'api-token.revoke', actor_label: 'cli' }])
  })

  it('says a token was already revoked, and changes nothing, when asked again', async () => {
    const token = await tokenOf('norfolk', 'twice')
    await revokeTokenBy(t.services, 'norfolk', token.id)
    t.clock.set('2026-11-25T10:00:00Z')
    expect(await revokeTokenBy(t.services, 'norfolk', token.id)).toBe(
      `API token ${token.id.slice(0, 8)} (twice, admin@norfolk.example.org) was already revoked on 2026-11-24 10:00`,
    )
    expect(await revocations(token.id)).toHaveLength(1)
  })

  it('refuses an unknown id, and another partnership’s token, with a clear message', async () => {
    const jersey = await tokenOf('jersey', 'theirs')
    for (const reference of [
      jersey.id,
      jersey.id.slice(0, 8),
      '00000000-0000-4000-8000-000000000000',
      'nonsense',
    ])
      await expect(revokeTokenBy(t.services, 'norfolk', reference)).rejects.toThrow(
        `There is no API token ${reference} in norfolk`,
      )
    expect((await t.services.tokens.check(jersey.secret)).status).toBe('accepted')
    await expect(revokeTokenBy(t.services, 'nowhere', jersey.id)).rejects.toThrow(
      'There is no partnership nowhere',
    )
  })
})
