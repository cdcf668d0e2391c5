import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectAccessible, launch, newContext, signedInContext, signIn } from './browser.ts'

let browser: Browser

beforeAll(async () => {
  browser = await launch()
})
afterAll(() => browser?.close())

const signedInContexts = new Map<string, Promise<BrowserContext>>()

/** The one browser context kept for this person, signed in once for the whole file. */
function contextOf(as: string, javaScript = true): Promise<BrowserContext> {
  const key = `${as} ${javaScript}`
  let context = signedInContexts.get(key)
  if (!context) {
    context = signedInContext(browser, as, { javaScript })
    signedInContexts.set(key, context)
  }
  return context
}

/**
 * A new tab at this page: for a signed-in person, in the context kept for them (closing the
 * tab leaves it open for their next visit); signed out, in a context of its own that closes
 * with the tab, as a visitor may sign in there.
 */
async function visit(path: string, as?: string, javaScript = true): Promise<Page> {
  let page: Page
  if (as) page = await (await contextOf(as, javaScript)).newPage()
  else {
    const context = await newContext(browser, { javaScript })
    page = await context.newPage()
    page.once('close', () => void context.close())
  }
  await page.goto(path)
  return page
}

const lookers = new Map<string, Promise<Page>>()

/**
 * Opens a page in the one tab kept for this person (or for a signed-out visitor), for tests
 * that only look: going to another page in an open tab takes a fraction of a new tab's time.
 */
async function look(path: string, as?: string): Promise<Page> {
  let tab = lookers.get(as ?? '')
  if (!tab) {
    tab = (as ? contextOf(as) : newContext(browser)).then((context) => context.newPage())
    lookers.set(as ?? '', tab)
  }
  const page = await tab
  await page.goto(path)
  return page
}

