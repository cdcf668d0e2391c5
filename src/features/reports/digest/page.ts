import { actionStatusNames } from '#features/actions/index.ts'
import { planOutcomeNames, stageNames } from '#features/evaluation/stages.ts'
import type { ChaseStage } from '#features/learning/dissemination/rules.ts'
import { standingNames } from '#features/pathways/standing/rules.ts'
import { londonDateText } from '#platform/clock.ts'
import { money } from '#platform/views/nunjucks.ts'
import type { Figure } from '../figures.ts'
import { changeText, formatted, SMALL, shown } from '../page.ts'
import type { DigestFigure } from './figures.ts'
import type { Digest } from './service.ts'

const WITHHELD = `Fewer than ${SMALL} answered`

/** A figure's value as the page shows it: money in pounds, a withheld average said so. */
function valueText(f: DigestFigure, value: number | null): string {
  if (value === null) return WITHHELD
  if (f.unit === 'pence') return money(value)
  return formatted({ ...f, unit: f.unit } as Figure, value)
}

/** How a figure changed since the quarter before, in words. */
function changeOf(f: DigestFigure): string {
  if (f.value === null || f.previous === null) return 'Cannot be compared'
  if (f.unit === 'pence') {
    const by = f.value - f.previous
    return by === 0 ? 'No change' : `${by > 0 ? 'Up' : 'Down'} ${money(Math.abs(by))}`
  }
  return changeText({ ...f, unit: f.unit, value: f.value, previous: f.previous, lastYear: f.lastYear ?? 0 })
}

/** Where a product waiting for the agency's answer stands, in words: never a colour alone. */
const stageWords: Record<ChaseStage, string> = {
  waiting: 'Waiting for your answer',
  remind: 'Reminder sent',
  overdue: 'Overdue',
}

const dayText = (day: string) => londonDateText(new Date(`${day}T12:00:00Z`))
const score = (value: number | null) => (value === null ? WITHHELD : value.toFixed(1))

/** A digest shaped for its page. */
export function digestView(digest: Digest) {
  const { compliance, agency } = digest
  return {
    agency,
    period: digest.period,
    previous: digest.previous,
    small: SMALL,
    headcountText: agency.headcountDeclared
      ? `${agency.headcount.toLocaleString('en-GB')} (declared)`
      : `${agency.headcount.toLocaleString('en-GB')} active people in the directory (no headcount declared)`,
    sections: digest.sections.map((s) => ({
      ...s,
      figures: s.figures.map((f) => ({
        ...f,
        shown: [valueText(f, f.value), valueText(f, f.previous)],
        change: changeOf(f),
      })),
    })),
    compliance: [
      { label: standingNames.current, n: compliance.current },
      { label: standingNames.due_soon, n: compliance.dueSoon },
      { label: standingNames.overdue, n: compliance.overdue },
      { label: standingNames.not_evidenced, n: compliance.notEvidenced },
      { label: 'No pathway set', n: compliance.noPathway },
    ].map((r) => ({ ...r, shown: r.n.toLocaleString('en-GB') })),
    upToDate: `${compliance.upToDatePercent}%`,
    onPathway: compliance.onPathway,
    returnsDue: digest.returnsDue.map((r) => ({
      ...r,
      href: `/learning/${r.productId}/dissemination/${agency.id}`,
      sentText: dayText(r.firstSentOn),
      stageText: stageWords[r.stage],
    })),
    actions: {
      open: digest.actions.open,
      overdue: digest.actions.overdue,
      items: digest.actions.items.map((a) => ({
        ...a,
        dueText: dayText(a.dueOn),
        statusText: actionStatusNames[a.status],
      })),
    },
    // Counts of the staff who answered are counts of people: small ones are suppressed.
    responses: digest.evaluation.responses.map((r) => ({
      stage: stageNames[r.stage],
      eligible: shown(r.eligible, true),
      responded: shown(r.responded, true),
    })),
    confidence: digest.evaluation.confidence.map((line) => ({
      label: line.label,
      shown: [score(line.atBooking), score(line.afterCourse), score(line.followUp)],
      change:
        line.change === null
          ? 'Cannot be compared'
          : `${line.change > 0 ? '+' : ''}${line.change.toFixed(1)}`,
    })),
    plans: digest.evaluation.plans.map((p) => ({ label: planOutcomeNames[p.outcome], n: shown(p.n, true) })),
  }
}
