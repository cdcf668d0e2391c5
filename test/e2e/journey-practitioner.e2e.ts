import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectAccessible, launch } from './browser.ts'
import { openAs } from './journeys.ts'

let browser: Browser

beforeAll(async () => {
  browser = await launch()
})
afterAll(() => browser?.close())

const course = 'Working together to safeguard children and adults'

describe('a practitioner books their learning', () => {
  it('finds a date from the menu, applies, sees the application in their learning and withdraws it', {
    timeout: 180_000,
  }, async () => {
    const page = await openAs(browser, 'practitioner@norfolk.example.org')
    await page.getByRole('link', { name: 'Find training' }).first().click()
    await page.getByRole('link', { name: course }).click()
    await page
      .getByRole('link', { name: /^Apply/ })
      .first()
      .click()
    expect(await page.locator('h1').textContent()).toBe(course)
    await expectAccessible(page)

    await page.getByRole('button', { name: 'Apply' }).click()
    await expect.poll(() => page.locator('.govuk-error-summary').count()).toBe(1)
    await expectAccessible(page)

    await page.getByLabel('Line manager’s email address').fill('manager@example.org')
    await page.getByRole('radio', { name: 'Yes' }).check()
    // The course asks how confident the applicant is on each objective.
    for (const [objective, score] of [
      ['Share information with other agencies lawfully and in time', '4'],
      ['Make a referral that says what was seen and why it matters', '6'],
    ] as const)
      await page
        .getByRole('group', { name: objective })
        .getByRole('radio', { name: score, exact: true })
        .check()
    await page.getByRole('button', { name: 'Apply' }).click()
    await expect.poll(() => page.locator('.govuk-summary-list').last().textContent()).toContain('Applied')
    await expectAccessible(page)
    const application = new URL(page.url()).pathname

    // Their learning lists it (beside any other place they hold), and it opens from there.
    await page.getByRole('link', { name: 'Your learning' }).first().click()
    await expect.poll(() => page.locator('h1').textContent()).toBe('Your applications and places')
    await expectAccessible(page)
    const row = page.getByRole('row').filter({ has: page.locator(`a[href="${application}"]`) })
    expect(await row.getByRole('cell').last().textContent()).toBe('Applied')
    await row.getByRole('link', { name: course }).click()

    await page.getByRole('link', { name: 'Withdraw the application' }).click()
    await expect
      .poll(() => page.locator('h1').textContent())
      .toBe('Withdraw the application of Pat Practitioner')
    await expectAccessible(page)
    await page.getByRole('button', { name: 'Withdraw the application' }).click()
    await expect.poll(() => page.locator('.govuk-summary-list').last().textContent()).toContain('Withdrawn')
    await page.getByRole('link', { name: 'Your learning' }).first().click()
    expect(await row.getByRole('cell').last().textContent()).toBe('Withdrawn')
    await page.context().close()
  })
})
