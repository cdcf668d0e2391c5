import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { systemContext } from '#platform/context.ts'
import { createJobs } from '#platform/jobs.ts'
import type { TestApp } from '#test/support/app.ts'
import { testApp } from '#test/support/app.ts'
import { aCourse } from '#test/support/builders.ts'
import { defineInterestJobs, INVITE_JOB } from './jobs.ts'

let t: TestApp
const quiet = { info: () => {}, warn: () => {}, error: () => {} }

beforeAll(async () => {
  t = await testApp()
})
afterAll(() => t?.close())

describe('the invitation job', () => {
  it('is scheduled every minute, and invites when it runs', async () => {
    const jobs = createJobs({ db: t.db, embedded: t.kind === 'pglite', log: quiet })
    const norfolk = systemContext(await t.partnership('norfolk'), 'test')
    const course = await t.services.courses.create(norfolk, aCourse({ title: 'Neglect' }))
    await t.services.interest.register('norfolk', course.id, { name: 'Priya', email: 'priya@example.org' })
    await t.services.courseSessions.create(norfolk, {
      courseId: course.id,
      startsAt: '2027-03-10T09:00:00Z',
      endsAt: '2027-03-10T12:00:00Z',
      capacity: 20,
      minimumPlaces: null,
      format: 'online',
      venue: null,
      joiningUrl: 'https://meet.example.org/x',
    })
    let ran!: (invited: number) => void
    const done = new Promise<number>((resolve) => {
      ran = resolve
    })
    defineInterestJobs(jobs, {
      inviteWaiting: async () => {
        const invited = await t.services.interest.inviteWaiting()
        ran(invited)
        return invited
      },
    })
    await jobs.start({ work: true })
    try {
      const schedules = await t.db.platform((sql) =>
        sql.query<{ name: string; cron: string }>('SELECT name, cron FROM pgboss.schedule'),
      )
      expect(schedules).toContainEqual(expect.objectContaining({ name: INVITE_JOB, cron: '* * * * *' }))
      await jobs.send(INVITE_JOB)
      expect(await done).toBe(1)
    } finally {
      await jobs.stop()
    }
  })
})
