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
})
