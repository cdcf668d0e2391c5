import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, TestApp } from '#test/support/app.ts'
import { page, testApp } from '#test/support/app.ts'

let t: TestApp
let admin: Browser

beforeAll(async () => {
  t = await testApp()
  admin = await t.signIn('admin@north-somerset.example.org')
})
afterAll(() => t?.close())

const text = (body: string, selector = 'main') => page(body)(selector).text().replace(/\s+/g, ' ').trim()

const summary = (body: string) => {
  const html = page(body)
  return html('.govuk-error-summary a')
    .toArray()
    .map((a) => [html(a).attr('href'), html(a).text().trim()])
}

async function northSomerset<T>(
  query: (sql: Parameters<Parameters<TestApp['db']['tenant']>[1]>[0]) => Promise<T>,
) {
  const ns = await t.partnership('north-somerset')
  return t.db.tenant({ partnershipId: ns.id, userId: null }, query)
}

const storedPathways = () =>
  northSomerset((sql) =>
    sql.query<{ id: string; title: string }>('SELECT id, title FROM pathways ORDER BY title'),
  )
const storedTree = () =>
  northSomerset((sql) => sql.one<{ tree: unknown }>('SELECT tree FROM pathway_finders')).then((r) => r.tree)
const storedRecognitions = () =>
  northSomerset((sql) => sql.query<{ id: string }>('SELECT id FROM recognitions ORDER BY id'))

