import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, it } from 'vitest'
import { expectAccessible, launch } from './browser.ts'

// The timeout warning runs against the server's own idle time, so these journeys get a server
// of their own whose sign-ins end after one idle minute (the warning then comes at 30 seconds
// left): the shared server's 30 minutes cannot be waited out.

let server: ChildProcess | undefined
let dataDir = ''
let baseURL = ''
let browser: Browser

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      const port = typeof address === 'object' && address ? address.port : 0
      probe.close(() => resolve(port))
    })
  })
}

async function waitUntilReady(url: string, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${url}/health/ready`)).ok) return
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  throw new Error('The one-minute server did not become ready in time')
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'cascade-e2e-timeout-'))
  const port = await freePort()
  baseURL = `http://127.0.0.1:${port}`
  server = spawn(process.execPath, ['src/server.ts'], {
    env: {
      ...process.env,
      NODE_ENV: 'development',
      PORT: String(port),
      HOST: '127.0.0.1',
      CASCADE_DATA_DIR: dataDir,
      PUBLIC_URL: baseURL,
      LOG_LEVEL: 'warn',
      SIGN_IN_ATTEMPTS_PER_MINUTE: '1000',
      SESSION_IDLE_MINUTES: '1',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  await waitUntilReady(baseURL, Date.now() + 90_000)
  browser = await launch()
}, 120_000)

afterAll(async () => {
  await browser?.close()
  if (server && server.exitCode === null) {
    server.kill('SIGTERM')
    await new Promise((resolve) => server?.once('exit', resolve))
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
})

async function open(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL, timezoneId: 'Europe/London', locale: 'en-GB' })
  const page = await context.newPage()
  page.setDefaultTimeout(10_000)
  return { context, page }
}

/** Signs in with a password: the sign-in form's own email field, whatever else the page offers. */
async function signIn(page: Page, email: string): Promise<void> {
  await page.goto('/sign-in')
  await page.locator('input#email').fill(email)
  await page.getByLabel('Password').fill('cascade-demo')
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'))
}

/** The element with the keyboard's focus: its id, text and tag. */
const focused = (page: Page) =>
  page.evaluate<{ id: string; text: string; tag: string }>(`(() => {
    const active = document.activeElement
    return { id: active?.id ?? '', text: active?.textContent?.trim() ?? '', tag: active?.tagName ?? '' }
  })()`)

// Each journey waits out real time as a different person, so they wait together; tests that
// run together must assert with their own `expect`, which each takes from its context.
describe.concurrent('the timeout warning', () => {
  it('warns before an idle sign-in ends; staying signed in by keyboard keeps it', async ({ expect }) => {
    const { context, page } = await open()
    await signIn(page, 'practitioner@jersey.example.org')
    await page.goto('/account')
    const dialog = page.locator('dialog#cascade-timeout')
    expect(await dialog.isVisible()).toBe(false)
    // Where the person was: focus goes back there when the warning closes.
    const before = page.locator('main a').first()
    await before.focus()
    const was = await focused(page)

    await expect.poll(() => dialog.isVisible(), { timeout: 50_000, interval: 500 }).toBe(true)
    expect(await dialog.getAttribute('open')).not.toBeNull()
    expect(await page.getByRole('heading', { name: 'You’re about to be signed out' }).isVisible()).toBe(true)
    expect((await focused(page)).id).toBe('cascade-timeout')
    // The page behind is inert while the warning is open: a modal dialog.
    expect(await page.evaluate<boolean>(`document.querySelector('dialog').matches(':modal')`)).toBe(true)
    expect(await dialog.locator('[data-timeout-countdown]').textContent()).toMatch(/second/)
    expect(await dialog.locator('[aria-live="polite"]').textContent()).toMatch(
      /^For your security, we will sign you out in \d+ seconds?\.$/,
    )
    await expectAccessible(page)

    // Keyboard only: Tab reaches "Stay signed in", Tab goes round the dialog, Enter presses it.
    await page.keyboard.press('Tab')
    expect((await focused(page)).text).toBe('Stay signed in')
    await page.keyboard.press('Tab')
    expect((await focused(page)).text).toBe('Sign out')
    await page.keyboard.press('Tab')
    expect((await focused(page)).text).toBe('Stay signed in')
    await page.keyboard.press('Enter')
    await expect.poll(() => dialog.isVisible()).toBe(false)
    expect(await focused(page)).toEqual(was)

    // The server counted it as use: a full idle minute again, and the page still opens.
    const status = await page.request.get('/account/session-status')
    expect(((await status.json()) as { remainingSeconds: number }).remainingSeconds).toBeGreaterThan(50)
    await page.goto('/account')
    expect(new URL(page.url()).pathname).toBe('/account')
    await context.close()
  }, 120_000)

  it('saves what is being typed in a long form as a draft, and fills the form from it again', async ({
    expect,
  }) => {
    const { context, page } = await open()
    await signIn(page, 'agency-lead@jersey.example.org')
    await page.goto('/audits')
    await page.locator('main a[href^="/audits/returns/"]').first().click()
    await page.locator('main a[href*="/standards/"]').first().click()
    const answer = new URL(page.url()).pathname
    const narrative = page.locator('textarea[name="narrative"]')
    await narrative.fill('Half way through writing how we meet this standard')
    // The page saves it within half a minute, and says when.
    await expect
      .poll(() => page.locator('[data-draft-status]').textContent(), { timeout: 45_000, interval: 500 })
      .toMatch(/^Draft saved at \d{1,2}:\d{2}(am|pm)$/)
    await page.goto(answer)
    expect(await narrative.inputValue()).toBe('Half way through writing how we meet this standard')
    expect(await page.locator('.govuk-notification-banner').textContent()).toContain(
      'answers you saved as a draft',
    )
    await expectAccessible(page)
    await context.close()
  }, 120_000)

  it('signs out when the time runs out, on a page that says why and leads back', async ({ expect }) => {
    const { context, page } = await open()
    await signIn(page, 'trainer@jersey.example.org')
    await page.goto('/account')
    await page.waitForURL((url) => url.pathname === '/session-ended', { timeout: 100_000 })
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('You have been signed out')
    expect(await page.locator('main').textContent()).toContain(
      'because you did nothing in Cascade for 1 minute',
    )
    await expectAccessible(page)
    // Nothing of the sign-in is left: a signed-in page sends the browser to sign in.
    await page.getByRole('link', { name: 'Sign in again' }).click()
    await page.waitForURL((url) => url.pathname === '/sign-in')
    expect(new URL(page.url()).searchParams.get('returnTo')).toBe('/account')
    await context.close()
  }, 150_000)
})
