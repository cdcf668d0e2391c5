import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '#test/support/app.ts'
import { page, testApp } from '#test/support/app.ts'
import type { BookingWorld } from '#test/support/booking.ts'
import { bookingWorld } from '#test/support/booking.ts'
import { aPastPlace } from '#test/support/builders.ts'
import { personReferences } from './service.ts'

let t: TestApp
let world: BookingWorld
let agencyId: string
let adminToken: string
let codes = 0

type Sql = Parameters<Parameters<TestApp['db']['tenant']>[1]>[0]
const inTenant = <T>(fn: (sql: Sql) => Promise<T>) => t.db.tenant(world.scope, fn)

/** Every column of the database that refers to a person, read from its foreign keys. */
async function foreignKeysToPeople(): Promise<string[]> {
  const rows = await t.db.platform((sql) =>
    sql.query<{ reference: string }>(
      `SELECT c.conrelid::regclass::text || '.' || a.attname AS reference
         FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
        WHERE c.contype = 'f' AND c.confrelid = 'people'::regclass`,
    ),
  )
  return rows.map((r) => r.reference).sort()
}

/** A delivered session of the course that ended on the day, and a confirmed place on it. */
async function pastPlace(personId: string, courseId: string, endedOn: string) {
  return inTenant((sql) =>
    aPastPlace(sql, { partnershipId: world.partnership.id, personId, courseId, endedOn }),
  )
}

/** A place with everything the register and evaluation give rise to: a mark, a certificate, a charge, a completion. */
async function attendedPlace(personId: string, courseId: string, endedOn: string) {
  const place = await pastPlace(personId, courseId, endedOn)
  codes++
  await inTenant(async (sql) => {
    const values = [world.partnership.id, place.sessionId, place.applicationId, personId]
    await sql.query(
      `INSERT INTO attendance (partnership_id, session_id, application_id, part, mark) VALUES ($1, $2, $3, 1, 'attended')`,
      values.slice(0, 3),
    )
    await sql.query(
      `INSERT INTO certificates (partnership_id, session_id, application_id, person_id, code) VALUES ($1, $2, $3, $4, $5)`,
      [...values, `MRGE-TEST-AAA${String.fromCharCode(65 + codes)}`],
    )
    await sql.query(
      `INSERT INTO charges (partnership_id, session_id, application_id, person_id, agency_id, reason, amount_pence, charged_on)
       VALUES ($1, $2, $3, $4, $5, 'place', 5000, $6)`,
      [...values, agencyId, endedOn],
    )
    await sql.query(
      `INSERT INTO evaluation_completions (partnership_id, application_id, stage) VALUES ($1, $2, 'after_course')`,
      [world.partnership.id, place.applicationId],
    )
    await sql.query(
      `INSERT INTO conduct_concerns (partnership_id, session_id, application_id, person_id, concern)
       VALUES ($1, $2, $3, $4, 'Left the room during the case discussion')`,
      values,
    )
  })
  return place
}

