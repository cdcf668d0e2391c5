import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freshDatabase, type TestDatabase } from '#test/support/database.ts'
import { systemClock } from './clock.ts'
import { createJobs } from './jobs.ts'

let database: TestDatabase
const quiet = { info: () => {}, warn: () => {}, error: () => {} }

beforeAll(async () => {
  database = await freshDatabase(systemClock)
})
afterAll(() => database?.close())

describe('jobs', () => {
  it('runs a job that was sent, and waits for a running job before stopping', async () => {
    const jobs = createJobs({ db: database.db, embedded: database.kind === 'pglite', log: quiet })
    const done: string[] = []
    let started!: () => void
    const running = new Promise<void>((resolve) => {
      started = resolve
    })
    jobs.define('test.slow', async (data) => {
      started()
      await new Promise((resolve) => setTimeout(resolve, 500))
      done.push(String(data.name))
    })
    await jobs.start({ work: true })
    await jobs.send('test.slow', { name: 'first' })
    await running
    await jobs.stop()
    expect(done).toEqual(['first'])
  })
})
