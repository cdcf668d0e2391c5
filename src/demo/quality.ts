import { defaultStandards } from '#features/quality/standards/default-set.ts'
import { insertVersion } from '#features/quality/standards/queries.ts'
import type { Database } from '#platform/db/database.ts'

/** Quality assurance's demo: the suggested training standards as the partnership's first version. */
export async function seedDemoQuality(db: Database, partnershipId: string): Promise<void> {
  await db.tenant({ partnershipId, userId: null, actor: 'demo-seed' }, async (sql) => {
    await sql.auditAs('demo.seed')
    if (await sql.maybeOne('SELECT 1 FROM qa_standard_versions')) return
    await insertVersion(sql, partnershipId, {
      standards: defaultStandards,
      note: 'The suggested standards, as the partnership starts',
      createdBy: null,
    })
  })
}
