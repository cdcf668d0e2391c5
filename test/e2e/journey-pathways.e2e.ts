import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectAccessible, launch } from './browser.ts'
import { mainText, openAs } from './journeys.ts'

let browser: Browser

beforeAll(async () => {
  browser = await launch()
})
afterAll(() => browser?.close())

const PRACTITIONER = 'practitioner@north-somerset.example.org'
const LEAD = 'agency-lead@north-somerset.example.org'
const CSE = 'Child sexual exploitation awareness'
const FOUNDATION = 'Multi-agency safeguarding, refreshed every three years'

/** The standing shown beside a requirement on "Your training". */
const standingOf = async (page: import('playwright-core').Page, requirement: string) =>
  ((await page.locator('table tr', { hasText: requirement }).first().textContent()) ?? '').replace(
    /\s+/g,
    ' ',
  )

describe('a North Somerset practitioner finds their pathway and evidences it', () => {
  it('answers the CSE decision tree, saves the pathway, books what it lacks, adds e-learning the lead verifies and a recognised certificate', {
    timeout: 240_000,
  }, async () => {
    // The public questions, one a page, without signing in.
    const visitor = await openAs(browser)
    await visitor.goto('/p/north-somerset/courses')
    await visitor.getByRole('link', { name: 'Which training do I need?' }).click()
    await visitor.getByRole('button', { name: 'Continue' }).click()
    await expect.poll(() => visitor.locator('.govuk-error-summary').count()).toBe(1)
    await expectAccessible(visitor)
    await visitor.getByRole('radio', { name: 'Yes' }).check()
    await visitor.getByRole('button', { name: 'Continue' }).click()
    await expect.poll(mainText(visitor)).toContain('manager or (designated) safeguarding lead')
    await expectAccessible(visitor)
    await visitor.getByRole('radio', { name: 'No' }).check()
    await visitor.getByRole('button', { name: 'Continue' }).click()
    await expect.poll(() => visitor.locator('h1').textContent()).toBe('CSE pathway')
    expect(await mainText(visitor)()).toContain('Child Sexual Exploitation (Awareness Raising)')
    await expectAccessible(visitor)
    const result = new URL(visitor.url())
    await visitor.context().close()

    // Signed in, the practitioner saves it to their record: nothing is evidenced yet.
    const pat = await openAs(browser, PRACTITIONER)
    await pat.goto(`${result.pathname}${result.search}`)
    await pat.getByRole('button', { name: 'Save this pathway to your record' }).click()
    await expect
      .poll(() => pat.locator('.govuk-notification-banner').textContent())
      .toContain('Pathway saved')
    expect(await standingOf(pat, CSE)).toContain('Not evidenced')
    expect(await standingOf(pat, FOUNDATION)).toContain('Not evidenced')
    await expectAccessible(pat)

    // What to book next: the CSE awareness course's next date, applied for from its page.
    await pat.getByRole('link', { name: 'Child Sexual Exploitation (Awareness Raising)' }).first().click()
    await pat
      .getByRole('link', { name: /^Apply/ })
      .first()
      .click()
    await pat.getByLabel('Line manager’s email address').fill(LEAD)
    await pat.getByRole('radio', { name: 'Yes' }).check()
    for (const objective of [
      'Recognise the vulnerabilities and risk indicators of child sexual exploitation',
      'Know who to contact and seek advice from when concerned',
    ])
      await pat.getByRole('group', { name: objective }).getByRole('radio', { name: '5', exact: true }).check()
    await pat.getByRole('button', { name: 'Apply' }).click()
    await expect.poll(() => pat.locator('.govuk-summary-list').last().textContent()).toContain('Applied')
    await pat.goto('/training')

    // Trust e-learning for the multi-agency foundation, waiting for the lead.
    await pat.getByRole('button', { name: 'Add learning from elsewhere' }).click()
    await pat.getByRole('radio', { name: 'E-learning' }).check()
    await pat.getByLabel('Title').fill('Safeguarding children level 3')
    await pat.getByLabel('Provider').fill('North Bristol NHS Trust')
    await pat.getByLabel('Day').fill('3')
    await pat.getByLabel('Month').fill('6')
    await pat.getByLabel('Year').fill('2025')
    await pat.getByLabel('How long it took').fill('3.5')
    await pat.getByLabel('The requirement it meets (optional)').selectOption({ label: FOUNDATION })
    await pat.getByLabel('Certificate (optional)').setInputFiles({
      name: 'level-3.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'),
    })
    await pat.getByRole('button', { name: 'Add the learning' }).click()
    await expect.poll(mainText(pat)).toContain('Waiting for the agency lead')
    expect(await standingOf(pat, FOUNDATION)).toContain('Not evidenced')

    // South Gloucestershire's certificate, which North Somerset recognises, by its code.
    await pat.getByRole('button', { name: 'Add a certificate from another partnership' }).click()
    await pat.getByLabel('Verification code').fill('csea ware sg26')
    await pat.getByRole('button', { name: 'Add the certificate' }).click()
    await expect.poll(() => standingOf(pat, CSE)).toContain('Up to date')
    await expectAccessible(pat)

    // The agency lead verifies the e-learning.
    const lead = await openAs(browser, LEAD)
    await lead.goto('/evidence')
    await expectAccessible(lead)
    await lead.getByRole('link', { name: /Safeguarding children level 3/ }).click()
    await expectAccessible(lead)
    await lead.getByRole('radio', { name: 'Verify it' }).check()
    await lead.getByRole('button', { name: 'Save the decision' }).click()
    await expect.poll(() => lead.locator('.govuk-notification-banner').count()).toBe(1)
    await lead.context().close()

    await pat.goto('/training')
    expect(await standingOf(pat, FOUNDATION)).toContain('Up to date')
    await pat.context().close()

    // The lead sees them up to date among their staff.
    const again = await openAs(browser, LEAD)
    await again.goto('/compliance')
    await again.locator('#by-agency a[href$="/pathways"]').first().click()
    await expect
      .poll(async () =>
        (await again.locator('tr', { hasText: 'Pat Practitioner' }).textContent())?.replace(/\s+/g, ' '),
      )
      .toContain('Up to date')
    await again.context().close()
  })
})

