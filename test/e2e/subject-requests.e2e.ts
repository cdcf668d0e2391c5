import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectAccessible, launch, newContext } from './browser.ts'

let browser: Browser

beforeAll(async () => {
  browser = await launch()
})
afterAll(() => browser?.close())

describe('subject access and erasure pages pass axe', () => {
  it('erases a person with a reason, confirmed on a second page, by keyboard', async () => {
    const context = await newContext(browser, { javaScript: true })
    const page = await context.newPage()
    // Signed in by the password form's own fields: the page offers single sign-on's email field too.
    await page.goto('/sign-in')
    await page.locator('#email').fill('admin@norfolk.example.org')
    await page.locator('#password').fill('cascade-demo')
    await page.getByRole('button', { name: 'Sign in', exact: true }).click()
    await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'))
    await page.goto('/people/new')
    await page.getByLabel('First name').fill('Esme')
    await page.getByLabel('Last name').fill('Erasable')
    await page.getByLabel('Work email address').fill('esme.erasable@example.org')
    await page.getByLabel('Agency').selectOption({ label: 'Norfolk Police' })
    await page.getByRole('button', { name: 'Save' }).click()
    await expect.poll(() => page.locator('h1').textContent()).toBe('Esme Erasable')
    await expectAccessible(page)
    await page.getByRole('button', { name: 'Download or erase their personal data' }).click()
    await expect.poll(() => page.locator('h1').textContent()).toBe('Personal data of Esme Erasable')
    await expectAccessible(page)
    await page.getByRole('button', { name: 'Erase their personal data' }).click()
    await expect.poll(() => page.locator('h1').textContent()).toBe('Erase Esme Erasable')
    await expectAccessible(page)
    await page.getByRole('button', { name: 'Continue' }).click()
    await expect.poll(() => page.locator('.govuk-error-summary').count()).toBe(1)
    await expectAccessible(page)
    await page.getByLabel('Why are they to be erased?').fill('Asked in writing on 20 November 2026')
    await page.getByRole('button', { name: 'Continue' }).focus()
    await page.keyboard.press('Enter')
    await expect
      .poll(() => page.locator('h1').textContent())
      .toBe('Are you sure you want to erase Esme Erasable?')
    await expectAccessible(page)
    await page.getByRole('button', { name: 'Erase their personal data' }).click()
    await expect
      .poll(() => page.locator('main').textContent())
      .toMatch(/Asked in writing on 20 November 2026/)
    await expectAccessible(page)
    await context.close()
  })
})
