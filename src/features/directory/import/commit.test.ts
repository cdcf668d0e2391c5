import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Context } from '#platform/context.ts'
import { systemContext } from '#platform/context.ts'
import type { TestApp } from '#test/support/app.ts'
import { testApp } from '#test/support/app.ts'
import { readCsv } from './read.ts'
import { guessMapping } from './rows.ts'

let t: TestApp
let ctx: Context

beforeAll(async () => {
  t = await testApp()
  ctx = systemContext(await t.partnership('norfolk'), 'test')
})
afterAll(() => t?.close())

const file = [
  'First name,Surname,Work email,Organisation,Job title,Line manager,Line manager email',
  'Mo,Manager,mo.manager@example.org,Norfolk Police,Inspector,Chief,chief@example.org',
  'Jane,Smith,jane.smith@example.org,Norfolk Police,Constable,Mo Manager,mo.manager@example.org',
  'Ravi,Patel,ravi.patel@example.org,Home-Start Norfolk,Family support,Mo Manager,mo.manager@example.org',
].join('\n')

async function importText(text: string) {
  const reading = readCsv(Buffer.from(text))
  if (!reading.ok) throw new Error(reading.reason)
  const preview = await t.services.imports.check(ctx, reading.table, guessMapping(reading.table.headers))
  const outcome = await t.services.imports.commit(ctx, preview.rows)
  return { preview, outcome }
}

async function peopleCount(): Promise<number> {
  const { total } = await t.services.directory.listPeople(ctx, { sort: 'name', page: 1, pageSize: 1 })
  return total
}

async function auditCount(): Promise<number> {
  return (await t.services.audit.search(ctx, { page: 1 })).total
}

describe('committing a staff import', () => {
  it('adds everyone, links line managers in the directory, and opens their agency history', async () => {
    const { preview, outcome } = await importText(file)
    expect(preview).toMatchObject({ toAdd: 3, toUpdate: 0, unchanged: 0 })
    expect(outcome).toEqual({ added: 3, updated: 0, unchanged: 0, leftOut: 0 })
    const { items } = await t.services.directory.listPeople(ctx, {
      q: 'jane smith',
      sort: 'name',
      page: 1,
      pageSize: 5,
    })
    expect(items[0]).toMatchObject({ managerEmail: 'mo.manager@example.org', managerName: 'Mo Manager' })
    expect(items[0]?.managerId).toBeTruthy()
  })

  it('changes nothing when the same file is imported again, not even the audit trail', async () => {
    const before = { people: await peopleCount(), audit: await auditCount() }
    const { preview, outcome } = await importText(file)
    expect(preview).toMatchObject({ toAdd: 0, toUpdate: 0, unchanged: 3 })
    expect(outcome).toEqual({ added: 0, updated: 0, unchanged: 3, leftOut: 0 })
    expect({ people: await peopleCount(), audit: await auditCount() }).toEqual(before)
  })

  it('updates by email whatever its case, and never deletes anyone left out of the file', async () => {
    const before = await peopleCount()
    const { outcome } = await importText(
      [
        'First name,Surname,Work email,Organisation,Job title,Line manager',
        'Jane,Smith-Jones,JANE.SMITH@example.org,Norfolk Police,Sergeant,Mo',
      ].join('\n'),
    )
    expect(outcome).toEqual({ added: 0, updated: 1, unchanged: 0, leftOut: 0 })
    expect(await peopleCount()).toBe(before)
    const { items } = await t.services.directory.listPeople(ctx, {
      q: 'jane',
      sort: 'name',
      page: 1,
      pageSize: 5,
    })
    expect(items[0]).toMatchObject({
      lastName: 'Smith-Jones',
      role: 'Sergeant',
      email: 'jane.smith@example.org',
    })
  })

  it('leaves nothing half-imported when the commit fails part-way', async () => {
    const before = { people: await peopleCount(), audit: await auditCount() }
    const reading = readCsv(
      Buffer.from(
        file
          .replace('ravi.patel', 'ravi.new')
          .replace('mo.manager@example.org,Norfolk', 'mo.new@example.org,Norfolk'),
      ),
    )
    if (!reading.ok) throw new Error(reading.reason)
    const preview = await t.services.imports.check(ctx, reading.table, guessMapping(reading.table.headers))
    // An agency that vanished between the check and the commit makes the second batch fail.
    const broken = preview.rows.map((row, i) =>
      i === preview.rows.length - 1 ? { ...row, agencyId: '00000000-0000-4000-8000-000000000000' } : row,
    )
    await expect(t.services.imports.commit(ctx, broken)).rejects.toThrow()
    expect({ people: await peopleCount(), audit: await auditCount() }).toEqual(before)
  })
})
