import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '../support/app.ts'
import { testApp } from '../support/app.ts'

let t: TestApp
let norfolk: { id: string }
let jersey: { id: string }

beforeAll(async () => {
  t = await testApp()
  norfolk = await t.partnership('norfolk')
  jersey = await t.partnership('jersey')
})
afterAll(() => t?.close())

/** Every table holding partnership data, found from the schema rather than a list kept by hand. */
async function partnershipTables(): Promise<string[]> {
  const rows = await t.db.platform((sql) =>
    sql.query<{ table_name: string }>(
      `SELECT c.table_name FROM information_schema.columns c
         JOIN information_schema.tables t ON t.table_name = c.table_name AND t.table_schema = c.table_schema
        WHERE c.table_schema = 'public' AND c.column_name = 'partnership_id' AND t.table_type = 'BASE TABLE'
        ORDER BY 1`,
    ),
  )
  return rows.map((r) => r.table_name)
}

describe('tenancy in the database', () => {
  it('enables row-level security on every table that has a partnership_id', async () => {
    const tables = await partnershipTables()
    expect(tables.length).toBeGreaterThan(4)
    const unprotected = await t.db.platform((sql) =>
      sql.query<{ relname: string }>(
        `SELECT relname FROM pg_class WHERE relname = ANY($1) AND relkind = 'r' AND NOT relrowsecurity`,
        [tables],
      ),
    )
    expect(unprotected.map((r) => r.relname)).toEqual([])
  })

  it('audits every table that has a partnership_id, except the audit trail, the outbox, anonymous answers and derived sums', async () => {
    // The ledgers of chasing emails sent (action_chasers, dissemination_chasers) are the outbox's
    // own bookkeeping: the emails are in the outbox, and what they chase is audited. Anonymous survey answers are never tied to a request (which an audit row would be); the
    // database refuses any change to them instead. The impact view's sums are kept by trigger
    // from the (audited) responses, and each session's delivery facts (and their sums) from its (audited)
    // applications, marks, charges and answers; each person's standing against their pathway from the
    // (audited) certificates and evidence; the reminders sent for it, and the agencies' quarterly
    // digests, are the outbox's bookkeeping. A form's draft is its owner's scratch copy of what they
    // have not sent, deleted when they send it; what they send is audited.
    const tables = (await partnershipTables()).filter(
      (name) =>
        ![
          'audit_events',
          'outbox',
          'action_chasers',
          'dissemination_chasers',
          'trainer_cpd_chasers',
          'survey_responses',
          'evaluation_totals',
          'session_delivery',
          'session_delivery_totals',
          'requirement_standings',
          'pathway_reminders',
          'pathway_lead_summaries',
          'agency_digests',
          'form_drafts',
        ].includes(name),
    )
    // Row by row (cascade_audit) or by statement (cascade_audit_rows), on every kind of change.
    const rows = await t.db.platform((sql) =>
      sql.query<{ table_name: string }>(
        `SELECT event_object_table AS table_name FROM information_schema.triggers
          WHERE action_statement LIKE '%cascade_audit%' AND event_object_schema = 'public'
          GROUP BY event_object_table HAVING count(DISTINCT event_manipulation) = 3`,
      ),
    )
    const audited = new Set(rows.map((r) => r.table_name))
    expect(tables.filter((name) => !audited.has(name))).toEqual([])
  })

  it('runs application queries as a role that is neither superuser nor owner nor exempt from row-level security', async () => {
    const role = await t.db.anonymous({}, (sql) =>
      sql.one<{ current_user: string; rolsuper: boolean; rolbypassrls: boolean; owns: number }>(
        `SELECT current_user, r.rolsuper, r.rolbypassrls,
                (SELECT count(*) FROM pg_tables WHERE tableowner = current_user) AS owns
           FROM pg_roles r WHERE r.rolname = current_user`,
      ),
    )
    expect(role).toEqual({ current_user: 'cascade_app', rolsuper: false, rolbypassrls: false, owns: 0 })
  })

  it('returns nothing from any partnership table when a query forgets the partnership', async () => {
    for (const table of await partnershipTables()) {
      const rows = await t.db.anonymous({}, (sql) => sql.query(`SELECT * FROM ${table}`))
      expect({ table, rows: rows.length }).toEqual({ table, rows: table === 'outbox' ? rows.length : 0 })
    }
    const agencies = await t.db.anonymous({}, (sql) => sql.query('SELECT * FROM agencies'))
    expect(agencies).toEqual([])
  })

  it('shows a partnership only its own rows', async () => {
    const names = await t.db.tenant({ partnershipId: jersey.id, userId: null }, (sql) =>
      sql.query<{ name: string; partnership_id: string }>('SELECT name, partnership_id FROM agencies'),
    )
    expect(names.length).toBeGreaterThan(0)
    expect(new Set(names.map((n) => n.partnership_id))).toEqual(new Set([jersey.id]))
  })

  it('refuses to write a row into another partnership', async () => {
    await expect(
      t.db.tenant({ partnershipId: jersey.id, userId: null }, (sql) =>
        sql.query(
          `INSERT INTO agencies (partnership_id, name, category, sector, workforce) VALUES ($1, 'Intruder', 'private', 'other', 'both')`,
          [norfolk.id],
        ),
      ),
    ).rejects.toThrow(/row-level security/)
  })

  it('cannot change or delete another partnership’s rows', async () => {
    const changed = await t.db.tenant({ partnershipId: jersey.id, userId: null }, (sql) =>
      sql.query(`UPDATE agencies SET name = 'Renamed' WHERE partnership_id = $1 RETURNING id`, [norfolk.id]),
    )
    const deleted = await t.db.tenant({ partnershipId: jersey.id, userId: null }, (sql) =>
      sql.query('DELETE FROM policies WHERE partnership_id = $1 RETURNING id', [norfolk.id]),
    )
    expect(changed).toEqual([])
    expect(deleted).toEqual([])
  })

  it('keeps the audit trail append-only', async () => {
    await expect(
      t.db.tenant({ partnershipId: norfolk.id, userId: null }, (sql) =>
        sql.query('DELETE FROM audit_events'),
      ),
    ).rejects.toThrow(/permission denied/)
    await expect(
      t.db.tenant({ partnershipId: norfolk.id, userId: null }, (sql) =>
        sql.query(`UPDATE audit_events SET action = 'x'`),
      ),
    ).rejects.toThrow(/permission denied/)
    await expect(t.db.platform((sql) => sql.query('DELETE FROM audit_events'))).rejects.toThrow(/append-only/)
  })

  it('records who changed what, before and after, in the same transaction', async () => {
    const changed = await t.db.tenant(
      { partnershipId: norfolk.id, userId: null, actor: 'test', requestId: 'req-12345678' },
      async (sql) => {
        await sql.auditAs('agency.rename')
        return sql.one<{ id: string }>(
          `UPDATE agencies SET name = 'Norfolk Constabulary' WHERE name = 'Norfolk Police' RETURNING id`,
        )
      },
    )
    const events = await t.db.tenant({ partnershipId: norfolk.id, userId: null }, (sql) =>
      sql.query<{
        action: string
        actor_label: string
        request_id: string
        before: { name: string }
        after: { name: string }
      }>('SELECT action, actor_label, request_id, before, after FROM audit_events WHERE entity_id = $1', [
        changed.id,
      ]),
    )
    const rename = events.find((e) => e.action === 'agency.rename')
    expect(rename).toMatchObject({ actor_label: 'test', request_id: 'req-12345678' })
    expect(rename?.before.name).toBe('Norfolk Police')
    expect(rename?.after.name).toBe('Norfolk Constabulary')

    await expect(
      t.db.tenant({ partnershipId: norfolk.id, userId: null, actor: 'test' }, async (sql) => {
        await sql.query(`UPDATE agencies SET name = 'Half done' WHERE id = $1`, [changed.id])
        throw new Error('the change fails after writing')
      }),
    ).rejects.toThrow('the change fails')
    const afterRollback = await t.db.tenant({ partnershipId: norfolk.id, userId: null }, (sql) =>
      sql.query(`SELECT 1 FROM audit_events WHERE after ->> 'name' = 'Half done'`),
    )
    expect(afterRollback).toEqual([])
  })
  it('audits a statement that changes many people with one event per changed row', async () => {
    const scope = { partnershipId: norfolk.id, userId: null, actor: 'test' }
    const agency = await t.db.tenant(scope, (sql) =>
      sql.one<{ id: string }>('SELECT id FROM agencies ORDER BY name LIMIT 1'),
    )
    await t.db.tenant(scope, async (sql) => {
      await sql.auditAs('person.bulk')
      await sql.query(
        `INSERT INTO people (partnership_id, first_name, last_name, email, agency_id)
         SELECT $1, 'Bulk', 'Person ' || n, 'bulk' || n || '@example.org', $2 FROM generate_series(1, 3) n`,
        [norfolk.id, agency.id],
      )
      await sql.query(
        `UPDATE people SET role = 'Nurse' WHERE email IN ('bulk1@example.org', 'bulk2@example.org')`,
      )
      // Writing the same values again is no change, so no event.
      await sql.query(`UPDATE people SET role = role WHERE email LIKE 'bulk%@example.org'`)
    })
    const events = await t.db.tenant(scope, (sql) =>
      sql.query<{ action: string; before: { role: string | null } | null; after: Record<string, unknown> }>(
        `SELECT e.action, e.before, e.after FROM audit_events e JOIN people p ON p.id::text = e.entity_id
          WHERE p.email LIKE 'bulk%@example.org' ORDER BY e.id`,
      ),
    )
    expect(events.filter((e) => e.before === null)).toHaveLength(3)
    const changes = events.filter((e) => e.before !== null)
    expect(changes.map((e) => [e.before?.role, e.after.role])).toEqual([
      [null, 'Nurse'],
      [null, 'Nurse'],
    ])
    expect(events.every((e) => e.action === 'person.bulk')).toBe(true)
    // Derived columns stay out of the trail.
    expect(Object.keys(events[0]?.after ?? {})).not.toContain('email_key')
    expect(Object.keys(events[0]?.after ?? {})).not.toContain('search')
  })

  it('finds people by words only in the partnership the transaction is scoped to', async () => {
    const add = (partnershipId: string) =>
      t.db.tenant({ partnershipId, userId: null }, async (sql) => {
        const agency = await sql.one<{ id: string }>('SELECT id FROM agencies ORDER BY name LIMIT 1')
        await sql.query(
          `INSERT INTO people (partnership_id, first_name, last_name, email, agency_id)
           VALUES ($1, 'Zebedee', 'Searchable', $2, $3)`,
          [partnershipId, `zebedee@${partnershipId}.example.org`, agency.id],
        )
      })
    await add(norfolk.id)
    await add(jersey.id)
    const search = `SELECT partnership_id FROM people_matching_search(to_tsquery('simple', 'zebedee:*'), 'none')`
    const seen = await t.db.tenant({ partnershipId: norfolk.id, userId: null }, (sql) =>
      sql.query<{ partnership_id: string }>(search),
    )
    expect(seen.map((r) => r.partnership_id)).toEqual([norfolk.id])
    const unscoped = await t.db.anonymous({}, (sql) => sql.query(search))
    expect(unscoped).toEqual([])
  })
})
