import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Context } from '#platform/context.ts'
import type { TestApp } from '#test/support/app.ts'
import { page, testApp } from '#test/support/app.ts'
import type { BookingWorld } from '#test/support/booking.ts'
import { bookingWorld } from '#test/support/booking.ts'
import { aPastPlace } from '#test/support/builders.ts'
import { addMonths, addYears, complianceOn } from './rules.ts'

let t: TestApp
let world: BookingWorld
let agencyId: string
let otherAgencyId: string
const ids: Record<string, string> = {}
let certificates = 0

/** A certificate from a session of the course that ended on the given day. */
async function certificate(personId: string, courseId: string, endedOn: string) {
  certificates++
  await t.db.tenant(world.scope, async (sql) => {
    const { sessionId, applicationId } = await aPastPlace(sql, {
      partnershipId: world.partnership.id,
      personId,
      courseId,
      endedOn,
    })
    await sql.query(
      `INSERT INTO certificates (partnership_id, application_id, person_id, session_id, code) VALUES ($1, $2, $3, $4, $5)`,
      [
        world.partnership.id,
        applicationId,
        personId,
        sessionId,
        `CMPL-TEST-AAA${String.fromCharCode(65 + certificates)}`,
      ],
    )
  })
}

beforeAll(async () => {
  t = await testApp()
  world = await bookingWorld(t)
  agencyId = await world.agency('Compliance Community Trust', 'health')
  otherAgencyId = await world.agency('Another Trust', 'health')
  const basics = await world.course('Safeguarding basics')
  const advanced = await world.course('Advanced safeguarding', 'Advanced')
  ids.current = await world.person(agencyId, { first: 'Current' })
  ids.soon = await world.person(agencyId, { first: 'Soon' })
  ids.lapsed = await world.person(agencyId, { first: 'Lapsed' })
  ids.never = await world.person(agencyId, { first: 'Never' })
  ids.tiered = await world.person(agencyId, { first: 'Tiered', tier: 'Advanced' })
  ids.formula = await world.person(agencyId, { first: '=HYPERLINK' })
  ids.elsewhere = await world.person(otherAgencyId, { first: 'Elsewhere' })
  // Today is 24 November 2026 and the refresher is due every three years.
  await certificate(ids.current, basics, '2022-03-01')
  await certificate(ids.current, basics, '2025-06-10')
  await certificate(ids.soon, basics, '2023-12-10')
  await certificate(ids.lapsed, basics, '2023-11-01')
  // A course of no tier is not evidence for someone whose tier has its own courses.
  await certificate(ids.tiered, basics, '2026-01-15')
  await certificate(ids.elsewhere, advanced, '2026-01-15')
})
afterAll(() => t?.close())

const lead = (agencyIds: string[]): Context => ({
  ...world.admin,
  actor: { userId: null, label: 'test', roles: ['agency-lead'], agencyIds },
})

