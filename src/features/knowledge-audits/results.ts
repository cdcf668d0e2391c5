/**
 * A knowledge audit's results as figures, with the partnership's rule on small numbers: no
 * aggregate of fewer than 5 people is shown anywhere (overall, by agency, by sector, per
 * question), so no one's answers can be read from a small group. A group under the minimum
 * carries no figures at all, only that it is too small.
 */

export const MINIMUM_GROUP = 5
export const TOO_FEW = `fewer than ${MINIMUM_GROUP} answers`

export type ResultQuestion = { id: string; position: number; text: string }
export type ResultInvitation = {
  id: string
  agencyId: string
  agencyName: string
  sector: string
  answeredAt: Date | null
  score: number | null
  confidence: number | null
}
export type ResultAnswer = { invitationId: string; questionId: string; correct: boolean }

/** A share of people answering right, or why it is not shown. */
export type Cell =
  | { suppressed: false; answered: number; correct: number; percent: number }
  | { suppressed: true; answered: null; correct: null; percent: null }

export type GroupRow = { key: string; name: string; cell: Cell }

export type AgencyRow = { key: string; name: string } & (
  | { suppressed: false; invited: number; answered: number; responseRate: number; averagePercent: number }
  | { suppressed: true; invited: null; answered: null; responseRate: null; averagePercent: null }
)

export type Results = {
  minimum: number
  questionCount: number
  invited: number | null
  answered: number | null
  /** Answered as a percentage of invited; null when fewer than 5 were invited. */
  responseRate: number | null
  scores:
    | { suppressed: false; distribution: { score: number; people: number }[]; averagePercent: number }
    | { suppressed: true }
  questions: (ResultQuestion & { overall: Cell; byAgency: GroupRow[]; bySector: GroupRow[] })[]
  /** Each agency's response and average score, shown when at least 5 of its people answered. */
  agencies: AgencyRow[]
  confidence:
    | { suppressed: false; distribution: { value: number; people: number }[]; average: number }
    | { suppressed: true }
}

const hidden: Cell = { suppressed: true, answered: null, correct: null, percent: null }
const round1 = (n: number) => Math.round(n * 10) / 10

/** A share of a group, shown only when the group has at least the minimum. */
export function cellOf(answered: number, correct: number): Cell {
  if (answered < MINIMUM_GROUP) return hidden
  return { suppressed: false, answered, correct, percent: round1((correct / answered) * 100) }
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>()
  for (const item of items) {
    const k = key(item)
    groups.set(k, [...(groups.get(k) ?? []), item])
  }
  return groups
}

/**
 * The figures of one audit from its invitations and answers (already narrowed to what the
 * reader may see: an agency lead's agencies only). `sectorNames` names each sector.
 */
export function resultsOf(
  input: {
    questions: readonly ResultQuestion[]
    invitations: readonly ResultInvitation[]
    answers: readonly ResultAnswer[]
  },
  sectorNames: Record<string, string> = {},
): Results {
  const questionCount = input.questions.length
  const answeredInvitations = input.invitations.filter((i) => i.answeredAt !== null)
  const invited = input.invitations.length
  const answered = answeredInvitations.length
  const enoughInvited = invited >= MINIMUM_GROUP
  const enoughAnswered = answered >= MINIMUM_GROUP
  const byInvitation = new Map(input.invitations.map((i) => [i.id, i]))
  const answersOf = groupBy(input.answers, (a) => a.questionId)
  const percentOfScores = (rows: readonly ResultInvitation[]) =>
    questionCount === 0
      ? 0
      : round1((rows.reduce((sum, r) => sum + (r.score ?? 0), 0) / (rows.length * questionCount)) * 100)

  const share = (answers: readonly ResultAnswer[]) =>
    cellOf(answers.length, answers.filter((a) => a.correct).length)

  const grouped = (answers: readonly ResultAnswer[], by: 'agency' | 'sector'): GroupRow[] => {
    const withWho = answers.flatMap((a) => {
      const who = byInvitation.get(a.invitationId)
      return who ? [{ a, who }] : []
    })
    const groups = groupBy(withWho, ({ who }) => (by === 'agency' ? who.agencyId : who.sector))
    return [...groups.entries()]
      .map(([key, rows]) => ({
        key,
        name: by === 'agency' ? (rows[0]?.who.agencyName ?? key) : (sectorNames[key] ?? key),
        cell: share(rows.map((r) => r.a)),
      }))
      .sort((x, y) => x.name.localeCompare(y.name))
  }

  const confidences = answeredInvitations.flatMap((i) => (i.confidence === null ? [] : [i.confidence]))
  return {
    minimum: MINIMUM_GROUP,
    questionCount,
    invited: enoughInvited ? invited : null,
    answered: enoughInvited ? answered : null,
    responseRate: enoughInvited ? round1((answered / invited) * 100) : null,
    scores: enoughAnswered
      ? {
          suppressed: false,
          distribution: Array.from({ length: questionCount + 1 }, (_, score) => ({
            score,
            people: answeredInvitations.filter((i) => i.score === score).length,
          })),
          averagePercent: percentOfScores(answeredInvitations),
        }
      : { suppressed: true },
    questions: input.questions.map((q) => {
      const answers = answersOf.get(q.id) ?? []
      return {
        ...q,
        overall: share(answers),
        byAgency: grouped(answers, 'agency'),
        bySector: grouped(answers, 'sector'),
      }
    }),
    agencies: [...groupBy(input.invitations, (i) => i.agencyId).entries()]
      .map(([key, rows]): AgencyRow => {
        const name = rows[0]?.agencyName ?? key
        const done = rows.filter((r) => r.answeredAt !== null)
        if (done.length < MINIMUM_GROUP)
          return {
            key,
            name,
            suppressed: true,
            invited: null,
            answered: null,
            responseRate: null,
            averagePercent: null,
          }
        return {
          key,
          name,
          suppressed: false,
          invited: rows.length,
          answered: done.length,
          responseRate: round1((done.length / rows.length) * 100),
          averagePercent: percentOfScores(done),
        }
      })
      .sort((x, y) => x.name.localeCompare(y.name)),
    confidence:
      confidences.length >= MINIMUM_GROUP
        ? {
            suppressed: false,
            distribution: Array.from({ length: 11 }, (_, value) => ({
              value,
              people: confidences.filter((c) => c === value).length,
            })),
            average: round1(confidences.reduce((a, b) => a + b, 0) / confidences.length),
          }
        : { suppressed: true },
  }
}

/** One audit's headline figures, for setting beside another's. */
export type Headline = {
  responseRate: number | null
  answered: number | null
  averagePercent: number | null
  confidenceAverage: number | null
}

export const headlineOf = (results: Results): Headline => ({
  responseRate: results.responseRate,
  answered: results.answered,
  averagePercent: results.scores.suppressed ? null : results.scores.averagePercent,
  confidenceAverage: results.confidence.suppressed ? null : results.confidence.average,
})

/** The change from one headline figure to another, when both are shown. */
export const changeOf = (before: number | null, after: number | null): number | null =>
  before === null || after === null ? null : round1(after - before)