async function approval(personId: string, courseId: string, trainedOn: string, withdrawn = false) {
  return inTenant(
    async (sql) =>
      (
        await sql.one<{ id: string }>(
          `INSERT INTO trainer_approvals (partnership_id, person_id, course_id, trained_on, withdrawn_at, withdrawn_reason)
           VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
          [
            world.partnership.id,
            personId,
            courseId,
            trainedOn,
            withdrawn ? new Date('2026-01-01T00:00:00Z') : null,
            withdrawn ? 'Did not return the questionnaire' : null,
          ],
        )
      ).id,
  )
}

const merge = (keepId: string, duplicateId: string) =>
  world.emailOf(duplicateId).then((email) => t.services.merges.merge(world.admin, keepId, email))

const api = (url: string) =>
  t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${adminToken}` } })

beforeAll(async () => {
  t = await testApp()
  world = await bookingWorld(t)
  agencyId = await world.agency('Merged Records Trust', 'health')
  adminToken = await world.token('admin@norfolk.example.org')
})
afterAll(() => t?.close())

describe('merging two records of the same person', () => {
  it('knows how to carry every column that refers to a person', async () => {
    // A feature that adds a reference to people must say here what a merge does with it.
    expect(personReferences.map((r) => `${r.table}.${r.column}`).sort()).toEqual(await foreignKeysToPeople())
  })

  it('moves the duplicate’s whole history to the record kept, which alone answers afterwards', async () => {
    const kept = await world.person(agencyId, { first: 'Kept' })
    const duplicate = await world.person(agencyId, { first: 'Duplicate' })
    const earlier = await world.person(agencyId, { first: 'Earlier' })
    const basics = await world.course('Safeguarding basics for merging')
    const advanced = await world.course('Advanced practice for merging')
    const other = await world.agency('Previous Employer Trust', 'health')

    // A record already merged into the duplicate.
    await merge(duplicate, earlier)
    // Two past spells: at this agency, then at another.
    await t.services.directory.changePerson(world.admin, duplicate, { agencyId: other })
    await t.services.directory.changePerson(world.admin, duplicate, { agencyId })
    // Places attended, with their marks, certificates, charges, evaluation and a concern.
    await attendedPlace(kept, basics, '2023-05-01')
    const attended = await attendedPlace(duplicate, basics, '2025-06-10')
    // A place to come.
    const future = await world.session(basics, '2027-02-10T09:30:00Z')
    const upcoming = await world.apply(future, duplicate)
    // A need asked for, and interest in a course.
    const duplicateEmail = await world.emailOf(duplicate)
    await inTenant(async (sql) => {
      await sql.query(
        `INSERT INTO needs (partnership_id, person_id, identified_by, practice_change, target_audience, effectiveness_measure)
         VALUES ($1, $2, 'audit', 'Better referrals', 'Health visitors', 'Referral quality audit')`,
        [world.partnership.id, duplicate],
      )
      await sql.query(
        `INSERT INTO course_interests (partnership_id, course_id, name, email, person_id) VALUES ($1, $2, 'D', $3, $4)`,
        [world.partnership.id, advanced, duplicateEmail, duplicate],
      )
    })
    // Trainer approvals: one the duplicate alone holds, one both hold (the duplicate's is live, the kept one's withdrawn).
    const onlyDuplicates = await approval(duplicate, advanced, '2025-01-10')
    await approval(kept, basics, '2024-03-01', true)
    const stronger = await approval(duplicate, basics, '2024-02-01')
    // Training on sessions: one alone, one both were put on.
    const trainedAlone = await world.session(advanced, '2027-03-10T09:30:00Z')
    const trainedBoth = await world.session(advanced, '2027-04-10T09:30:00Z')
    await inTenant(async (sql) => {
      for (const [sessionId, personId] of [
        [trainedAlone, duplicate],
        [trainedBoth, duplicate],
        [trainedBoth, kept],
      ])
        await sql.query(
          'INSERT INTO session_trainers (partnership_id, session_id, person_id) VALUES ($1, $2, $3)',
          [world.partnership.id, sessionId, personId],
        )
    })

    await merge(kept, duplicate)

    // Nothing in the database refers to the duplicate any more.
    for (const reference of await foreignKeysToPeople()) {
      const [table, column] = reference.split('.')
      const left = await inTenant((sql) =>
        sql.query(`SELECT 1 FROM ${table} WHERE ${column} = $1`, [duplicate]),
      )
      expect({ reference, left: left.length }).toEqual({ reference, left: 0 })
    }
    const ofKept = (table: string) =>
      inTenant(async (sql) => (await sql.query(`SELECT 1 FROM ${table} WHERE person_id = $1`, [kept])).length)
    expect(await ofKept('applications')).toBe(3)
    expect(await ofKept('certificates')).toBe(2)
    expect(await ofKept('charges')).toBe(2)
    expect(await ofKept('conduct_concerns')).toBe(2)
    expect(await ofKept('needs')).toBe(1)
    expect(await ofKept('course_interests')).toBe(1)
    expect(await ofKept('agency_spells')).toBe(2)
    await inTenant(async (sql) => {
      // The place to come is the kept record's, as it stood.
      expect(await sql.one('SELECT person_id, status FROM applications WHERE id = $1', [upcoming])).toEqual({
        person_id: kept,
        status: 'applied',
      })
      // Marks and evaluation hang off the place, which is now the kept record's.
      expect(
        await sql.query(
          `SELECT a.person_id FROM attendance m JOIN applications a ON a.id = m.application_id WHERE m.application_id = $1
           UNION ALL SELECT a.person_id FROM evaluation_completions e JOIN applications a ON a.id = e.application_id
            WHERE e.application_id = $1`,
          [attended.applicationId],
        ),
      ).toEqual([{ person_id: kept }, { person_id: kept }])
      // The stronger approval of the two for one course is kept, and the other approval moves.
      const approvals = await sql.query<{ id: string; withdrawn_at: Date | null }>(
        'SELECT id, withdrawn_at FROM trainer_approvals WHERE person_id = $1 ORDER BY trained_on',
        [kept],
      )
      expect(approvals.map((a) => a.id).sort()).toEqual([onlyDuplicates, stronger].sort())
      expect(approvals.every((a) => a.withdrawn_at === null)).toBe(true)
      // One trainer place per session.
      expect(
        (await sql.query('SELECT session_id FROM session_trainers WHERE person_id = $1', [kept])).length,
      ).toBe(2)
      // The record merged into the duplicate now points at the one kept.
      expect(await sql.one('SELECT merged_into FROM people WHERE id = $1', [earlier])).toEqual({
        merged_into: kept,
      })
      // The latest training is the duplicate's course, now on the kept record.
      expect(
        await sql.query(
          'SELECT id, trained_on::text FROM people WHERE id = ANY($1) ORDER BY trained_on NULLS LAST',
          [[kept, duplicate]],
        ),
      ).toEqual([
        { id: kept, trained_on: '2025-06-10' },
        { id: duplicate, trained_on: null },
      ])
    })

    // The duplicate answers nowhere; the record kept shows what was moved.
    expect((await api(`/api/v1/people/${duplicate}`)).statusCode).toBe(404)
    expect((await api(`/api/v1/people/${duplicate}/certificates`)).statusCode).toBe(404)
    expect((await api(`/api/v1/people/${kept}/certificates`)).json().items).toHaveLength(2)
    const admin = await t.signIn('admin@norfolk.example.org')
    expect((await admin.get(`/people/${duplicate}`)).statusCode).toBe(404)
    expect((await admin.get(`/people/${duplicate}/edit`)).statusCode).toBe(404)
    expect(page((await admin.get(`/people/${kept}`)).body)('main').text()).toContain(duplicateEmail)
    // Each move is in the audit trail under the merge.
    const audited = await inTenant((sql) =>
      sql.query<{ entity_type: string }>(
        `SELECT DISTINCT entity_type FROM audit_events WHERE action = 'person.merge' ORDER BY entity_type`,
      ),
    )
    expect(audited.map((a) => a.entity_type)).toEqual(
      expect.arrayContaining(['applications', 'certificates', 'charges', 'conduct_concerns', 'people']),
    )
  })

  it('carries the duplicate’s pathway and learning from elsewhere, and the record kept stands by them', async () => {
    const kept = await world.person(agencyId, { first: 'Pathless' })
    const duplicate = await world.person(agencyId, { first: 'Evidenced' })
    const requirement = await inTenant(async (sql) => {
      await sql.auditAs('test')
      const pathway = await sql.one<{ id: string }>(
        `INSERT INTO pathways (partnership_id, title, audience) VALUES ($1, 'Merge pathway', 'Everyone') RETURNING id`,
        [world.partnership.id],
      )
      const r = await sql.one<{ id: string }>(
        `INSERT INTO pathway_requirements (partnership_id, pathway_id, position, title, required, refresher_months)
         VALUES ($1, $2, 1, 'Basics', true, 36) RETURNING id`,
        [world.partnership.id, pathway.id],
      )
      await sql.query('UPDATE people SET pathway_id = $2 WHERE id = $1', [duplicate, pathway.id])
      await sql.query(
        `INSERT INTO learning_evidence (partnership_id, person_id, kind, title, provider, completed_on, minutes,
                                        requirement_id, status, decided_at, decided_by_label)
         VALUES ($1, $2, 'e_learning', 'Basics online', 'A trust', '2025-05-01', 60, $3, 'verified', now(), 'test')`,
        [world.partnership.id, duplicate, r.id],
      )
      return r.id
    })
    await merge(kept, duplicate)
    const after = await inTenant((sql) =>
      sql.query<{
        person: string
        missing: number | null
        lapses: string | null
        evidence: number
        standings: number
      }>(
        `SELECT p.first_name AS person, p.pathway_missing AS missing, to_char(p.pathway_lapses_on, 'YYYY-MM-DD') AS lapses,
                (SELECT count(*)::int FROM learning_evidence e WHERE e.person_id = p.id) AS evidence,
                (SELECT count(*)::int FROM requirement_standings s WHERE s.person_id = p.id AND s.requirement_id = $3) AS standings
           FROM people p WHERE p.id = ANY($1::uuid[]) AND p.id = $2`,
        [[kept, duplicate], kept, requirement],
      ),
    )
    expect(after).toEqual([
      { person: 'Pathless', missing: 0, lapses: '2028-05-01', evidence: 1, standings: 1 },
    ])
    const gone = await inTenant((sql) =>
      sql.one<{ n: number }>('SELECT count(*)::int AS n FROM requirement_standings WHERE person_id = $1', [
        duplicate,
      ]),
    )
    expect(gone.n).toBe(0)
  })

  it('refuses when both records applied for the same session, saying which, and changes nothing', async () => {
    const kept = await world.person(agencyId, { first: 'Twice' })
    const duplicate = await world.person(agencyId, { first: 'Again' })
    const course = await world.course('Information sharing for merging')
    const session = await world.session(course, '2027-05-12T09:30:00Z')
    await world.apply(session, kept)
    const duplicateApplication = await world.apply(session, duplicate)
    await expect(merge(kept, duplicate)).rejects.toMatchObject({
      errors: [
        {
          field: 'duplicateEmail',
          text: 'Both records have applied for Information sharing for merging on 12 May 2027: withdraw or cancel one of the two applications first',
        },
      ],
    })
    await inTenant(async (sql) => {
      expect(await sql.one('SELECT merged_into FROM people WHERE id = $1', [duplicate])).toEqual({
        merged_into: null,
      })
      expect(
        await sql.one('SELECT person_id FROM applications WHERE id = $1', [duplicateApplication]),
      ).toEqual({
        person_id: duplicate,
      })
    })
  })
})
