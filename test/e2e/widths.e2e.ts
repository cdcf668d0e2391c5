import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { baseUrl, launch, signIn } from './browser.ts'

let browser: Browser

beforeAll(async () => {
  browser = await launch()
})
afterAll(() => browser?.close())

/** The page's own width beyond the viewport, and the elements that stick out furthest. */
async function overflow(page: Page): Promise<{ extra: number; culprits: string[] }> {
  // Runs in the page (as a string: the tests are compiled without the DOM's types).
  return page.evaluate(`(() => {
    const width = window.innerWidth
    const extra = document.documentElement.scrollWidth - width
    const culprits = [...document.querySelectorAll('body *')]
      .map((element) => ({ element, right: element.getBoundingClientRect().right }))
      .filter(({ right }) => right > width + 1)
      .sort((a, b) => b.right - a.right)
      .slice(0, 3)
      .map(({ element, right }) => element.tagName.toLowerCase() + (element.className ? '.' + String(element.className).split(' ').join('.') : '') + ' to ' + Math.round(right) + 'px')
    return { extra, culprits }
  })()`)
}

const publicPages = [
  '/',
  '/sign-in',
  '/p/norfolk/courses',
  '/p/norfolk/register',
  '/p/norfolk/learning',
  '/p/norfolk/subscribe',
  '/p/norfolk/newsletters',
  '/verify',
  '/accessibility',
  '/p/north-somerset/pathway',
  '/p/north-somerset/pathway?path=0.1',
]
const byRole: Record<string, string[]> = {
  'practitioner@norfolk.example.org': [
    '/dashboard',
    '/bookings',
    '/certificates',
    '/my-record',
    '/account',
    '/needs',
    '/learning',
    '/learning/subscription',
    '/training',
    '/training/evidence/new',
  ],
  'agency-lead@norfolk.example.org': [
    '/dashboard',
    '/people',
    '/registrations',
    '/agencies',
    '/bookings/staff',
    '/quality/returns',
    '/compliance',
    '/evidence',
  ],
  'trainer@norfolk.example.org': [
    '/dashboard',
    '/courses',
    '/trainers',
    '/trainers/cpd',
    '/quality/observations',
  ],
  'admin@norfolk.example.org': [
    '/dashboard',
    '/menu',
    '/courses',
    '/programme',
    '/policy',
    '/charges',
    '/invoices',
    '/invoices/new',
    '/contracts',
    '/complaints',
    '/evaluation',
    '/learning/products',
    '/learning/products/new',
    '/learning/newsletters',
    '/learning/newsletters/new',
    '/quality',
    '/quality/standards/change',
    '/quality/rounds',
    '/quality/summary',
    '/trainers',
    '/pathways',
    '/pathways/tree/change',
    '/pathways/recognitions',
    '/compliance',
    '/reports',
    '/reports?period=2026',
    '/reports/2026-Q2/narrative',
  ],
}

/**
 * WCAG 1.4.10 (reflow): at 320 CSS pixels, as on a phone, and at 1280, as on a laptop, no page
 * may scroll sideways. Tables of data may scroll inside their own box; the page may not.
 */
describe('no page scrolls sideways', () => {
  for (const width of [320, 1280]) {
    it(`at ${width} px`, async () => {
      const failures: string[] = []
      const check = async (page: Page, path: string) => {
        await page.goto(path)
        const { extra, culprits } = await overflow(page)
        if (extra > 0) failures.push(`${path} (${page.url()}) is ${extra}px too wide: ${culprits.join(', ')}`)
      }
      const visitor = await browser.newContext({ baseURL: baseUrl(), viewport: { width, height: 800 } })
      const page = await visitor.newPage()
      page.setDefaultTimeout(10_000)
      for (const path of publicPages) await check(page, path)
      // A course's own page, with its dates.
      await page.goto('/p/norfolk/courses')
      await page.getByRole('link', { name: 'Working together to safeguard children and adults' }).click()
      await check(page, new URL(page.url()).pathname)
      await visitor.close()

      for (const [email, paths] of Object.entries(byRole)) {
        const context = await browser.newContext({ baseURL: baseUrl(), viewport: { width, height: 800 } })
        const signedIn = await context.newPage()
        signedIn.setDefaultTimeout(10_000)
        await signIn(signedIn, email)
        for (const path of paths) await check(signedIn, path)
        await context.close()
      }
      // Agency audits, whose demo cycles are the first partnership's: the cycle, its results
      // (a heatmap as wide as the agencies, scrolling in its own box), report and a return.
      const audits = await browser.newContext({ baseURL: baseUrl(), viewport: { width, height: 800 } })
      const admin = await audits.newPage()
      admin.setDefaultTimeout(10_000)
      await signIn(admin, 'admin@jersey.example.org')
      for (const path of [
        '/audits',
        '/audits/templates',
        '/audits/cycles',
        '/audits/cycles/new',
        '/audits/case-audits',
      ])
        await check(admin, path)
      await admin.goto('/audits/cycles')
      await admin.locator('main a', { hasText: '2025-26' }).first().click()
      const cycle = new URL(admin.url()).pathname
      await check(admin, cycle)
      await check(admin, `${cycle}/results`)
      await check(admin, `${cycle}/report`)
      await check(admin, `${cycle}/challenge`)
      await admin.goto(cycle)
      await admin.locator('main table a').first().click()
      await check(admin, new URL(admin.url()).pathname)
      await audits.close()
      expect(failures).toEqual([])
    })
  }
})
