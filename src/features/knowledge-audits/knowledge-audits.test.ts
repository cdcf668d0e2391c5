import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { aLearningProduct } from '#features/learning/test-fixtures.ts'
import type { PartnershipRef } from '#platform/auth/identity.ts'
import type { TenantScope } from '#platform/db/database.ts'
import type { Jobs } from '#platform/jobs.ts'
import type { Browser, TestApp } from '#test/support/app.ts'
import { page, TEST_NOW, testApp } from '#test/support/app.ts'
import { drawFrom, eligibleOn } from './draw.ts'
import { defineKnowledgeAuditJobs, KNOWLEDGE_AUDIT_REMINDERS_JOB } from './jobs.ts'
import { candidatesOf } from './queries.ts'

let t: TestApp
let p: PartnershipRef
let scope: TenantScope
const tokens: Record<string, string> = {}
const agencies: Record<'police' | 'school' | 'housing', string> = { police: '', school: '', housing: '' }
let productId: string
let otherProductId: string

const admin = 'admin@shropshire.example.org'
const lead = 'agency-lead@shropshire.example.org'

const option = (text: string, correct = false) => ({ text, correct })
const quiz = [
  {
    text: 'Who should you tell when a child discloses neglect?',
    kind: 'single',
    options: [option('Your safeguarding lead', true), option('No one')],
  },
  {
    text: 'Which are signs of cumulative neglect?',
    kind: 'multiple',
    options: [
      option('Missed health appointments', true),
      option('Poor school attendance', true),
      option('A new coat'),
    ],
  },
]

const api = (as: string, method: 'GET' | 'POST', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: { authorization: `Bearer ${tokens[as]}` }, payload })

async function count(table: string): Promise<number> {
  return (
    await t.db.tenant(scope, (sql) => sql.one<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))
  ).n
}

type Mail = { to: string; subject: string; text: string }
async function mail(subject: string): Promise<Mail[]> {
  return t.db.platform((sql) =>
    sql.query<Mail>(
      `SELECT to_address AS to, subject, text_body AS text FROM outbox
        WHERE partnership_id = $1 AND subject LIKE $2 ORDER BY created_at, id`,
      [p.id, `${subject}%`],
    ),
  )
}
/** The personal link in each email, by recipient. */
const linksOf = (mails: Mail[]) =>
  Object.fromEntries(mails.map((m) => [m.to, (m.text.match(/https?:\/\/\S+(\/p\/\S+)/) ?? [])[1] as string]))

async function addPeople(agency: string, prefix: string, n: number) {
  await t.db.tenant(scope, async (sql) => {
    await sql.auditAs('test')
    for (let i = 1; i <= n; i++)
      await sql.query(
        `INSERT INTO people (partnership_id, first_name, last_name, email, agency_id) VALUES ($1, $2, 'Tested', $3, $4)`,
        [p.id, `${prefix}${i}`, `${prefix.toLowerCase()}${i}@shropshire-audit.example.org`, agency],
      )
  })
}

