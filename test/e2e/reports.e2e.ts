import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectAccessible, launch } from './browser.ts'
import { openAs } from './journeys.ts'

let browser: Browser

beforeAll(async () => {
  browser = await launch()
})
afterAll(() => browser?.close())

describe('the report to the board passes axe', () => {
  it('a quarter, a year chosen from the list, and a period refused', { timeout: 120_000 }, async () => {
    const page = await openAs(browser, 'executive@north-somerset.example.org')
    await page.goto('/reports')
    await expectAccessible(page)
    const year = await page
      .locator('#period option', { hasText: /^The year/ })
      .first()
      .getAttribute('value')
    await page.locator('#period').selectOption(year ?? '')
    await page.getByRole('button', { name: 'Show the report' }).click()
    await expect.poll(() => page.locator('h1').textContent()).toMatch(/^Report to the board: \d{4} to \d{4}$/)
    await expectAccessible(page)
    await page.goto('/reports?period=2026-Q5')
    await expect.poll(() => page.locator('.govuk-error-summary').count()).toBe(1)
    await expectAccessible(page)
    await page.context().close()
  })

  it('writing the narrative, signing off and correcting, by keyboard', { timeout: 180_000 }, async () => {
    const admin = await openAs(browser, 'admin@south-gloucestershire.example.org')
    await admin.goto('/reports?period=2026-Q1')
    await admin.getByRole('link', { name: 'Write the narrative of this report' }).click()
    await expectAccessible(admin)
    await admin.getByLabel('Executive summary').fill('x'.repeat(5001))
    await admin.getByRole('button', { name: 'Save the narrative' }).click()
    await expect.poll(() => admin.locator('.govuk-error-summary').count()).toBe(1)
    await expectAccessible(admin)
    await admin.getByLabel('Executive summary').fill('The first quarter of the year, in brief.')
    await admin.getByLabel('Executive summary').press('Tab')
    await admin.getByRole('button', { name: 'Save the narrative' }).press('Enter')
    await expect.poll(() => admin.locator('.govuk-notification-banner').textContent()).toContain('saved')
    await expectAccessible(admin)

    const executive = await openAs(browser, 'executive@south-gloucestershire.example.org')
    await executive.goto('/reports/2026-Q1/sign-off')
    await expectAccessible(executive)
    await executive.getByRole('button', { name: 'Sign off the report' }).click()
    await expect.poll(() => executive.locator('.govuk-error-summary').count()).toBe(1)
    await expectAccessible(executive)
    await executive.getByLabel(/The report and its narrative are agreed/).check()
    await executive.getByRole('button', { name: 'Sign off the report' }).click()
    await expect
      .poll(() => executive.locator('.govuk-notification-banner').textContent())
      .toContain('signed off')
    await expectAccessible(executive)

    await admin.goto('/reports/2026-Q1/correction')
    await expectAccessible(admin)
    await admin.getByLabel('Why does the report need correcting?').fill('A register was marked late')
    await admin.getByRole('button', { name: 'Open a correction' }).click()
    await expect.poll(() => admin.locator('.govuk-notification-banner').textContent()).toContain('correction')
    await expectAccessible(admin)
    await admin.context().close()
    await executive.context().close()
  })

  it('an agency’s quarterly digest, and a quarter refused', { timeout: 120_000 }, async () => {
    const page = await openAs(browser, 'admin@norfolk.example.org')
    await page.goto('/agencies')
    await page.locator('main table a[href^="/agencies/"]').first().click()
    await page.getByRole('link', { name: /^Quarterly digest for/ }).click()
    await expect.poll(() => page.locator('h1').textContent()).toMatch(/digest/i)
    await expectAccessible(page)
    await page.goto(`${new URL(page.url()).pathname}?period=2026-Q5`)
    await expect.poll(() => page.locator('.govuk-error-summary').count()).toBe(1)
    await expectAccessible(page)
    await page.context().close()
  })
})
