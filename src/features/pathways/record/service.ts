import { stringify } from 'csv-stringify/sync'
import { mayActFor } from '#features/booking/deps.ts'
import { neutraliseFormula } from '#features/directory/rules.ts'
import type { Clock } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import { scopeOf } from '#platform/context.ts'
import type { Database } from '#platform/db/database.ts'
import { isUuid } from '#platform/db/database.ts'
import { NotFoundError } from '#platform/errors.ts'
import type { PersonFacts } from '../standing/queries.ts'
import { peopleOfUser, personFacts } from '../standing/queries.ts'
import { learningRecordPdf } from './pdf.ts'
import type { RecordEntry } from './queries.ts'
import { recordOf } from './queries.ts'

export type LearningRecord = {
  person: PersonFacts
  partnership: string
  entries: RecordEntry[]
  /** Hours that count as CPD in each calendar year, latest first. */
  hoursByYear: { year: string; hours: number }[]
}

const kindNames: Record<RecordEntry['kind'], string> = {
  course: 'Course',
  evidence: 'Learning from elsewhere',
  briefing: 'Briefing',
}

export const hoursText = (minutes: number | null) =>
  minutes === null ? '' : String(Math.round((minutes / 60) * 100) / 100)

/**
 * A person's learning record, for revalidation and appraisal: everything they learned, and
 * their CPD hours by year. For the person themselves, their agency's lead or an admin.
 */
export function createLearningRecordService(deps: { db: Database; clock: Clock }) {
  const { db, clock } = deps

  async function recordFor(ctx: Context, personId: string | null): Promise<LearningRecord> {
    return db.tenant(scopeOf(ctx), async (sql) => {
      const id =
        personId ?? (ctx.actor.userId ? (await peopleOfUser(sql, ctx.actor.userId))[0]?.id : undefined)
      const person = id && isUuid(id) ? await personFacts(sql, id) : undefined
      if (!person || !mayActFor(ctx, person)) throw new NotFoundError('Person')
      const entries = await recordOf(sql, person.id, ctx.partnership.name)
      const byYear = new Map<string, number>()
      for (const e of entries)
        if (e.counts && e.minutes)
          byYear.set(e.on.slice(0, 4), (byYear.get(e.on.slice(0, 4)) ?? 0) + e.minutes)
      const hoursByYear = [...byYear.entries()]
        .sort(([a], [b]) => b.localeCompare(a))
        .map(([year, minutes]) => ({ year, hours: Math.round((minutes / 60) * 100) / 100 }))
      return { person, partnership: ctx.partnership.name, entries, hoursByYear }
    })
  }

  return {
    /** The record of a person (or, with null, the signed-in user's own). */
    record: recordFor,

    async csv(ctx: Context, personId: string | null): Promise<{ record: LearningRecord; csv: string }> {
      const record = await recordFor(ctx, personId)
      const rows = record.entries.map((e) =>
        [
          e.on,
          kindNames[e.kind],
          e.title,
          e.provider,
          hoursText(e.minutes),
          e.counts ? 'Yes' : 'No',
          e.proof,
        ].map(neutraliseFormula),
      )
      const csv = stringify(rows, {
        header: true,
        columns: ['Date', 'Kind', 'Title', 'Provider', 'Hours', 'Counts as CPD', 'Evidence'],
      })
      return { record, csv }
    },

    async pdf(ctx: Context, personId: string | null): Promise<{ record: LearningRecord; pdf: Buffer }> {
      const record = await recordFor(ctx, personId)
      return { record, pdf: await learningRecordPdf(record, kindNames, clock.now()) }
    },
  }
}

export type LearningRecordService = ReturnType<typeof createLearningRecordService>
