import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectAccessible, launch } from './browser.ts'
import { mainText, openAs, signInWithLink } from './journeys.ts'

let browser: Browser

beforeAll(async () => {
  browser = await launch()
})
afterAll(() => browser?.close())

// Jersey, whose registrations no other journey decides.
const partnership = 'Jersey Safeguarding Partnership Board'
// An address no other suite registers: an existing account is asked to confirm joining instead.
const email = 'robin.hart@homestart.example.org'

describe('someone new registers and is confirmed by their agency lead', () => {
  it('registers from the sign-in page, waits for the lead, and signs in again as a practitioner', {
    timeout: 180_000,
  }, async () => {
    const page = await openAs(browser)
    await page.goto('/sign-in')
    await page.getByRole('link', { name: `Register with ${partnership}` }).click()
    await page.waitForURL((url) => url.pathname === '/p/jersey/register')
    await expectAccessible(page)
    await page.getByRole('button', { name: 'Register' }).click()
    await expect.poll(() => page.locator('.govuk-error-summary').count()).toBe(1)
    await expectAccessible(page)
    await page.getByLabel('First name').fill('Robin')
    await page.getByLabel('Last name').fill('Hart')
    await page.getByLabel('Work email address').fill(email)
    await page.getByLabel('The agency you work for').selectOption({ label: 'Home-Start Jersey' })
    await page.getByRole('button', { name: 'Register' }).click()
    await expect.poll(() => page.locator('h1').textContent()).toBe('Check your email')
    await expectAccessible(page)

    // Their address is proved by the link emailed to it; until confirmed they see only their record.
    const firstLink = await signInWithLink(page, email)
    await page.getByRole('link', { name: 'Your record' }).first().click()
    await expect
      .poll(mainText(page), { timeout: 30_000 })
      .toMatch(/safeguarding lead has not yet confirmed that you work there/)
    await expectAccessible(page)
    expect(await page.getByRole('link', { name: 'Needs analysis' }).count()).toBe(0)
    await page.context().close()

    const lead = await openAs(browser, 'agency-lead@jersey.example.org')
    // The lead's home page says a registration waits for them.
    await lead.locator('#to-do-registrations a').click()
    await expectAccessible(lead)
    // Not confirming someone needs a reason, which they are sent.
    await lead.getByRole('link', { name: 'Do not confirm New Practitioner' }).click()
    await lead.getByRole('button', { name: 'Do not confirm' }).click()
    await expect.poll(() => lead.locator('.govuk-error-summary').count()).toBe(1)
    await expectAccessible(lead)
    await lead.goBack()
    await lead.goto('/registrations')
    await lead.getByRole('button', { name: 'Confirm Robin Hart' }).click()
    await expect
      .poll(() => lead.locator('.govuk-notification-banner--success h3').textContent())
      .toBe('You confirmed Robin Hart')
    expect(await lead.getByRole('button', { name: 'Confirm Robin Hart' }).count()).toBe(0)
    await lead.context().close()

    const again = await openAs(browser)
    await signInWithLink(again, email, firstLink)
    await again.goto('/dashboard')
    await expect.poll(mainText(again)).toContain('You are signed in as Robin Hart (Practitioner)')
    await expectAccessible(again)
    await again.getByRole('link', { name: 'Your record' }).first().click()
    expect(await mainText(again)()).not.toContain('has not yet confirmed')
    await again.context().close()
  })
})
