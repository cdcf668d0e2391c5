import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '#test/support/app.ts'
import { page, testApp } from '#test/support/app.ts'

let t: TestApp

beforeAll(async () => {
  t = await testApp()
})
afterAll(() => t?.close())

const FINDER = '/p/north-somerset/pathway'

async function northSomerset<T>(query: string, params: unknown[] = []): Promise<T[]> {
  const ns = await t.partnership('north-somerset')
  return t.db.tenant({ partnershipId: ns.id, userId: null }, (sql) => sql.query<T>(query, params))
}

async function pathwayIdOf(title: string): Promise<string> {
  const [row] = await northSomerset<{ id: string }>('SELECT id FROM pathways WHERE title = $1', [title])
  if (!row) throw new Error(`No pathway ${title}`)
  return row.id
}

async function pathwayOfPerson(email: string): Promise<string | null> {
  const [row] = await northSomerset<{ pathway_id: string | null }>(
    'SELECT pathway_id FROM people WHERE email = $1',
    [email],
  )
  if (!row) throw new Error(`No person ${email}`)
  return row.pathway_id
}

/** Answers the question on the page at `from` with the answer labelled `label`, as the form does. */
async function answer(from: string, label: string) {
  const html = page((await t.browser().get(from)).body)
  const radio = html('input[name="answer"]')
    .toArray()
    .find(
      (r) =>
        html(`label[for="${html(r).attr('id')}"]`)
          .text()
          .trim() === label,
    )
  if (!radio) throw new Error(`No answer “${label}” on ${from}`)
  const query = new URLSearchParams({
    path: String(html('input[name="path"]').val()),
    sent: '1',
    answer: String(html(radio).val()),
  })
  return t.browser().get(`${html('form').attr('action')}?${query}`)
}

