import type { Approval } from '#features/trainers/rules.ts'
import { cpdDue, standingOn } from '#features/trainers/rules.ts'
import type { Grade, Outcome } from '../words.ts'
import { gradeNames, grades, outcomeNames, outcomes, returnStatusNames } from '../words.ts'
import type { GradeTally, ReturnRow, StandardTally } from './queries.ts'

export type AgencyCompletion = {
  agencyName: string
  asked: number
  submitted: number
  /** Submitted on or before the round's due date. */
  onTime: number
  reviewed: number
  /** For one round: the return's status and outcome in words. */
  status: string
  outcomes: Record<Outcome, number>
}

const noOutcomes = (): Record<Outcome, number> => ({ assured: 0, assured_with_actions: 0, not_assured: 0 })

/** Each agency's self-assessments in scope: how many it was asked for, submitted (on time) and had reviewed. */
export function completionByAgency(rows: readonly ReturnRow[]): AgencyCompletion[] {
  const byAgency = new Map<string, AgencyCompletion>()
  for (const row of rows) {
    const entry = byAgency.get(row.agencyId) ?? {
      agencyName: row.agencyName,
      asked: 0,
      submitted: 0,
      onTime: 0,
      reviewed: 0,
      status: '',
      outcomes: noOutcomes(),
    }
    entry.asked += 1
    if (row.submittedOn) {
      entry.submitted += 1
      if (row.submittedOn <= row.dueOn) entry.onTime += 1
    }
    if (row.outcome) {
      entry.reviewed += 1
      entry.outcomes[row.outcome] += 1
    }
    entry.status = row.outcome
      ? `${returnStatusNames[row.status]}: ${outcomeNames[row.outcome].toLowerCase()}`
      : returnStatusNames[row.status]
    byAgency.set(row.agencyId, entry)
  }
  return [...byAgency.values()]
}

export type Totals = {
  asked: number
  submitted: number
  onTime: number
  reviewed: number
  outcomes: Record<Outcome, number>
}

export function totalsOf(agencies: readonly AgencyCompletion[]): Totals {
  const totals: Totals = { asked: 0, submitted: 0, onTime: 0, reviewed: 0, outcomes: noOutcomes() }
  for (const a of agencies) {
    totals.asked += a.asked
    totals.submitted += a.submitted
    totals.onTime += a.onTime
    totals.reviewed += a.reviewed
    for (const o of outcomes) totals.outcomes[o] += a.outcomes[o]
  }
  return totals
}

/** The standards rated not met or partly met at least once, most often first. */
export const mostOftenNotMet = (tallies: readonly StandardTally[]) =>
  tallies.filter((t) => t.notMet + t.partlyMet > 0)

export type GradeCounts = { grade: Grade; name: string; sessions: number; courses: number; total: number }

/** Observation grades in the list's order, of multi-agency sessions and of picked courses. */
export function gradeCounts(tallies: readonly GradeTally[]): GradeCounts[] {
  return grades.map((grade) => {
    const of = (ofSession: boolean) =>
      tallies.find((t) => t.grade === grade && t.ofSession === ofSession)?.count ?? 0
    return {
      grade,
      name: gradeNames[grade],
      sessions: of(true),
      courses: of(false),
      total: of(true) + of(false),
    }
  })
}

export type TrainerStanding = 'current' | 'due' | 'lapsed'
export const trainerStandingNames: Record<TrainerStanding, string> = {
  current: 'Current',
  due: 'CPD due',
  lapsed: 'Lapsed',
}

/**
 * Each pool trainer's standing on a day, from their approvals that are not withdrawn: current
 * when one stands and none needs its CPD questionnaire yet, CPD due when one stands but lapses
 * within the warning period, lapsed when none stands. Someone whose every approval is withdrawn
 * has left the pool and is not counted.
 */
export function trainerStandings(
  approvals: readonly (Approval & { personId: string })[],
  today: string,
): Record<TrainerStanding, number> {
  const byPerson = new Map<string, (Approval & { personId: string })[]>()
  for (const a of approvals) {
    if (a.withdrawnAt) continue
    byPerson.set(a.personId, [...(byPerson.get(a.personId) ?? []), a])
  }
  const counts: Record<TrainerStanding, number> = { current: 0, due: 0, lapsed: 0 }
  for (const held of byPerson.values()) {
    const standing = held.filter((a) => standingOn(a, today).approved)
    if (!standing.length) counts.lapsed += 1
    else if (standing.every((a) => cpdDue(a, today))) counts.due += 1
    else counts.current += 1
  }
  return counts
}
