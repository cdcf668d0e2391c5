import { dayText } from '#features/actions/chasing-emails.ts'
import { londonDateText, londonTimeText } from '#platform/clock.ts'
import type { StandingStatus } from '../standing/rules.ts'
import { reasonFor, standingNames } from '../standing/rules.ts'
import type { PersonStanding } from '../standing/service.ts'
import type { EvidenceStatus } from './forms.ts'
import { evidenceKindNames, evidenceStatusNames } from './forms.ts'
import type { Evidence } from './queries.ts'

/** A person's standing and their evidence, shaped for the pages that show them. */

// Colour backs up the words on each tag; it never carries the meaning alone.
export const standingTags: Record<StandingStatus, string> = {
  current: 'govuk-tag--green',
  due_soon: 'govuk-tag--yellow',
  overdue: 'govuk-tag--red',
  not_evidenced: 'govuk-tag--grey',
}
const evidenceTags: Record<EvidenceStatus, string> = {
  awaiting: 'govuk-tag--blue',
  verified: 'govuk-tag--green',
  rejected: 'govuk-tag--red',
}

/** Minutes as people say them: "45 minutes", "1 hour", "1.5 hours". */
function durationText(minutes: number): string {
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? '' : 's'}`
  const hours = Math.round((minutes / 60) * 100) / 100
  return `${hours} hour${hours === 1 ? '' : 's'}`
}

/** The banner a training page shows after the change that led to it, for the person or their lead. */
export function bannerOf(query: Record<string, string>, own: boolean): string | null {
  if (query.saved === 'pathway') return own ? 'Pathway saved to your record' : 'Pathway saved to their record'
  if (query.added === 'certificate') return 'Certificate added to your record'
  if (query.added === 'evidence')
    return own
      ? 'Learning from elsewhere added: it counts once your agency lead verifies it'
      : 'Learning from elsewhere added: it counts once verified in Evidence to verify'
  return null
}

/** A person's standing and evidence, shaped for the training page. */
export function trainingView(standing: PersonStanding, evidence: Evidence[], slug: string) {
  // Required first, each group in the pathway's own order.
  const ordered = [...standing.requirements].sort((a, b) => Number(b.required) - Number(a.required))
  const requiredIds = new Set(ordered.filter((r) => r.required).map((r) => r.requirementId))
  const courseHref = (courseId: string) => `/p/${slug}/courses/${courseId}`
  return {
    person: standing.person,
    status: standing.status,
    requirements: ordered.map((r) => ({
      ...r,
      statusName: standingNames[r.status],
      tag: standingTags[r.status],
      due: r.dueOn
        ? dayText(r.dueOn)
        : r.evidencedOn
          ? 'No refresher needed'
          : r.required
            ? 'Now'
            : 'Optional',
      reason: reasonFor(r.status, r, dayText),
    })),
    toBook: [...standing.toBook]
      .sort((a, b) => Number(requiredIds.has(b.requirementId)) - Number(requiredIds.has(a.requirementId)))
      .map((b) => ({
        ...b,
        required: requiredIds.has(b.requirementId),
        courses: (standing.requirements.find((r) => r.requirementId === b.requirementId)?.courses ?? []).map(
          (c) => ({ ...c, href: courseHref(c.id) }),
        ),
        dates: b.dates.map((d) => ({
          ...d,
          href: courseHref(d.courseId),
          when: `${londonDateText(d.startsAt)}, ${londonTimeText(d.startsAt)}`,
          formatName: d.format === 'online' ? 'online' : 'in person',
        })),
      })),
    evidence: evidence.map(evidenceView),
  }
}

export function evidenceView(e: Evidence) {
  return {
    ...e,
    kindName: evidenceKindNames[e.kind],
    statusName: evidenceStatusNames[e.status],
    tag: evidenceTags[e.status],
    duration: durationText(e.minutes),
    completed: dayText(e.completedOn),
    fileHref: e.fileName ? `/evidence/${e.id}/file` : null,
  }
}