describe('an agency’s staff compliance', () => {
  it('shows each member of staff as up to date, due soon, overdue or with no training', async () => {
    const found = await t.services.compliance.ofAgency(world.admin, agencyId)
    const statusOf = (id: string | undefined) => found.staff.find((p) => p.personId === id)?.status
    expect(found.refresherYears).toBe(3)
    expect(statusOf(ids.current)).toBe('up-to-date')
    expect(found.staff.find((p) => p.personId === ids.current)?.dueOn).toBe('2028-06-10')
    expect(statusOf(ids.soon)).toBe('due-soon')
    expect(statusOf(ids.lapsed)).toBe('overdue')
    expect(statusOf(ids.never)).toBe('none')
    expect(statusOf(ids.tiered)).toBe('none')
    expect(found.staff.some((p) => p.personId === ids.elsewhere)).toBe(false)
    expect(found.counts).toEqual({ overdue: 1, none: 3, 'due-soon': 1, 'up-to-date': 1 })
  })

  it('leaves out people who have left', async () => {
    const leaver = await world.person(agencyId, { first: 'Leaver' })
    await t.db.tenant(world.scope, (sql) =>
      sql.query(`UPDATE people SET status = 'left' WHERE id = $1`, [leaver]),
    )
    const found = await t.services.compliance.ofAgency(world.admin, agencyId)
    expect(found.staff.some((p) => p.personId === leaver)).toBe(false)
  })

  it('is for the agency’s own lead and admins only', async () => {
    await expect(t.services.compliance.ofAgency(lead([agencyId]), agencyId)).resolves.toMatchObject({
      agency: { id: agencyId },
    })
    await expect(t.services.compliance.ofAgency(lead([otherAgencyId]), agencyId)).rejects.toThrow(
      /not found/i,
    )
    await expect(
      t.services.compliance.ofAgency(
        { ...world.admin, actor: { ...world.admin.actor, roles: ['trainer'] } },
        agencyId,
      ),
    ).rejects.toThrow()
    const lead2 = await t.signIn('agency-lead@norfolk.example.org')
    expect((await lead2.get(`/agencies/${agencyId}/compliance`)).statusCode).toBe(404)
    expect((await lead2.get(`/agencies/${agencyId}/compliance.csv`)).statusCode).toBe(404)
    const practitioner = await t.signIn('practitioner@norfolk.example.org')
    expect((await practitioner.get(`/agencies/${agencyId}/compliance`)).statusCode).toBe(403)
    expect((await lead2.get('/agencies/not-a-uuid/compliance')).statusCode).toBe(404)
  })

  it('lists the staff on a page with a filter, and the agency page links to it', async () => {
    const admin = await t.signIn('admin@norfolk.example.org')
    const agencyPage = page((await admin.get(`/agencies/${agencyId}`)).body)
    expect(agencyPage(`a[href="/agencies/${agencyId}/compliance"]`).length).toBe(1)
    const all = page((await admin.get(`/agencies/${agencyId}/compliance`)).body)
    expect(all('h1').text()).toBe('Training compliance')
    expect(all('main').text()).toMatch(/Overdue\s*1/)
    expect(all('tbody tr').length).toBe(4 + 6)
    const overdue = page((await admin.get(`/agencies/${agencyId}/compliance?status=overdue`)).body)
    const rows = overdue('table').last().find('tbody tr')
    expect(rows.length).toBe(1)
    expect(rows.text()).toContain('Lapsed Tester')
    expect(rows.text()).toMatch(/1 November 2026/)
    // Those with no training evidenced are found by its absence, not by a date.
    const none = page((await admin.get(`/agencies/${agencyId}/compliance?status=none`)).body)
    const untrained = none('table').last().find('tbody tr')
    expect(untrained.length).toBe(3)
    expect(untrained.text()).toContain('Never Tester')
    expect(untrained.text()).not.toContain('Lapsed Tester')
    expect(none('main').text()).toMatch(/No training evidenced: 3 people/)
    // A filter it does not know shows everyone rather than failing.
    const odd = await admin.get(`/agencies/${agencyId}/compliance?status=<script>&page=-3`)
    expect(odd.statusCode).toBe(200)
    expect(odd.body).not.toContain('<script>&')
  })

  it('downloads the whole list as a spreadsheet that is safe to open', async () => {
    const admin = await t.signIn('admin@norfolk.example.org')
    const response = await admin.get(`/agencies/${agencyId}/compliance.csv`)
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toMatch(/text\/csv/)
    const lines = response.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n')
    expect(lines[0]).toBe('Name,Email,Role,Tier,Status,Trained on,Course,Refresher due by')
    expect(lines.length).toBe(1 + 6)
    expect(response.body).toContain("'=HYPERLINK Tester")
    expect(lines.find((l) => l.startsWith('Soon'))).toMatch(
      /Due within 3 months,2023-12-10,Safeguarding basics,2026-12-10/,
    )
  })
})

