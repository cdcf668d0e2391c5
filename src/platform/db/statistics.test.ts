import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { catalogue } from '#features/catalogue/queries.ts'
import type { Sql } from '#platform/db/database.ts'
import type { TestApp } from '#test/support/app.ts'
import { TEST_NOW, testApp } from '#test/support/app.ts'
import { refreshStaleStatistics } from './statistics.ts'

const COURSES = 20
const SESSIONS = 100

let t: TestApp
let partnershipId: string

beforeAll(async () => {
  t = await testApp()
  const norfolk = await t.partnership('norfolk')
  partnershipId = norfolk.id
  const admin = await t.db.anonymous({}, (sql) =>
    sql.one<{ id: string }>(`SELECT id FROM users WHERE email = 'admin@norfolk.example.org'`),
  )
  const token = await t.services.tokens.create({ partnershipId, userId: admin.id, name: 'loader' })
  const call = async (url: string, payload: object) => {
    const response = await t.app.inject({
      method: 'POST',
      url,
      headers: { authorization: `Bearer ${token}` },
      payload,
    })
    if (response.statusCode !== 201) throw new Error(`${url}: ${response.statusCode} ${response.body}`)
    return response.json().id as string
  }
  // A partnership's programme entered the ordinary way, course by course and date by date:
  // nothing that loads it refreshes the planner's statistics.
  const courses: string[] = []
  for (let n = 1; n <= COURSES; n++) {
    courses.push(
      await call('/api/v1/courses', {
        title: `Course ${n}`,
        deliveryMethod: 'multi_agency_training',
        objectives: ['Recognise the signs'],
        evaluationPlan: { impact: 'Confidence at follow-up' },
        status: 'published',
      }),
    )
  }
  for (let n = 0; n < SESSIONS; n++) {
    const day = new Date(Date.UTC(2027, 0, 4 + n))
    const at = (hour: number) => new Date(day.getTime() + hour * 3_600_000).toISOString()
    await call('/api/v1/sessions', {
      courseId: courses[n % COURSES],
      startsAt: at(9),
      endsAt: at(12),
      capacity: 20,
      format: 'online',
      joiningUrl: 'https://meet.example.org/x',
    })
  }
}, 240_000)
afterAll(() => t?.close())

type PlanNode = { 'Plan Rows': number; 'Actual Rows': number; 'Node Type': string; Plans?: PlanNode[] }

/** How far the planner's estimate of rows was from the rows each step gave, at its worst. */
async function worstMisestimate(): Promise<{ factor: number; node: string }> {
  const plan = await t.db.tenant({ partnershipId, userId: null }, async (sql) => {
    let explained: PlanNode | undefined
    const explaining = {
      ...sql,
      query: async (text: string, values?: readonly unknown[]) => {
        const [row] = await sql.query<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(
          `EXPLAIN (ANALYZE, FORMAT JSON) ${text}`,
          values,
        )
        explained = row?.['QUERY PLAN'][0]?.Plan
        return []
      },
    } as Sql
    await catalogue(explaining, new Date(TEST_NOW), {})
    if (!explained) throw new Error('no plan')
    return explained
  })
  let worst = { factor: 1, node: '' }
  const visit = (node: PlanNode) => {
    const estimate = Math.max(1, node['Plan Rows'])
    const actual = Math.max(1, node['Actual Rows'])
    const factor = Math.max(estimate / actual, actual / estimate)
    // A few rows either way is noise; a plan goes wrong on tens taken for one.
    if (Math.max(estimate, actual) >= 10 && factor > worst.factor) worst = { factor, node: node['Node Type'] }
    for (const child of node.Plans ?? []) visit(child)
  }
  visit(plan)
  return worst
}

describe('planner statistics', () => {
  it('are kept for tables loaded through the API, so the catalogue is planned for the rows it has', async () => {
    const catalogueTables = ['public.courses', 'public.sessions', 'public.session_parts']
    // Planned without statistics, the catalogue takes its tables for nearly empty.
    expect((await worstMisestimate()).factor).toBeGreaterThan(20)
    const analysed = await refreshStaleStatistics(t.db)
    expect(analysed).toEqual(expect.arrayContaining(catalogueTables))
    const { factor, node } = await worstMisestimate()
    expect(factor, `the ${node} step`).toBeLessThan(5)
  })

  it('analyse nothing when nothing has changed', async () => {
    await refreshStaleStatistics(t.db)
    expect(await refreshStaleStatistics(t.db)).toEqual([])
  })
})
