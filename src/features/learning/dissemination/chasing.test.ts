import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { userOf } from '#features/actions/test-fixtures.ts'
import { createToDo } from '#features/home/to-do.ts'
import { aLearningProduct } from '#features/learning/test-fixtures.ts'
import type { PartnershipRef } from '#platform/auth/identity.ts'
import type { Context } from '#platform/context.ts'
import { systemContext } from '#platform/context.ts'
import type { Jobs } from '#platform/jobs.ts'
import type { TestApp } from '#test/support/app.ts'
import { page, testApp } from '#test/support/app.ts'
import { DISSEMINATION_CHASING_JOB, defineDisseminationJobs } from './chasing.ts'

let t: TestApp
let p: PartnershipRef
let acknowledgedAgency: string
let silentAgency: string
const handlers = new Map<string, (data: Record<string, unknown>) => Promise<void>>()
const run = () => handlers.get(DISSEMINATION_CHASING_JOB)?.({})

const lead = 'agency-lead@south-gloucestershire.example.org'
const subgroup = 'subgroup@south-gloucestershire.example.org'

async function mailTo(to: string): Promise<{ subject: string; text: string }[]> {
  return t.db.platform((sql) =>
    sql.query(
      'SELECT subject, text_body AS text FROM outbox WHERE partnership_id = $1 AND to_address = $2 ORDER BY created_at, id',
      [p.id, to],
    ),
  )
}
const reminders = async () => (await mailTo(lead)).filter((m) => m.subject.startsWith('Reminder'))
const notices = async () => (await mailTo(subgroup)).filter((m) => m.subject.includes('not answered'))

beforeAll(async () => {
  t = await testApp()
  p = await t.partnership('south-gloucestershire')
  const jobs = { define: (name: string, handler: never) => handlers.set(name, handler) } as unknown as Jobs
  defineDisseminationJobs(jobs, t.services.partnerships, t.services.disseminationChasing)
  const user = await userOf(t.db, p.id, lead)
  ;[acknowledgedAgency, silentAgency] = user.agencyIds as [string, string]
  const product = await aLearningProduct(t.db, p.id, { title: 'Appendix A briefing' })
  const admin = systemContext(p, 'test')
  await t.services.dissemination.send(admin, product.id)
  const leadCtx: Context = {
    partnership: p,
    actor: { userId: user.id, roles: ['agency-lead'], agencyIds: user.agencyIds },
  }
  await t.services.dissemination.acknowledge(leadCtx, product.id, acknowledgedAgency)
})
afterAll(() => t?.close())

describe('chasing agencies that have not answered learning sent to them', () => {
  it('waits for the policy’s 21 days', async () => {
    t.clock.set('2026-12-14T10:00:00Z')
    await run()
    expect(await reminders()).toEqual([])
  })

  it('reminds the lead once, after 21 days, of the agency that recorded nothing', async () => {
    t.clock.set('2026-12-15T10:00:00Z')
    await run()
    await run()
    const sent = await reminders()
    expect(sent).toHaveLength(1)
    expect(sent[0]?.subject).toBe('Reminder: record how you passed on “Appendix A briefing”')
    expect(sent[0]?.text).toContain(silentAgency)
    expect(sent[0]?.text).not.toContain(acknowledgedAgency)
    expect(await notices()).toEqual([])
  })

  it('lists the agency to the sub-group after a second period with still nothing, once', async () => {
    t.clock.set('2027-01-04T10:00:00Z')
    await run()
    expect(await notices()).toEqual([])
    const before = await t.signIn(subgroup)
    expect(page((await before.get('/learning/dissemination/overdue')).body)('#overdue').length).toBe(0)

    t.clock.set('2027-01-05T10:00:00Z')
    await run()
    await run()
    const sent = await notices()
    expect(sent).toHaveLength(1)
    expect(sent[0]?.text).toContain('Appendix A briefing')
    expect(await reminders()).toHaveLength(1)

    const browser = await t.signIn(subgroup)
    const $ = page((await browser.get('/learning/dissemination/overdue')).body)
    const linked = $('#overdue a')
      .toArray()
      .map((a) => $(a).attr('href') ?? '')
    expect(linked.some((href) => href.endsWith(`/dissemination/${silentAgency}`))).toBe(true)
    expect(linked.some((href) => href.endsWith(`/dissemination/${acknowledgedAgency}`))).toBe(false)

    const member = await userOf(t.db, p.id, subgroup)
    const items = await createToDo(t.services).forActor({
      partnership: p,
      actor: { userId: member.id, roles: ['subgroup'], agencyIds: [] },
    })
    expect(items.find((i) => i.id === 'dissemination-overdue')?.href).toBe('/learning/dissemination/overdue')
  })
})
