import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectAccessible, launch, newContext, signIn } from './browser.ts'

let browser: Browser
let sessionPath = ''

beforeAll(async () => {
  browser = await launch()
})
afterAll(() => browser?.close())

/** A signed-in browser; axe needs scripts, so the checks without them only submit forms. */
async function signedIn(email: string, javaScript = true): Promise<Page> {
  const context = await newContext(browser, { javaScript })
  const page = await context.newPage()
  // A step that cannot find its element fails in seconds, naming it, rather than at the test's limit.
  page.setDefaultTimeout(10_000)
  await signIn(page, email)
  return page
}

describe('booking a place, every page passing axe', () => {
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
    // The course asks how confident the applicant is on each objective.
    for (const [objective, score] of [
      ['Share information with other agencies lawfully and in time', '4'],
      ['Make a referral that says what was seen and why it matters', '6'],
    ] as const)
      await page
        .getByRole('group', { name: objective })
        .getByRole('radio', { name: score, exact: true })
        .check()
    await page.getByRole('button', { name: 'Apply' }).click()
    await expect.poll(() => page.locator('.govuk-summary-list').last().textContent()).toContain('Applied')
    // The success banner says what happened, and takes focus so a screen reader hears it.
    const banner = page.locator('.govuk-notification-banner--success')
    expect(await banner.locator('h3').textContent()).toMatch(
      /^You applied for Working together to safeguard children and adults on \d+ \w+ \d{4}$/,
    )
    await expect.poll(() => page.locator('.govuk-notification-banner--success:focus').count()).toBe(1)
    await expectAccessible(page)

    await page.getByRole('link', { name: 'Withdraw the application' }).click()
    await expectAccessible(page)
    await page.goto('/bookings')
    await expectAccessible(page)
    await page.context().close()
  })

  it('an agency lead applies for one of their staff without JavaScript', async () => {
    const page = await signedIn('agency-lead@norfolk.example.org', false)
    await page.goto('/p/norfolk/courses')
    await page.getByRole('link', { name: 'Working together to safeguard children and adults' }).click()
    await page
      .getByRole('link', { name: /^Apply/ })
      .last()
      .click()
    await page.getByRole('radio', { name: /Someone in my agencies/ }).check()
    // Their staff are listed by name, agency and job title.
    await page.getByLabel('If someone else, choose them from the list').selectOption({
      label: 'Pat Practitioner, Home-Start Norfolk, Early help worker',
    })
    await page.getByLabel('Line manager’s email address').fill('manager@example.org')
    await page.getByRole('radio', { name: 'No', exact: true }).check()
    await page.getByRole('button', { name: 'Apply' }).click()
    await expect
      .poll(() => page.locator('h1').textContent())
      .toBe('Working together to safeguard children and adults')
    expect(await page.locator('main').textContent()).toContain('Pat Practitioner')
    expect(await page.locator('.govuk-notification-banner--success h3').textContent()).toMatch(
      /^You applied for Pat Practitioner to go on Working together to safeguard children and adults on /,
    )
    // The page they land on leads to their staff's applications, where this one is.
    const application = new URL(page.url()).pathname
    await page.getByRole('link', { name: 'See all your staff’s applications and places' }).click()
    await expect.poll(() => page.locator('h1').textContent()).toBe('Staff applications and places')
    expect(await page.locator(`tbody tr:has(a[href="${application}"])`).textContent()).toContain(
      'Pat Practitioner',
    )
    await page.context().close()
  })

  it('an agency lead’s applying form and staff list pass axe, the staff list filtered by person', async () => {
    const page = await signedIn('agency-lead@norfolk.example.org')
    await page.goto(`${sessionPath}/apply`)
    await page.getByRole('radio', { name: /Someone in my agencies/ }).check()
    await expectAccessible(page)
    // A lead's pages are many: the staff list is on their menu.
    await page.getByRole('link', { name: 'Menu', exact: true }).click()
    await page.getByRole('link', { name: 'Staff applications', exact: true }).click()
    await page.getByLabel('Person or course (optional)').fill('Pat working together')
    await page.getByLabel('Status (optional)').selectOption({ label: 'Applied' })
    await page.getByRole('button', { name: 'Search' }).click()
    await expect.poll(() => page.url()).toContain('status=applied')
    const tags = await page.locator('tbody .govuk-tag').allTextContents()
    expect(tags.length).toBeGreaterThan(0)
    expect(new Set(tags)).toEqual(new Set(['Applied']))
    await expectAccessible(page)
    await page.locator('tbody a').first().click()
    await expect.poll(() => page.locator('.govuk-back-link').getAttribute('href')).toBe('/bookings/staff')
    await expectAccessible(page)
    await page.context().close()
  })

  it('an admin allocates the places and reviews the proposal with its reasons', async () => {
    const page = await signedIn('admin@norfolk.example.org')
    await page.goto(`${sessionPath}/places`)
    await expectAccessible(page)
    await page.getByRole('button', { name: 'Allocate places now' }).click()
    // Before applications close, allocating says what it does and asks to be confirmed.
    await expect
      .poll(() => page.locator('h1').textContent())
      .toBe('Allocate places before applications close?')
    await expectAccessible(page)
    await page.getByRole('button', { name: 'Allocate places now' }).click()
    await expect.poll(() => page.locator('caption').first().textContent()).toContain('With a place')
    expect(await page.locator('.govuk-notification-banner').textContent()).toContain('Places allocated')
    expect(await page.locator('main').textContent()).toContain('place 1 of 24: first applicant from')
    await expectAccessible(page)
    // The register, before the session starts, and the form for a concern about a delegate.
    await page.goto(`${sessionPath}/register`)
    await expectAccessible(page)
    await page.goto(`${sessionPath}/concerns/new`)
    await page.getByRole('button', { name: 'Record the concern' }).click()
    await expect.poll(() => page.locator('.govuk-error-summary').count()).toBe(1)
    await expectAccessible(page)
    await page.context().close()
  })
})
