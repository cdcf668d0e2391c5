import type { Browser, Page } from 'playwright-core'
import { expect } from 'vitest'
import { newContext, signIn } from './browser.ts'

/**
 * A new browser tab of its own (no cookies shared with another role's), signed in when `as` is
 * given. A step that cannot find its element fails in seconds, naming it, not at the test's limit.
 */
export async function openAs(
  browser: Browser,
  as?: string,
  options: { javaScript?: boolean } = {},
): Promise<Page> {
  const context = await newContext(browser, options)
  const page = await context.newPage()
  page.setDefaultTimeout(10_000)
  if (as) await signIn(page, as)
  return page
}

/**
 * The plain text of the latest email with this subject to this address in the development
 * outbox, waiting up to 30 seconds for it: mail written by a job arrives when the job runs, and
 * a stalled job queue fails the journey here.
 */
export async function emailTo(
  page: Page,
  to: string,
  subject: string,
  options: { newerThan?: string } = {},
): Promise<string> {
  const summary = `${subject} to ${to} (`
  let text = ''
  await expect
    .poll(
      async () => {
        await page.goto('/dev/outbox')
        const mail = page.locator('details').filter({ hasText: summary }).first()
        text = (await mail.count()) ? ((await mail.locator('pre').textContent()) ?? '') : ''
        // An earlier email of the same kind is not the one waited for.
        return text !== '' && text !== options.newerThan
      },
      { timeout: 30_000, interval: 1_000, message: `an email “${subject}” to ${to}` },
    )
    .toBe(true)
  return text
}

/**
 * Signs in with a link sent by email, as someone without a password does; gives the email's
 * text, so a second sign-in can wait for a newer link than the first.
 */
export async function signInWithLink(page: Page, email: string, newerThan?: string): Promise<string> {
  await page.goto('/sign-in/link')
  await page.getByLabel('Work email address').fill(email)
  await page.getByRole('button', { name: 'Send the link' }).click()
  await expect.poll(() => page.locator('h1').textContent()).toBe('Check your email')
  const text = await emailTo(page, email, 'Your sign-in link for Cascade', { newerThan })
  await page.goto(linkIn(text, /^\/sign-in\/link\/./))
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'))
  return text
}

/** The first link in an email's text to a path matching `path`, e.g. /\/p\/norfolk\/evaluate\//. */
export function linkIn(text: string, path: RegExp): string {
  const link = text.match(/https?:\/\/\S+/g)?.find((url) => path.test(new URL(url).pathname))
  expect(link, `a link to ${path} in:\n${text}`).toBeTruthy()
  return link ?? ''
}

/** The text of the page's main content, for `expect.poll`. */
export const mainText = (page: Page) => async () => (await page.locator('main').textContent()) ?? ''
