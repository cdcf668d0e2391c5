import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '#test/support/app.ts'
import { testApp } from '#test/support/app.ts'
import { bookingWorld } from '#test/support/booking.ts'

let t: TestApp

beforeAll(async () => {
  t = await testApp()
})
afterAll(() => t?.close())

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
    expect((await t.services.tokens.resolve(token))?.user.id).toBe(admin.id)
    expect(await lastUsed()).toBe('2026-11-24T10:00:00.000Z')
    t.clock.set('2026-11-24T10:00:40Z')
    await t.services.tokens.resolve(token)
    expect(await lastUsed()).toBe('2026-11-24T10:00:00.000Z')
    t.clock.set('2026-11-24T10:01:30Z')
    await t.services.tokens.resolve(token)
    expect(await lastUsed()).toBe('2026-11-24T10:01:30.000Z')
    await t.db.platform((sql) =>
      sql.query('UPDATE api_tokens SET revoked_at = now() WHERE name = $1', ['test']),
    )
    expect(await t.services.tokens.resolve(token)).toBeNull()
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
})
