import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '../support/app.ts'
import { page, testApp } from '../support/app.ts'

/**
 * Learning from a review reaching practice, whole: a 7-minute briefing written from a
 * published review's finding, published and so sent to the agencies, passed on by a lead,
 * confirmed by a practitioner, shown in the matrix, the library and the course page, and
 * audited six months later with its results beside its reach, on screen and by the API,
 * with the jobs run on the fixed clock.
 */
let t: TestApp
let norfolkId: string
const tokens: Record<string, string> = {}

const outboxTo = (address: string, subject: RegExp) =>
  t.db.tenant({ partnershipId: norfolkId, userId: null }, async (sql) =>
    (
      await sql.query<{ subject: string; text: string }>(
        'SELECT subject, text_body AS text FROM outbox WHERE to_address = $1 ORDER BY created_at',
        [address],
      )
    ).filter((m) => subject.test(m.subject)),
  )

beforeAll(async () => {
  t = await testApp()
  norfolkId = (await t.partnership('norfolk')).id
  for (const role of ['subgroup', 'admin', 'agency-lead', 'practitioner']) {
    const user = await t.db.anonymous({}, (sql) =>
      sql.one<{ id: string }>('SELECT id FROM users WHERE email = $1', [`${role}@norfolk.example.org`]),
    )
    tokens[role] = await t.services.tokens.create({
      partnershipId: norfolkId,
      userId: user.id,
      name: `journey ${role}`,
    })
  }
})
afterAll(() => t?.close())

const api = (role: string, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: { authorization: `Bearer ${tokens[role]}` }, payload })

