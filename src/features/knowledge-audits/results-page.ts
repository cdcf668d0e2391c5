import { barChart } from '#platform/views/charts.ts'
import type { Results } from './results.ts'

const people = (n: number) => `${n} ${n === 1 ? 'person' : 'people'}`

/** The results page's charts, each drawn from the same figures as the table beside it; none for a group too small to show. */
export function resultCharts(results: Results) {
  const scores = results.scores
  const confidence = results.confidence
  const shownQuestions = results.questions.filter((q) => !q.overall.suppressed)
  return {
    scores: scores.suppressed
      ? null
      : barChart({
          title: 'Score distribution: how many people got each number of questions right',
          description: scores.distribution
            .map((d) => `${d.score} of ${results.questionCount} right: ${people(d.people)}`)
            .join('; '),
          series: ['People'],
          rows: scores.distribution.map((d) => ({
            label: `${d.score} of ${results.questionCount} right`,
            values: [d.people],
          })),
          max: Math.max(1, ...scores.distribution.map((d) => d.people)),
          format: people,
        }),
    questions: shownQuestions.length
      ? barChart({
          title: 'Answered right, by question',
          description: shownQuestions
            .map((q) => `Question ${q.position}: ${q.overall.percent}% right`)
            .join('; '),
          series: ['Answered right'],
          rows: shownQuestions.map((q) => ({
            label: `${q.position}. ${q.text}`,
            values: [q.overall.percent],
          })),
          max: 100,
          format: (v) => `${v}%`,
        })
      : null,
    confidence: confidence.suppressed
      ? null
      : barChart({
          title: 'Confidence, 0 to 10: how many people chose each',
          description: confidence.distribution.map((d) => `${d.value}: ${people(d.people)}`).join('; '),
          series: ['People'],
          rows: confidence.distribution.map((d) => ({ label: String(d.value), values: [d.people] })),
          max: Math.max(1, ...confidence.distribution.map((d) => d.people)),
          format: people,
        }),
  }
}
