import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CASCADE_CLIENT, type TestProvider, testProvider } from '../support/oidc-provider.ts'
import { baseUrl, expectAccessible, launch, newContext, signIn } from './browser.ts'

let browser: Browser
let idp: TestProvider

beforeAll(async () => {
  browser = await launch()
  idp = await testProvider(`${baseUrl()}/sign-in/organisation/callback`)
})
afterAll(async () => {
  await browser?.close()
  await idp?.close()
})

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

  it('signs a practitioner in through their organisation’s provider, choosing between two partnerships', async () => {
    const domain = 'e2e-trust.nhs.example'
    // Two partnerships map the same domain, each through a provider its admin adds.
    for (const slug of ['norfolk', 'shropshire']) {
      const context = await newContext(browser)
      const admin = await context.newPage()
      await signIn(admin, `admin@${slug}.example.org`)
      await admin.goto('/identity-providers/new')
      await admin.getByLabel('Name').fill('Trust Entra ID')
      await admin.getByLabel('Issuer URL').fill(idp.issuer)
      await admin.getByLabel('Client ID').fill(CASCADE_CLIENT.id)
      await admin.getByLabel('Client secret').fill(CASCADE_CLIENT.secret)
      await admin.locator('#domain-0').fill(domain)
      await admin.locator('#agency-0').selectOption({ index: 1 })
      await admin.locator('input[name="trusted-0"]').check()
      await admin.getByRole('button', { name: 'Save' }).click()
      await admin.waitForURL((url) => url.pathname === '/identity-providers')
      await expectAccessible(admin)
      await context.close()
    }

    const context = await newContext(browser)
    const page = await context.newPage()
    await page.goto('/sign-in')
    await page.getByLabel('Work email').fill(`robin.ash@${domain}`)
    await page.getByLabel('Work email').press('Enter')
    await page.waitForURL((url) => url.pathname.startsWith('/sign-in/organisation'))
    await expectAccessible(page)
    await page.getByLabel('Norfolk', { exact: false }).first().check()
    await page.getByRole('button', { name: 'Continue' }).click()
    // The provider's own sign-in page, which takes any login in tests.
    await page.waitForURL((url) => url.href.startsWith(idp.issuer))
    await page.locator('input[name="login"]').fill(`robin.ash@${domain}`)
    await page.locator('input[name="password"]').fill('any')
    await page.locator('button[type="submit"]').first().click()
    await page.waitForURL((url) => url.href.startsWith(baseUrl()) && !url.pathname.startsWith('/sign-in'))
    await page.goto('/account')
    expect(await page.locator('main').textContent()).toContain(`robin.ash@${domain}`)
    await expectAccessible(page)
    await context.close()
  })
})