describe('every page passes axe (WCAG 2.2 AA)', () => {
  const publicPages = [
    '/',
    '/sign-in',
    '/sign-in/link',
    '/sign-in/link/an-unused-link-token-0123456789',
    '/accessibility',
    '/privacy',
    '/p/norfolk/courses',
    '/p/norfolk/register',
    '/p/norfolk/learning',
    '/p/norfolk/learning?q=neglect',
    '/p/norfolk/subscribe',
    '/p/norfolk/newsletters',
    '/p/norfolk/unsubscribe?token=forged.token',
    '/p/norfolk/subscribe/confirm?link=forged',
    '/p/norfolk/privacy',
    '/p/norfolk/accessibility',
    '/verify',
    '/verify?code=AAAA-BBBB-CCCC',
    '/no-such-page',
  ]
  for (const path of publicPages) {
    it(`${path}, signed out`, async () => {
      await expectAccessible(await look(path))
    })
  }

  const adminPages = [
    '/dashboard',
    '/menu',
    '/policy',
    '/policy/change',
    '/privacy/statement',
    '/privacy/retention',
    '/audit',
    '/audit?entityType=policies',
    '/api-tokens',
    '/identity-providers',
    '/identity-providers/new',
    '/people',
    '/people/import',
    '/registrations',
    '/courses',
    '/courses/new',
    '/themes',
    '/trainers',
    '/trainers?due=observation',
    '/trainers/new',
    '/programme',
    '/needs',
    '/needs/new',
    '/reviews',
    '/reviews?status=actions_in_progress',
    '/reviews/new',
    '/reviews/themes',
    '/actions',
    '/actions?overdue=true',
    '/actions/ours',
    '/learning',
    '/learning/products',
    '/learning/products/new',
    '/learning/dissemination/overdue',
    '/learning/newsletters',
    '/learning/newsletters/new',
    '/learning/subscription',
    '/knowledge-audits',
    '/knowledge-audits/new',
    '/quality',
    '/quality/standards',
    '/quality/standards/change',
    '/quality/summary',
    '/quality/observations',
    '/quality/observations/new',
    '/quality/rounds',
    '/quality/rounds/new',
    '/audits',
    '/audits/templates',
    '/audits/templates/new',
    '/audits/templates/new?start=section_175',
    '/audits/cycles',
    '/audits/cycles/new',
    '/audits/case-audits',
    '/audits/case-audits/new',
    '/contracts',
    '/contracts/new',
    '/charges',
    '/invoices',
    '/invoices/new',
    '/complaints',
    '/complaints/new',
    '/certificates',
    '/bookings',
    '/bookings/staff',
    '/my-record',
    '/account',
    '/no-such-page',
  ]
  for (const path of adminPages) {
    it(`${path}, as an admin`, async () => {
      await expectAccessible(await look(path, 'admin@norfolk.example.org'))
    })
  }

  it('a learning product: the public page, the admin’s page, the change form with an error, and a course’s products', async () => {
    const visitor = await visit('/p/norfolk/learning')
    await visitor.getByRole('link', { name: 'Child H: seven minutes on cumulative neglect' }).click()
    await expect
      .poll(() => visitor.locator('h1').textContent())
      .toBe('Child H: seven minutes on cumulative neglect')
    await expectAccessible(visitor)
    await visitor.close()
    const page = await visit('/learning/products', 'admin@norfolk.example.org')
    await page.getByRole('link', { name: 'Child H: seven minutes on cumulative neglect' }).click()
    await expectAccessible(page)
    await page.getByRole('link', { name: /Change the product/ }).click()
    await page.getByLabel('Title', { exact: true }).fill('')
    await page.getByRole('button', { name: 'Save the changes' }).click()
    await expect.poll(() => page.locator('.govuk-error-summary').count()).toBe(1)
    await expectAccessible(page)
    await page.goto('/courses')
    await page.getByRole('link', { name: 'Working together to safeguard children and adults' }).click()
    await page.getByRole('link', { name: 'Give learning products with this course' }).click()
    await expectAccessible(page)
    await page.close()
  })

  it('a newsletter: the form with an error, its preview, sending it, and the public archive', async () => {
    const page = await visit('/learning/newsletters/new', 'admin@norfolk.example.org')
    await page.getByRole('button', { name: 'Save and preview' }).click()
    await expect.poll(() => page.locator('.govuk-error-summary').count()).toBe(1)
    await expectAccessible(page)
    await page.getByLabel('Title', { exact: true }).fill('Winter learning')
    await page.getByLabel('Child H: seven minutes on cumulative neglect').check()
    await page.getByRole('button', { name: 'Save and preview' }).click()
    await expect.poll(() => page.locator('h1').textContent()).toBe('Winter learning')
    await expectAccessible(page)
    await page.getByRole('button', { name: 'Send to subscribers' }).click()
    await expect.poll(() => page.locator('main .govuk-tag').first().textContent()).toMatch(/Sent/)
    await expectAccessible(page)
    await page.close()
    const visitor = await visit('/p/norfolk/newsletters')
    await visitor.getByRole('link', { name: 'Winter learning' }).click()
    await expect.poll(() => visitor.locator('h1').textContent()).toBe('Winter learning')
    await expectAccessible(visitor)
    await visitor.goto('/p/norfolk/subscribe')
    await visitor.getByRole('button', { name: 'Subscribe' }).click()
    await expect.poll(() => visitor.locator('.govuk-error-summary').count()).toBe(1)
    await expectAccessible(visitor)
    await visitor.close()
  })

  it('dissemination: the matrix, sending, a lead recording with an error, and a practitioner confirming', async () => {
    const admin = await visit('/learning/products', 'admin@norfolk.example.org')
    await admin.getByRole('link', { name: 'Child H: seven minutes on cumulative neglect' }).click()
    await admin.getByRole('link', { name: /which agencies have passed it on/ }).click()
    await expectAccessible(admin)
    await admin.getByRole('button', { name: 'Send to agencies' }).click()
    await expectAccessible(admin)
    await admin.close()
    const lead = await visit('/learning/to-pass-on', 'agency-lead@norfolk.example.org')
    await expectAccessible(lead)
    await lead.locator('main a[href*="/dissemination/"]').first().click()
    await expectAccessible(lead)
    await lead.getByRole('button', { name: 'Record dissemination' }).click()
    await expect.poll(() => lead.locator('.govuk-error-summary').count()).toBe(1)
    await expectAccessible(lead)
    await lead.close()
    const practitioner = await visit('/learning', 'practitioner@norfolk.example.org')
    await practitioner.getByRole('link', { name: 'Child H: seven minutes on cumulative neglect' }).click()
    await expectAccessible(practitioner)
    await practitioner.getByRole('button', { name: 'I have read this' }).click()
    await expectAccessible(practitioner)
    await practitioner.close()
  })

  it('an agency and a person, and their forms with errors', async () => {
    const page = await visit('/agencies', 'admin@norfolk.example.org')
    await page.getByRole('link', { name: 'Norfolk Police' }).click()
    await expectAccessible(page)
    await page.getByRole('link', { name: /Training compliance/ }).click()
    await expect.poll(() => page.locator('h1').textContent()).toBe('Training compliance')
    await expectAccessible(page)
    await page.goBack()
    await page.getByRole('button', { name: 'Change this agency' }).click()
    await page.getByLabel('Name', { exact: true }).fill('')
    await page.getByRole('button', { name: 'Save' }).click()
    await expect.poll(() => page.locator('.govuk-error-summary').count()).toBe(1)
    await expectAccessible(page)
    await page.goto('/people/new')
    await page.getByLabel('First name').fill('Alex')
    await page.getByLabel('Last name').fill('Example')
    await page.getByLabel('Work email address').fill('alex.example@example.org')
    await page.getByLabel('Agency').selectOption({ label: 'Norfolk Police' })
    await page.getByRole('button', { name: 'Save' }).click()
    await expect.poll(() => page.locator('h1').textContent()).toBe('Alex Example')
    await expectAccessible(page)
    await page.getByRole('button', { name: 'Change these details' }).click()
    await page.getByLabel('Work email address').fill('not an email')
    await page.getByRole('button', { name: 'Save' }).click()
    await expect.poll(() => page.locator('.govuk-error-summary').count()).toBe(1)
    await expectAccessible(page)
    await page.close()
  })

  it('a case review, its finding and its action, and their forms with errors', async () => {
    const page = await visit('/reviews', 'admin@norfolk.example.org')
    await page.locator('main a', { hasText: 'CSPR-2025-01' }).first().click()
    await expect.poll(() => page.locator('h1').textContent()).toContain('Child H')
    await expectAccessible(page)
    const review = new URL(page.url()).pathname
    await page
      .getByRole('link', { name: /Training that answers this finding/ })
      .first()
      .click()
    await expect.poll(() => page.locator('#trace-total').count()).toBe(1)
    await expectAccessible(page)
    await page.goto(review)
    await page.locator('main a[href^="/actions/"]').first().click()
    await expect.poll(() => new URL(page.url()).pathname).toMatch(/^\/actions\/[0-9a-f-]{36}$/)
    await expectAccessible(page)
    // Each form, sent empty, says what is missing.
    for (const form of [
      '/reviews/new',
      `${review}/findings/new`,
      `${review}/recommendations/new`,
      `${review}/status?to=closed`,
    ]) {
      await page.goto(form)
      await expectAccessible(page)
      await page.locator('main form button.govuk-button').last().click()
      await expect.poll(() => page.locator('.govuk-error-summary').count()).toBe(1)
      await expectAccessible(page)
    }
    await page.goto(review)
    await page.locator('main a[href$="/actions/new"]').first().click()
    await expectAccessible(page)
    await page.locator('main form button.govuk-button').last().click()
    await expect.poll(() => page.locator('.govuk-error-summary').count()).toBe(1)
    await expectAccessible(page)
    // Changing the review, and the board's response, each with an error.
    await page.goto(`${review}/edit`)
    await expectAccessible(page)
    await page.locator('#title').fill('')
    await page.locator('main form button.govuk-button').last().click()
    await expect.poll(() => page.locator('.govuk-error-summary').count()).toBe(1)
    await expectAccessible(page)
    await page.goto(review)
    await page.locator('main a[href$="/response"]').first().click()
    await expectAccessible(page)
    // An action's page with its forms, and the extension sent without a date.
    await page.goto('/actions?overdue=true')
    await page.locator('main tbody a[href^="/actions/"]').first().click()
    await page.locator('main form[action$="/extend"] button.govuk-button').click()
    await expect.poll(() => page.locator('.govuk-error-summary').count()).toBe(1)
    await expectAccessible(page)
    await page.close()
  })

  it('a knowledge audit: its draft and question with errors, its sample, its results, and the quiz from its link', async () => {
    const page = await visit('/knowledge-audits/new', 'admin@norfolk.example.org')
    await page.getByRole('button', { name: 'Save and continue' }).click()
    await expect.poll(() => page.locator('.govuk-error-summary').count()).toBe(1)
    await expectAccessible(page)
    await page.getByLabel('Title').fill('Learning from Child H')
    await page.locator('input[name="reviewIds"]').first().check()
    await page.locator('#closesOn-day').fill('15')
    await page.locator('#closesOn-month').fill('12')
    await page.locator('#closesOn-year').fill('2099')
    await page.getByRole('button', { name: 'Save and continue' }).click()
    await expect.poll(() => page.locator('h1').textContent()).toBe('Learning from Child H')
    await expectAccessible(page)
    await page.getByRole('button', { name: 'Add the question' }).click()
    await expect.poll(() => page.locator('.govuk-error-summary').count()).toBe(1)
    await expectAccessible(page)
    await page.getByLabel('Question', { exact: true }).fill('Who do you tell when a child discloses neglect?')
    await page.getByLabel('Single choice: one right answer').check()
    await page.getByLabel('Option 1', { exact: true }).fill('Your safeguarding lead')
    await page.getByLabel('Option 1 is a right answer').check()
    await page.getByLabel('Option 2', { exact: true }).fill('No one')
    await page.getByRole('button', { name: 'Add the question' }).click()
    await expect.poll(() => page.locator('ol li').count()).toBeGreaterThan(0)
    await page.getByRole('button', { name: 'Draw the sample and send' }).click()
    await expect.poll(() => page.locator('#sample').count()).toBe(1)
    await expectAccessible(page)
    await page.getByRole('link', { name: 'See the results' }).click()
    await expect.poll(() => page.locator('#scores').count()).toBe(1)
    await expectAccessible(page)
    await page.goto('/dev/outbox')
    const mail = page.locator('details').filter({ hasText: 'A short quiz on what you have learned' }).first()
    const link = (await mail.locator('pre').textContent())?.match(
      /https?:\/\/\S+\/p\/norfolk\/knowledge-audits\/\S+/,
    )?.[0]
    expect(link).toBeTruthy()
    const quiz = await visit(new URL(link as string).pathname)
    await quiz.getByRole('button', { name: 'Send my answers' }).click()
    await expect.poll(() => quiz.locator('.govuk-error-summary').count()).toBe(1)
    await expectAccessible(quiz)
    await quiz.close()
    await page.close()
  })

  it('a case audit: opening it with an error, a refused reference, a case, an escalation acknowledged, and the panel', async () => {
    const page = await visit('/audits/case-audits/new', 'admin@norfolk.example.org')
    await page.getByRole('button', { name: 'Open the case audit' }).click()
    await expect.poll(() => page.locator('.govuk-error-summary').count()).toBe(1)
    await expectAccessible(page)
    await page.getByLabel('Title').fill('Neglect case audit 2099')
    await page.locator('#themeId').selectOption({ index: 1 })
    await page.locator('#dueOn-day').fill('26')
    await page.locator('#dueOn-month').fill('2')
    await page.locator('#dueOn-year').fill('2099')
    await page.getByLabel('Questions').fill('Was neglect recognised early?\nWas information shared in time?')
    await page.locator('main input[name="agencyIds"]').first().check()
    await page.getByRole('button', { name: 'Open the case audit' }).click()
    await expect.poll(() => page.locator('h1').textContent()).toBe('Neglect case audit 2099')
    await expectAccessible(page)
    const reference = page.locator('main input[name^="ref-"]').first()
    await reference.fill('Jane Smith')
    await page.getByRole('button', { name: 'Add the case' }).click()
    await expect.poll(() => page.locator('.govuk-error-summary').count()).toBe(1)
    await expectAccessible(page)
    await page.locator('main input[name^="ref-"]').first().fill('CH-20931')
    await page.getByRole('button', { name: 'Add the case' }).click()
    await page.getByRole('button', { name: 'Send to agencies' }).click()
    await page.getByRole('link', { name: 'Case 1' }).click()
    await expect.poll(() => page.locator('h1').textContent()).toBe('Case 1')
    await expectAccessible(page)
    await page.getByRole('button', { name: 'Escalate the case now' }).click()
    await expect.poll(() => page.locator('.govuk-error-summary').count()).toBe(1)
    await expectAccessible(page)
    await page
      .getByLabel('This case carries current risk: why')
      .fill('The child remains at home with the risk unassessed.')
    await page.getByRole('button', { name: 'Escalate the case now' }).click()
    await expect.poll(() => page.locator('h1').textContent()).toBe('Case 1 carries current risk')
    await expectAccessible(page)
    const escalationUrl = new URL(page.url()).pathname

    const lead = await visit(escalationUrl, 'agency-lead@norfolk.example.org')
    await expectAccessible(lead)
    await lead.locator('main textarea[name="note"]').fill('Strategy discussion held today.')
    await lead.locator('main form button').first().click()
    await expect.poll(() => lead.locator('main').textContent()).toContain('Strategy discussion held today.')
    await expectAccessible(lead)
    await lead.close()

    await page.getByRole('link', { name: 'Back' }).click()
    await page.getByRole('button', { name: 'Close answering and go to the panel' }).click()
    await page.getByRole('link', { name: /The panel/ }).click()
    await expectAccessible(page)
    await page.getByRole('button', { name: 'Record the finding' }).click()
    await expect.poll(() => page.locator('.govuk-error-summary').count()).toBe(1)
    await expectAccessible(page)
    await page.getByLabel('Finding', { exact: true }).fill('Information moved slowly between agencies.')
    await page.getByRole('button', { name: 'Record the finding' }).click()
    await page.getByRole('link', { name: /Make a recommendation/ }).click()
    await expectAccessible(page)
    await page.getByLabel('Recommendation').fill('Agree a shared referral route.')
    await page.getByLabel('The partnership').check()
    await page.getByRole('button', { name: 'Make the recommendation' }).click()
    await page.getByRole('link', { name: /Agree an action/ }).click()
    await expectAccessible(page)
    await page.close()
  })

  // A whole cycle in one journey, many pages each checked by axe: more than a minute on a busy machine.
  it('a section 11 return: started from last year, an answer with an error, signed off, reviewed, and the cycle’s results, report and action plan', async () => {
    const lead = await visit('/audits', 'agency-lead@jersey.example.org')
    await expectAccessible(lead)
    await lead.locator('main tr', { hasText: 'Not started' }).locator('a').first().click()
    await expect.poll(() => lead.locator('main .govuk-tag').first().textContent()).toContain('Not started')
    await expectAccessible(lead)
    await lead.getByRole('button', { name: 'Start from your last return' }).click()
    await expect.poll(() => lead.locator('.govuk-notification-banner').count()).toBe(1)
    await expectAccessible(lead)
    const returnUrl = new URL(lead.url()).pathname
    await lead.locator('main table a').first().click()
    const answerUrl = new URL(lead.url()).pathname
    await lead.getByRole('button', { name: 'Add the file' }).click()
    await expect.poll(() => lead.locator('.govuk-error-summary').count()).toBe(1)
    await expectAccessible(lead)
    // Saved without a narrative: a draft may be, a submission may not.
    await lead.goto(answerUrl)
    await lead.getByLabel('How your agency meets the standard').fill('')
    await lead.getByRole('button', { name: 'Save the answer' }).click()
    await lead.getByRole('button', { name: 'Sign off and submit' }).click()
    await expectAccessible(lead)
    await lead.getByRole('button', { name: 'Sign off and submit the return' }).click()
    await expect.poll(() => lead.locator('.govuk-error-summary').count()).toBe(1)
    await expectAccessible(lead)
    await lead.goto(answerUrl)
    await lead
      .getByLabel('How your agency meets the standard')
      .fill('Our board-level lead reports every quarter.')
    await lead.getByRole('button', { name: 'Save the answer' }).click()
    await lead.getByRole('button', { name: 'Sign off and submit' }).click()
    await lead.getByRole('button', { name: 'Sign off and submit the return' }).click()
    await expect.poll(() => lead.locator('main .govuk-tag').first().textContent()).toContain('Submitted')
    await expectAccessible(lead)
    await lead.close()

    const reviewer = await visit(`${returnUrl}/review`, 'subgroup@jersey.example.org')
    await expectAccessible(reviewer)
    await reviewer.getByRole('button', { name: 'Save the review' }).click()
    await expect.poll(() => reviewer.locator('.govuk-error-summary').count()).toBe(1)
    await expectAccessible(reviewer)
    for (const radio of await reviewer.locator('input[name^="review-"][value="agreed"]').all())
      await radio.check()
    await reviewer.getByRole('button', { name: 'Save the review' }).click()
    await expect.poll(() => reviewer.locator('main .govuk-tag').first().textContent()).toContain('Concluded')
    await expectAccessible(reviewer)
    await reviewer.close()

    const plan = await visit(`${returnUrl}/action-plan`, 'agency-lead@jersey.example.org')
    await expectAccessible(plan)
    await plan.getByRole('button', { name: 'Add the action' }).click()
    await expect.poll(() => plan.locator('.govuk-error-summary').count()).toBe(1)
    await expectAccessible(plan)
    await plan.close()

    const admin = await visit('/audits/cycles', 'admin@jersey.example.org')
    await admin.locator('main a', { hasText: '2026-27' }).first().click()
    await expectAccessible(admin)
    for (const link of ['Results of the cycle', 'The cycle report', 'Challenge events']) {
      await admin.getByRole('link', { name: link }).click()
      await expectAccessible(admin)
      await admin.goBack()
    }
    await admin.goto('/audits/templates')
    await admin.locator('main a', { hasText: 'Section 11' }).first().click()
    await expectAccessible(admin)
    await admin.close()
  }, 120_000)

  it('a self-assessment round: opening it with an error, a lead rating a course and submitting, and its review', async () => {
    const page = await visit('/quality/rounds/new', 'admin@norfolk.example.org')
    await page.getByRole('button', { name: 'Open the round' }).click()
    await expect.poll(() => page.locator('.govuk-error-summary').count()).toBe(1)
    await expectAccessible(page)
    await page.getByLabel('Title').fill('Self-assessment 2099')
    await page.locator('#dueOn-day').fill('31')
    await page.locator('#dueOn-month').fill('3')
    await page.locator('#dueOn-year').fill('2099')
    await page.getByRole('button', { name: 'Open the round' }).click()
    await expect.poll(() => page.locator('h1').textContent()).toBe('Self-assessment 2099')
    await expectAccessible(page)
    const roundUrl = page.url()

    const lead = await visit('/quality/returns', 'agency-lead@norfolk.example.org')
    await expectAccessible(lead)
    await lead.locator('main a', { hasText: 'Self-assessment 2099' }).first().click()
    await expectAccessible(lead)
    await lead.getByRole('button', { name: 'Add the course' }).click()
    await expect.poll(() => lead.locator('.govuk-error-summary').count()).toBe(1)
    await expectAccessible(lead)
    await lead.getByLabel('Add a single-agency safeguarding course').fill('Safeguarding induction')
    await lead.getByRole('button', { name: 'Add the course' }).click()
    await lead.getByRole('link', { name: 'Rate Safeguarding induction' }).click()
    await expect.poll(() => lead.locator('h1').textContent()).toBe('Safeguarding induction')
    await expectAccessible(lead)
    await lead.locator('input[name^="evidenceUrl-"]').first().fill('not a link')
    await lead.getByRole('button', { name: 'Save and return' }).click()
    await expect.poll(() => lead.locator('.govuk-error-summary').count()).toBe(1)
    await expectAccessible(lead)
    await lead.locator('input[name^="evidenceUrl-"]').first().fill('')
    await lead.getByRole('button', { name: 'Save and return' }).click()
    await lead.getByRole('button', { name: 'Check and submit' }).click()
    await lead.getByRole('button', { name: 'Submit the self-assessment' }).click()
    await expect.poll(() => lead.locator('.govuk-error-summary').count()).toBe(1)
    await expectAccessible(lead)
    await lead.getByRole('link', { name: 'Change your courses or answers' }).click()
    await lead.getByRole('link', { name: 'Rate Safeguarding induction' }).click()
    for (const radio of await lead.locator('input[name^="rating-"][value="met"]').all()) await radio.check()
    await lead.getByRole('button', { name: 'Save and return' }).click()
    await lead.getByRole('button', { name: 'Check and submit' }).click()
    await expectAccessible(lead)
    await lead.getByRole('button', { name: 'Submit the self-assessment' }).click()
    await expect.poll(() => lead.locator('main .govuk-tag').first().textContent()).toBe('Submitted')
    await expectAccessible(lead)
    const returnUrl = new URL(lead.url()).pathname
    await lead.close()

    const reviewer = await visit(`${returnUrl}/review`, 'subgroup@norfolk.example.org')
    await expectAccessible(reviewer)
    await reviewer.getByLabel('Assured with actions').check()
    await reviewer.getByRole('button', { name: 'Send the review' }).click()
    await expect.poll(() => reviewer.locator('.govuk-error-summary').count()).toBe(1)
    await expectAccessible(reviewer)
    await reviewer.getByLabel('Assured', { exact: true }).check()
    await reviewer.getByLabel('Overall summary').fill('Well evidenced')
    await reviewer.getByRole('button', { name: 'Send the review' }).click()
    await expect.poll(() => reviewer.locator('main .govuk-tag').first().textContent()).toBe('Reviewed')
    await expectAccessible(reviewer)
    await reviewer.close()
    await page.goto(roundUrl)
    await expectAccessible(page)
    // The draw of courses to observe, and an observation of the course it picks.
    await page.goto(`${roundUrl}/draw`)
    await expectAccessible(page)
    await page.getByRole('button', { name: 'Draw the courses to observe' }).click()
    await expect.poll(() => page.locator('main').textContent()).toContain('Safeguarding induction')
    await expectAccessible(page)
    await page.locator('main a', { hasText: 'Record an observation' }).first().click()
    await expect.poll(() => page.locator('h1').textContent()).toContain('Record an observation of')
    await expectAccessible(page)
    await page.close()
  })

  it('an observation of a session: the form with errors, the observation, and the trainer’s response', async () => {
    const page = await visit('/quality/observations/new', 'admin@norfolk.example.org')
    await page.locator('#of').selectOption({ index: 1 })
    await page.getByRole('button', { name: 'Continue' }).click()
    await expect.poll(() => page.locator('h1').textContent()).toContain('Record an observation of')
    await expectAccessible(page)
    await page.getByRole('button', { name: 'Record the observation' }).click()
    await expect.poll(() => page.locator('.govuk-error-summary').count()).toBe(1)
    await expectAccessible(page)
    for (const radio of await page.locator('input[type="radio"][value="met"]').all()) await radio.check()
    await page.getByLabel('Strengths').fill('Clear objectives')
    await page.getByLabel('Areas to develop').fill('More case studies')
    await page.getByLabel('Good', { exact: true }).check()
    await page.getByRole('button', { name: 'Record the observation' }).click()
    await expect.poll(() => page.locator('h1').textContent()).toContain('Observation of')
    await expectAccessible(page)
    const url = new URL(page.url()).pathname
    await page.close()
    const trainer = await visit(`${url}/response`, 'trainer@norfolk.example.org')
    await trainer.getByRole('button', { name: 'Record your response' }).click()
    await expect.poll(() => trainer.locator('.govuk-error-summary').count()).toBe(1)
    await expectAccessible(trainer)
    await trainer.getByLabel('Your response to the feedback').fill('I will add two case studies.')
    await trainer.getByRole('button', { name: 'Record your response' }).click()
    await expect.poll(() => trainer.locator('main').textContent()).toContain('I will add two case studies.')
    await expectAccessible(trainer)
    await trainer.goto('/quality/observations')
    await expectAccessible(trainer)
    await trainer.close()
  })

  it('published case-review learning and their own actions, as a practitioner', async () => {
    const page = await visit('/reviews', 'practitioner@norfolk.example.org')
    await expectAccessible(page)
    await page.locator('main a', { hasText: 'CSPR-2025-01' }).first().click()
    await expect.poll(() => page.locator('h1').textContent()).toContain('Child H')
    await expectAccessible(page)
    await page.goto('/actions/ours')
    await expectAccessible(page)
    await page.close()
  })

  it('the learning sent to their agencies, as an agency lead', async () => {
    const page = await visit('/learning/to-pass-on', 'agency-lead@norfolk.example.org')
    expect(await page.locator('h1').textContent()).toBe('Learning to pass on')
    await expectAccessible(page)
    await page.close()
  })

  it('a forbidden page, as a practitioner', async () => {
    const page = await visit('/audit', 'practitioner@norfolk.example.org')
    expect(await page.locator('h1').textContent()).toBe('You cannot use this page')
    await expectAccessible(page)
    await page.close()
  })

  it('the sign-in form with errors', async () => {
    const page = await visit('/sign-in')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await expect.poll(() => page.locator('.govuk-error-summary').count()).toBe(1)
    await expectAccessible(page)
    await page.close()
  })

  it('the trainer pool: a trainer’s record, recording their CPD questionnaire with an error, and their own questionnaire', async () => {
    const page = await visit('/trainers', 'admin@norfolk.example.org')
    await page.getByRole('link', { name: 'Tara Trainer', exact: true }).click()
    await expect.poll(() => page.locator('h1').textContent()).toBe('Tara Trainer')
    await expectAccessible(page)
    await page.getByRole('button', { name: 'Record a CPD questionnaire' }).click()
    await expectAccessible(page)
    await page.getByRole('button', { name: 'Record the questionnaire' }).click()
    await expect.poll(() => page.locator('.govuk-error-summary').count()).toBe(1)
    await expectAccessible(page)
    await page.close()
    const trainer = await visit('/trainers/cpd', 'trainer@norfolk.example.org')
    await expectAccessible(trainer)
    await trainer.getByRole('button', { name: 'Return the questionnaire' }).click()
    await expect.poll(() => trainer.locator('.govuk-error-summary').count()).toBe(1)
    await expectAccessible(trainer)
    await trainer.close()
  })

  it('the policy form with errors', async () => {
    const page = await visit('/policy/change', 'admin@jersey.example.org')
    await page.getByLabel('Allocate places this long before the course').fill('six')
    await page.getByRole('button', { name: 'Save the change' }).click()
    await expect.poll(() => page.locator('.govuk-error-summary').count()).toBe(1)
    await expectAccessible(page)
    await page.close()
  })

  it('the check-your-email and signed-out pages', async () => {
    const page = await visit('/sign-in/link')
    await page.getByLabel('Work email address').fill('trainer@norfolk.example.org')
    await page.getByRole('button', { name: 'Send the link' }).click()
    await expect.poll(() => page.locator('h1').textContent()).toBe('Check your email')
    await expectAccessible(page)
    await signIn(page, 'trainer@norfolk.example.org')
    await page.getByRole('button', { name: 'Sign out' }).click()
    await expect.poll(() => page.locator('h1').textContent()).toBe('You have signed out')
    await expectAccessible(page)
    await page.close()
  })
})

