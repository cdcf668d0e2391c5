import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { chromium } from 'playwright-core'
import { expect, inject } from 'vitest'

const require = createRequire(import.meta.url)
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8')

export const baseUrl = () => inject('baseUrl')

/** Debian's Chromium, headless, with nothing reaching out to the network on its own. */
export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

export function newContext(
  browser: Browser,
  options: { javaScript?: boolean } = {},
): Promise<BrowserContext> {
  return browser.newContext({
    baseURL: baseUrl(),
    timezoneId: 'Europe/London',
    locale: 'en-GB',
    javaScriptEnabled: options.javaScript ?? true,
  })
}

/** Runs axe with the WCAG 2.2 A and AA rules and fails with each violation's rule and target. */
export async function expectAccessible(page: Page): Promise<void> {
  await page.evaluate(axeSource)
  type Violation = { id: string; help: string; nodes: { target: string[] }[] }
  const result = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as { axe: { run(options: object): Promise<{ violations: Violation[] }> } }
    ).axe
    return axe.run({
      // Only violations are read, so axe need not gather the elements that passed each rule.
      resultTypes: ['violations'],
      runOnly: {
        type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'],
      },
    })
  })
  const violations = result.violations.map(
    (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
  )
  expect(violations, `axe on ${page.url()}`).toEqual([])
}

type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>
const signedIn = new Map<string, Promise<StorageState>>()

/**
 * A new browser context already signed in as this person. Each person signs in once in a
 * test file and later contexts start from that sign-in's cookies: checking a password is
 * deliberately slow, and was most of the time of a test that looks at one page.
 */
export async function signedInContext(
  browser: Browser,
  email: string,
  options: { javaScript?: boolean } = {},
): Promise<BrowserContext> {
  let state = signedIn.get(email)
  if (!state) {
    state = (async () => {
      const context = await newContext(browser)
      const page = await context.newPage()
      await signIn(page, email)
      const saved = await context.storageState()
      await context.close()
      return saved
    })()
    signedIn.set(email, state)
  }
  return browser.newContext({
    baseURL: baseUrl(),
    timezoneId: 'Europe/London',
    locale: 'en-GB',
    javaScriptEnabled: options.javaScript ?? true,
    storageState: await state,
  })
}

export async function signIn(page: Page, email: string, password = 'cascade-demo'): Promise<void> {
  await page.goto('/sign-in')
  await page.getByLabel('Email address').fill(email)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'))
}
