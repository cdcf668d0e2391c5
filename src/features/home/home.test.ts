import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '#test/support/app.ts'
import { testApp } from '#test/support/app.ts'

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
