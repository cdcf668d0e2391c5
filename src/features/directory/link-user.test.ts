import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureUser, grantRole } from '#platform/auth/users.ts'
import type { TestApp } from '#test/support/app.ts'
import { testApp } from '#test/support/app.ts'
import type { BookingWorld } from '#test/support/booking.ts'
import { bookingWorld } from '#test/support/booking.ts'

let t: TestApp
let w: BookingWorld
let agency: string

beforeAll(async () => {
  t = await testApp()
  w = await bookingWorld(t)
  agency = await w.agency('Shire Community Trust', 'health')
})
afterAll(() => t?.close())

const userOf = (personId: string) =>
  t.db.tenant(w.scope, (sql) =>
    sql.one<{ user_id: string | null }>('SELECT user_id FROM people WHERE id = $1', [personId]),
  )
const newUser = (email: string) => ensureUser(t.db, { email, displayName: 'Someone', passwordHash: null })
const add = (email: string, firstName = 'Kim') =>
  t.services.directory.addPerson(w.admin, {
    firstName,
    lastName: 'Linked',
    email,
    agencyId: agency,
    status: 'active',
  })

describe('linking a sign-in to a directory record', () => {
  it('links a person added in the directory to the user with their email, whatever its case', async () => {
    const user = await newUser('Kim.Linked@Example.org')
    const person = await add('kim.linked@example.org')
    expect((await userOf(person.id)).user_id).toBe(user.id)
  })

  it('never links a user already linked to another person of the partnership', async () => {
    const user = await newUser('jo.one@example.org')
    const first = await w.person(agency, { first: 'Jo', userId: user.id })
    const second = await add('jo.one@example.org', 'Jo')
    expect((await userOf(second.id)).user_id).toBeNull()
    expect((await userOf(first)).user_id).toBe(user.id)
  })

  it('links a person when their user is given a role, but never takes a person from another user', async () => {
    const person = await add('ali.later@example.org', 'Ali')
    expect((await userOf(person.id)).user_id).toBeNull()
    const user = await newUser('ali.later@example.org')
    await grantRole(t.db, {
      partnershipId: w.partnership.id,
      userId: user.id,
      role: 'practitioner',
      actor: 'test',
    })
    expect((await userOf(person.id)).user_id).toBe(user.id)

    const taken = await add('bea.taken@example.org', 'Bea')
    const owner = await newUser('bea.old@example.org')
    await t.db.tenant(w.scope, (sql) =>
      sql.query('UPDATE people SET user_id = $1 WHERE id = $2', [owner.id, taken.id]),
    )
    const other = await newUser('bea.taken@example.org')
    await grantRole(t.db, {
      partnershipId: w.partnership.id,
      userId: other.id,
      role: 'practitioner',
      actor: 'test',
    })
    expect((await userOf(taken.id)).user_id).toBe(owner.id)
  })

  it('links a trainer approved for the pool to the user with their email', async () => {
    const person = await w.person(agency, { first: 'Tam' })
    const email = await w.emailOf(person)
    const user = await newUser(email.toUpperCase())
    await t.services.trainers.approve(w.admin, {
      personId: person,
      courseId: await w.course('Train the trainer'),
      trainedOn: '2026-10-01',
      cpdCompletedOn: null,
    })
    expect((await userOf(person)).user_id).toBe(user.id)
  })
})
