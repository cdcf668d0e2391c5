import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Context } from '#platform/context.ts'
import { systemContext } from '#platform/context.ts'
import type { TestApp } from '#test/support/app.ts'
import { testApp } from '#test/support/app.ts'
import { aCourse, anOnlineSession } from '#test/support/builders.ts'

let t: TestApp
let norfolk: Context
let jersey: Context

const addCourse = async (ctx: Context, title: string) =>
  (await t.services.courses.create(ctx, aCourse({ title }))).id

const addSession = (ctx: Context, courseId: string, startsAt: string, status?: 'draft' | 'open') =>
  t.services.courseSessions.create(ctx, anOnlineSession(courseId, startsAt, status ? { status } : {}))

const register = (slug: string, courseId: string, name: string, email: string) =>
  t.services.interest.register(slug, courseId, { name, email })

async function mailTo(address: string) {
  return t.db.platform((sql) =>
    sql.query<{ subject: string; text_body: string; partnership_id: string }>(
      'SELECT subject, text_body, partnership_id FROM outbox WHERE to_address = $1 ORDER BY created_at, id',
      [address],
    ),
  )
}

beforeAll(async () => {
  t = await testApp()
  norfolk = systemContext(await t.partnership('norfolk'), 'test')
  jersey = systemContext(await t.partnership('jersey'), 'test')
})
afterAll(() => t?.close())

describe('inviting those who registered interest', () => {
  it('waits while a course has no session open, then invites each person once, with the date to apply by', async () => {
    const courseId = await addCourse(norfolk, 'Neglect: the graded care profile')
    await register('norfolk', courseId, 'Priya Sharma', 'priya@example.org')
    await register('norfolk', courseId, 'Sam Jones', 'sam@example.org')
    expect(await t.services.interest.inviteWaiting()).toBe(0)

    // A draft session is no date to apply for; an open one is.
    await addSession(norfolk, courseId, '2027-02-03T09:00:00Z', 'draft')
    expect(await t.services.interest.inviteWaiting()).toBe(0)
    await addSession(norfolk, courseId, '2027-04-14T09:00:00Z')
    await addSession(norfolk, courseId, '2027-03-10T09:00:00Z')
    expect(await t.services.interest.inviteWaiting()).toBe(2)

    const [mail, ...more] = await mailTo('priya@example.org')
    expect(more).toEqual([])
    // The earliest open session, 10 March 2027; Norfolk allocates places six weeks before.
    expect(mail?.subject).toBe(
      'A date has been set for Neglect: the graded care profile: apply by 27 January 2027',
    )
    expect(mail?.text_body).toContain('Dear Priya Sharma,')
    expect(mail?.text_body).toContain('It now has one: 10 March 2027.')
    expect(mail?.text_body).toContain(`${t.services.config.publicUrl}/p/norfolk/courses/${courseId}`)
    expect(mail?.partnership_id).toBe(norfolk.partnership.id)
    expect(await mailTo('sam@example.org')).toHaveLength(1)

    // Again, nothing more is sent; the planners' count of those waiting is back to none.
    expect(await t.services.interest.inviteWaiting()).toBe(0)
    expect(await mailTo('priya@example.org')).toHaveLength(1)
    expect(await t.services.interest.waiting(norfolk, courseId)).toBe(0)
    const [request] = await t.services.interest.requests(norfolk, courseId)
    expect(request?.invitedAt?.toISOString()).toBe(t.clock.now().toISOString())
    expect(request?.invitedSessionStartsAt?.toISOString()).toBe('2027-03-10T09:00:00.000Z')
  })

  it('says to apply now when places are already being allocated as applications arrive', async () => {
    const courseId = await addCourse(norfolk, 'Soon')
    await register('norfolk', courseId, 'Lee', 'lee@example.org')
    // Two weeks away: inside Norfolk's six-week lead time.
    await addSession(norfolk, courseId, '2026-12-08T09:00:00Z')
    expect(await t.services.interest.inviteWaiting()).toBe(1)
    expect((await mailTo('lee@example.org'))[0]?.subject).toBe('A date has been set for Soon: apply now')
  })

  it('keeps one live request per address, and takes a new one after the invitation', async () => {
    const courseId = await addCourse(norfolk, 'Asked twice')
    await register('norfolk', courseId, 'Ann', 'ann@example.org')
    await register('norfolk', courseId, 'Ann again', 'ANN@example.org')
    expect(await t.services.interest.waiting(norfolk, courseId)).toBe(1)
    const session = await addSession(norfolk, courseId, '2027-05-12T09:00:00Z')
    expect(await t.services.interest.inviteWaiting()).toBe(1)
    // The date did not suit: she asks again, and waits for the next one.
    await t.services.courseSessions.change(norfolk, session.id, {
      status: 'cancelled',
      cancellationReason: 'No trainer',
    })
    await register('norfolk', courseId, 'Ann', 'ann@example.org')
    expect(await t.services.interest.waiting(norfolk, courseId)).toBe(1)
    expect(await t.services.interest.inviteWaiting()).toBe(0)
    expect(await mailTo('ann@example.org')).toHaveLength(1)
  })

  it('sends each invitation once when two workers run at the same moment', async () => {
    const courseId = await addCourse(norfolk, 'Busy course')
    const emails = Array.from({ length: 30 }, (_, i) => `person${i}@example.org`)
    for (const email of emails) await register('norfolk', courseId, 'Someone', email)
    await addSession(norfolk, courseId, '2027-06-09T09:00:00Z')
    const counts = await Promise.all([
      t.services.interest.inviteWaiting(),
      t.services.interest.inviteWaiting(),
      t.services.interest.inviteWaiting(),
    ])
    expect(counts.reduce((a, b) => a + b, 0)).toBe(30)
    const sent = await t.db.platform((sql) =>
      sql.query<{ to_address: string; n: number }>(
        `SELECT to_address, count(*)::int AS n FROM outbox WHERE to_address LIKE 'person%@example.org' GROUP BY to_address`,
      ),
    )
    expect(sent.map((s) => s.to_address).sort()).toEqual([...emails].sort())
    expect(sent.every((s) => s.n === 1)).toBe(true)
  })

  it('keeps each partnership’s requests to its own courses and its own audit trail', async () => {
    const jerseyCourse = await addCourse(jersey, 'Jersey course')
    await register('jersey', jerseyCourse, 'Jo', 'jo@example.org')
    await expect(register('norfolk', jerseyCourse, 'Jo', 'jo@example.org')).rejects.toThrow(/not found/)
    await addSession(jersey, jerseyCourse, '2027-03-03T09:00:00Z')
    expect(await t.services.interest.inviteWaiting()).toBe(1)
    const [mail] = await mailTo('jo@example.org')
    expect(mail?.partnership_id).toBe(jersey.partnership.id)
    expect(mail?.text_body).toContain('/p/jersey/courses/')
    const audit = await t.db.tenant({ partnershipId: jersey.partnership.id, userId: null }, (sql) =>
      sql.query<{ action: string; actor_label: string | null }>(
        `SELECT action, actor_label FROM audit_events WHERE entity_type = 'course_interests' ORDER BY id`,
      ),
    )
    expect(audit).toEqual([
      { action: 'interest.register', actor_label: 'register-interest' },
      { action: 'interest.invite', actor_label: 'job:interest.invite' },
    ])
  })
})
