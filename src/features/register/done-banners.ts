import type { SuccessBanner } from '#platform/http/done.ts'
import type { RegisterRow } from './queries.ts'
import { markNames } from './rules.ts'

/** What a change to the register can have finished, as named in `/sessions/{id}/register?done=`. */
export const registerDone = ['walk-in', 'marked'] as const
export type RegisterDone = (typeof registerDone)[number]

type Row = Pick<RegisterRow, 'applicationId' | 'personId' | 'name' | 'marks'>

/**
 * The banner on the register after a change, naming the person from the register as it now
 * stands. A mark's banner belongs to that person's part of the page (`personId`), where the
 * tap leaves the trainer; someone added is announced at the top, above the whole register.
 */
export function registerBanner(
  done: RegisterDone | undefined,
  rows: readonly Row[],
  query: { application?: string; person?: string; part?: string },
  parts: number,
): (SuccessBanner & { personId?: string }) | undefined {
  switch (done) {
    case 'walk-in': {
      const added = rows.find((r) => r.applicationId === query.application)
      if (!added) return undefined
      return {
        heading: `You added ${added.name} to the register`,
        text: 'Mark their attendance below, as anyone’s.',
      }
    }
    case 'marked': {
      const row = rows.find((r) => r.personId === query.person)
      const part = Number(query.part)
      const mark = row?.marks.find((m) => m.part === part)?.mark
      if (!row || !mark) return undefined
      return {
        heading: `You marked ${row.name}: ${markNames[mark]}${parts > 1 ? `, part ${part}` : ''}`,
        personId: row.personId,
      }
    }
    case undefined:
      return undefined
  }
}