describe('without JavaScript', () => {
  it('uploads a staff file and chooses its columns', async () => {
    const page = await visit('/sign-in', undefined, false)
    await signIn(page, 'admin@north-somerset.example.org')
    await page.goto('/people/import')
    await page.getByLabel('Staff file').setInputFiles({
      name: 'staff.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('Forename,Surname,Work email,Employer\nAl,Day,al.day@example.org,Nowhere\n'),
    })
    await page.getByRole('button', { name: 'Upload and continue' }).click()
    await expect.poll(() => page.locator('h1').textContent()).toBe('Which column holds what')
    await page.getByRole('button', { name: 'Continue' }).click()
    await expect.poll(() => page.locator('h1').textContent()).toBe('Check the import')
    expect(await page.locator('main').textContent()).toMatch(/Row 2 agency “Nowhere” is not in the directory/)
    await page.close()
  })

  it('signs in and changes the policy', async () => {
    const page = await visit('/sign-in', undefined, false)
    await signIn(page, 'admin@south-gloucestershire.example.org')
    await page.goto('/policy/change')
    await page.getByLabel('Telephone follow-up sample each month').fill('12')
    await page.getByLabel('Why is the policy changing?').fill('More calls agreed at the sub-group')
    await page.getByRole('button', { name: 'Save the change' }).click()
    await expect.poll(() => page.locator('.govuk-notification-banner').textContent()).toMatch(/saved/)
    expect(await page.locator('main').textContent()).toMatch(/12 people a month/)
    await page.close()
  })
})

