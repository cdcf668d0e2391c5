import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TenantScope } from '#platform/db/database.ts'
import type { TestApp } from '#test/support/app.ts'
import { page, testApp } from '#test/support/app.ts'
import { anAuditCycle, anAuditTemplate } from '../test-fixtures.ts'

let t: TestApp
let scope: TenantScope
let pid = ''
const users: Record<string, string> = {}
let ledAgency = ''
let otherAgency = ''
let template: Awaited<ReturnType<typeof anAuditTemplate>>

const admin = 'admin@shropshire.example.org'
const subgroup = 'subgroup@shropshire.example.org'
const executive = 'executive@shropshire.example.org'
const lead = 'agency-lead@shropshire.example.org'

const answers = (returnId: string) =>
  t.db.tenant(scope, (sql) =>
    sql.query<{
      standard_id: string
      rating: string
      narrative: string
      review: string | null
      resolution: string | null
      revised_rating: string | null
    }>(
      `SELECT a.standard_id, a.rating, a.narrative, a.review, a.resolution, a.revised_rating
         FROM audit_answers a JOIN audit_standards s ON s.id = a.standard_id WHERE a.return_id = $1 ORDER BY s.position`,
      [returnId],
    ),
  )
const statusOf = (returnId: string) =>
  t.db.tenant(scope, (sql) =>
    sql.one<{ status: string; concluded: boolean }>(
      'SELECT status, concluded_at IS NOT NULL AS concluded FROM audit_returns WHERE id = $1',
      [returnId],
    ),
  )

beforeAll(async () => {
  t = await testApp()
  pid = (await t.partnership('shropshire')).id
  scope = { partnershipId: pid, userId: null, actor: 'test' }
  for (const email of [admin, subgroup, executive, lead]) {
    users[email] = (
      await t.db.anonymous({}, (sql) =>
        sql.one<{ id: string }>('SELECT id FROM users WHERE email = $1', [email]),
      )
    ).id
  }
  await t.db.tenant(scope, async (sql) => {
    const led = await sql.one<{ ids: string[] }>(
      `SELECT agency_ids AS ids FROM memberships WHERE user_id = $1 AND role = 'agency-lead'`,
      [users[lead]],
    )
    ledAgency = led.ids[0] as string
    otherAgency = (
      await sql.one<{ id: string }>(
        'SELECT id FROM agencies WHERE NOT (id = ANY($1::uuid[])) ORDER BY name LIMIT 1',
        [led.ids],
      )
    ).id
  })
  template = await anAuditTemplate(t.db, pid, { sections: 2, standardsPerSection: 2 })
})
afterAll(() => t.close())

/** A fresh cycle with the lead's agency's return at `status`, reviewed by the sub-group member. */
async function aReturn(
  status: 'submitted' | 'in_progress' | 'challenge' | 'concluded' = 'submitted',
  ratings = {},
) {
  const cycle = await anAuditCycle(t.db, pid, {
    versionId: template.versionId,
    returns: [
      {
        agencyId: ledAgency,
        status,
        reviewerUserId: users[subgroup],
        seniorLeadUserId: users[lead],
        ratings,
      },
      { agencyId: otherAgency, status: 'submitted', reviewerUserId: users[executive] },
    ],
  })
  return {
    cycleId: cycle.id,
    returnId: cycle.returns[0]?.id as string,
    otherId: cycle.returns[1]?.id as string,
  }
}

const allAgreed = (except: Record<string, string> = {}) =>
  Object.fromEntries(
    template.standardIds.flatMap((id) =>
      except[id]
        ? [
            [`review-${id}`, 'challenged'],
            [`note-${id}`, except[id]],
          ]
        : [[`review-${id}`, 'agreed']],
    ),
  )

