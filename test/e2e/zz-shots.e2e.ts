import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, it } from 'vitest'
import { launch, newContext, signIn } from './browser.ts'

let browser: Browser
beforeAll(async () => {
  browser = await launch()
})
afterAll(() => browser?.close())

it('shots', async () => {
  const context = await newContext(browser, { javaScript: true })
  const page = await context.newPage()
  await page.setViewportSize({ width: 1280, height: 900 })
  await signIn(page, 'admin@jersey.example.org')
  await page.goto('/audits/cycles')
  await page.screenshot({ path: '/tmp/s-cycles.png', fullPage: true })
  await page.locator('main a', { hasText: '2025-26' }).first().click()
  await page.screenshot({ path: '/tmp/s-cycle.png', fullPage: true })
  await page.getByRole('link', { name: 'Results of the cycle' }).click()
  await page.screenshot({ path: '/tmp/s-results.png', fullPage: true })
  await page.goBack()
  await page.locator('main table a').first().click()
  await page.screenshot({ path: '/tmp/s-return.png', fullPage: true })
  await page.goto('/audits')
  await page.screenshot({ path: '/tmp/s-hub.png', fullPage: true })
  await page.goto('/audits/case-audits/new')
  await page.screenshot({ path: '/tmp/s-ca-new.png', fullPage: true })
  await page.setViewportSize({ width: 320, height: 800 })
  await page.goto('/audits/cycles')
  await page.locator('main a', { hasText: '2025-26' }).first().click()
  await page.getByRole('link', { name: 'Results of the cycle' }).click()
  await page.screenshot({ path: '/tmp/s-results-320.png', fullPage: false })
  await context.close()
})