describe('a 7-minute briefing from a review, to practice and back', () => {
  it('is written, published, sent, passed on, confirmed, shown, and audited six months later beside its reach', async () => {
    const { reviewId, findingId, leadAgencyId, courseId } = await t.db.tenant(
      { partnershipId: norfolkId, userId: null },
      async (sql) => {
        const review = await sql.one<{ id: string }>(
          "SELECT id FROM reviews WHERE reference = 'CSPR-2025-01'",
        )
        const finding = await sql.one<{ id: string }>(
          'SELECT id FROM findings WHERE review_id = $1 ORDER BY created_at, id LIMIT 1',
          [review.id],
        )
        const lead = await sql.one<{ agencyId: string }>(
          `SELECT m.agency_ids[1] AS "agencyId" FROM memberships m JOIN users u ON u.id = m.user_id
            WHERE u.email = 'agency-lead@norfolk.example.org' AND m.role = 'agency-lead'`,
        )
        const course = await sql.one<{ id: string }>(
          "SELECT id FROM courses WHERE status = 'published' LIMIT 1",
        )
        return {
          reviewId: review.id,
          findingId: finding.id,
          leadAgencyId: lead.agencyId,
          courseId: course.id,
        }
      },
    )

    // Written and published from the finding: the leads of its audience's agencies are told.
    const created = await api('subgroup', 'POST', '/api/v1/learning-products', {
      type: 'seven_minute_briefing',
      title: 'Seven minutes on sharing disclosures',
      summary: 'Share a disclosure of domestic abuse with every agency, the same day',
      body: '# Why it matters\n\nNo one put the picture together.',
      findingIds: [findingId],
      visibility: 'public',
      status: 'published',
    })
    expect(created.statusCode, created.body).toBe(201)
    const product = created.json()
    expect(product.reviewIds).toEqual([reviewId])
    expect(
      await outboxTo('agency-lead@norfolk.example.org', /Seven minutes on sharing disclosures/),
    ).toHaveLength(1)

    // The lead passes it on at a team meeting; a practitioner confirms reading it.
    const recorded = await api(
      'agency-lead',
      'POST',
      `/api/v1/learning-products/${product.id}/dissemination`,
      {
        agencyId: leadAgencyId,
        how: 'team_meeting',
        on: '2026-11-24',
        staffReached: 4,
        note: 'Agenda item at the team meeting',
      },
    )
    expect(recorded.statusCode, recorded.body).toBe(201)
    const practitioner = await t.signIn('practitioner@norfolk.example.org')
    const confirmed = await practitioner.submit(
      `/learning/${product.id}/confirm`,
      { kind: 'read' },
      { from: `/learning/${product.id}` },
    )
    expect(confirmed.statusCode).toBe(200)

    // The matrix, on screen and by the API.
    const matrix = (await api('admin', 'GET', `/api/v1/learning-products/${product.id}/dissemination`)).json()
    const rows = matrix.items
    const lead = rows.find((r: { agencyId: string }) => r.agencyId === leadAgencyId)
    expect(lead).toMatchObject({ status: 'disseminated', staffReached: 4 })
    const admin = await t.signIn('admin@norfolk.example.org')
    expect((await admin.get(`/learning/${product.id}/dissemination`)).statusCode).toBe(200)

    // The library and the course page.
    expect(page((await t.browser().get('/p/norfolk/learning?q=disclosures')).body)('h2 a').text()).toContain(
      'Seven minutes on sharing disclosures',
    )
    expect(
      (await admin.submit(`/courses/${courseId}/learning`, { productId: product.id, purpose: 'follow_up' }))
        .statusCode,
    ).toBe(303)
    expect(
      page((await t.browser().get(`/p/norfolk/courses/${courseId}`)).body)(
        `a[href="/p/norfolk/learning/${product.id}"]`,
      ).length,
    ).toBe(1)

    // Six months later, the knowledge audit of the same learning.
    t.clock.set('2027-05-24T09:00:00Z')
    const audit = await api('admin', 'POST', '/api/v1/knowledge-audits', {
      title: 'Sharing disclosures, six months on',
      productIds: [product.id],
      closesOn: '2027-06-30',
      questions: [
        {
          text: 'A parent discloses domestic abuse. Who do you tell, and when?',
          kind: 'single',
          options: [
            { text: 'Every agency working with the child, the same day', correct: true },
            { text: 'No one, unless the parent agrees', correct: false },
          ],
        },
      ],
    })
    expect(audit.statusCode, audit.body).toBe(201)
    const auditId = audit.json().id
    const sent = await api('admin', 'POST', `/api/v1/knowledge-audits/${auditId}/send`, {})
    expect(sent.statusCode, sent.body).toBeLessThan(300)
    const invited = await t.db.tenant({ partnershipId: norfolkId, userId: null }, (sql) =>
      sql.query<{ to: string; text: string }>(
        `SELECT to_address AS to, text_body AS text FROM outbox WHERE subject ILIKE '%knowledge%' OR text_body LIKE '%/knowledge-audits/%'`,
      ),
    )
    expect(invited.length).toBeGreaterThan(0)

    // One answers through their personal link; a week on, the others are reminded once.
    const link = /\/p\/norfolk\/knowledge-audits\/[^\s)]+/.exec(invited[0]?.text ?? '')?.[0] as string
    const visitor = t.browser()
    const form = page((await visitor.get(link)).body)
    const right = form('input[type=radio]').first()
    const answered = await visitor.submit(link, {
      [right.attr('name') as string]: right.attr('value') as string,
      confidence: '8',
    })
    expect(answered.statusCode).toBeLessThan(400)
    t.clock.advance(8 * 86_400_000)
    const partnership = await t.partnership('norfolk')
    const reminded = await t.services.knowledgeAudits.remindDue(partnership)
    expect(reminded).toBe(invited.length - 1)
    expect(await t.services.knowledgeAudits.remindDue(partnership)).toBe(0)

    // The results, beside the reach of the same product, by the API and on screen.
    const results = (await api('admin', 'GET', `/api/v1/knowledge-audits/${auditId}/results`)).json()
    expect(results.answered === null || results.answered >= 1).toBe(true)
    const reach = results.reach.agencies.find((a: { agencyId: string }) => a.agencyId === leadAgencyId)
    expect(reach).toMatchObject({ disseminated: 1 })
    // Six months on, the admin signs in afresh.
    const later = await t.signIn('admin@norfolk.example.org')
    const shown = await later.get(`/knowledge-audits/${auditId}/results`)
    expect(shown.statusCode, shown.body.slice(0, 3000)).toBe(200)
    const screen = page(shown.body)
    expect(screen('#reach').text()).toMatch(/1 of 1/)
  })
})
