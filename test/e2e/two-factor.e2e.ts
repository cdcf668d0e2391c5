import { execFileSync } from 'node:child_process'
import { generate } from 'otplib'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { expectAccessible, launch, newContext } from './browser.ts'

const EMAIL = 'new.admin@two-factor.example.org'
const PASSWORD = 'a long enough password'

let browser: Browser
beforeAll(async () => {
  browser = await launch()
  // A new admin, not a demo account: their role makes them set up a second factor.
  execFileSync(
    process.execPath,
    [
      'bin/cascade.js',
      'users',
      'create',
      '--email',
      EMAIL,
      '--name',
      'Nia Newadmin',
      '--partnership',
      'shropshire',
      '--role',
      'admin',
      '--password-stdin',
    ],
    {
      env: { ...process.env, CASCADE_DATA_DIR: inject('dataDir'), LOG_LEVEL: 'silent' },
      input: `${PASSWORD}\n`,
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  )
})
afterAll(() => browser?.close())

/** The code the app shows `steps` steps from now: a code is accepted once, so each sign-in takes a later one. */
const codeIn = (key: string, steps: number) =>
  generate({ secret: key, epoch: Math.floor(Date.now() / 1000) + steps * 30 })

async function signInWithPassword(page: Page) {
  await page.goto('/sign-in')
  await page.getByLabel('Email address').fill(EMAIL)
  await page.getByLabel('Password').fill(PASSWORD)
  await page.getByRole('button', { name: 'Sign in' }).click()
}

async function signOut(page: Page) {
  await page.getByRole('button', { name: 'Sign out' }).click()
  expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('You have signed out')
}

describe('two-factor sign-in in the browser', () => {
  it('sets up an authenticator app, then signs in with a code and with a recovery code', async () => {
    const context = await newContext(browser)
    const page = await context.newPage()

    await signInWithPassword(page)
    await page.waitForURL('**/sign-in/second-factor/set-up')
    await expectAccessible(page)
    expect(await page.getByRole('img', { name: /QR code/ }).isVisible()).toBe(true)
    const key = ((await page.locator('#key').textContent()) ?? '').replace(/\s+/g, '')
    expect(key).toMatch(/^[A-Z2-7]{32}$/)

    // A wrong code is refused, with the error linked to its field.
    await page.getByLabel('Code from your authenticator app').fill('00000')
    await page.getByRole('button', { name: 'Continue' }).click()
    expect(await page.locator('.govuk-error-summary').textContent()).toContain('not right')
    await expectAccessible(page)

    await page.getByLabel('Code from your authenticator app').fill(await codeIn(key, 0))
    await page.getByRole('button', { name: 'Continue' }).click()
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Save your recovery codes')
    await expectAccessible(page)
    const recoveryCodes = await page.locator('li code').allInnerTexts()
    expect(recoveryCodes).toHaveLength(10)
    await page.getByRole('button', { name: 'I have saved my recovery codes' }).click()
    await page.waitForURL('**/dashboard')
    await page.goto('/account/second-factor')
    expect(await page.locator('main').textContent()).toContain('10 unused recovery codes')
    await expectAccessible(page)
    await signOut(page)

    await signInWithPassword(page)
    await page.waitForURL('**/sign-in/second-factor')
    await expectAccessible(page)
    await page.getByLabel('Enter the code from your authenticator app').fill(await codeIn(key, 1))
    await page.getByRole('button', { name: 'Continue' }).click()
    await page.waitForURL('**/dashboard')
    await signOut(page)

    await signInWithPassword(page)
    await page.waitForURL('**/sign-in/second-factor')
    await page.getByRole('link', { name: /use a recovery code/ }).click()
    await expectAccessible(page)
    await page.getByLabel('Enter a recovery code').fill(recoveryCodes[0] ?? '')
    await page.getByRole('button', { name: 'Continue' }).click()
    await page.waitForURL('**/dashboard')

    // The admin's page to reset someone else's second factor.
    await page.goto('/people')
    await page.locator('main table a[href^="/people/"]').first().click()
    await page.getByRole('link', { name: 'Reset their second factor for signing in' }).click()
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain(
      'Reset the second factor of',
    )
    await expectAccessible(page)
    await context.close()
  })
})
