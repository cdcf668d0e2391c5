import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TenantScope } from '#platform/db/database.ts'
import type { TestApp } from '#test/support/app.ts'
import { testApp } from '#test/support/app.ts'
import { anAuditCycle, anAuditTemplate } from './test-fixtures.ts'

let t: TestApp
let scope: TenantScope
let partnershipId: string

beforeAll(async () => {
  t = await testApp()
  partnershipId = (await t.partnership('jersey')).id
  scope = { partnershipId, userId: null }
})
afterAll(() => t.close())

const agencies = () =>
  t.db.tenant(scope, (sql) => sql.query<{ id: string }>('SELECT id FROM agencies ORDER BY name LIMIT 2'))

describe('the audits schema', () => {
  it('refuses any change to a saved version of a template', async () => {
    const template = await anAuditTemplate(t.db, partnershipId)
    await expect(
      t.db.tenant(scope, (sql) =>
        sql.query(`UPDATE audit_standards SET title = 'Changed' WHERE id = $1`, [template.standardIds[0]]),
      ),
    ).rejects.toThrow(/never changes/)
  })

  it('keeps a submitted return signed off, and an action plan’s action owned by the agency', async () => {
    const template = await anAuditTemplate(t.db, partnershipId, { scale: 'rag' })
    const [a, b] = await agencies()
    const cycle = await anAuditCycle(t.db, partnershipId, {
      versionId: template.versionId,
      returns: [
        { agencyId: a?.id ?? '', rating: 'amber' },
        { agencyId: b?.id ?? '', status: 'in_progress' },
      ],
    })
    const rows = await t.db.tenant(scope, (sql) =>
      sql.query<{ status: string; signed: boolean; answers: number }>(
        `SELECT r.status, r.signed_off_by IS NOT NULL AS signed,
                (SELECT count(*)::int FROM audit_answers x WHERE x.return_id = r.id) AS answers
           FROM audit_returns r WHERE r.cycle_id = $1 ORDER BY r.status DESC`,
        [cycle.id],
      ),
    )
    expect(rows).toEqual([
      { status: 'submitted', signed: true, answers: 4 },
      { status: 'in_progress', signed: false, answers: 4 },
    ])
    await expect(
      t.db.tenant(scope, (sql) =>
        sql.query(
          `INSERT INTO actions (partnership_id, source, audit_return_id, description, owner_user_id, success_measure,
             due_on, original_due_on, owning_subgroup_id)
           SELECT $1, 'audit_return', $2, 'Refresh the policy', id, 'Policy published', '2027-03-01', '2027-03-01', NULL
             FROM users LIMIT 1`,
          [partnershipId, cycle.returns[0]?.id],
        ),
      ),
    ).rejects.toThrow(/actions_one_owner|actions_from_audit_return/)
  })
})
