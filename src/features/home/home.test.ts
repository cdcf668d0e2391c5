import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '#test/support/app.ts'
import { page, testApp } from '#test/support/app.ts'

let t: TestApp
beforeAll(async () => {
  t = await testApp()
})
afterAll(() => t?.close())

describe('the way to training for a signed-in practitioner', () => {
  it('is in the menu and on their home page, to their own partnership catalogue', async () => {
    const practitioner = await t.signIn('practitioner@norfolk.example.org')
    const response = await practitioner.get('/dashboard')
    expect(response.statusCode).toBe(200)
    const links = response.body.match(/href="\/p\/norfolk\/courses"/g) ?? []
    expect(links.length).toBeGreaterThanOrEqual(2)
    expect(response.body).toMatch(/href="\/p\/norfolk\/courses"[^>]*>\s*Find training/)
    expect(response.body).not.toMatch(/href="\/audit"/)
  })
})

describe('a trainer’s home page', () => {
  it('lists the register of a session they trained on that has still to be taken', async () => {
    const trainer = await t.signIn('trainer@norfolk.example.org')
    const home = page((await trainer.get('/dashboard')).body)
    const registers = home('h2:contains("Registers to take") + ul li')
    expect(registers.length).toBe(1)
    expect(registers.text()).toMatch(
      /Working together to safeguard children and adults, 23 November 2026: 3 people not yet marked/,
    )
    const link = registers.find('a').attr('href') ?? ''
    expect(link).toMatch(/^\/sessions\/[0-9a-f-]+\/register$/)
    expect((await trainer.get(link)).statusCode).toBe(200)

    const practitioner = await t.signIn('practitioner@norfolk.example.org')
    expect((await practitioner.get('/dashboard')).body).not.toContain('Registers to take')
  })

  it('drops the register once everyone is marked', async () => {
    const trainer = await t.signIn('trainer@shropshire.example.org')
    const link =
      page((await trainer.get('/dashboard')).body)('h2:contains("Registers to take") + ul a').attr('href') ??
      ''
    const register = page((await trainer.get(link)).body)
    const people = register('input[name="personId"]')
      .map((_, input) => register(input).attr('value'))
      .get()
    expect(people.length).toBe(3)
    const asked = t.jobs.registersCompleted
    for (const personId of people)
      expect((await trainer.post(link, { personId, part: '1', mark: 'attended' })).statusCode).toBe(303)
    expect((await trainer.get('/dashboard')).body).not.toContain('Registers to take')
    // The session has ended, so its last mark asks for the after-course invitations at once.
    expect(t.jobs.registersCompleted).toBe(asked + 1)
  })
})
