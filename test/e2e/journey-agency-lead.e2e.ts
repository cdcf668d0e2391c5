import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectAccessible, launch } from './browser.ts'
import { mainText, openAs } from './journeys.ts'

let browser: Browser

beforeAll(async () => {
  browser = await launch()
})
afterAll(() => browser?.close())

const course = 'Working together to safeguard children and adults'

describe('an agency lead applies for one of their staff', () => {
  it('applies without JavaScript, then finds the application again after signing in once more', {
    timeout: 180_000,
  }, async () => {
    const page = await openAs(browser, 'agency-lead@norfolk.example.org', { javaScript: false })
    await page.getByRole('link', { name: 'Find training' }).first().click()
    await page.getByRole('link', { name: course }).click()
    // The later date, so as not to meet the practitioner's own application for the first.
    await page
      .getByRole('link', { name: /^Apply/ })
      .last()
      .click()
    await page.getByRole('radio', { name: /Someone in my agencies/ }).check()
    await page.getByLabel('Their work email address').fill('practitioner@norfolk.example.org')
    await page.getByLabel('Line manager’s email address').fill('manager@example.org')
    await page.getByRole('radio', { name: 'No', exact: true }).check()
    await page.getByRole('button', { name: 'Apply' }).click()
    await expect.poll(() => page.locator('h1').textContent()).toBe(course)
    expect(await page.locator('main').textContent()).toContain('Pat Practitioner')
    const application = new URL(page.url()).pathname
    expect(application).toMatch(/^\/bookings\/[0-9a-f-]+$/)
    await page.context().close()

    // Later, with scripts, the application is still theirs to see, and passes axe.
    const later = await openAs(browser, 'agency-lead@norfolk.example.org')
    await later.goto(application)
    await expect.poll(() => later.locator('h1').textContent()).toBe(course)
    expect(await mainText(later)()).toContain('Pat Practitioner')
    expect(await later.locator('.govuk-summary-list').last().textContent()).toContain('Applied')
    await expectAccessible(later)
    await later.context().close()
  })
})
