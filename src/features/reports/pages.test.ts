import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '#test/support/app.ts'
import { page, testApp } from '#test/support/app.ts'
import { aReportWorld } from './test-world.ts'

let t: TestApp

beforeAll(async () => {
  t = await testApp()
  await aReportWorld(t)
})
afterAll(() => t?.close())

const cells = (body: string, selector: string) => {
  const $ = page(body)
  return $(`${selector} td`)
    .toArray()
    .map((td) => $(td).text().trim())
}

describe('the report page', () => {
  it('shows this quarter by default, each figure beside the quarter before and last year, with its change', async () => {
    const executive = await t.signIn('executive@norfolk.example.org')
    const response = await executive.get('/reports')
    expect(response.statusCode).toBe(200)
    const $ = page(response.body)
    expect($('h1').text()).toBe('Report to the board: October to December 2026 (quarter 3 of 2026 to 2027)')
    expect(cells(response.body, '#figure-sessions-delivered')).toEqual(['3', '1', '1', 'Up 2'])
    expect(cells(response.body, '#figure-fill-rate')).toEqual(['8%', '5%', '5%', 'Up 3 points'])
    // Each chart is an image named by its title, drawn beside its table.
    expect($('svg[role="img"]').length).toBeGreaterThan(0)
  })

  it('shows a small count of people as “fewer than 5”, never the number', async () => {
    const admin = await t.signIn('admin@norfolk.example.org')
    const body = (await admin.get('/reports?period=2026-Q3')).body
    const $ = page(body)
    const row = $('#attendees-by-sector tbody tr').first()
    expect(row.find('th').text().trim()).toBe('Health')
    expect(
      row
        .find('td')
        .toArray()
        .map((td) => $(td).text().trim()),
    ).toEqual(['fewer than 5', 'fewer than 5', 'fewer than 5'])
    // Sessions are not people: their counts are shown as they are.
    expect($('#sessions-by-method td').first().text().trim()).toMatch(/^\d+$/)
  })

  it('shows a financial year, and refuses a period written wrongly or not begun, saying why', async () => {
    const admin = await t.signIn('admin@norfolk.example.org')
    const year = await admin.get('/reports?period=2026')
    expect(page(year.body)('h1').text()).toBe('Report to the board: 2026 to 2027')
    const wrong = await admin.get('/reports?period=2026-Q5')
    expect(wrong.statusCode).toBe(400)
    expect(page(wrong.body)('.govuk-error-summary').text()).toContain(
      'Write the quarter as the year and Q1 to Q4, like 2026-Q3',
    )
    const future = await admin.get('/reports?period=2027-Q1')
    expect(future.statusCode).toBe(400)
    expect(page(future.body)('.govuk-error-summary').text()).toContain('has not begun yet')
  })

  it('puts this quarter so far on the admin’s and the executive’s home page, beside the quarter before', async () => {
    for (const email of ['executive@norfolk.example.org', 'admin@norfolk.example.org']) {
      const home = (await (await t.signIn(email)).get('/dashboard')).body
      expect(page(home)('#this-quarter caption').text()).toContain('October to December 2026')
      expect(cells(home, '#quarter-sessions-delivered')).toEqual(['3', '1', 'Up 2'])
      expect(cells(home, '#quarter-attendance-rate')).toEqual(['20%', '100%', 'Down 80 points'])
      expect(page(home)('#this-quarter tbody tr').length).toBe(5)
    }
    const practitioner = (await (await t.signIn('practitioner@norfolk.example.org')).get('/dashboard')).body
    expect(page(practitioner)('#this-quarter').length).toBe(0)
  })

  it('is for the partnership’s admins, sub-group and executive', async () => {
    const practitioner = await t.signIn('practitioner@norfolk.example.org')
    expect((await practitioner.get('/reports')).statusCode).toBe(403)
  })
})