/** Posts a form whose fields repeat (a checkbox group), as a browser sends it. */
async function postPairs(browser: Browser, url: string, pairs: [string, string][]) {
  const csrf = String(
    page((await browser.get(url)).body)('input[name="_csrf"]')
      .first()
      .val(),
  )
  return t.app.inject({
    method: 'POST',
    url,
    headers: { cookie: browser.cookieHeader, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams([['_csrf', csrf], ...pairs]).toString(),
  })
}

/** The id of each course on the pathway form, by its title. */
async function courseIds(): Promise<Map<string, string>> {
  const form = page((await admin.get('/pathways/new')).body)
  const ids = new Map<string, string>()
  form('input[name="requirements-1-courses"]').each((_, input) => {
    const label = form(`label[for="${form(input).attr('id')}"]`)
      .text()
      .trim()
      .replace(/ \(.*\)$/, '')
    ids.set(label, String(form(input).val()))
  })
  return ids
}

async function pathwayId(title: string): Promise<string> {
  const found = (await storedPathways()).find((p) => p.title === title)
  if (!found) throw new Error(`No pathway ${title}`)
  return found.id
}

describe('pathway pages', () => {
  it('lists the demo pathways with who they are for, their requirements and status, and links onwards', async () => {
    const response = await admin.get('/pathways')
    expect(response.statusCode).toBe(200)
    const html = page(response.body)
    const rows = html('tbody tr')
      .toArray()
      .map((row) => html(row).find('th').text().trim())
    expect(rows).toEqual(['CSE pathway', 'CSE pathway: managers and safeguarding leads', 'Mandatory pathway'])
    const cse = html('tbody tr').first().text().replace(/\s+/g, ' ')
    expect(cse).toContain('Practitioners who work with or have contact with children')
    expect(cse).toContain('5 (2 required)')
    expect(cse).toContain('Active')
    const links = html('main a')
      .toArray()
      .map((a) => html(a).attr('href'))
    expect(links).toEqual(
      expect.arrayContaining([
        '/pathways/new',
        '/p/north-somerset/pathway',
        '/pathways/tree',
        '/pathways/recognitions',
      ]),
    )
  })

  it('shows a pathway’s requirements with their refreshers in words and their courses', async () => {
    const id = await pathwayId('CSE pathway')
    const response = await admin.get(`/pathways/${id}`)
    expect(response.statusCode).toBe(200)
    const html = page(response.body)
    expect(html('h1').text()).toBe('CSE pathway')
    const main = text(response.body)
    expect(main).toContain('Child sexual exploitation awareness')
    expect(main).toContain('Every 3 years')
    expect(main).toContain('No refresher')
    expect(main).toContain('Optional')
    expect(main).toContain('Child Sexual Exploitation (Awareness Raising)')
    expect(html('a[href$="/change"]').text()).toContain('Change the pathway')
  })

  it('adds a pathway with a required and an optional requirement, one met by either of two courses', async () => {
    const courses = await courseIds()
    const [first, second] = [...courses.values()]
    if (!first || !second) throw new Error('Too few courses')
    const response = await postPairs(admin, '/pathways/new', [
      ['title', 'Domestic abuse pathway'],
      ['audience', 'Everyone who works with families'],
      ['summary', 'What to do about domestic abuse'],
      ['requirements-1-title', 'Domestic abuse awareness'],
      ['requirements-1-required', 'required'],
      ['requirements-1-refresherMonths', '18'],
      ['requirements-1-courses', first],
      ['requirements-1-courses', second],
      ['requirements-2-title', 'Reflective reading'],
      ['requirements-2-required', 'optional'],
      ['requirements-2-refresherMonths', ''],
      // An empty row is left out.
      ['requirements-3-title', ''],
      ['requirements-3-refresherMonths', ''],
    ])
    expect(response.statusCode).toBe(303)
    const url = String(response.headers.location)
    expect(url).toMatch(/^\/pathways\/[0-9a-f-]{36}\?done=added$/)
    const shown = await admin.get(url)
    const main = text(shown.body)
    expect(main).toContain('Pathway added')
    expect(main).toContain('1. Domestic abuse awareness')
    expect(main).toContain('Every 18 months')
    expect(main).toContain('Any one of:')
    expect(main).toContain('2. Reflective reading')
    expect(main).toContain('No course: met by verified evidence only')
    expect(page(shown.body)('main h3[id^="requirement-"]').length).toBe(2)
  })

  it('changes a pathway, keeping the requirement whose id it was given, so its evidence stays', async () => {
    const id = await pathwayId('Mandatory pathway')
    const before = await northSomerset((sql) =>
      sql.one<{ id: string }>('SELECT id FROM pathway_requirements WHERE pathway_id = $1', [id]),
    )
    const form = page((await admin.get(`/pathways/${id}/change`)).body)
    expect(form('input[name="requirements-1-id"]').val()).toBe(before.id)
    expect(form('#requirements-1-refresherMonths').val()).toBe('36')
    expect(form('fieldset legend').text()).toContain('Requirement 4')
    const courseId = String(form('input[name="requirements-1-courses"]:checked').val())
    const response = await admin.submit(`/pathways/${id}/change`, {
      title: 'Mandatory pathway',
      audience: 'Everyone in the children’s workforce',
      status: 'active',
      'requirements-1-id': before.id,
      'requirements-1-title': 'Multi-agency safeguarding',
      'requirements-1-required': 'required',
      'requirements-1-refresherMonths': '24',
      'requirements-1-courses': courseId,
      'requirements-2-title': 'Safer recruitment',
      'requirements-2-required': 'optional',
      'requirements-2-refresherMonths': '',
    })
    expect(response.statusCode).toBe(303)
    expect(response.headers.location).toBe(`/pathways/${id}?done=changed`)
    const after = await northSomerset((sql) =>
      sql.query<{ id: string; title: string; refresher_months: number | null }>(
        'SELECT id, title, refresher_months FROM pathway_requirements WHERE pathway_id = $1 ORDER BY position',
        [id],
      ),
    )
    expect(after[0]).toEqual({ id: before.id, title: 'Multi-agency safeguarding', refresher_months: 24 })
    expect(after[1]?.title).toBe('Safer recruitment')
    expect(text((await admin.get(`/pathways/${id}`)).body)).toContain('Every 2 years')
  })

  it('says everything wrong with a pathway at once, keeps what was typed, and adds nothing', async () => {
    const before = await storedPathways()
    const response = await admin.submit('/pathways/new', {
      title: '',
      audience: '',
      'requirements-1-title': '',
      'requirements-1-refresherMonths': '',
    })
    expect(response.statusCode).toBe(400)
    expect(summary(response.body)).toEqual([
      ['#title', 'Enter the pathway’s title'],
      ['#audience', 'Say who the pathway is for'],
      ['#requirements-1-title', 'Add at least one requirement'],
    ])

    const refreshers = await admin.submit('/pathways/new', {
      title: 'Refresher pathway',
      audience: 'Everyone',
      'requirements-1-title': 'Never',
      'requirements-1-required': 'required',
      'requirements-1-refresherMonths': '0',
      'requirements-2-title': 'Too long',
      'requirements-2-refresherMonths': '300',
      'requirements-3-title': '',
      'requirements-3-refresherMonths': 'three',
    })
    expect(refreshers.statusCode).toBe(400)
    expect(summary(refreshers.body)).toEqual([
      [
        '#requirements-1-refresherMonths',
        'The refresher of requirement 1 must be between 1 and 240 months (20 years)',
      ],
      ['#requirements-2-required', 'Say whether requirement 2 is required or optional'],
      [
        '#requirements-2-refresherMonths',
        'The refresher of requirement 2 must be between 1 and 240 months (20 years)',
      ],
      ['#requirements-3-title', 'Enter the title of requirement 3'],
      ['#requirements-3-required', 'Say whether requirement 3 is required or optional'],
      [
        '#requirements-3-refresherMonths',
        'Enter the refresher of requirement 3 as a whole number of months, like 36, or leave it blank for no refresher',
      ],
    ])
    const html = page(refreshers.body)
    expect(html('#requirements-2-refresherMonths').val()).toBe('300')
    expect(html('#requirements-2-refresherMonths').hasClass('govuk-input--error')).toBe(true)
    expect(html('input[name="requirements-1-required"][value="required"]').attr('checked')).toBeDefined()

    const duplicate = await admin.submit('/pathways/new', {
      title: 'cse PATHWAY',
      audience: 'Everyone',
      'requirements-1-title': 'Anything',
      'requirements-1-required': 'optional',
      'requirements-1-refresherMonths': '',
    })
    expect(duplicate.statusCode).toBe(400)
    expect(summary(duplicate.body)).toEqual([['#title', 'There is already a pathway with that title']])
    expect(await storedPathways()).toEqual(before)
  })

  it('refuses a change that renames a pathway to another’s title, and changes nothing', async () => {
    const id = await pathwayId('CSE pathway')
    const before = await northSomerset((sql) =>
      sql.query('SELECT id, title, refresher_months FROM pathway_requirements WHERE pathway_id = $1', [id]),
    )
    const response = await admin.submit(`/pathways/${id}/change`, {
      title: 'Mandatory pathway',
      audience: 'Everyone',
      status: 'active',
      'requirements-1-title': 'Only this',
      'requirements-1-required': 'required',
      'requirements-1-refresherMonths': '12',
    })
    expect(response.statusCode).toBe(400)
    expect(summary(response.body)).toEqual([['#title', 'There is already a pathway with that title']])
    expect(
      await northSomerset((sql) =>
        sql.query('SELECT id, title, refresher_months FROM pathway_requirements WHERE pathway_id = $1', [id]),
      ),
    ).toEqual(before)
  })

  it('answers 404 for another partnership’s pathway', async () => {
    const sg = await t.partnership('south-gloucestershire')
    const theirs = await t.db.tenant({ partnershipId: sg.id, userId: null }, (sql) =>
      sql.one<{ id: string }>(
        `INSERT INTO pathways (partnership_id, title, audience) VALUES ($1, 'South Glos pathway', 'Everyone') RETURNING id`,
        [sg.id],
      ),
    )
    expect((await admin.get(`/pathways/${theirs.id}`)).statusCode).toBe(404)
    expect((await admin.get(`/pathways/${theirs.id}/change`)).statusCode).toBe(404)
    const post = await admin.submit(
      `/pathways/${theirs.id}/change`,
      { title: 'Taken over', audience: 'Everyone', status: 'active' },
      { from: '/pathways' },
    )
    expect(post.statusCode).toBe(404)
    expect((await admin.get('/pathways/not-an-id')).statusCode).toBe(404)
  })
})

/** The value chosen in a select whose options are grouped. */
const chosen = (html: ReturnType<typeof page>, select: string) =>
  html(`${select} option[selected]`).attr('value')

/** The tree form's fields: each question's text and its answers as [label, leads to]. */
function treeForm(start: string, questions: { text: string; answers: [string, string][] }[]) {
  const fields: Record<string, string> = { start }
  questions.forEach((q, i) => {
    fields[`q${i + 1}-text`] = q.text
    fields[`q${i + 1}-hint`] = ''
    q.answers.forEach(([label, to], j) => {
      fields[`q${i + 1}-a${j + 1}-label`] = label
      fields[`q${i + 1}-a${j + 1}-to`] = to
    })
  })
  return fields
}

describe('decision tree pages', () => {
  it('shows the tree as nested questions and answers ending on pathways', async () => {
    const response = await admin.get('/pathways/tree')
    expect(response.statusCode).toBe(200)
    const html = page(response.body)
    const outer = html('#tree > ul > li')
    expect(outer.length).toBe(2)
    expect(outer.first().text()).toContain('Answer “Yes”: then')
    expect(outer.first().find('ul > li').first().text()).toContain(
      'ends on CSE pathway: managers and safeguarding leads',
    )
    expect(outer.last().text().replace(/\s+/g, ' ')).toContain('Answer “No”: ends on Mandatory pathway')
  })

  it('shows the saved tree on its change form, numbered, with empty questions to add', async () => {
    const html = page((await admin.get('/pathways/tree/change')).body)
    expect(html('#start').val()).toBe('q1')
    expect(html('#q1-a1-label').val()).toBe('Yes')
    expect(chosen(html, '#q1-a1-to')).toBe('q2')
    expect(html('#q4-text').length).toBe(1)
    expect(html('#q5-text').length).toBe(0)
    expect(
      html('#q1-a1-to optgroup')
        .map((_, g) => html(g).attr('label'))
        .get(),
    ).toEqual(['Questions', 'Pathways'])
  })

  it('refuses a tree whose answer loops back, naming the question, and keeps the tree', async () => {
    const before = await storedTree()
    const [cse] = [await pathwayId('CSE pathway')]
    const response = await admin.submit(
      '/pathways/tree/change',
      treeForm('q1', [
        {
          text: 'Do you work with children?',
          answers: [
            ['Yes', 'q2'],
            ['No', cse],
          ],
        },
        {
          text: 'Are you a manager?',
          answers: [
            ['Yes', cse],
            ['No', 'q1'],
          ],
        },
      ]),
    )
    expect(response.statusCode).toBe(400)
    expect(summary(response.body)).toEqual([
      [
        '#questions',
        'The answer “No” to “Are you a manager?” leads back to “Do you work with children?”: a loop',
      ],
    ])
    expect(chosen(page(response.body), '#q2-a2-to')).toBe('q1')
    expect(await storedTree()).toEqual(before)
  })

  it('refuses a tree with a dead end, and keeps the tree', async () => {
    const before = await storedTree()
    const cse = await pathwayId('CSE pathway')
    const response = await admin.submit(
      '/pathways/tree/change',
      treeForm('q1', [
        {
          text: 'Do you work with children?',
          answers: [
            ['Yes', 'q3'],
            ['No', cse],
          ],
        },
      ]),
    )
    expect(response.statusCode).toBe(400)
    expect(summary(response.body)).toEqual([
      ['#questions', 'The answer “Yes” to “Do you work with children?” leads to no question: a dead end'],
    ])
    expect(await storedTree()).toEqual(before)
  })

  it('says what is missing from a question and its answers, and keeps the tree', async () => {
    const before = await storedTree()
    const response = await admin.submit(
      '/pathways/tree/change',
      treeForm('', [
        {
          text: '',
          answers: [
            ['Yes', ''],
            ['', 'q1'],
          ],
        },
      ]),
    )
    expect(response.statusCode).toBe(400)
    expect(summary(response.body)).toEqual([
      ['#start', 'Choose the question the tree starts with'],
      ['#q1-text', 'Enter the text of question 1'],
      ['#q1-a1-to', 'Choose where answer 1 to question 1 leads'],
      ['#q1-a2-label', 'Enter answer 2 to question 1'],
    ])
    expect(await storedTree()).toEqual(before)
  })

  it('saves a tree that ends on a pathway every way through', async () => {
    const [cse, mandatory] = [await pathwayId('CSE pathway'), await pathwayId('Mandatory pathway')]
    const response = await admin.submit(
      '/pathways/tree/change',
      treeForm('q2', [
        {
          text: 'Do you lead a team?',
          answers: [
            ['Yes', cse],
            ['No', mandatory],
          ],
        },
        {
          text: 'Do you work with children?',
          answers: [
            ['Yes', 'q1'],
            ['No', mandatory],
            ['Sometimes', 'q1'],
          ],
        },
      ]),
    )
    expect(response.statusCode).toBe(303)
    expect(response.headers.location).toBe('/pathways/tree?done=saved')
    expect(await storedTree()).toEqual({
      start: 'q2',
      questions: [
        {
          id: 'q1',
          text: 'Do you lead a team?',
          answers: [
            { label: 'Yes', pathwayId: cse },
            { label: 'No', pathwayId: mandatory },
          ],
        },
        {
          id: 'q2',
          text: 'Do you work with children?',
          answers: [
            { label: 'Yes', next: 'q1' },
            { label: 'No', pathwayId: mandatory },
            { label: 'Sometimes', next: 'q1' },
          ],
        },
      ],
    })
    const shown = text((await admin.get('/pathways/tree?done=saved')).body)
    expect(shown).toContain('Decision tree saved')
    expect(shown).toContain('Question 2: Do you work with children?')
  })
})

describe('recognition pages', () => {
  it('lists the courses recognised from other partnerships and the requirement each meets', async () => {
    const html = page((await admin.get('/pathways/recognitions')).body)
    const row = html('tbody tr').first().text().replace(/\s+/g, ' ')
    expect(row).toContain('South Gloucestershire')
    expect(row).toContain('Child Sexual Exploitation: awareness')
    expect(row).toContain('CSE pathway – Child sexual exploitation awareness')
  })

  it('adds a recognition in two steps: the partnership, then its course and the requirement', async () => {
    const sg = await t.partnership('south-gloucestershire')
    const first = page((await admin.get('/pathways/recognitions')).body)
    expect(
      first('#partnershipId option')
        .map((_, o) => first(o).text())
        .get(),
    ).toContain(sg.name)
    expect(first('#courseId').length).toBe(0)
    const second = page((await admin.get(`/pathways/recognitions?partnershipId=${sg.id}`)).body)
    const course = second('#courseId option')
      .toArray()
      .find((o) => second(o).text() === 'Child Sexual Exploitation: awareness')
    const requirement = second('#requirementId option')
      .toArray()
      .find(
        (o) =>
          second(o).text() ===
          'CSE pathway: managers and safeguarding leads – Child sexual exploitation: advanced',
      )
    if (!course || !requirement) throw new Error('Missing choices')
    const fields = {
      partnershipId: sg.id,
      courseId: String(second(course).val()),
      requirementId: String(second(requirement).val()),
    }
    const before = await storedRecognitions()
    const added = await admin.submit('/pathways/recognitions', fields, {
      from: `/pathways/recognitions?partnershipId=${sg.id}`,
    })
    expect(added.statusCode).toBe(303)
    expect(added.headers.location).toBe('/pathways/recognitions?done=added')
    expect((await storedRecognitions()).length).toBe(before.length + 1)

    const again = await admin.post('/pathways/recognitions', fields)
    expect(again.statusCode).toBe(400)
    expect(summary(again.body)).toEqual([
      ['#courseId', 'That course is recognised for that requirement already'],
    ])
    expect((await storedRecognitions()).length).toBe(before.length + 1)

    const listed = page((await admin.get('/pathways/recognitions')).body)
    const row = listed('tbody tr')
      .toArray()
      .find((r) => listed(r).text().includes('Child sexual exploitation: advanced'))
    const remove = listed(row).find('form').attr('action')
    expect(remove).toMatch(/^\/pathways\/recognitions\/[0-9a-f-]{36}\/remove$/)
    const removed = await admin.post(String(remove), {})
    expect(removed.statusCode).toBe(303)
    expect(await storedRecognitions()).toEqual(before)
  })

  it('refuses recognising the partnership’s own course, or a course that is not theirs, and adds nothing', async () => {
    const [ns, sg] = [await t.partnership('north-somerset'), await t.partnership('south-gloucestershire')]
    const requirementId = await northSomerset((sql) =>
      sql
        .one<{ id: string }>('SELECT id FROM pathway_requirements ORDER BY position LIMIT 1')
        .then((r) => r.id),
    )
    const ownCourse = (await courseIds()).values().next().value as string
    const before = await storedRecognitions()
    const own = await admin.submit('/pathways/recognitions', {
      partnershipId: ns.id,
      courseId: ownCourse,
      requirementId,
    })
    expect(own.statusCode).toBe(400)
    expect(summary(own.body)).toEqual([
      ['#partnershipId', 'A partnership’s own courses count already: choose another partnership'],
    ])
    const unknown = await admin.submit('/pathways/recognitions', {
      partnershipId: sg.id,
      courseId: ownCourse,
      requirementId,
    })
    expect(unknown.statusCode).toBe(400)
    expect(summary(unknown.body)).toEqual([
      ['#courseId', 'Choose one of that partnership’s published courses'],
    ])
    const blank = await admin.submit('/pathways/recognitions', {
      partnershipId: sg.id,
      courseId: '',
      requirementId: '',
    })
    expect(summary(blank.body)).toEqual([
      ['#courseId', 'Choose the course recognised'],
      ['#requirementId', 'Choose the requirement it meets'],
    ])
    expect(await storedRecognitions()).toEqual(before)
  })

  it('answers 404 for removing a recognition that is not the partnership’s', async () => {
    const before = await storedRecognitions()
    expect(
      (
        await admin.submit(
          '/pathways/recognitions/00000000-0000-4000-8000-000000000000/remove',
          {},
          { from: '/pathways' },
        )
      ).statusCode,
    ).toBe(404)
    expect(await storedRecognitions()).toEqual(before)
  })
})

describe('who may use the pathway pages', () => {
  it('refuses practitioners', async () => {
    const practitioner = await t.signIn('practitioner@north-somerset.example.org')
    for (const url of ['/pathways', '/pathways/tree', '/pathways/recognitions'])
      expect({ url, status: (await practitioner.get(url)).statusCode }).toEqual({ url, status: 403 })
  })

  it('lets an agency lead read the pathways, the tree and recognitions, but change none of them', async () => {
    const lead = await t.signIn('agency-lead@north-somerset.example.org')
    const id = await pathwayId('CSE pathway')
    for (const url of ['/pathways', `/pathways/${id}`, '/pathways/tree', '/pathways/recognitions']) {
      const response = await lead.get(url)
      expect({ url, status: response.statusCode }).toEqual({ url, status: 200 })
      const html = page(response.body)
      expect(
        html('main a[href="/pathways/new"], main a[href$="/change"], main form[method="post"]').length,
      ).toBe(0)
    }
    for (const url of ['/pathways/new', `/pathways/${id}/change`, '/pathways/tree/change'])
      expect({ url, status: (await lead.get(url)).statusCode }).toEqual({ url, status: 403 })
    const before = await storedPathways()
    const posts = [
      ['/pathways/new', { title: 'Lead’s pathway', audience: 'Everyone' }],
      [`/pathways/${id}/change`, { title: 'Renamed', audience: 'Everyone', status: 'active' }],
      [
        '/pathways/tree/change',
        treeForm('q1', [
          {
            text: 'A?',
            answers: [
              ['Yes', id],
              ['No', id],
            ],
          },
        ]),
      ],
      ['/pathways/recognitions', { partnershipId: id, courseId: id, requirementId: id }],
    ] as const
    for (const [url, fields] of posts)
      expect({
        url,
        status: (await lead.submit(url, { ...fields }, { from: '/pathways' })).statusCode,
      }).toEqual({
        url,
        status: 403,
      })
    expect(await storedPathways()).toEqual(before)
  })
})
