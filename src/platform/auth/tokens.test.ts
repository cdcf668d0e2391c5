import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { TestApp } from '#test/support/app.ts'
import { TEST_NOW, testApp } from '#test/support/app.ts'
import { bookingWorld } from '#test/support/booking.ts'
import { emptyDatabase } from '#test/support/database.ts'
import { steppingClock } from '../clock.ts'
import { migrate } from '../db/migrate.ts'

let t: TestApp

beforeAll(async () => {
  t = await testApp()
})
beforeEach(() => t.clock.set(TEST_NOW))
afterAll(() => t?.close())

async function adminToken(options: { name?: string; expiresInDays?: number } = {}) {
  const norfolk = await t.partnership('norfolk')
  const admin = await t.db.anonymous({}, (sql) =>
    sql.one<{ id: string }>(`SELECT id FROM users WHERE email = 'admin@norfolk.example.org'`),
  )
  return t.services.tokens.create({
    partnershipId: norfolk.id,
    userId: admin.id,
    name: options.name ?? 'test',
    expiresInDays: options.expiresInDays,
  })
}

const policyWith = (token: string) =>
  t.app.inject({ method: 'GET', url: '/api/v1/policy', headers: { authorization: `Bearer ${token}` } })

describe('API tokens', () => {
  it('note when they were last used to the minute, and stop working once revoked', async () => {
    const norfolk = await t.partnership('norfolk')
    const admin = await t.db.anonymous({}, (sql) =>
      sql.one<{ id: string }>(`SELECT id FROM users WHERE email = 'admin@norfolk.example.org'`),
    )
    const token = await t.services.tokens.create({
      partnershipId: norfolk.id,
      userId: admin.id,
      name: 'test',
    })
    const lastUsed = async () =>
      (
        await t.db.platform((sql) =>
          sql.one<{ at: Date | null }>(
            'SELECT last_used_at AS at FROM api_tokens WHERE partnership_id = $1 AND name = $2',
            [norfolk.id, 'test'],
          ),
        )
      ).at?.toISOString()
    expect(await t.services.tokens.check(token)).toMatchObject({ auth: { user: { id: admin.id } } })
    expect(await lastUsed()).toBe('2026-11-24T10:00:00.000Z')
    t.clock.set('2026-11-24T10:00:40Z')
    await t.services.tokens.check(token)
    expect(await lastUsed()).toBe('2026-11-24T10:00:00.000Z')
    t.clock.set('2026-11-24T10:01:30Z')
    await t.services.tokens.check(token)
    expect(await lastUsed()).toBe('2026-11-24T10:01:30.000Z')
    await t.db.platform((sql) =>
      sql.query('UPDATE api_tokens SET revoked_at = now() WHERE name = $1', ['test']),
    )
    expect(await t.services.tokens.check(token)).toEqual({ status: 'revoked' })
  })

  it('expire a year after they are made unless told otherwise', async () => {
    const token = await adminToken()
    t.clock.set('2027-11-24T09:59:59Z')
    expect((await policyWith(token)).statusCode).toBe(200)
    t.clock.set('2027-11-24T10:00:00Z')
    const refused = await policyWith(token)
    expect(refused.statusCode).toBe(401)
    expect(refused.headers['content-type']).toMatch(/application\/problem\+json/)
    expect(refused.headers['www-authenticate']).toMatch(/error="invalid_token"/)
    expect(refused.json()).toMatchObject({ status: 401, title: 'API token expired' })
    expect(refused.json().detail).toMatch(/has expired/)
  })

  it('expire after the number of days given when made', async () => {
    const token = await adminToken({ expiresInDays: 30 })
    t.clock.set('2026-12-24T09:59:59Z')
    expect((await policyWith(token)).statusCode).toBe(200)
    t.clock.set('2026-12-24T10:00:00Z')
    expect((await policyWith(token)).json()).toMatchObject({ status: 401, title: 'API token expired' })
  })

  it('are refused a life of under a day or over two years', async () => {
    for (const days of [0, -1, 1.5, 731])
      await expect(adminToken({ expiresInDays: days })).rejects.toThrow(
        'The token must expire in a whole number of days from 1 to 730',
      )
    await expect(adminToken({ expiresInDays: 730 })).resolves.toMatch(/^cas_/)
  })

  it('say a revoked token was revoked, and say nothing of a token that does not exist', async () => {
    const token = await adminToken({ name: 'to revoke' })
    await t.db.platform((sql) =>
      sql.query('UPDATE api_tokens SET revoked_at = now() WHERE name = $1', ['to revoke']),
    )
    const refused = await policyWith(token)
    expect(refused.statusCode).toBe(401)
    expect(refused.json()).toMatchObject({ status: 401, title: 'API token revoked' })
    expect(refused.json().detail).toMatch(/was revoked/)
    const unknown = await policyWith(`cas_${'x'.repeat(43)}`)
    expect(unknown.statusCode).toBe(401)
    expect(unknown.json()).toMatchObject({ status: 401, title: 'Authentication required' })
    expect(unknown.body).not.toMatch(/revoked|expired/)
  })

  it('answer many requests at once, as an integration sends them, with a session’s pages alongside', async () => {
    const token = await (await bookingWorld(t)).token('admin@norfolk.example.org')
    const browser = await t.signIn('admin@norfolk.example.org')
    const answers = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        i % 2
          ? t.app.inject({
              method: 'GET',
              url: '/api/v1/courses',
              headers: { authorization: `Bearer ${token}` },
            })
          : t.app.inject({ method: 'GET', url: '/dashboard', headers: { cookie: browser.cookieHeader } }),
      ),
    )
    expect(answers.map((a) => a.statusCode)).toEqual(Array.from({ length: 24 }, () => 200))
  })

  it('stay revoked once revoked, and never have their expiry put back, whoever asks', async () => {
    await adminToken({ name: 'kept', expiresInDays: 10 })
    await expect(
      t.db.platform((sql) =>
        sql.query(`UPDATE api_tokens SET expires_at = expires_at + interval '1 day' WHERE name = 'kept'`),
      ),
    ).rejects.toThrow(/expiry is never put back/)
    await t.db.platform((sql) => sql.query(`UPDATE api_tokens SET revoked_at = now() WHERE name = 'kept'`))
    await expect(
      t.db.platform((sql) => sql.query(`UPDATE api_tokens SET revoked_at = NULL WHERE name = 'kept'`)),
    ).rejects.toThrow(/stays revoked/)
  })
})