/** Posts a form as a browser does, with repeated fields (checkboxes), after getting its page. */
async function postForm(browser: Browser, url: string, from: string, fields: [string, string][]) {
  const csrf = page((await browser.get(from)).body)('input[name="_csrf"]').val() as string
  return t.app.inject({
    method: 'POST',
    url,
    headers: { cookie: browser.cookieHeader, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams([['_csrf', csrf], ...fields]).toString(),
  })
}

/** Answers a quiz through its link as a person would: the first question right or wrong, the second right. */
async function answer(link: string, right: boolean, confidence = '7') {
  const visitor = t.browser()
  const form = page((await visitor.get(link)).body)
  const [first, second] = form('fieldset')
    .toArray()
    .map((f) => form(f).find('input').first().attr('name') as string)
  return postForm(visitor, link, link, [
    [first as string, right ? '0' : '1'],
    [second as string, '0'],
    [second as string, '1'],
    ['confidence', confidence],
  ])
}

beforeAll(async () => {
  t = await testApp()
  p = await t.partnership('shropshire')
  scope = { partnershipId: p.id, userId: null, actor: 'test' }
  for (const email of [
    admin,
    lead,
    'executive@shropshire.example.org',
    'practitioner@shropshire.example.org',
  ]) {
    const user = await t.db.anonymous({}, (sql) =>
      sql.one<{ id: string }>('SELECT id FROM users WHERE email = $1', [email]),
    )
    tokens[email] = await t.services.tokens.create({ partnershipId: p.id, userId: user.id, name: 'test' })
  }
  // The demo's agencies are set aside, so the test knows everyone who could be drawn.
  await t.db.tenant(scope, async (sql) => {
    await sql.auditAs('test')
    await sql.query('UPDATE agencies SET archived = true')
    const agency = async (name: string, sector: string, workforce: string) =>
      (
        await sql.one<{ id: string }>(
          `INSERT INTO agencies (partnership_id, name, category, sector, workforce) VALUES ($1, $2, 'statutory', $3, $4) RETURNING id`,
          [p.id, name, sector, workforce],
        )
      ).id
    agencies.police = await agency('Audit Police', 'police', 'both')
    agencies.school = await agency('Audit School', 'education', 'children')
    agencies.housing = await agency('Audit Housing', 'housing', 'adults')
    await sql.query(
      `UPDATE memberships SET agency_ids = $1 WHERE role = 'agency-lead' AND user_id = (SELECT id FROM users WHERE email = $2)`,
      [[agencies.police], lead],
    )
  })
  await addPeople(agencies.police, 'Pol', 8)
  await addPeople(agencies.school, 'Sch', 4)
  await addPeople(agencies.housing, 'Hou', 3)
  // Neither someone who has left nor a merged duplicate is asked.
  await t.db.tenant(scope, async (sql) => {
    await sql.auditAs('test')
    await sql.query(
      `INSERT INTO people (partnership_id, first_name, last_name, email, agency_id, status) VALUES ($1, 'Left', 'Tested', 'left@shropshire-audit.example.org', $2, 'left')`,
      [p.id, agencies.police],
    )
  })
  productId = (
    await aLearningProduct(t.db, p.id, {
      title: 'Cumulative neglect: 7-minute briefing',
      audience: { sectors: ['police', 'education'], workforce: null },
    })
  ).id
  otherProductId = (
    await aLearningProduct(t.db, p.id, { title: 'Unrelated poster', audience: { sectors: ['health'] } })
  ).id
})
afterAll(() => t?.close())

let auditA: string
let linksA: Record<string, string>

describe('knowledge audits', () => {
  it('refuses a quiz with no right answer marked, or a single-choice question with two, changing nothing', async () => {
    const before = await count('knowledge_audits')
    const noRight = await api(admin, 'POST', '/api/v1/knowledge-audits', {
      title: 'Neglect',
      productIds: [productId],
      closesOn: '2026-12-15',
      questions: [quiz[0], { text: 'Which?', kind: 'multiple', options: [option('A'), option('B')] }],
    })
    expect(noRight.statusCode).toBe(400)
    expect(JSON.stringify(noRight.json())).toContain(
      'Question 2 has no right answer marked: mark the right answer',
    )
    const twoRight = await api(admin, 'POST', '/api/v1/knowledge-audits', {
      title: 'Neglect',
      productIds: [productId],
      closesOn: '2026-12-15',
      questions: [{ text: 'Which?', kind: 'single', options: [option('A', true), option('B', true)] }],
    })
    expect(twoRight.statusCode).toBe(400)
    expect(JSON.stringify(twoRight.json())).toContain(
      'Question 1 is single choice, so it needs exactly one right answer',
    )
    expect(await count('knowledge_audits')).toBe(before)
    expect(await count('knowledge_audit_questions')).toBe(0)
  })

  it('refuses a question added on the page with no right answer, saying why, and keeps the quiz as it was', async () => {
    const browser = await t.signIn(admin)
    const created = await browser.submit('/knowledge-audits/new', {
      title: 'Page-built draft',
      productIds: productId,
      sampleSize: '10',
      'closesOn-day': '15',
      'closesOn-month': '12',
      'closesOn-year': '2026',
    })
    expect(created.statusCode).toBe(303)
    const draft = String(created.headers.location)
    const refused = await browser.submit(
      `${draft}/questions`,
      {
        text: 'Who do you tell?',
        kind: 'single',
        'option-1': 'The lead',
        'option-2': 'No one',
      },
      { from: draft },
    )
    expect(refused.statusCode).toBe(400)
    const $ = page(refused.body)
    expect($('.govuk-error-summary').text()).toContain('has no right answer marked')
    expect($('.govuk-error-summary a').attr('href')).toBe('#options')
    expect(await count('knowledge_audit_questions')).toBe(0)
    const two = await postForm(browser, `${draft}/questions`, draft, [
      ['text', 'Who do you tell?'],
      ['kind', 'single'],
      ['option-1', 'The lead'],
      ['option-2', 'No one'],
      ['correct', '1'],
      ['correct', '2'],
    ])
    expect(two.statusCode).toBe(400)
    expect(page(two.body)('.govuk-error-summary').text()).toContain('exactly one right answer')
    const added = await browser.post(`${draft}/questions`, {
      text: 'Who do you tell?',
      kind: 'single',
      'option-1': 'The lead',
      'option-2': 'No one',
      correct: '1',
    })
    expect(added.statusCode).toBe(303)
    expect(
      page((await browser.get(draft)).body)('ol li')
        .first()
        .text(),
    ).toContain('Right answer')
    // The draft's details change on their own page; a closing date already past is refused.
    expect((await browser.get(`${draft}/edit`)).statusCode).toBe(200)
    const past = await browser.submit(`${draft}/edit`, {
      title: 'Page-built draft',
      productIds: productId,
      sampleSize: '10',
      'closesOn-day': '1',
      'closesOn-month': '11',
      'closesOn-year': '2026',
    })
    expect(past.statusCode).toBe(400)
    expect(page(past.body)('.govuk-error-summary a').attr('href')).toBe('#closesOn-day')
    await t.db.tenant(scope, async (sql) => {
      await sql.auditAs('test')
      await sql.query(`DELETE FROM knowledge_audits WHERE title = 'Page-built draft'`)
    })
  })

  it('sends to everyone eligible when the sample is larger, says so, and records a seed that redraws the same sample', async () => {
    const created = await api(admin, 'POST', '/api/v1/knowledge-audits', {
      title: 'Neglect, winter 2026',
      productIds: [productId],
      closesOn: '2026-12-15',
      questions: quiz,
    })
    expect(created.statusCode).toBe(201)
    const body = created.json()
    auditA = body.id
    expect(body).toMatchObject({ status: 'draft', sampleSize: 50, questionCount: 2, sample: null })
    expect(body.questions[1].options).toEqual(quiz[1]?.options)
    const before = await t.db.tenant(scope, (sql) => candidatesOf(sql, [agencies.police, agencies.school]))

    const sent = await api(admin, 'POST', `/api/v1/knowledge-audits/${auditA}/send`, {})
    expect(sent.statusCode).toBe(200)
    const sample = sent.json().sample
    expect(sample).toMatchObject({ eligible: 12, excluded: 0, invited: 12, sampleSize: 50, tookAll: true })
    expect(sample.message).toBe(
      'The sample asked for 50 people, but only 12 people were eligible: all of them were invited.',
    )
    // Redrawn from the recorded seed and the same eligible people: the same people in the same order.
    const invited = await t.db.tenant(scope, (sql) =>
      sql.query<{ personId: string }>(
        'SELECT person_id AS "personId" FROM knowledge_audit_invitations WHERE audit_id = $1 ORDER BY position',
        [auditA],
      ),
    )
    const redrawn = drawFrom(sample.seed, eligibleOn(before, '2026-11-24').eligible, 50)
    expect(invited.map((i) => i.personId)).toEqual(redrawn.chosen.map((c) => c.personId))

    const emails = await mail('A short quiz')
    expect(emails).toHaveLength(12)
    expect(emails.map((m) => m.to)).not.toContain('hou1@shropshire-audit.example.org')
    expect(emails.map((m) => m.to)).not.toContain('left@shropshire-audit.example.org')
    linksA = linksOf(emails)

    const $ = page((await (await t.signIn(admin)).get(`/knowledge-audits/${auditA}`)).body)
    expect($('#took-all').text()).toContain('all of them were invited')
    expect($('#sample').text()).toContain(sample.seed)
    expect($('#people tbody tr')).toHaveLength(12)
    // The questions no longer change.
    expect((await api(admin, 'POST', `/api/v1/knowledge-audits/${auditA}/send`, {})).statusCode).toBe(409)
    await expect(
      t.db.tenant(scope, (sql) =>
        sql.query('DELETE FROM knowledge_audit_questions WHERE audit_id = $1', [auditA]),
      ),
    ).rejects.toThrow(/keeps its questions/)
  })

  it('refuses a forged link clearly, shows every problem at once, and takes answers once', async () => {
    const link = linksA['pol1@shropshire-audit.example.org'] as string
    const forged = await t.browser().get(`${link.slice(0, -3)}abc`)
    expect(forged.statusCode).toBe(404)
    expect(page(forged.body)('h1').text()).toBe('This link does not work')
    expect((await t.browser().get(link.replace('/p/shropshire/', '/p/jersey/'))).statusCode).toBe(404)

    const visitor = t.browser()
    await visitor.get(link)
    const empty = await visitor.post(link, {})
    expect(empty.statusCode).toBe(400)
    expect(page(empty.body)('.govuk-error-summary li')).toHaveLength(3)

    await answer(link, true, '8')
    const again = await t.browser().get(link)
    expect(again.statusCode).toBe(409)
    expect(page(again.body)('h1').text()).toBe('You have already answered this knowledge audit')
    const twice = await visitor.post(link, { confidence: '2' })
    expect(twice.statusCode).toBe(409)
    const stored = await t.db.tenant(scope, (sql) =>
      sql.one<{ score: number; confidence: number; answers: number }>(
        `SELECT i.score, i.confidence, (SELECT count(*)::int FROM knowledge_audit_answers a WHERE a.invitation_id = i.id) AS answers
           FROM knowledge_audit_invitations i JOIN people p ON p.id = i.person_id
          WHERE p.email = 'pol1@shropshire-audit.example.org'`,
      ),
    )
    expect(stored).toEqual({ score: 2, confidence: 8, answers: 2 })
  })

  it('reminds those who have not answered after 7 days, once', async () => {
    // Five more police officers and three at the school answer in the first week.
    t.clock.set('2026-11-26T09:00:00Z')
    for (const [i, right] of [
      [2, true],
      [3, true],
      [4, false],
      [5, false],
      [6, true],
    ] as const)
      await answer(linksA[`pol${i}@shropshire-audit.example.org`] as string, right)
    for (const i of [1, 2, 3])
      await answer(linksA[`sch${i}@shropshire-audit.example.org`] as string, true, '4')

    t.clock.set('2026-11-30T09:00:00Z')
    expect(await t.services.knowledgeAudits.remindDue(p)).toBe(0)
    t.clock.set('2026-12-01T10:30:00Z')
    expect(await t.services.knowledgeAudits.remindDue(p)).toBe(3)
    expect(await t.services.knowledgeAudits.remindDue(p)).toBe(0)
    // The scheduled job, for every partnership, sends nothing more.
    const handlers = new Map<string, () => Promise<void>>()
    const jobs = { define: (name: string, handler: () => Promise<void>) => handlers.set(name, handler) }
    defineKnowledgeAuditJobs(jobs as unknown as Jobs, t.services.partnerships, t.services.knowledgeAudits)
    await handlers.get(KNOWLEDGE_AUDIT_REMINDERS_JOB)?.()
    const reminders = await mail('Reminder: a short quiz')
    expect(reminders.map((m) => m.to).sort()).toEqual([
      'pol7@shropshire-audit.example.org',
      'pol8@shropshire-audit.example.org',
      'sch4@shropshire-audit.example.org',
    ])
  })

  it('shows results without any group of fewer than 5 answers, on the page and by the API', async () => {
    const response = await api(admin, 'GET', `/api/v1/knowledge-audits/${auditA}/results`)
    expect(response.statusCode).toBe(200)
    const r = response.json()
    expect(r).toMatchObject({
      scope: 'all',
      invited: 12,
      answered: 9,
      responseRate: 75,
      minimumGroup: 5,
    })
    // Nothing of the audited product was sent to agencies in this test: the reach names it, with no agency.
    expect(r.reach.products).toHaveLength(1)
    expect(r.reach.agencies.every((a: { disseminated: number }) => a.disseminated === 0)).toBe(true)
    expect(r.scores.distribution).toEqual([
      { score: 0, people: 0 },
      { score: 1, people: 2 },
      { score: 2, people: 7 },
    ])
    const first = r.questions[0]
    expect(first.overall).toEqual({ suppressed: false, answered: 9, correct: 7, percent: 77.8 })
    expect(first.byAgency).toEqual([
      {
        key: agencies.police,
        name: 'Audit Police',
        cell: { suppressed: false, answered: 6, correct: 4, percent: 66.7 },
      },
      {
        key: agencies.school,
        name: 'Audit School',
        cell: { suppressed: true, answered: null, correct: null, percent: null },
      },
    ])
    expect(first.bySector.find((g: { key: string }) => g.key === 'education').cell.suppressed).toBe(true)
    expect(r.agencies.find((a: { agencyId: string }) => a.agencyId === agencies.school)).toMatchObject({
      suppressed: true,
      answered: null,
    })
    expect(r.confidence.suppressed).toBe(false)

    const $ = page((await (await t.signIn(admin)).get(`/knowledge-audits/${auditA}/results`)).body)
    expect($('#scores svg title').text()).toContain('Score distribution')
    expect($('#scores tbody tr').last().text()).toMatch(/2 of 2\s*7/)
    expect($('#questions table').first().text()).toContain('Fewer than 5 answers')
    expect($('#reach').length).toBe(1)
  })

  it('gives an agency lead their agencies’ aggregate only, and no one’s own answers', async () => {
    const r = (await api(lead, 'GET', `/api/v1/knowledge-audits/${auditA}/results`)).json()
    expect(r).toMatchObject({ scope: 'agencies', invited: 8, answered: 6 })
    expect(r.questions[0].byAgency.map((g: { key: string }) => g.key)).toEqual([agencies.police])
    expect(JSON.stringify(r)).not.toContain('Audit School')

    const browser = await t.signIn(lead)
    const results = await browser.get(`/knowledge-audits/${auditA}/results`)
    expect(results.statusCode).toBe(200)
    expect(page(results.body)('#scope').text()).toContain('your agencies')
    expect((await browser.get(`/knowledge-audits/${auditA}`)).statusCode).toBe(403)
    const invitation = await t.db.tenant(scope, (sql) =>
      sql.one<{ id: string }>(
        'SELECT id FROM knowledge_audit_invitations WHERE audit_id = $1 AND answered_at IS NOT NULL LIMIT 1',
        [auditA],
      ),
    )
    expect((await browser.get(`/knowledge-audits/${auditA}/invitations/${invitation.id}`)).statusCode).toBe(
      403,
    )
    const executive = await t.signIn('executive@shropshire.example.org')
    expect((await executive.get(`/knowledge-audits/${auditA}/invitations/${invitation.id}`)).statusCode).toBe(
      403,
    )
    const own = await (await t.signIn(admin)).get(`/knowledge-audits/${auditA}/invitations/${invitation.id}`)
    expect(own.statusCode).toBe(200)
    expect(page(own.body)('tbody tr')).toHaveLength(2)
    expect(
      (await api('practitioner@shropshire.example.org', 'GET', `/api/v1/knowledge-audits/${auditA}/results`))
        .statusCode,
    ).toBe(403)
    const list = page((await browser.get('/knowledge-audits')).body)
    expect(list('tbody a').attr('href')).toBe(`/knowledge-audits/${auditA}/results`)
    expect(
      (await (await t.signIn('practitioner@shropshire.example.org')).get('/knowledge-audits')).statusCode,
    ).toBe(403)
  })

  it('says an audit has closed after its closing date', async () => {
    t.clock.set('2026-12-16T09:00:00Z')
    const closed = await t.browser().get(linksA['pol7@shropshire-audit.example.org'] as string)
    expect(closed.statusCode).toBe(410)
    expect(page(closed.body)('h1').text()).toBe('This knowledge audit has closed')
  })

  it('leaves out anyone invited in the last 12 months, sends no reminder after closing, and compares with the previous audit', async () => {
    t.clock.set('2027-05-24T09:00:00Z')
    // Six months on, the audit is due on the admin's home page and the list.
    const home = page((await (await t.signIn(admin)).get('/dashboard')).body)
    expect(home('#to-do-knowledge-audit').text()).toContain('A knowledge audit is due')
    const draft = (
      await api(admin, 'POST', '/api/v1/knowledge-audits', {
        title: 'Neglect, spring 2027',
        productIds: [productId, otherProductId],
        sampleSize: 6,
        closesOn: '2027-05-28',
        questions: quiz,
      })
    ).json().id
    const nobody = await api(admin, 'POST', `/api/v1/knowledge-audits/${draft}/send`, {})
    expect(nobody.statusCode).toBe(400)
    expect(JSON.stringify(nobody.json())).toContain('invited to a knowledge audit in the last 12 months')
    expect(await count('knowledge_audit_invitations')).toBe(12)

    await addPeople(agencies.police, 'New', 6)
    const sent = (await api(admin, 'POST', `/api/v1/knowledge-audits/${draft}/send`, {})).json()
    expect(sent.sample).toMatchObject({ eligible: 6, excluded: 12, invited: 6, tookAll: false })
    const links = linksOf((await mail('A short quiz')).filter((m) => m.to.startsWith('new')))
    expect(Object.keys(links)).toHaveLength(6)
    for (const link of Object.values(links).slice(0, 5)) await answer(link, false, '9')

    // Closed before the week is out: the one who has not answered is not reminded.
    t.clock.set('2027-06-01T09:00:00Z')
    expect(await t.services.knowledgeAudits.remindDue(p)).toBe(0)

    const r = (await api(admin, 'GET', `/api/v1/knowledge-audits/${draft}/results`)).json()
    expect(r.previous).toMatchObject({
      auditId: auditA,
      title: 'Neglect, winter 2026',
      before: { responseRate: 75, averagePercent: 88.9 },
      now: { responseRate: 83.3, averagePercent: 50 },
      change: { responseRate: 8.3, averagePercent: -38.9 },
    })
    const $ = page((await (await t.signIn(admin)).get(`/knowledge-audits/${draft}/results`)).body)
    expect($('#previous').text()).toContain('Neglect, winter 2026')
    const list = page((await (await t.signIn(admin)).get('/knowledge-audits')).body)
    expect(list('#next-due').text()).toContain('24 November 2027')
  })

  it('lists audits with when the next is due, by the API', async () => {
    const list = (await api(admin, 'GET', '/api/v1/knowledge-audits')).json()
    expect(list).toMatchObject({ lastSentOn: '2027-05-24', nextDueOn: '2027-11-24', due: false })
    expect(list.items.map((a: { title: string }) => a.title)).toEqual([
      'Neglect, spring 2027',
      'Neglect, winter 2026',
    ])
    expect(list.items[0]).toMatchObject({
      status: 'sent',
      invited: 6,
      answered: 5,
      productIds: expect.any(Array),
    })
    t.clock.set(TEST_NOW)
  })

  it('describes its routes in the OpenAPI document, with the quiz’s schema', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json()
    const paths = [
      '/api/v1/knowledge-audits',
      '/api/v1/knowledge-audits/{id}',
      '/api/v1/knowledge-audits/{id}/send',
      '/api/v1/knowledge-audits/{id}/results',
    ]
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(paths))
    const body = doc.paths['/api/v1/knowledge-audits'].post.requestBody.content['application/json'].schema
    expect(Object.keys(body.properties)).toEqual(
      expect.arrayContaining(['title', 'productIds', 'reviewIds', 'questions', 'sampleSize', 'closesOn']),
    )
    expect(body.properties.questions.items.properties.kind.enum).toEqual(['single', 'multiple'])
    expect(Object.keys(body.properties.questions.items.properties.options.items.properties)).toEqual([
      'text',
      'correct',
    ])
  })
})
