import { barChart } from '#platform/views/charts.ts'
import type { Impact } from './impact.ts'
import type { PlanOutcome } from './stages.ts'
import { planOutcomeNames, stageNames, stages } from './stages.ts'

const stageList = stages.map((s) => stageNames[s])
const one = (n: number) => n.toFixed(1)

/** The impact view's charts, each drawn from the same figures as the table beside it. */
export function impactCharts(impact: Impact) {
  return {
    rates: barChart({
      title: 'Response rate at each stage',
      description: impact.rates
        .map((r) => `${stageNames[r.stage]}: ${r.rate === null ? 'no one to ask' : `${r.rate}%`}`)
        .join('; '),
      series: ['Response rate'],
      rows: impact.rates.map((r) => ({ label: stageNames[r.stage], values: [r.rate] })),
      max: 100,
      format: (v) => `${v}%`,
    }),
    confidence: impact.confidence.length
      ? barChart({
          title: 'Average confidence, 0 to 10, at each stage',
          description: impact.headline
            ? `On average confidence went from ${one(impact.headline.before)} at booking to ${one(impact.headline.after)} at ${stageNames[impact.headline.stage].toLowerCase()}`
            : 'Average confidence for each objective at each stage',
          series: stageList,
          rows: impact.confidence.map((l) => ({
            label: l.label,
            values: stages.map((s) => l.scores[s].average),
          })),
          max: 10,
          format: one,
        })
      : null,
    agreement: impact.agreement.length
      ? barChart({
          title: 'Average agreement, 1 to 5',
          description: 'How far people agreed with each statement, at each stage',
          series: stageList,
          rows: impact.agreement.map((l) => ({
            label: l.label,
            values: stages.map((s) => l.scores[s].average),
          })),
          max: 5,
          format: one,
        })
      : null,
  }
}

/** The impact view as CSV: one figure a line, then every comment. */
export function impactCsv(impact: Impact): string {
  const cell = (value: unknown) => {
    const text = value === null || value === undefined ? '' : String(value)
    // A leading =, +, - or @ would be run as a formula by a spreadsheet.
    const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text
    return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
  }
  const lines: unknown[][] = [['section', 'measure', 'stage', 'value', 'answers', 'of']]
  for (const r of impact.rates)
    lines.push(['response rate', 'responded', r.stage, r.rate, r.responded, r.eligible])
  for (const [section, list] of [
    ['confidence', impact.confidence],
    ['agreement', impact.agreement],
  ] as const)
    for (const line of list) {
      for (const s of stages)
        lines.push([section, line.label, s, line.scores[s].average, line.scores[s].n, ''])
      lines.push([section, line.label, 'change', line.change, '', ''])
    }
  const planned = impact.plans.reduce((sum, p) => sum + p.n, 0)
  for (const p of impact.plans)
    lines.push(['action plans', planOutcomeNames[p.outcome as PlanOutcome], 'follow_up', p.n, p.n, planned])
  for (const c of impact.comments)
    lines.push([
      'comment',
      c.prompt,
      c.stage,
      c.text,
      c.courseTitle,
      c.submittedAt.toISOString().slice(0, 10),
    ])
  return `${lines.map((l) => l.map(cell).join(',')).join('\r\n')}\r\n`
}