describe('API tokens made before they expired', () => {
  it('expire a year after the migration that gave tokens an expiry', async () => {
    const clock = steppingClock('2026-01-10T09:00:00Z')
    const database = await emptyDatabase(clock)
    try {
      await migrate(database.db, { before: '0029_api_token_expiry.sql' })
      await database.db.platform(async (sql) => {
        const p = await sql.one<{ id: string }>(
          `INSERT INTO partnerships (slug, name) VALUES ('old-board', 'Old Board') RETURNING id`,
        )
        const u = await sql.one<{ id: string }>(
          `INSERT INTO users (email, display_name) VALUES ('old@example.org', 'Old') RETURNING id`,
        )
        await sql.query(
          `INSERT INTO api_tokens (token_hash, partnership_id, user_id, name) VALUES ('hash', $1, $2, 'old')`,
          [p.id, u.id],
        )
      })
      clock.set('2026-03-01T12:00:00Z')
      expect(await migrate(database.db)).toContain('0029_api_token_expiry.sql')
      const row = await database.db.platform((sql) =>
        sql.one<{ expires_at: Date }>(`SELECT expires_at FROM api_tokens WHERE name = 'old'`),
      )
      expect(row.expires_at.toISOString()).toBe('2027-03-01T12:00:00.000Z')
    } finally {
      await database.close()
    }
  })
})