describe('the directory journeys', () => {
  it('imports staff from a file, step by step', async () => {
    const page = await visit('/people/import', 'admin@norfolk.example.org')
    await expectAccessible(page)
    await page.getByRole('button', { name: 'Upload and continue' }).click()
    await expect.poll(() => page.locator('.govuk-error-summary').count()).toBe(1)
    await expectAccessible(page)
    await page.getByLabel('Staff file').setInputFiles({
      name: 'staff.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        'First name,Surname,Email,Agency\r\nKim,Lowe,kim.lowe@example.org,Norfolk Police\r\nLee,Cole,bad-email,Norfolk Police\r\n',
      ),
    })
    await page.getByRole('button', { name: 'Upload and continue' }).click()
    await expect.poll(() => page.locator('h1').textContent()).toBe('Which column holds what')
    await expectAccessible(page)
    await page.getByRole('button', { name: 'Continue' }).click()
    await expect.poll(() => page.locator('h1').textContent()).toBe('Check the import')
    expect(await page.locator('main').textContent()).toMatch(
      /Row 3 work email “bad-email” is not an email address/,
    )
    await expectAccessible(page)
    await page.getByRole('button', { name: 'Import 1 person' }).click()
    await expect.poll(async () => (await page.locator('h1').textContent())?.trim()).toBe('Staff imported')
    await expectAccessible(page)
    await page.close()
  })

  it('merges a duplicate record, checking it first', async () => {
    const page = await visit('/people/new', 'admin@norfolk.example.org')
    for (const [email, agency] of [
      ['dup.one@example.org', 'Norfolk Police'],
      ['dup.two@example.org', 'Norfolk Police'],
    ] as const) {
      await page.goto('/people/new')
      await page.getByLabel('First name').fill('Dana')
      await page.getByLabel('Last name').fill('Duplicate')
      await page.getByLabel('Work email address').fill(email)
      await page.getByLabel('Agency').selectOption({ label: agency })
      await page.getByRole('button', { name: 'Save' }).click()
      await expect.poll(() => page.locator('h1').textContent()).toBe('Dana Duplicate')
    }
    await page.getByRole('link', { name: 'Merge a duplicate into this record' }).click()
    await expectAccessible(page)
    await page.getByRole('button', { name: 'Continue' }).click()
    await expect.poll(() => page.locator('.govuk-error-summary').count()).toBe(1)
    await expectAccessible(page)
    await page.getByLabel('Work email of the duplicate record').fill('dup.one@example.org')
    await page.getByRole('button', { name: 'Continue' }).click()
    await expect.poll(() => page.locator('h1').textContent()).toBe('Check the merge')
    await expectAccessible(page)
    await page.getByRole('button', { name: 'Merge these records' }).click()
    await expect.poll(() => page.locator('main').textContent()).toMatch(/Records merged into this one/)
    await expectAccessible(page)
    await page.close()
  })

  it('registers a practitioner, whom the agency lead then decides on', async () => {
    const page = await visit('/p/norfolk/register')
    await expectAccessible(page)
    await page.getByRole('button', { name: 'Register' }).click()
    await expect.poll(() => page.locator('.govuk-error-summary').count()).toBe(1)
    await expectAccessible(page)
    await page.getByLabel('First name').fill('Robin')
    await page.getByLabel('Last name').fill('Hart')
    await page.getByLabel('Work email address').fill('robin.hart@example.org')
    await page.getByLabel('The agency you work for').selectOption({ index: 1 })
    await page.getByRole('button', { name: 'Register' }).click()
    await expect.poll(() => page.locator('h1').textContent()).toBe('Check your email')
    await expectAccessible(page)
    await page.close()

    const registrant = await visit('/my-record', 'registrant@norfolk.example.org')
    expect(await registrant.locator('main').textContent()).toMatch(/has not yet confirmed/)
    await expectAccessible(registrant)
    await registrant.close()

    const lead = await visit('/registrations', 'agency-lead@norfolk.example.org')
    await expectAccessible(lead)
    await lead.getByRole('link', { name: 'Do not confirm New Practitioner' }).click()
    await lead.getByRole('button', { name: 'Do not confirm' }).click()
    await expect.poll(() => lead.locator('.govuk-error-summary').count()).toBe(1)
    await expectAccessible(lead)
    await lead.getByLabel('Why are you not confirming them?').fill('No one of that name works in our team.')
    await lead.getByRole('button', { name: 'Do not confirm' }).click()
    await expect
      .poll(() => lead.locator('.govuk-notification-banner--success h3').textContent())
      .toBe('You did not confirm New Practitioner')
    await expectAccessible(lead)
    await lead.close()
  })
})

describe('by keyboard alone', () => {
  it('skips to the content and signs in', async () => {
    const context = await newContext(browser)
    const page = await context.newPage()
    await page.goto('/sign-in')
    await page.keyboard.press('Tab')
    expect((await page.locator(':focus').textContent())?.trim()).toBe('Skip to main content')
    await page.keyboard.press('Enter')
    // Tab through to the email field, type, then the password, then submit with Enter.
    await page.locator('#email').focus()
    await page.keyboard.type('admin@norfolk.example.org')
    await page.keyboard.press('Tab')
    await page.keyboard.type('cascade-demo')
    await page.keyboard.press('Enter')
    await page.waitForURL('**/dashboard')
    expect(await page.locator('h1').textContent()).toBe('Norfolk Safeguarding Children Partnership')
    await context.close()
  })
})