describe('the pathway pages pass axe', () => {
  const pages: [string, string][] = [
    ['/pathways', 'admin@north-somerset.example.org'],
    ['/pathways/new', 'admin@north-somerset.example.org'],
    ['/pathways/tree', 'admin@north-somerset.example.org'],
    ['/pathways/tree/change', 'admin@north-somerset.example.org'],
    ['/pathways/recognitions', 'admin@north-somerset.example.org'],
    ['/compliance', 'admin@north-somerset.example.org'],
    ['/compliance', LEAD],
    ['/training', 'trainer@north-somerset.example.org'],
    ['/training/evidence/new', PRACTITIONER],
    ['/training/certificate', PRACTITIONER],
    ['/p/norfolk/pathway', ''],
  ]
  for (const [path, as] of pages)
    it(`${path}${as ? `, as ${as}` : ', signed out'}`, async () => {
      const page = await openAs(browser, as || undefined)
      await page.goto(path)
      await expectAccessible(page)
      await page.context().close()
    })

  it('a pathway, its change form with an error, and an agency’s staff with their import', {
    timeout: 120_000,
  }, async () => {
    const page = await openAs(browser, 'admin@north-somerset.example.org')
    await page.goto('/pathways')
    await page.getByRole('link', { name: 'CSE pathway', exact: true }).click()
    await expectAccessible(page)
    await page.getByRole('button', { name: /Change the pathway/ }).click()
    await page.getByLabel('Title', { exact: true }).first().fill('')
    await page.getByRole('button', { name: /Save/ }).click()
    await expect.poll(() => page.locator('.govuk-error-summary').count()).toBe(1)
    await expectAccessible(page)
    await page.goto('/compliance')
    await page.locator('#by-agency a[href$="/pathways"]').first().click()
    await expectAccessible(page)
    await page.getByRole('link', { name: 'Import learning evidence from a spreadsheet' }).click()
    await expectAccessible(page)
    await page.context().close()
  })
})
