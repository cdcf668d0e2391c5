import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectAccessible, launch, newContext, signIn } from './browser.ts'

let browser: Browser

beforeAll(async () => {
  browser = await launch()
})
afterAll(() => browser?.close())

async function open(as?: string, javaScript = true): Promise<Page> {
  const context = await newContext(browser, { javaScript })
  const page = await context.newPage()
  page.setDefaultTimeout(10_000)
  if (as) await signIn(page, as)
  return page
}

describe('evaluation, every page passing axe', () => {
  it('an admin finds the evaluation pages and adds a question, with errors', async () => {
    const page = await open('admin@jersey.example.org')
    for (const path of ['/evaluation', '/questionnaires', '/impact', '/surveys', '/telephone']) {
      await page.goto(path)
      await expectAccessible(page)
    }
    await page.goto('/questionnaires')
    await page.getByRole('link', { name: 'After the course' }).click()
    await expectAccessible(page)
    await page.getByRole('button', { name: 'Add the question' }).click()
    await expect.poll(() => page.locator('.govuk-error-summary').count()).toBe(1)
    await expectAccessible(page)
    await page.getByRole('radio', { name: /^Free text/ }).check()
    await page.getByLabel('Question', { exact: true }).fill('What will you tell your team?')
    await page.getByRole('button', { name: 'Add the question' }).click()
    await expect.poll(() => page.locator('main').textContent()).toContain('What will you tell your team?')
    await page.getByRole('button', { name: 'Publish version 2' }).click()
    await expect.poll(() => page.locator('main').textContent()).toContain('Version 2 was published')
    await expectAccessible(page)
    await page.goto('/telephone')
    await page.getByRole('button', { name: 'Draw this month’s sample now' }).click()
    await page.locator('tbody a').first().click()
    await expectAccessible(page)
    await page.context().close()
  })

  it('someone put forward by an admin answers the questions from their emailed link', async () => {
    const admin = await open('admin@shropshire.example.org')
    await admin.goto('/p/shropshire/courses')
    await admin.getByRole('link', { name: 'Working together to safeguard children and adults' }).click()
    await admin
      .getByRole('link', { name: /^Apply/ })
      .first()
      .click()
    await admin.getByRole('radio', { name: /Someone else in the partnership/ }).check()
    await admin.getByLabel('Their work email address').fill('practitioner@shropshire.example.org')
    await admin.getByLabel('Line manager’s email address').fill('manager@example.org')
    await admin.getByRole('radio', { name: 'No', exact: true }).check()
    await admin.getByRole('button', { name: 'Apply' }).click()
    await expect.poll(() => admin.locator('main').textContent()).toContain('Pat Practitioner')
    await admin.goto('/dev/outbox')
    const link = /https?:\/\/[^\s"&<]+\/p\/shropshire\/evaluate\/[A-Za-z0-9._-]+/.exec(
      (await admin.content()) ?? '',
    )?.[0]
    expect(link).toBeTruthy()
    await admin.context().close()

    const page = await open()
    await page.goto(link ?? '')
    await expectAccessible(page)
    await page.getByRole('button', { name: 'Send my answers' }).click()
    await expect.poll(() => page.locator('.govuk-error-summary').count()).toBe(1)
    await expectAccessible(page)
    for (const objective of [
      'Share information with other agencies lawfully and in time',
      'Make a referral that says what was seen and why it matters',
    ])
      await page
        .getByRole('group', { name: objective })
        .getByRole('radio', { name: '5', exact: true })
        .check()
    await page.getByRole('button', { name: 'Send my answers' }).click()
    await expect.poll(() => page.locator('h1').textContent()).toContain('Thank you')
    await expectAccessible(page)
    await page.context().close()

    // The answers reach the impact view: charts drawn on the server beside their tables.
    const again = await open('admin@shropshire.example.org')
    await again.goto('/impact')
    expect(await again.locator('svg[role="img"]').count()).toBe(2)
    await expectAccessible(again)
    await again.context().close()
  })

  it('an admin opens an anonymous survey, which anyone answers without JavaScript', async () => {
    const admin = await open('admin@south-gloucestershire.example.org')
    await admin.goto('/surveys')
    await admin.getByRole('button', { name: 'Open the survey' }).click()
    await expect.poll(() => admin.locator('.govuk-error-summary').count()).toBe(1)
    await expectAccessible(admin)
    await admin.getByLabel('Title').fill('Tell us about your training')
    await admin.getByRole('radio', { name: 'Stakeholder consultation' }).check()
    await admin.getByLabel('Questionnaire').selectOption({ label: 'Three months on' })
    await admin.getByLabel('Day').fill('31')
    await admin.getByLabel('Month').fill('12')
    await admin.getByLabel('Year').fill('2040')
    await admin.getByRole('button', { name: 'Open the survey' }).click()
    await expect.poll(() => admin.locator('h1').textContent()).toBe('Tell us about your training')
    await expectAccessible(admin)
    const link = (await admin.locator('main a[href*="/surveys/"]').first().getAttribute('href')) ?? ''
    await admin.context().close()

    const visitor = await open()
    await visitor.goto(link)
    await expectAccessible(visitor)
    await visitor.context().close()

    const noScript = await open(undefined, false)
    await noScript.goto(link)
    for (const objective of ['The course has changed how I work'])
      await noScript
        .getByRole('group', { name: objective })
        .getByRole('radio', { name: 'Agree', exact: true })
        .check()
    await noScript.getByRole('button', { name: 'Send my answers' }).click()
    await expect.poll(() => noScript.locator('h1').textContent()).toContain('Thank you')
    await noScript.context().close()
  })
})
