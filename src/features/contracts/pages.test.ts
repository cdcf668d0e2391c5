import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { systemContext } from '#platform/context.ts'
import type { Browser, TestApp } from '#test/support/app.ts'
import { page, testApp } from '#test/support/app.ts'

let t: TestApp
let admin: Browser

beforeAll(async () => {
  t = await testApp()
  admin = await t.signIn('admin@norfolk.example.org')
})
afterAll(() => t?.close())

// The test clock's today is 24 November 2026.
const form = {
  providerName: 'Safe Lives Training Ltd',
  providerContactName: 'Alex Provider',
  providerContactEmail: 'alex@safelives.example.org',
  trainingType: 'Domestic abuse risk assessment',
  expectedOutcomes: 'DASH completed and MARAC referrals made when they should be',
  impactMeasures: 'Referral quality audit',
  deliveryFormat: 'in_person',
  venuePaidBy: 'partnership',
  venueCost: '250',
  trainerPaidBy: 'provider',
  trainerCost: '1,250.50',
  'startsOn-day': '5',
  'startsOn-month': '1',
  'startsOn-year': '2026',
}

async function stored() {
  const norfolk = await t.partnership('norfolk')
  return t.db.tenant({ partnershipId: norfolk.id, userId: null }, (sql) =>
    sql.query<{
      provider_name: string
      venue_cost_pence: number
      trainer_cost_pence: number
      review_on: string
    }>(
      'SELECT provider_name, venue_cost_pence, trainer_cost_pence, review_on FROM training_contracts ORDER BY created_at, id',
    ),
  )
}

const summaryLinks = (body: string) => {
  const html = page(body)
  return html('.govuk-error-summary a')
    .toArray()
    .map((a) => [html(a).attr('href'), html(a).text().trim()])
}