describe('reviewing a return', () => {
  it('needs a note to challenge, and changes nothing when refused', async () => {
    const { returnId } = await aReturn()
    const reviewer = await t.signIn(subgroup)
    const [first] = template.standardIds
    const fields = { ...allAgreed(), [`review-${first}`]: 'challenged' }
    const refused = await reviewer.submit(`/audits/returns/${returnId}/review`, fields)
    expect(refused.statusCode).toBe(400)
    expect(page(refused.body)('.govuk-error-summary').text()).toContain('Say why you challenge 1.1')
    expect((await answers(returnId)).every((a) => a.review === null)).toBe(true)
    expect((await statusOf(returnId)).status).toBe('submitted')
  })

  it('moves the return to challenge when an answer is challenged, keeping the agency’s rating and narrative, and emails its leads', async () => {
    const { returnId } = await aReturn()
    const before = await answers(returnId)
    const reviewer = await t.signIn(subgroup)
    const [first] = template.standardIds as [string]
    const done = await reviewer.submit(
      `/audits/returns/${returnId}/review`,
      allAgreed({ [first]: 'No evidence of training records' }),
    )
    expect(done.statusCode).toBe(303)
    const after = await answers(returnId)
    expect(after.map((a) => [a.rating, a.narrative])).toEqual(before.map((a) => [a.rating, a.narrative]))
    expect(after.map((a) => a.review)).toEqual(['challenged', 'agreed', 'agreed', 'agreed'])
    expect(await statusOf(returnId)).toEqual({ status: 'challenge', concluded: false })
    const mail = await t.db.platform((sql) =>
      sql.query<{ to: string; text: string }>(
        `SELECT to_address AS to, text_body AS text FROM outbox WHERE partnership_id = $1 AND subject LIKE 'Your audit return has been reviewed%'`,
        [pid],
      ),
    )
    expect(mail.map((m) => m.to)).toContain(lead)
    // A second review of the same return is refused.
    const again = await reviewer.submit(`/audits/returns/${returnId}/review`, allAgreed())
    expect(again.statusCode).toBe(409)
  })

  it('concludes the return when every answer is agreed', async () => {
    const { returnId } = await aReturn()
    const reviewer = await t.signIn(admin)
    expect((await reviewer.submit(`/audits/returns/${returnId}/review`, allAgreed())).statusCode).toBe(303)
    expect(await statusOf(returnId)).toEqual({ status: 'concluded', concluded: true })
  })

  it('reviews only submitted returns, and only by the assigned reviewer or an admin', async () => {
    const draft = await aReturn('in_progress')
    expect(
      (await (await t.signIn(subgroup)).get(`/audits/returns/${draft.returnId}/review`)).statusCode,
    ).toBe(409)
    const { returnId, otherId } = await aReturn()
    // The executive reviews the other agency's return, not this one: it is not theirs to see.
    expect((await (await t.signIn(executive)).get(`/audits/returns/${returnId}/review`)).statusCode).toBe(404)
    expect((await (await t.signIn(subgroup)).get(`/audits/returns/${otherId}/review`)).statusCode).toBe(404)
    // The agency's own lead sees the return but never reviews it.
    const byLead = await (await t.signIn(lead)).submit(`/audits/returns/${returnId}/review`, allAgreed(), {
      from: `/audits/returns/${returnId}/action-plan`,
    })
    expect(byLead.statusCode).toBe(403)
    expect((await statusOf(returnId)).status).toBe('submitted')
  })
})

describe('the challenge event', () => {
  it('settles challenged answers, refuses a revised rating off the scale, and concludes a return with none left', async () => {
    const { cycleId, returnId } = await aReturn()
    const [s1, s2] = template.standardIds as [string, string]
    const reviewer = await t.signIn(subgroup)
    await reviewer.submit(
      `/audits/returns/${returnId}/review`,
      allAgreed({ [s1]: 'Thin evidence', [s2]: 'No audit' }),
    )
    const a = await t.signIn(admin)
    const base = {
      'heldOn-day': '20',
      'heldOn-month': '11',
      'heldOn-year': '2026',
      attendees: 'Chair, named nurse, education lead',
      returnIds: returnId,
    }
    const offScale = await a.submit(`/audits/cycles/${cycleId}/challenge`, {
      ...base,
      [`resolution-${returnId}-${s1}`]: 'revised',
      [`revisedRating-${returnId}-${s1}`]: 'amber',
      [`note-${returnId}-${s1}`]: 'Agreed at the event',
    })
    expect(offScale.statusCode).toBe(400)
    expect(page(offScale.body)('.govuk-error-summary').text()).toContain('from the template’s scale')
    expect(
      await t.db.tenant(scope, (sql) =>
        sql.one<{ n: number }>('SELECT count(*)::int AS n FROM audit_challenge_events WHERE cycle_id = $1', [
          cycleId,
        ]),
      ),
    ).toEqual({ n: 0 })

    // One answer settled: the return stays under challenge.
    const first = await a.submit(`/audits/cycles/${cycleId}/challenge`, {
      ...base,
      [`resolution-${returnId}-${s1}`]: 'revised',
      [`revisedRating-${returnId}-${s1}`]: 'requires_improvement',
      [`note-${returnId}-${s1}`]: 'Training records were not kept',
    })
    expect(first.statusCode).toBe(303)
    expect((await statusOf(returnId)).status).toBe('challenge')
    const second = await a.submit(`/audits/cycles/${cycleId}/challenge`, {
      ...base,
      'heldOn-day': '23',
      [`resolution-${returnId}-${s2}`]: 'agreed',
    })
    expect(second.statusCode).toBe(303)
    expect(await statusOf(returnId)).toEqual({ status: 'concluded', concluded: true })
    const after = await answers(returnId)
    expect(after.slice(0, 2).map((x) => [x.rating, x.resolution, x.revised_rating])).toEqual([
      ['good', 'revised', 'requires_improvement'],
      ['good', 'agreed', null],
    ])
    // Reviewers read the events; they do not record them.
    const asReviewer = await reviewer.get(`/audits/cycles/${cycleId}/challenge`)
    expect(asReviewer.statusCode).toBe(200)
    expect(page(asReviewer.body)('#events tbody tr')).toHaveLength(2)
    expect((await reviewer.post(`/audits/cycles/${cycleId}/challenge`, base)).statusCode).toBe(403)
  })
})

