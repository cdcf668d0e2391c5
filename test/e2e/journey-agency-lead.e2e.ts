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
  it('chooses them from the list without JavaScript, then finds the application among their staff’s', {
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
    // Their staff are listed by name, agency and job title.
    await page.getByLabel('If someone else, choose them from the list').selectOption({
      label: 'Pat Practitioner, Home-Start Norfolk, Early help worker',
    })
    await page.getByLabel('Line manager’s email address').fill('manager@example.org')
    await page.getByRole('radio', { name: 'No', exact: true }).check()
    await page.getByRole('button', { name: 'Apply' }).click()
    await expect.poll(() => page.locator('h1').textContent()).toBe(course)
    expect(await page.locator('.govuk-notification-banner--success h3').textContent()).toMatch(
      new RegExp(`^You applied for Pat Practitioner to go on ${course} on `),
    )
    const application = new URL(page.url()).pathname
    expect(application).toMatch(/^\/bookings\/[0-9a-f-]+$/)
    // The page they land on leads to their staff's applications, where this one is.
    await page.getByRole('link', { name: 'See all your staff’s applications and places' }).click()
    await expect.poll(() => page.locator('h1').textContent()).toBe('Staff applications and places')
    expect(await page.locator(`tbody tr:has(a[href="${application}"])`).textContent()).toContain(
      'Pat Practitioner',
    )
    await page.context().close()

    // Later, with scripts: the staff list from the menu, filtered, and the application, all passing axe.
    const later = await openAs(browser, 'agency-lead@norfolk.example.org')
    await later.goto('/dashboard')
    await later.getByRole('link', { name: 'Menu', exact: true }).click()
    await later.getByRole('link', { name: 'Staff applications', exact: true }).click()
    await later.getByLabel('Person or course (optional)').fill('Pat working together')
    await later.getByLabel('Status (optional)').selectOption({ label: 'Applied' })
    await later.getByRole('button', { name: 'Search' }).click()
    await expect.poll(() => later.url()).toContain('status=applied')
    expect(new Set(await later.locator('tbody .govuk-tag').allTextContents())).toEqual(new Set(['Applied']))
    await expectAccessible(later)
    await later.locator(`tbody a[href="${application}"]`).click()
    await expect.poll(() => later.locator('h1').textContent()).toBe(course)
    expect(await mainText(later)()).toContain('Pat Practitioner')
    expect(await later.locator('.govuk-back-link').getAttribute('href')).toBe('/bookings/staff')
    await expectAccessible(later)
    await later.context().close()
  })
})