describe('contract pages', () => {
  it('adds a contract with amounts typed in pounds, kept as pence, reviewed a year on by default', async () => {
    const added = await admin.submit('/contracts/new', form)
    expect(added.statusCode).toBe(303)
    const url = String(added.headers.location)
    expect(await stored()).toEqual([
      {
        provider_name: 'Safe Lives Training Ltd',
        venue_cost_pence: 25_000,
        trainer_cost_pence: 125_050,
        review_on: '2027-01-05',
      },
    ])
    const shown = page((await admin.get(url)).body)
    expect(shown('h1').text()).toBe('Safe Lives Training Ltd')
    const main = shown('main').text().replace(/\s+/g, ' ')
    expect(main).toContain('£250.00, paid by the partnership')
    expect(main).toContain('£1,250.50, paid by the provider')
    expect(main).toContain('5 January 2027')
    expect(shown('#review').text()).toBe('Active. Not yet due for review.')
  })

  it('says what is wrong with each field, keeps what was typed, and adds nothing', async () => {
    const before = (await stored()).length
    const response = await admin.submit('/contracts/new', {
      ...form,
      providerName: '<script>alert(1)</script>'.repeat(10),
      trainingType: 'x'.repeat(100_000),
      venueCost: '12.345',
      trainerCost: '-1',
      'startsOn-day': '31',
      'startsOn-month': '2',
      'reviewOn-day': '1',
      'reviewOn-year': '2027',
    })
    expect(response.statusCode).toBe(400)
    expect(summaryLinks(response.body)).toEqual([
      ['#providerName', 'The provider’s name must be 200 characters or fewer'],
      ['#trainingType', 'The type of training must be 500 characters or fewer'],
      [
        '#venueCost',
        'Enter the venue cost in pounds and pence, like 1,250.50, with at most 2 decimal places',
      ],
      ['#trainerCost', 'The trainer cost cannot be negative'],
      ['#startsOn-day', 'The start date must be a real date, like 1 4 2027'],
      ['#reviewOn-day', 'The review date must include a month'],
    ])
    const html = page(response.body)
    expect(response.body).not.toContain('<script>alert(1)</script>')
    expect(html('#venueCost').val()).toBe('12.345')
    expect(html('#startsOn-day').val()).toBe('31')
    expect(html('#startsOn-day').hasClass('govuk-input--error')).toBe(true)
    expect(html('input[name="venuePaidBy"][value="partnership"]').attr('checked')).toBeDefined()
    expect((await stored()).length).toBe(before)
  })

  it('refuses text for an amount, a missing start date, and a review before the start', async () => {
    const before = (await stored()).length
    const text = await admin.submit('/contracts/new', {
      ...form,
      venueCost: 'two hundred',
      trainerCost: '',
      'startsOn-day': '',
      'startsOn-month': '',
      'startsOn-year': '',
    })
    expect(summaryLinks(text.body)).toEqual([
      ['#venueCost', 'Enter the venue cost as an amount in pounds, like 1,250.50'],
      ['#trainerCost', 'Enter the trainer cost, or 0 if there is none'],
      ['#startsOn-day', 'Enter the date the contract starts'],
    ])
    const early = await admin.submit('/contracts/new', {
      ...form,
      'reviewOn-day': '1',
      'reviewOn-month': '1',
      'reviewOn-year': '2026',
    })
    expect(early.statusCode).toBe(400)
    expect(summaryLinks(early.body)).toEqual([
      ['#reviewOn-day', 'The review date must be after the start date'],
    ])
    expect((await stored()).length).toBe(before)
  })

  it('lists contracts due for review first, and moves one on when its review date changes', async () => {
    const due = await admin.submit('/contracts/new', {
      ...form,
      providerName: 'Due Soon Ltd',
      'startsOn-day': '1',
      'startsOn-month': '12',
      'startsOn-year': '2025',
    })
    const url = String(due.headers.location)
    const list = page((await admin.get('/contracts')).body)
    const headings = list('main h2')
      .toArray()
      .map((h) => list(h).text())
    expect(headings).toEqual(['Due for review', 'Other contracts'])
    const dueRows = list('#due ~ table').first().find('tbody tr')
    expect(dueRows.length).toBe(1)
    expect(dueRows.text()).toContain('Due Soon Ltd')
    expect(dueRows.text()).toContain('Review due in 7 days')

    const edit = page((await admin.get(`${url}/edit`)).body)
    expect(edit('#trainerCost').val()).toBe('1,250.50')
    expect(edit('#reviewOn-year').val()).toBe('2026')
    const changed = await admin.submit(`${url}/edit`, {
      ...form,
      providerName: 'Due Soon Ltd',
      'startsOn-day': '1',
      'startsOn-month': '12',
      'startsOn-year': '2025',
      'reviewOn-day': '1',
      'reviewOn-month': '12',
      'reviewOn-year': '2027',
      status: 'active',
    })
    expect(changed.statusCode).toBe(303)
    const after = page((await admin.get('/contracts')).body)
    expect(after('main').text()).toContain('No contract is due for review in the next 30 days.')
  })

  it('shows contracts due for review on the admin’s home page', async () => {
    const [contract] = (await t.services.contracts.list(await adminContext())).others
    if (!contract) throw new Error('No contract')
    await t.services.contracts.change(await adminContext(), contract.id, { reviewOn: '2026-11-20' })
    const home = page((await admin.get('/dashboard')).body)
    expect(home('#to-do-contracts').text().trim()).toMatch(/^\d+ contracts? due for review$/)
    expect(home('#to-do-contracts a').attr('href')).toBe('/contracts')
    const trainer = await t.signIn('trainer@norfolk.example.org')
    expect(page((await trainer.get('/dashboard')).body)('#to-do-contracts').length).toBe(0)
  })

  it('keeps contracts to admins, in the navigation as on every page', async () => {
    const [contract] = (await t.services.contracts.list(await adminContext())).due
    // The header, and the menu page of those with many pages.
    const links = async (b: Browser) => {
      const found: (string | undefined)[] = []
      for (const url of ['/dashboard', '/menu']) {
        const $ = page((await b.get(url)).body)
        found.push(...$('.govuk-service-navigation__list a, main nav a').map((_, a) => $(a).attr('href')))
      }
      return found
    }
    expect(await links(admin)).toContain('/contracts')
    for (const email of ['trainer@norfolk.example.org', 'executive@norfolk.example.org']) {
      const other = await t.signIn(email)
      expect(await links(other)).not.toContain('/contracts')
      for (const url of [
        '/contracts',
        '/contracts/new',
        `/contracts/${contract?.id}`,
        `/contracts/${contract?.id}/edit`,
      ])
        expect({ email, url, status: (await other.get(url)).statusCode }).toEqual({ email, url, status: 403 })
    }
  })
})

async function adminContext() {
  return systemContext(await t.partnership('norfolk'), 'test')
}
