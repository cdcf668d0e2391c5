import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectAccessible, launch } from './browser.ts'
import { mainText, openAs } from './journeys.ts'

let browser: Browser

beforeAll(async () => {
  browser = await launch()
})
afterAll(() => browser?.close())

// A course of its own in Shropshire, so no other journey's data is touched.
const course = 'Working with families'
const year = String(new Date().getFullYear() + 1)

describe('an admin runs the programme', () => {
  it('adds a course with a draft session, publishes both, and allocates and confirms the places', {
    timeout: 180_000,
  }, async () => {
    const page = await openAs(browser, 'admin@shropshire.example.org')
    // An admin's pages are grouped on their menu.
    await page.getByRole('link', { name: 'Menu', exact: true }).click()
    await expectAccessible(page)
    await page.getByRole('link', { name: 'Courses' }).first().click()
    await page.getByRole('button', { name: 'Add a course' }).click()
    await page.getByRole('button', { name: 'Save' }).click()
    await expect.poll(() => page.locator('.govuk-error-summary').count()).toBe(1)
    await expectAccessible(page)
    await page.getByLabel('Title').fill(course)
    await page.getByLabel('Multi-agency training').check()
    await page.getByLabel('Learning objectives').fill('Plan a visit with the family\nRecord what was seen')
    await page.getByLabel('How impact will be judged').fill('Confidence at follow-up')
    await page.getByRole('button', { name: 'Save' }).click()
    await expect.poll(() => page.locator('h1').textContent()).toBe(course)
    await expectAccessible(page)

    // A draft course's session is a draft too.
    await page.getByRole('button', { name: 'Add a session' }).click()
    await page.getByRole('button', { name: 'Save the session' }).click()
    await expect.poll(() => page.locator('.govuk-error-summary').count()).toBe(1)
    await expectAccessible(page)
    await page.locator('input#part1-day').fill('9')
    await page.locator('input#part1-month').fill('3')
    await page.locator('input#part1-year').fill(year)
    await page.getByLabel('Starts at').fill('9:30am')
    await page.getByLabel('Ends at').fill('12:30pm')
    await page.getByLabel('In person, at a venue').check()
    await page.getByLabel('Venue', { exact: true }).fill('Shirehall')
    await page.getByLabel('Address').fill('Abbey Foregate, Shrewsbury')
    await page.getByLabel('Number of places', { exact: true }).fill('20')
    await page.getByRole('button', { name: 'Save the session' }).click()
    await expect.poll(() => page.locator('.govuk-caption-l').textContent()).toBe('Session')
    await expect.poll(mainText(page)).toContain(`9 March ${year}, 9:30am to 12:30pm`)
    await expectAccessible(page)

    // Publishing offers to open the draft session with the course.
    await page.getByRole('link', { name: 'Back' }).click()
    expect(await page.getByRole('checkbox', { name: new RegExp(`^9 March ${year}`) }).isChecked()).toBe(true)
    await page.getByRole('button', { name: 'Publish this course' }).click()
    await expect.poll(() => page.locator('.govuk-caption-l').textContent()).toMatch(/Published/)
    expect(await mainText(page)()).toContain('The course is published, with 1 of its 1 draft session open')
    await expectAccessible(page)

    // Someone applies, put forward by the admin for their agency.
    await page.goto('/p/shropshire/courses')
    await page.getByRole('link', { name: course }).click()
    await page.getByRole('link', { name: /^Apply/ }).click()
    await page.getByRole('radio', { name: /Someone else in the partnership/ }).check()
    await page.getByLabel('Their work email address').fill('practitioner@shropshire.example.org')
    await page.getByLabel('Line manager’s email address').fill('manager@example.org')
    await page.getByRole('radio', { name: 'No', exact: true }).check()
    await page.getByRole('button', { name: 'Apply' }).click()
    await expect.poll(mainText(page)).toContain('Pat Practitioner')

    // Allocating before applications close says what it does and asks to be confirmed.
    await page.getByRole('link', { name: 'Menu', exact: true }).click()
    await page.getByRole('link', { name: 'Courses' }).first().click()
    await page.getByRole('link', { name: course }).click()
    await page.getByRole('link', { name: new RegExp(`^9 March ${year}`) }).click()
    await page.getByRole('link', { name: 'Applications and places' }).click()
    await expectAccessible(page)
    await page.getByRole('button', { name: 'Allocate places now' }).click()
    await expect
      .poll(() => page.locator('h1').textContent())
      .toBe('Allocate places before applications close?')
    await expectAccessible(page)
    await page.getByRole('button', { name: 'Allocate places now' }).click()
    await expect.poll(() => page.locator('caption').first().textContent()).toContain('With a place')
    expect(await page.locator('.govuk-notification-banner').textContent()).toContain('Places allocated')
    expect(await mainText(page)()).toContain('place 1 of 20: first applicant from')
    expect(await page.locator('table').first().textContent()).toContain('Pat Practitioner')
    await expectAccessible(page)

    await page.getByRole('button', { name: 'Confirm and tell everyone' }).click()
    await expect
      .poll(() => page.locator('h1').textContent())
      .toBe('Confirm places before applications close?')
    await page.getByRole('button', { name: 'Confirm and tell everyone now' }).click()
    await expect
      .poll(() => page.locator('.govuk-notification-banner').textContent())
      .toContain('Places confirmed and everyone told')
    await expectAccessible(page)

    // The register waits for the session to start; a concern about a delegate can be recorded.
    const session = new URL(page.url()).pathname.replace(/\/places$/, '')
    await page.goto(`${session}/register`)
    expect(await mainText(page)()).toContain('The register can be taken once the session starts')
    await expectAccessible(page)
    await page.goto(`${session}/concerns/new`)
    await page.getByRole('button', { name: 'Record the concern' }).click()
    await expect.poll(() => page.locator('.govuk-error-summary').count()).toBe(1)
    await expectAccessible(page)
    await page.context().close()
  })
})
