import { addMonths } from '#features/compliance/rules.ts'

/** A requirement's standing (the API's `status`), from best to worst. */
export const standingStatuses = ['current', 'due_soon', 'overdue', 'not_evidenced'] as const
export type StandingStatus = (typeof standingStatuses)[number]

export const standingNames: Record<StandingStatus, string> = {
  current: 'Up to date',
  due_soon: 'Due within 3 months',
  overdue: 'Overdue',
  not_evidenced: 'Not evidenced',
}

/** How far ahead a refresher shows as due, so it can be booked before it lapses. */
export const DUE_SOON_MONTHS = 3

/**
 * A requirement's standing on a day: not evidenced without evidence; current for good once
 * evidenced when it has no refresher; otherwise by the date its refresher falls due.
 */
export function standingOf(
  today: string,
): (evidence: { evidencedOn: string | null; dueOn: string | null }) => StandingStatus {
  const soon = addMonths(today, DUE_SOON_MONTHS)
  return ({ evidencedOn, dueOn }) => {
    if (!evidencedOn) return 'not_evidenced'
    if (!dueOn) return 'current'
    return dueOn < today ? 'overdue' : dueOn <= soon ? 'due_soon' : 'current'
  }
}

/**
 * A person's standing against their pathway, from what is kept on them: not evidenced while any
 * required requirement lacks evidence, otherwise by the first date one lapses.
 */
export function personStandingOf(
  today: string,
): (kept: { missing: number; lapsesOn: string | null }) => StandingStatus {
  const standing = standingOf(today)
  return ({ missing, lapsesOn }) =>
    missing > 0 ? 'not_evidenced' : standing({ evidencedOn: today, dueOn: lapsesOn })
}

/** Why a requirement stands as it does, in words. */
export function reasonFor(
  status: StandingStatus,
  r: { dueOn: string | null; evidenceTitle: string | null; refresherMonths: number | null },
  date: (d: string) => string,
): string {
  if (status === 'not_evidenced') return 'No certificate or verified evidence for it yet'
  const by = `Evidenced by ${r.evidenceTitle}`
  if (!r.dueOn) return `${by}; it needs no refresher`
  if (status === 'overdue') return `${by}; its refresher was due by ${date(r.dueOn)}`
  return `${by}; refresh by ${date(r.dueOn)}`
}
