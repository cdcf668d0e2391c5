import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectAccessible, launch, newContext } from './browser.ts'

let browser: Browser

beforeAll(async () => {
  browser = await launch()
})
afterAll(() => browser?.close())

describe('a visitor who is not signed in', () => {
  it('finds a course from the start page, is asked to sign in to apply, and can register instead', async () => {
    const context = await newContext(browser)
    const page = await context.newPage()
    page.setDefaultTimeout(10_000)

    await page.goto('/')
    await page.getByRole('link', { name: 'courses from Norfolk Safeguarding Children Partnership' }).click()
    await page.getByRole('link', { name: 'Working together to safeguard children and adults' }).click()
    await expectAccessible(page)

    await page
      .getByRole('link', { name: /^Apply/ })
      .first()
      .click()
    await page.waitForURL((url) => url.pathname === '/sign-in')
    expect(new URL(page.url()).searchParams.get('returnTo')).toMatch(/^\/sessions\/[0-9a-f-]+\/apply$/)
    await expectAccessible(page)

    await page.getByRole('link', { name: 'Register with Norfolk Safeguarding Children Partnership' }).click()
    await page.waitForURL((url) => url.pathname === '/p/norfolk/register')
    expect(await page.locator('h1').textContent()).toContain('Register')
    await context.close()
  })
})