describe('the action plan', () => {
  it('raises actions for standards below good, shown on the plan and in the actions tracker', async () => {
    const [s1, s2] = template.standardIds as [string, string]
    const { returnId } = await aReturn('concluded', { [s1]: 'inadequate', [s2]: 'requires_improvement' })
    const browser = await t.signIn(lead)
    const plan = await browser.get(`/audits/returns/${returnId}/action-plan`)
    expect(plan.statusCode).toBe(200)
    const $ = page(plan.body)
    expect($('#plan tbody tr')).toHaveLength(2)
    expect($('#plan tbody tr').first().text()).toContain('No action yet')

    const fields = {
      standardId: s1,
      description: 'Keep a register of safeguarding training',
      successMeasure: 'Every member of staff on the register within three months',
      'dueOn-day': '31',
      'dueOn-month': '3',
      'dueOn-year': '2027',
      ownerUserId: users[lead] as string,
    }
    const past = await browser.submit(`/audits/returns/${returnId}/action-plan`, {
      ...fields,
      'dueOn-day': '1',
      'dueOn-month': '11',
      'dueOn-year': '2026',
    })
    expect(past.statusCode).toBe(400)
    expect(page(past.body)('.govuk-error-summary').text()).toContain('after today')
    const good = await browser.submit(`/audits/returns/${returnId}/action-plan`, {
      ...fields,
      standardId: template.standardIds[3] as string,
    })
    expect(good.statusCode).toBe(400)

    expect((await browser.submit(`/audits/returns/${returnId}/action-plan`, fields)).statusCode).toBe(303)
    const action = await t.db.tenant(scope, (sql) =>
      sql.one<{ id: string; source: string; owning_agency_id: string }>(
        'SELECT id, source, owning_agency_id FROM actions WHERE audit_return_id = $1',
        [returnId],
      ),
    )
    expect(action).toMatchObject({ source: 'audit_return', owning_agency_id: ledAgency })
    const shown = page((await browser.get(`/audits/returns/${returnId}/action-plan`)).body)
    expect(shown('#plan tbody tr').first().find(`a[href="/actions/${action.id}"]`)).toHaveLength(1)
    expect(shown('#plan tbody tr').last().text()).toContain('No action yet')

    const tracker = await (await t.signIn(admin)).get('/actions')
    expect(tracker.body).toContain(`/audits/returns/${returnId}`)
    expect(page(tracker.body)('main').text()).toMatch(/Audit: .*\(standard 1\.1\)/)
    const detail = await browser.get(`/actions/${action.id}`)
    expect(detail.statusCode).toBe(200)
    expect(detail.body).toContain(`/audits/returns/${returnId}`)
  })

  it('is made only once the return is concluded', async () => {
    const { returnId } = await aReturn('challenge')
    const browser = await t.signIn(lead)
    const plan = page((await browser.get(`/audits/returns/${returnId}/action-plan`)).body)
    expect(plan('#not-concluded').text()).toContain('Under challenge')
    expect(plan('main form')).toHaveLength(0)
  })
})
