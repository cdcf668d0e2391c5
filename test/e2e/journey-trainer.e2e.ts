import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectAccessible, launch } from './browser.ts'
import { emailTo, linkIn, mainText, openAs } from './journeys.ts'

let browser: Browser

beforeAll(async () => {
  browser = await launch()
})
afterAll(() => browser?.close())

const course = 'Working together to safeguard children and adults'

/**
 * Norfolk's demo session of yesterday, which no other journey touches: its trainer takes the
 * register, the after-course invitation goes out at once, and the practitioner who answers it
 * has their certificate (Norfolk: attended in full AND evaluation completed).
 */
describe('a trainer takes the register of yesterday’s session', () => {
  it('marks everyone, and the practitioner who attended in full answers the evaluation and gets a certificate', {
    timeout: 120_000,
  }, async () => {
    const trainer = await openAs(browser, 'trainer@norfolk.example.org')
    await trainer.goto('/dashboard')
    await expectAccessible(trainer)
    await trainer.getByRole('link', { name: new RegExp(`^${course}, `) }).click()
    await expect.poll(() => trainer.locator('.govuk-caption-l').textContent()).toBe('Register')
    await expectAccessible(trainer)

    for (const [mark, person] of [
      ['Attended in full', 'Pat Practitioner'],
      ['Left early', 'Lee Lead'],
      ['Attended in full', 'Sam Subgroup'],
    ] as const) {
      // Each button names its person for a screen reader: "Attended in full: Pat Practitioner".
      const button = () => trainer.getByRole('button', { name: new RegExp(`^${mark}\\s*: ${person}$`) })
      await button().click()
      await expect.poll(() => button().getAttribute('aria-pressed')).toBe('true')
    }
    // The result: each person's mark in words, and nothing left to take on the home page.
    for (const [person, mark] of [
      ['Pat Practitioner', 'Attended in full'],
      ['Lee Lead', 'Left early'],
      ['Sam Subgroup', 'Attended in full'],
    ])
      expect(await trainer.getByRole('region', { name: person }).locator('strong').textContent()).toBe(mark)
    await expectAccessible(trainer)
    await trainer.getByRole('link', { name: 'Home' }).first().click()
    await expect.poll(mainText(trainer)).toContain('You are signed in as Tara Trainer')
    expect(await trainer.locator('#to-do-registers').count()).toBe(0)
    await trainer.context().close()

    // The completed register sends the after-course invitations now, not at the next pass.
    const visitor = await openAs(browser)
    const invitation = await emailTo(visitor, 'practitioner@norfolk.example.org', `Tell us about ${course}`)
    expect(invitation).toContain('Your certificate is sent once you have answered')
    await visitor.goto(linkIn(invitation, /^\/p\/norfolk\/evaluate\//))
    await expectAccessible(visitor)
    for (const objective of [
      'Share information with other agencies lawfully and in time',
      'Make a referral that says what was seen and why it matters',
    ])
      await visitor
        .getByRole('group', { name: objective })
        .getByRole('radio', { name: '7', exact: true })
        .check()
    await visitor
      .getByRole('group', { name: 'The course was relevant to my work' })
      .getByRole('radio', { name: 'Agree', exact: true })
      .check()
    await visitor.getByLabel('What you will do differently').fill('Share what I see with the health visitor')
    const plan = visitor.getByRole('group', { name: 'By when' })
    await plan.getByLabel('Day').fill('31')
    await plan.getByLabel('Month').fill('3')
    await plan.getByLabel('Year').fill(String(new Date().getFullYear() + 1))
    await visitor.getByRole('button', { name: 'Send my answers' }).click()
    await expect.poll(() => visitor.locator('h1').textContent()).toContain('Thank you')
    await expectAccessible(visitor)

    // Left early: no certificate, and they are told why.
    const refused = await emailTo(visitor, 'agency-lead@norfolk.example.org', `No certificate: ${course}`)
    expect(refused).toContain('left early')
    await visitor.context().close()

    const practitioner = await openAs(browser, 'practitioner@norfolk.example.org')
    await practitioner.getByRole('link', { name: 'Your training' }).first().click()
    await practitioner.getByRole('link', { name: 'Your certificates' }).click()
    await expect.poll(() => practitioner.locator('h1').textContent()).toBe('Your certificates')
    await expectAccessible(practitioner)
    const download = practitioner.getByRole('link', { name: `${course} certificate (PDF)` })
    const pdf = await practitioner.request.get((await download.getAttribute('href')) ?? '')
    expect(pdf.status()).toBe(200)
    expect(pdf.headers()['content-type']).toBe('application/pdf')
    expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-')
    const sent = await emailTo(
      practitioner,
      'practitioner@norfolk.example.org',
      `Your certificate: ${course}`,
    )
    expect(sent).toContain('/certificates/')
    await practitioner.context().close()
  })
})
