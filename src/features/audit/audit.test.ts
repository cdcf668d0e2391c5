import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Context } from '#platform/context.ts'
import type { TestApp } from '#test/support/app.ts'
import { page, testApp } from '#test/support/app.ts'
import type { BookingWorld } from '#test/support/booking.ts'
import { bookingWorld } from '#test/support/booking.ts'
import { changedFields } from './rules.ts'

let t: TestApp
let w: BookingWorld
let session: string

beforeAll(async () => {
  t = await testApp()
  w = await bookingWorld(t)
  session = await w.session(await w.course('Working together'), '2027-02-12T09:30:00Z', { capacity: 24 })
  // Wendy Workforce, the demo admin, changes the capacity herself.
  const wendy = await t.db.anonymous({}, (sql) =>
    sql.one<{ id: string }>(`SELECT id FROM users WHERE email = 'admin@norfolk.example.org'`),
  )
  const asWendy: Context = { ...w.admin, actor: { ...w.admin.actor, userId: wendy.id, label: undefined } }
  await t.services.courseSessions.change(asWendy, session, { capacity: 30 })
})
afterAll(() => t?.close())

describe('the audit trail page', () => {
  it('says who changed what, to which record, in words', async () => {
    const admin = await t.signIn('admin@norfolk.example.org')
    const $ = page((await admin.get('/audit?entityType=sessions')).body)
    const latest = $('tbody tr').first()
    expect(latest.find('.cascade-audit-what').text().replace(/\s+/g, ' ').trim()).toBe(
      'Wendy Workforce changed the session Working together, 12 Feb 2027',
    )
    expect(latest.find('dt').first().text()).toBe('Capacity')
    expect(latest.find('dd').first().text()).toBe('24 → 30')
    expect($('#entityType option[value="sessions"]').text()).toBe('Session')
  })

  it('shows no table or column names, and no ids', async () => {
    const admin = await t.signIn('admin@norfolk.example.org')
    const table = page((await admin.get('/audit')).body)('table').text()
    for (const raw of [
      'partnership_id',
      'created_at',
      'course_id',
      'starts_at',
      'session_parts',
      '_id',
      'insert',
    ])
      expect(table).not.toContain(raw)
    expect(table).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i)
  })
})

describe('a change in words', () => {
  it('labels fields, shows money in pounds and yes or no, and leaves out ids, hashes and bookkeeping', () => {
    const changes = changedFields(
      'charges',
      {
        id: '6f1e0c2a-1b2c-4d5e-8f90-123456789abc',
        partnership_id: '6f1e0c2a-1b2c-4d5e-8f90-123456789abd',
        amount_pence: 5000,
        waived: false,
        created_at: '2026-11-24T10:00:00Z',
        waived_by: null,
      },
      {
        id: '6f1e0c2a-1b2c-4d5e-8f90-123456789abc',
        partnership_id: '6f1e0c2a-1b2c-4d5e-8f90-123456789abd',
        amount_pence: 0,
        waived: true,
        created_at: '2026-11-25T10:00:00Z',
        waived_by: '6f1e0c2a-1b2c-4d5e-8f90-123456789abe',
      },
    )
    expect(changes).toEqual([
      { field: 'Amount', before: '£50.00', after: '£0.00' },
      { field: 'Waived', before: 'No', after: 'Yes' },
    ])
  })

  it('never shows a secret, even one added later', () => {
    expect(changedFields('api_tokens', null, { token_hash: 'abc', name: 'Reports' })).toEqual([
      { field: 'Name', before: '', after: 'Reports' },
    ])
  })
})
