import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectAccessible, launch, newContext, signIn } from './browser.ts'

let browser: Browser

beforeAll(async () => {
  browser = await launch()
})
afterAll(() => browser?.close())

describe('single sign-on pages pass axe (WCAG 2.2 AA)', () => {
  it('says clearly, from the keyboard, when an email’s domain is not set up', async () => {
    const context = await newContext(browser)
    const page = await context.newPage()
    await page.goto('/sign-in')
    await expectAccessible(page)
    await page.getByLabel('Work email').fill('alex@elsewhere.example.com')
    // Enter in the field sends its own form, not the password form above it.
    await page.getByLabel('Work email').press('Enter')
    await page.waitForURL((url) => url.pathname === '/sign-in/organisation')
    expect((await page.locator('h1').textContent())?.trim()).toBe(
      'Your organisation’s account cannot be used to sign in',
    )
    await expectAccessible(page)
    await context.close()
  })

  it('shows an admin what is wrong with a provider', async () => {
    const context = await newContext(browser)
    const page = await context.newPage()
    await signIn(page, 'admin@norfolk.example.org')
    await page.goto('/identity-providers/new')
    await page.getByRole('button', { name: 'Save' }).click()
    expect(await page.locator('.govuk-error-summary').textContent()).toContain('Enter the provider’s name')
    await expectAccessible(page)
    await context.close()
  })
})