describe('the training that counts for a person', () => {
  const trainedOn = async (personId: string) => {
    const found = await t.services.compliance.ofAgency(world.admin, agencyId)
    return found.staff.find((p) => p.personId === personId)
  }

  it('follows certificates issued and withdrawn, tiers changed and sessions moved, unaudited', async () => {
    const basics = await world.course('Refresher basics')
    const specialist = await world.course('Specialist practice', 'Specialist')
    const person = await world.person(agencyId, { first: 'Changing' })
    const auditBefore = await t.db.platform((sql) =>
      sql.one<{ n: number }>(
        `SELECT count(*)::int AS n FROM audit_events WHERE entity_type = 'people' AND entity_id = $1`,
        [person],
      ),
    )
    await certificate(person, basics, '2025-03-01')
    await certificate(person, specialist, '2024-05-01')
    expect(await trainedOn(person)).toMatchObject({
      trainedOn: '2025-03-01',
      courseTitle: 'Refresher basics',
    })

    // Given a tier, only that tier's courses count.
    await t.db.tenant(world.scope, (sql) =>
      sql.query(`UPDATE people SET tier = 'Specialist' WHERE id = $1`, [person]),
    )
    expect(await trainedOn(person)).toMatchObject({ trainedOn: '2024-05-01', status: 'up-to-date' })

    // The specialist course is moved to another tier: nothing now counts.
    await t.db.tenant(world.scope, (sql) =>
      sql.query(`UPDATE courses SET tier = 'Advanced' WHERE id = $1`, [specialist]),
    )
    expect(await trainedOn(person)).toMatchObject({ trainedOn: null, status: 'none' })
    await t.db.tenant(world.scope, (sql) =>
      sql.query(`UPDATE courses SET tier = 'Specialist' WHERE id = $1`, [specialist]),
    )

    // Its session's dates are corrected.
    await t.db.tenant(world.scope, (sql) =>
      sql.query(
        `UPDATE sessions SET starts_at = starts_at - interval '1 year', ends_at = ends_at - interval '1 year'
          WHERE id IN (SELECT session_id FROM certificates WHERE person_id = $1)`,
        [person],
      ),
    )
    expect(await trainedOn(person)).toMatchObject({ trainedOn: '2023-05-01', status: 'overdue' })

    // The certificate is withdrawn.
    await t.db.tenant(world.scope, (sql) =>
      sql.query(`DELETE FROM certificates WHERE person_id = $1`, [person]),
    )
    expect(await trainedOn(person)).toMatchObject({ trainedOn: null, courseTitle: null, status: 'none' })

    // The person's own changes are audited; what is kept from them is not.
    const changes = await t.db.platform((sql) =>
      sql.query<{ action: string; before: Record<string, unknown> | null }>(
        `SELECT action, before FROM audit_events WHERE entity_type = 'people' AND entity_id = $1 ORDER BY id`,
        [person],
      ),
    )
    expect(changes.length - auditBefore.n).toBe(1)
    expect(changes.every((c) => !c.before || !('trained_on' in c.before))).toBe(true)
  })
})

describe('learning from elsewhere on the compliance list', () => {
  it('counts once the agency lead verifies it, whatever the person’s tier, and stops counting when removed', async () => {
    const person = await world.person(agencyId, { first: 'Trust-trained', tier: 'Advanced' })
    const staffOf = async () =>
      (await t.services.compliance.ofAgency(world.admin, agencyId)).staff.find((p) => p.personId === person)
    const evidence = await t.db.tenant(world.scope, async (sql) => {
      await sql.auditAs('test')
      return sql.one<{ id: string }>(
        `INSERT INTO learning_evidence (partnership_id, person_id, kind, title, provider, completed_on, minutes)
         VALUES ($1, $2, 'single_agency_course', 'Safeguarding children level 3', 'The trust', '2025-09-01', 180)
         RETURNING id`,
        [world.partnership.id, person],
      )
    })
    // Waiting for the lead, it does not count.
    expect(await staffOf()).toMatchObject({ trainedOn: null, status: 'none' })
    await t.db.tenant(world.scope, (sql) =>
      sql.query(
        `UPDATE learning_evidence SET status = 'verified', decided_at = now(), decided_by_label = 'test' WHERE id = $1`,
        [evidence.id],
      ),
    )
    expect(await staffOf()).toMatchObject({
      trainedOn: '2025-09-01',
      courseTitle: 'Safeguarding children level 3',
      status: 'up-to-date',
      dueOn: '2028-09-01',
    })
    await t.db.tenant(world.scope, (sql) =>
      sql.query('DELETE FROM learning_evidence WHERE id = $1', [evidence.id]),
    )
    expect(await staffOf()).toMatchObject({ trainedOn: null, courseTitle: null, status: 'none' })
  })
})

describe('when a refresher falls due', () => {
  const person = (trainedOn: string | null) => ({
    personId: 'p',
    name: 'A',
    email: 'a@example.org',
    role: null,
    tier: null,
    trainedOn,
    courseTitle: null,
  })

  it('keeps a date within its month when adding years and months', () => {
    expect(addMonths('2024-02-29', 12)).toBe('2025-02-28')
    expect(addMonths('2026-05-31', 1)).toBe('2026-06-30')
    expect(addMonths('2026-11-24', 3)).toBe('2027-02-24')
    expect(addYears('2024-02-29', 3)).toBe('2027-02-28')
    expect(addYears('2024-02-29', 4)).toBe('2028-02-29')
    expect(addYears('2023-12-10', 3)).toBe('2026-12-10')
  })

  it('is overdue the day after its due date, and due soon up to three months before', () => {
    const on = complianceOn('2026-11-24', 3)
    expect(on(person('2023-11-24')).status).toBe('due-soon')
    expect(on(person('2023-11-23')).status).toBe('overdue')
    expect(on(person('2024-02-24')).status).toBe('due-soon')
    expect(on(person('2024-02-25')).status).toBe('up-to-date')
    expect(on(person(null))).toMatchObject({ status: 'none', dueOn: null })
  })
})
