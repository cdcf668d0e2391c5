import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectAccessible, launch, newContext, signIn } from './browser.ts'

let browser: Browser
let sessionPath = ''

beforeAll(async () => {
  browser = await launch()
})
afterAll(() => browser?.close())

/** A browser with scripts off: every step here must work without JavaScript. */
async function signedIn(email: string): Promise<Page> {
  const context = await newContext(browser, { javaScript: false })
  const page = await context.newPage()
  await signIn(page, email)
  return page
}

describe('booking a place, without JavaScript, every page passing axe', () => {
  it('a practitioner finds a date in the catalogue, applies, and sees the application', async () => {
    const page = await signedIn('practitioner@norfolk.example.org')
    await page.goto('/p/norfolk/courses')
    await page.getByRole('link', { name: 'Working together to safeguard children and adults' }).click()
    await page
      .getByRole('link', { name: /^Apply/ })
      .first()
      .click()
    sessionPath = new URL(page.url()).pathname.replace(/\/apply$/, '')
    expect(await page.locator('h1').textContent()).toBe('Working together to safeguard children and adults')
    await expectAccessible(page)

    await page.getByRole('button', { name: 'Apply' }).click()
    await expect.poll(() => page.locator('.govuk-error-summary').count()).toBe(1)
    await expectAccessible(page)

    await page.getByLabel('Line manager’s email address').fill('manager@example.org')
    await page.getByRole('radio', { name: 'Yes' }).check()
    await page.getByRole('button', { name: 'Apply' }).click()
    await expect.poll(() => page.locator('.govuk-summary-list').last().textContent()).toContain('Applied')
    await expectAccessible(page)

    await page.getByRole('link', { name: 'Withdraw the application' }).click()
    await expectAccessible(page)
    await page.goto('/bookings')
    await expectAccessible(page)
    await page.context().close()
  })

  it('an admin allocates the places and reviews the proposal with its reasons', async () => {
    const page = await signedIn('admin@norfolk.example.org')
    await page.goto(`${sessionPath}/places`)
    await expectAccessible(page)
    await page.getByRole('button', { name: 'Allocate places now' }).click()
    await expect.poll(() => page.locator('caption').first().textContent()).toContain('With a place')
    expect(await page.locator('main').textContent()).toContain('place 1 of 24: first applicant from')
    await expectAccessible(page)
    await page.context().close()
  })
})
