import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectAccessible, launch } from './browser.ts'
import { mainText, openAs } from './journeys.ts'

let browser: Browser

beforeAll(async () => {
  browser = await launch()
})
afterAll(() => browser?.close())

describe('a sub-group member turns a need into a proposal', () => {
  it('finds the practitioner’s need from the menu and proposes how to meet it, for the executive', {
    timeout: 180_000,
  }, async () => {
    const page = await openAs(browser, 'subgroup@south-gloucestershire.example.org')
    // The home page says what waits on the sub-group: the needs to propose on.
    await expectAccessible(page)
    await page.locator('#to-do-needs-to-propose a').first().click()
    await expectAccessible(page)
    await page.getByRole('link', { name: /recognise cumulative neglect early/ }).click()
    await expectAccessible(page)
    await page.getByRole('button', { name: 'Propose' }).click()
    await expect.poll(() => page.locator('.govuk-error-summary').count()).toBe(1)
    await expectAccessible(page)

    await page.getByRole('radio', { name: 'Multi-agency training' }).check()
    await page.getByLabel('Estimated delivery').fill('1')
    await page.getByLabel('Estimated cost').fill('450')
    await page.getByLabel('Programme year').selectOption({ index: 1 })
    await page
      .getByLabel('Summary for the executive (optional)')
      .fill('A half-day course with the neglect toolkit')
    await page.getByRole('button', { name: 'Propose' }).click()
    await expect.poll(mainText(page)).toContain('The sub-group’s proposal')
    expect(await mainText(page)()).toContain('A half-day course with the neglect toolkit')
    expect(await page.getByRole('button', { name: 'Change the proposal' }).count()).toBe(1)
    await expectAccessible(page)

    // It now waits for the executive, among the proposed needs.
    await page.getByRole('link', { name: 'Menu', exact: true }).click()
    await page.getByRole('link', { name: 'Needs analysis' }).first().click()
    await page.getByRole('link', { name: 'proposed', exact: true }).click()
    expect(await page.getByRole('link', { name: /recognise cumulative neglect early/ }).count()).toBe(1)
    await page.context().close()
  })
})