describe('the “which training do I need?” finder', () => {
  it('asks the first question as a page heading, with radios and a Continue button, to anyone', async () => {
    const response = await t.browser().get(FINDER)
    expect(response.statusCode).toBe(200)
    const html = page(response.body)
    expect(html('h1').length).toBe(1)
    expect(html('legend h1').text()).toContain(
      'Do you work with or have contact with children, young people, parents or carers?',
    )
    expect(
      html('input[type="radio"][name="answer"]')
        .toArray()
        .map((r) =>
          html(`label[for="${html(r).attr('id')}"]`)
            .text()
            .trim(),
        ),
    ).toEqual(['Yes', 'No'])
    expect(html('form').attr('method')).toBe('get')
    expect(html('button').text()).toContain('Continue')
  })

  it('walks Yes then No to the CSE pathway, with its courses and their next dates', async () => {
    const first = await answer(FINDER, 'Yes')
    expect(first.statusCode).toBe(303)
    expect(first.headers.location).toBe(`${FINDER}?path=0`)
    const second = page((await t.browser().get(String(first.headers.location))).body)
    expect(second('legend h1').text()).toContain('Are you a manager or (designated) safeguarding lead')
    expect(second('.govuk-back-link').attr('href')).toBe(`${FINDER}?was=0`)

    const last = await answer(String(first.headers.location), 'No')
    expect(last.headers.location).toBe(`${FINDER}?path=0.1`)
    const result = await t.browser().get(String(last.headers.location))
    expect(result.statusCode).toBe(200)
    const html = page(result.body)
    expect(html('h1').text().trim()).toBe('CSE pathway')
    expect(html('main').text()).toContain('Practitioners who work with or have contact with children')
    // Required before optional, each with its refresher in words.
    const headings = html('h3')
      .toArray()
      .map((h) => html(h).text().trim())
    expect(headings.slice(0, 2)).toEqual([
      'Multi-agency safeguarding, refreshed every three years',
      'Child sexual exploitation awareness',
    ])
    expect(headings).toContain('Missing and Return Interview Training')
    expect(html('main').text()).toContain('Refresh every 3 years')
    expect(html('main').text()).toContain('No refresher')
    // The CSE awareness course links to its public page, with its next date in London time.
    const [next] = await northSomerset<{ course_id: string; starts_at: Date }>(
      `SELECT s.course_id, s.starts_at FROM sessions s JOIN courses c ON c.id = s.course_id
        WHERE c.title = 'Child Sexual Exploitation (Awareness Raising)' AND s.status = 'open' ORDER BY s.starts_at LIMIT 1`,
    )
    if (!next) return expect.fail('The demo CSE awareness course has no open date')
    const awareness = html(`a[href="/p/north-somerset/courses/${next.course_id}"]`)
    expect(awareness.text().trim()).toBe('Child Sexual Exploitation (Awareness Raising)')
    const day = new Date(next.starts_at).toLocaleDateString('en-GB', {
      timeZone: 'Europe/London',
      day: 'numeric',
      month: 'long',
      year: 'numeric',
    })
    expect(awareness.parent().find('li').first().text()).toBe(`${day} at 9:30am, in person`)
    // The answers given, each with a way back to change it.
    const answers = html('.govuk-summary-list__row')
      .toArray()
      .map((row) => [
        html(row).find('.govuk-summary-list__value').text().trim(),
        html(row).find('.govuk-summary-list__actions a').attr('href'),
      ])
    expect(answers).toEqual([
      ['Yes', `${FINDER}?was=0`],
      ['No', `${FINDER}?path=0&was=1`],
    ])
    expect(html('#save a').text()).toBe('Sign in to save this pathway to your record')
  })

  it('says “No dates yet” and offers to register interest for a course without dates', async () => {
    const ns = await t.partnership('north-somerset')
    const [course] = await t.db.tenant({ partnershipId: ns.id, userId: null, actor: 'test' }, async (sql) => {
      await sql.auditAs('test.no-dates')
      return sql.query<{ id: string }>(
        `UPDATE sessions SET status = 'draft' WHERE course_id =
           (SELECT id FROM courses WHERE title = 'Missing and Return Interview Training') RETURNING course_id AS id`,
      )
    })
    if (!course) return expect.fail('The demo course has no dates to take away')
    const html = page((await t.browser().get(`${FINDER}?path=0.1`)).body)
    const item = html(`a[href="/p/north-somerset/courses/${course.id}"]`).parent()
    expect(item.text()).toContain('No dates yet.')
    expect(item.find('a[href$="/interest"]').attr('href')).toBe(
      `/p/north-somerset/courses/${course.id}/interest`,
    )
  })

  it('shows the answer given before as chosen when going back to change it', async () => {
    const html = page((await t.browser().get(`${FINDER}?path=0&was=1`)).body)
    expect(html('input[name="answer"]:checked').val()).toBe('1')
  })

  it('ends on the Mandatory pathway for No at the first question', async () => {
    const answered = await answer(FINDER, 'No')
    expect(answered.headers.location).toBe(`${FINDER}?path=1`)
    const html = page((await t.browser().get(`${FINDER}?path=1`)).body)
    expect(html('h1').text().trim()).toBe('Mandatory pathway')
    expect(html('h2').text()).not.toContain('Optional training')
  })

  it('asks again with “Select an answer” when no answer is chosen', async () => {
    const response = await t.browser().get(`${FINDER}?path=0&sent=1`)
    expect(response.statusCode).toBe(400)
    const html = page(response.body)
    expect(html('.govuk-error-summary a').text().trim()).toBe('Select an answer')
    expect(html('.govuk-error-summary a').attr('href')).toBe('#answer')
    expect(html('#answer').attr('type')).toBe('radio')
    expect(html('.govuk-error-message').text()).toContain('Select an answer')
    expect(html('title').text()).toMatch(/^Error: /)
    expect(html('legend h1').text()).toContain('Are you a manager')
  })

  it('answers 404 for a path the tree does not have, and for an answer the question does not have', async () => {
    for (const url of [
      `${FINDER}?path=0.1.0`,
      `${FINDER}?path=5`,
      `${FINDER}?path=0.x`,
      `${FINDER}?path=0&path=1`,
      `${FINDER}?path=0&sent=1&answer=7`,
      `${FINDER}?path=0&sent=1&answer=yes`,
    ])
      expect({ url, status: (await t.browser().get(url)).statusCode }).toEqual({ url, status: 404 })
  })

  it('answers 404 for a partnership that does not exist', async () => {
    expect((await t.browser().get('/p/nowhere/pathway')).statusCode).toBe(404)
  })

  it('says a partnership without a tree has not published one, linking to its courses', async () => {
    const response = await t.browser().get('/p/norfolk/pathway')
    expect(response.statusCode).toBe(200)
    const html = page(response.body)
    expect(html('main').text()).toContain('has not published its questions about which training you need yet')
    expect(html('main a[href="/p/norfolk/courses"]').length).toBe(1)
  })

  it('is linked from the public catalogue', async () => {
    const html = page((await t.browser().get('/p/north-somerset/courses')).body)
    expect(html('a[href="/p/north-somerset/pathway"]').text()).toBe('Which training do I need?')
  })
})

