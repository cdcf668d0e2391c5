import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '#test/support/app.ts'
import { testApp } from '#test/support/app.ts'
import { aSectionsWorld } from './sections-world.ts'

let t: TestApp
let token: string

type Compared = { value: number; previous: number; lastYear: number }
type ReportBody = {
  sections: {
    id: string
    title: string
    figures: ({ id: string; unit: string } & Compared)[]
    breakdowns: { id: string; rows: ({ key: string; label: string } & Compared)[] }[]
  }[]
}

beforeAll(async () => {
  t = await testApp()
  token = (await aSectionsWorld(t)).token
})
afterAll(() => t?.close())

async function report(query = 'period=2026-Q3') {
  const response = await t.app.inject({
    method: 'GET',
    url: `/api/v1/reports?${query}`,
    headers: { authorization: `Bearer ${token}` },
  })
  expect(response.statusCode, response.body).toBe(200)
  const body = response.json<ReportBody>()
  const section = (id: string) => body.sections.find((s) => s.id === id)
  return {
    body,
    figure: (sectionId: string, id: string) => section(sectionId)?.figures.find((f) => f.id === id),
    rows: (sectionId: string, id: string) => section(sectionId)?.breakdowns.find((b) => b.id === id)?.rows,
  }
}

const compared = (value: number, previous: number, lastYear: number) => ({ value, previous, lastYear })

describe('the report’s figures from features besides course delivery', () => {
  it('counts learning products published by kind, newsletters sent, and the staff they reached', async () => {
    const { figure, rows } = await report()
    expect(figure('how-much', 'learning-products-published')).toMatchObject(compared(2, 1, 1))
    expect(figure('how-much', 'newsletters-sent')).toMatchObject(compared(1, 0, 0))
    // Agency A recorded 12 against a headcount of 10; Agency B 3, one of whom also confirmed.
    expect(figure('how-much', 'learning-reach')).toMatchObject(compared(13, 4, 0))
    expect(rows('how-much', 'learning-products-by-kind')).toEqual([
      { key: 'seven_minute_briefing', label: '7-minute briefing', ...compared(1, 0, 0) },
      { key: 'briefing', label: 'Briefing', ...compared(1, 1, 0) },
      { key: 'poster', label: 'Poster', ...compared(0, 0, 1) },
    ])
  })

  it('gives dissemination returns falling due, returned, and returned on time', async () => {
    const { figure } = await report()
    expect(figure('how-well', 'dissemination-returns-due')).toMatchObject(compared(3, 1, 0))
    expect(figure('how-well', 'dissemination-returned')).toMatchObject(compared(67, 100, 0))
    expect(figure('how-well', 'dissemination-returned-on-time')).toMatchObject(compared(33, 100, 0))
  })

  it('gives quality assurance: self-assessments, observation grades and case audits', async () => {
    const { figure, rows } = await report()
    expect(figure('how-well', 'self-assessments-asked')).toMatchObject(compared(3, 1, 0))
    expect(figure('how-well', 'self-assessments-on-time')).toMatchObject(compared(33, 100, 0))
    expect(figure('how-well', 'self-assessments-assured')).toMatchObject(compared(50, 0, 0))
    expect(figure('how-well', 'observations')).toMatchObject(compared(2, 1, 1))
    expect(figure('how-well', 'observations-good-or-better')).toMatchObject(compared(50, 100, 0))
    expect(rows('how-well', 'observations-by-grade')).toEqual([
      { key: 'outstanding', label: 'Outstanding', ...compared(0, 1, 0) },
      { key: 'good', label: 'Good', ...compared(1, 0, 0) },
      { key: 'requires_improvement', label: 'Requires improvement', ...compared(0, 0, 1) },
      { key: 'inadequate', label: 'Inadequate', ...compared(1, 0, 0) },
    ])
    expect(figure('how-well', 'case-audits-concluded')).toMatchObject(compared(1, 0, 0))
    expect(figure('how-well', 'case-audit-findings')).toMatchObject(compared(1, 0, 0))
    expect(rows('how-well', 'case-audit-grades')?.map((r) => [r.key, r.value])).toEqual([
      ['outstanding', 0],
      ['good', 2],
      ['requires_improvement', 0],
      ['inadequate', 1],
    ])
  })

  it('gives knowledge audit scores, shown only for five answers or more', async () => {
    const { figure } = await report()
    expect(figure('better-off', 'knowledge-audit-answers')).toMatchObject(compared(5, 2, 0))
    // 8 of 10 questions right; confidence 35 over five; the quarter before had only two answers.
    expect(figure('better-off', 'knowledge-audit-score')).toMatchObject({
      unit: 'percent',
      ...compared(80, 0, 0),
    })
    expect(figure('better-off', 'knowledge-audit-confidence')).toMatchObject({
      unit: 'tenths',
      ...compared(70, 0, 0),
    })
  })

  it('gives compliance by pathway at the end of each period, from the evidence dated by then', async () => {
    const { figure, rows } = await report()
    // Today two of four are in date; on 30 September one; on 31 December 2025 two.
    expect(figure('better-off', 'pathway-compliance')).toMatchObject({
      unit: 'percent',
      ...compared(50, 25, 50),
    })
    expect(rows('better-off', 'pathway-compliance-by-pathway')).toEqual([
      expect.objectContaining({ label: 'Universal', ...compared(50, 25, 50) }),
    ])
  })

  it('gives income charged and charges waived, in pence, in a section of their own', async () => {
    const { body, figure } = await report()
    expect(body.sections.find((s) => s.id === 'uptake')?.title).toBe(
      'Uptake against the workforce, and income',
    )
    expect(figure('uptake', 'income-charged')).toMatchObject({
      unit: 'pence',
      ...compared(12345, 4000, 2500),
    })
    expect(figure('uptake', 'charges-waived')).toMatchObject({ unit: 'count', ...compared(1, 0, 0) })
    expect(figure('uptake', 'charges-waived-value')).toMatchObject({ unit: 'pence', ...compared(5000, 0, 0) })
  })

  it('gives a financial year against the year before', async () => {
    const { figure } = await report('year=2026')
    expect(figure('how-much', 'learning-products-published')).toMatchObject(compared(3, 1, 1))
    expect(figure('uptake', 'income-charged')).toMatchObject(compared(16345, 2500, 2500))
    // On 31 March 2026 only the one first trained in June 2025 was in date.
    expect(figure('better-off', 'pathway-compliance')).toMatchObject(compared(50, 25, 25))
  })

  it('shows money as pounds and pence on the report’s page', async () => {
    const { formatted, changeText } = await import('./page.ts')
    const income = {
      id: 'x',
      label: 'Income',
      unit: 'pence' as const,
      value: 123450,
      previous: 100000,
      lastYear: 0,
    }
    expect(formatted(income, income.value)).toBe('£1,234.50')
    expect(changeText(income)).toBe('Up £234.50')
  })
})