describe('saving the pathway found to one’s record', () => {
  it('saves the CSE pathway to the demo practitioner’s record, walking the tree again', async () => {
    const email = 'practitioner@north-somerset.example.org'
    const cse = await pathwayIdOf('CSE pathway')
    expect(await pathwayOfPerson(email)).not.toBe(cse)
    const practitioner = await t.signIn(email)
    const html = page((await practitioner.get(`${FINDER}?path=0.1`)).body)
    const form = html('form[action="/p/north-somerset/pathway/save"]')
    expect(form.find('button').text().trim()).toBe('Save this pathway to your record')
    expect(form.find('input[name="path"]').val()).toBe('0.1')
    // A posted pathway id is not read: the answers decide.
    const saved = await practitioner.post('/p/north-somerset/pathway/save', {
      path: '0.1',
      pathwayId: await pathwayIdOf('Mandatory pathway'),
    })
    expect(saved.statusCode).toBe(303)
    expect(saved.headers.location).toBe('/training?saved=pathway')
    expect(await pathwayOfPerson(email)).toBe(cse)
    // Now it is theirs there is nothing to save.
    const again = page((await practitioner.get(`${FINDER}?path=0.1`)).body)
    expect(again('form[action="/p/north-somerset/pathway/save"]').length).toBe(0)
    expect(again('#save').text()).toContain('This is already the pathway on your record')
  })

  it('refuses a tampered path with 404 and changes nothing', async () => {
    const email = 'agency-lead@north-somerset.example.org'
    const before = await pathwayOfPerson(email)
    const lead = await t.signIn(email)
    await lead.get(`${FINDER}?path=1`)
    for (const path of ['0', '0.1.1', 'x', '9'])
      expect((await lead.post('/p/north-somerset/pathway/save', { path })).statusCode).toBe(404)
    expect(await pathwayOfPerson(email)).toBe(before)
  })

  it('offers another partnership’s user no button, and answers their forged save with 404', async () => {
    const email = 'practitioner@norfolk.example.org'
    const norfolk = await t.signIn(email)
    const html = page((await norfolk.get(`${FINDER}?path=0.1`)).body)
    expect(html('form[action="/p/north-somerset/pathway/save"]').length).toBe(0)
    expect(html('#save').text()).toContain('This pathway can only be saved to a record in North Somerset')
    const forged = await norfolk.post('/p/north-somerset/pathway/save', { path: '0.1' })
    expect(forged.statusCode).toBe(404)
    const ns = await northSomerset<{ n: number }>(
      `SELECT count(*)::int AS n FROM people WHERE pathway_id = $1 AND email LIKE '%@norfolk.example.org'`,
      [await pathwayIdOf('CSE pathway')],
    )
    expect(ns).toEqual([{ n: 0 }])
  })

  it('tells a signed-in user without a directory record why they cannot save', async () => {
    const email = 'executive@north-somerset.example.org'
    const ns = await t.partnership('north-somerset')
    await t.db.tenant({ partnershipId: ns.id, userId: null, actor: 'test' }, async (sql) => {
      await sql.auditAs('test.unlink')
      await sql.query('UPDATE people SET user_id = NULL WHERE email = $1', [email])
    })
    const executive = await t.signIn(email)
    const html = page((await executive.get(`${FINDER}?path=1`)).body)
    expect(html('form[action="/p/north-somerset/pathway/save"]').length).toBe(0)
    expect(html('#save').text()).toContain('You have no record in North Somerset')
    expect((await executive.post('/p/north-somerset/pathway/save', { path: '1' })).statusCode).toBe(404)
  })

  it('asks a visitor who is not signed in to sign in, and back to the result after', async () => {
    const html = page((await t.browser().get(`${FINDER}?path=1`)).body)
    const link = html('#save a')
    expect(link.text()).toBe('Sign in to save this pathway to your record')
    const href = new URL(String(link.attr('href')), 'http://localhost')
    expect([href.pathname, href.searchParams.get('returnTo')]).toEqual(['/sign-in', `${FINDER}?path=1`])
  })
})
