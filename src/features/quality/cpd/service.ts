import type { PolicyService } from '#features/policy/service.ts'
import type { ObservationSummary } from '#features/quality/observations/index.ts'
import { observationsOfTrainer } from '#features/quality/observations/index.ts'
import { gradeNames } from '#features/quality/words.ts'
import type { ReviewHeadline } from '#features/reviews/headlines.ts'
import { publishedReviewHeadlines, reviewHeadlines } from '#features/reviews/headlines.ts'
import type { TrainerApproval } from '#features/trainers/queries.ts'
import { approvalsMatching } from '#features/trainers/queries.ts'
import type { Approval, Standing } from '#features/trainers/rules.ts'
import { approvalExpiresOn, standingOn, yearsAfter } from '#features/trainers/rules.ts'
import type { PartnershipRef } from '#platform/auth/identity.ts'
import type { Role } from '#platform/auth/roles.ts'
import type { Clock } from '#platform/clock.ts'
import { londonDateOf, londonDateText } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import { requireRole, scopeOf, systemContext } from '#platform/context.ts'
import type { Database, Sql } from '#platform/db/database.ts'
import { isUuid } from '#platform/db/database.ts'
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '#platform/errors.ts'
import type { Email } from '#platform/mail/outbox.ts'
import { enqueueEmails } from '#platform/mail/outbox.ts'
import { cpdEmail } from './emails.ts'
import type { CpdInput } from './forms.ts'
import type { CpdReturn, DeliveredSession, SessionScores, TrainerPerson } from './queries.ts'
import {
  claimChaser,
  insertReturn,
  lastObservedOn,
  lockLiveApprovals,
  personById,
  personOfApproval,
  personOfUser,
  poolPeople,
  renewApprovals,
  returnById,
  returnOn,
  returnsOf,
  scoresOf,
  sessionsDeliveredBy,
} from './queries.ts'
import type { CpdState } from './rules.ts'
import {
  approvedToday,
  chaseStage,
  cpdStateOf,
  earliestLapse,
  hoursText,
  inPool,
  observationDue,
} from './rules.ts'

/** Who reads every trainer's record; a trainer reads their own. */
export const recordReaders = ['admin', 'subgroup', 'executive'] as const satisfies readonly Role[]
/** Who reads the pool. */
export const poolReaders = ['admin', 'subgroup', 'executive', 'trainer'] as const satisfies readonly Role[]

export type ApprovalStanding = TrainerApproval & { expiresOn: string; standing: Standing }

export type ReturnView = CpdReturn & { hours: string; reviews: ReviewHeadline[] }

export type Average = { average: number | null; n: number }
export type ScoreLine = {
  responses: number
  agreement: Average
  confidenceBefore: Average
  confidenceAfter: Average
}

export type ObservationState = {
  /** Whether an approval stands today: only an approved trainer is due to be observed. */
  approved: boolean
  due: boolean
  dueOn: string | null
  lastObservedOn: string | null
  years: number
}

export type TrainerSummary = {
  personId: string
  name: string
  approvals: ApprovalStanding[]
  cpd: CpdState
  lapsesOn: string | null
  observation: ObservationState
}

export type TrainerRecord = {
  person: TrainerPerson
  summary: TrainerSummary
  returns: ReturnView[]
  observations: (ObservationSummary & { gradeName: string; responded: boolean })[]
  sessions: (DeliveredSession & { scores: ScoreLine | null })[]
  overall: ScoreLine | null
  isSelf: boolean
  canRecord: boolean
}

export type CpdOutcome = { cpdReturn: ReturnView; approvals: ApprovalStanding[] }

const round = (n: number) => Math.round(n * 10) / 10
const averageOf = (sum: { total: number; n: number }): Average => ({
  average: sum.n ? round(sum.total / sum.n) : null,
  n: sum.n,
})
const lineOf = (s: Omit<SessionScores, 'sessionId'>): ScoreLine => ({
  responses: s.responses,
  agreement: averageOf(s.agreement),
  confidenceBefore: averageOf(s.confidenceBefore),
  confidenceAfter: averageOf(s.confidenceAfter),
})
const add = (a: { total: number; n: number }, b: { total: number; n: number }) => ({
  total: a.total + b.total,
  n: a.n + b.n,
})

/**
 * The pool trainers' annual CPD questionnaire, which renews their approvals for a year; the
 * emails that ask for it before an approval lapses; and each trainer's record: approvals, CPD
 * returns, observations of their sessions, the sessions they delivered and how they were rated.
 */
export function createCpdService(deps: {
  db: Database
  clock: Clock
  policy: Pick<PolicyService, 'rulesOn'>
  publicUrl: string
  mailQueued?: () => void
}) {
  const { db, clock } = deps
  const today = () => londonDateOf(clock.now())
  const withStanding = (a: TrainerApproval, on: string): ApprovalStanding => ({
    ...a,
    expiresOn: approvalExpiresOn(a),
    standing: standingOn(a, on),
  })

  /** The policy's years between observations of a trainer; read before a transaction opens. */
  const observationYears = async (ctx: Context) =>
    (await deps.policy.rulesOn(ctx, today())).trainerObservationYears

  async function summaries(sql: Sql, personId: string | null, years: number): Promise<TrainerSummary[]> {
    const on = today()
    const approvals = await approvalsMatching(sql, personId ? { personId } : {})
    const people = new Map<string, { name: string; approvals: ApprovalStanding[] }>()
    for (const a of approvals) {
      const entry = people.get(a.personId) ?? { name: a.name, approvals: [] }
      entry.approvals.push(withStanding(a, on))
      people.set(a.personId, entry)
    }
    const last = await lastObservedOn(sql, [...people.keys()])
    return [...people].map(([id, p]) => {
      const lastOn = last.get(id) ?? null
      const approved = approvedToday(p.approvals, on)
      const due = observationDue(lastOn, years, on)
      return {
        personId: id,
        name: p.name,
        approvals: p.approvals,
        cpd: cpdStateOf(p.approvals, on),
        lapsesOn: earliestLapse(p.approvals, on),
        observation: { approved, due: approved && due.due, dueOn: due.dueOn, lastObservedOn: lastOn, years },
      }
    })
  }

  async function returnView(sql: Sql, rows: CpdReturn[]): Promise<ReturnView[]> {
    const reviews = new Map(
      (await reviewHeadlines(sql, [...new Set(rows.flatMap((r) => r.reviewIds))])).map((r) => [r.id, r]),
    )
    return rows.map((r) => ({
      ...r,
      hours: hoursText(r.tenths),
      reviews: r.reviewIds.flatMap((id) => reviews.get(id) ?? []),
    }))
  }

  /** Checks and records a return for a person, renewing their approvals, in one transaction. */
  async function submit(ctx: Context, personId: string, input: CpdInput): Promise<CpdOutcome> {
    const on = today()
    const completedOn = input.completedOn ?? on
    if (completedOn > on || completedOn < yearsAfter(on, -1))
      throw new ValidationError([
        {
          field: 'completedOn',
          text: 'The questionnaire must have been returned today or in the last year',
        },
      ])
    const id = await db.tenant(scopeOf(ctx), async (sql) => {
      await sql.auditAs('trainer.cpd-return')
      const person = await personById(sql, personId)
      if (!person) throw new NotFoundError('Trainer')
      const live = await lockLiveApprovals(sql, personId)
      if (!live.length)
        throw new ConflictError(
          `${person.name} is not in the trainer pool: they hold no approval that is not withdrawn, so there is nothing for a CPD questionnaire to renew`,
        )
      const published = new Set((await publishedReviewHeadlines(sql)).map((r) => r.id))
      if (input.reviewIds.some((r) => !published.has(r)))
        throw new ValidationError([
          { field: 'reviewIds', text: 'Select reviews from the list of published reviews' },
        ])
      if (await returnOn(sql, personId, completedOn))
        throw new ConflictError(
          `A CPD questionnaire from ${person.name} returned on ${londonDateText(new Date(`${completedOn}T12:00:00Z`))} is already recorded`,
        )
      const returnId = await insertReturn(sql, ctx.partnership.id, {
        personId,
        completedOn,
        activities: input.activities,
        tenths: input.tenths,
        deliveryUpdates: input.deliveryUpdates,
        reviewIds: [...new Set(input.reviewIds)],
        byUser: ctx.actor.userId,
        byLabel: ctx.actor.label ?? null,
      })
      await renewApprovals(sql, personId, completedOn, clock.now())
      return returnId
    })
    return db.tenant(scopeOf(ctx), async (sql) => {
      const row = await returnById(sql, id)
      if (!row) throw new NotFoundError('CPD return')
      const [cpdReturn] = await returnView(sql, [row])
      const approvals = (await approvalsMatching(sql, { personId })).map((a) => withStanding(a, today()))
      return { cpdReturn: cpdReturn as ReturnView, approvals: approvals.filter((a) => !a.withdrawnAt) }
    })
  }

  /** The signed-in user's directory person, when they are in the pool; refused otherwise. */
  async function ownPerson(ctx: Context, sql: Sql): Promise<TrainerPerson> {
    const person = ctx.actor.userId ? await personOfUser(sql, ctx.actor.userId) : undefined
    const approvals = person ? await approvalsMatching(sql, { personId: person.id }) : []
    if (!person || !inPool(approvals))
      throw new ForbiddenError(
        'Only trainers in the pool return the annual CPD questionnaire, and you hold no trainer approval that is not withdrawn.',
      )
    return person
  }

  return {
    /** The questionnaire for the signed-in trainer: them, their approvals, and the reviews to choose from. */
    async ownQuestionnaire(ctx: Context) {
      const years = await observationYears(ctx)
      return db.tenant(scopeOf(ctx), async (sql) => {
        const person = await ownPerson(ctx, sql)
        const [summary] = await summaries(sql, person.id, years)
        return { person, summary: summary as TrainerSummary, reviews: await publishedReviewHeadlines(sql) }
      })
    },

    /**
     * The signed-in person's CPD when it is due or lapsed, for their home page; null when they
     * are not in the pool or it is not yet due.
     */
    async ownDue(ctx: Context): Promise<{ cpd: 'due' | 'lapsed'; lapsesOn: string | null } | null> {
      if (!ctx.actor.userId) return null
      const userId = ctx.actor.userId
      return db.tenant(scopeOf(ctx), async (sql) => {
        const person = await personOfUser(sql, userId)
        if (!person) return null
        const approvals = await approvalsMatching(sql, { personId: person.id })
        const cpd = cpdStateOf(approvals, today())
        if (cpd !== 'due' && cpd !== 'lapsed') return null
        return { cpd, lapsesOn: earliestLapse(approvals, today()) }
      })
    },

    /** The signed-in trainer returns their own questionnaire, dated today. */
    async submitOwn(ctx: Context, input: CpdInput): Promise<CpdOutcome> {
      const person = await db.tenant(scopeOf(ctx), (sql) => ownPerson(ctx, sql))
      return submit(ctx, person.id, { ...input, completedOn: null })
    },

    /** The questionnaire an admin records for a trainer: the trainer, whether they are in the pool, the reviews. */
    async questionnaireFor(ctx: Context, personId: string) {
      requireRole(ctx, 'admin')
      if (!isUuid(personId)) throw new NotFoundError('Trainer')
      const years = await observationYears(ctx)
      return db.tenant(scopeOf(ctx), async (sql) => {
        const person = await personById(sql, personId)
        if (!person) throw new NotFoundError('Trainer')
        const [summary] = await summaries(sql, person.id, years)
        if (!summary) throw new NotFoundError('Trainer')
        return {
          person,
          summary,
          inPool: inPool(summary.approvals),
          reviews: await publishedReviewHeadlines(sql),
        }
      })
    },

    /**
     * An admin records a trainer's questionnaire, by the trainer's person id or the id of one of
     * their approvals. Refused, changing nothing, for someone not in the pool.
     */
    async record(ctx: Context, id: string, input: CpdInput): Promise<CpdOutcome> {
      requireRole(ctx, 'admin')
      if (!isUuid(id)) throw new NotFoundError('Trainer')
      const personId = await db.tenant(scopeOf(ctx), async (sql) => {
        const viaApproval = await personOfApproval(sql, id)
        if (viaApproval) return viaApproval
        return (await personById(sql, id))?.id
      })
      if (!personId) throw new NotFoundError('Trainer')
      return submit(ctx, personId, input)
    },

    /** Every trainer in the pool with their CPD and whether they are due to be observed. */
    async trainers(ctx: Context): Promise<TrainerSummary[]> {
      requireRole(ctx, ...poolReaders)
      const years = await observationYears(ctx)
      return db.tenant(scopeOf(ctx), (sql) => summaries(sql, null, years))
    },

    /** A trainer's record, for overseers and for the trainer themself. */
    async trainerRecord(ctx: Context, personId: string): Promise<TrainerRecord> {
      if (!isUuid(personId)) throw new NotFoundError('Trainer')
      const overseer = recordReaders.some((role) => ctx.actor.roles.includes(role))
      const years = await observationYears(ctx)
      return db.tenant(scopeOf(ctx), async (sql) => {
        const person = await personById(sql, personId)
        if (!person) throw new NotFoundError('Trainer')
        const isSelf = Boolean(ctx.actor.userId) && person.userId === ctx.actor.userId
        if (!overseer && !isSelf) throw new ForbiddenError('You can see only your own trainer’s record')
        const [summary] = await summaries(sql, personId, years)
        if (!summary) throw new NotFoundError('Trainer')
        const sessions = await sessionsDeliveredBy(sql, personId, clock.now())
        const scores = new Map(
          (
            await scoresOf(
              sql,
              sessions.map((s) => s.id),
            )
          ).map((s) => [s.sessionId, s]),
        )
        const empty = { total: 0, n: 0 }
        let sums = { responses: 0, agreement: empty, confidenceBefore: empty, confidenceAfter: empty }
        for (const s of scores.values())
          sums = {
            responses: sums.responses + s.responses,
            agreement: add(sums.agreement, s.agreement),
            confidenceBefore: add(sums.confidenceBefore, s.confidenceBefore),
            confidenceAfter: add(sums.confidenceAfter, s.confidenceAfter),
          }
        return {
          person,
          summary,
          returns: await returnView(sql, await returnsOf(sql, personId)),
          observations: (await observationsOfTrainer(sql, personId)).map((o) => ({
            ...o,
            gradeName: gradeNames[o.grade],
            responded: o.respondedAt !== null,
          })),
          sessions: sessions.map((s) => {
            const found = scores.get(s.id)
            return { ...s, scores: found ? lineOf(found) : null }
          }),
          overall: scores.size ? lineOf(sums) : null,
          isSelf,
          canRecord: ctx.actor.roles.includes('admin') && inPool(summary.approvals),
        }
      })
    },

    /**
     * Asks each trainer for their questionnaire 30 days before their earliest live approval
     * lapses, and reminds them at 7 days; one found only inside the 7 days gets the reminder
     * alone. Each is claimed in trainer_cpd_chasers in the transaction that writes the email,
     * so however often and on however many workers it runs, each goes once.
     */
    async chase(partnership: PartnershipRef): Promise<{ requested: number; reminded: number }> {
      const ctx = systemContext(partnership, 'job:trainers.cpd-chasing')
      const on = today()
      const link = `${deps.publicUrl}/trainers/cpd`
      const counts = await db.tenant(scopeOf(ctx), async (sql) => {
        await sql.auditAs('trainer.cpd-chasing')
        const emails: Email[] = []
        let requested = 0
        let reminded = 0
        for (const trainer of await poolPeople(sql)) {
          const approvals = trainer.approvals as (Approval & { courseTitle: string })[]
          const lapsesOn = earliestLapse(approvals, on)
          const stage = lapsesOn ? chaseStage(lapsesOn, on) : null
          if (!lapsesOn || !stage) continue
          if (!(await claimChaser(sql, partnership.id, trainer.personId, lapsesOn, stage))) continue
          // Found only inside the reminder days: the request is not sent as well.
          if (stage === 'reminder')
            await claimChaser(sql, partnership.id, trainer.personId, lapsesOn, 'request')
          const courses = approvals
            .filter((a) => !a.withdrawnAt && approvalExpiresOn(a) === lapsesOn)
            .map((a) => a.courseTitle)
          emails.push(cpdEmail(stage, trainer, { on: lapsesOn, courses }, partnership.name, link))
          if (stage === 'request') requested += 1
          else reminded += 1
        }
        await enqueueEmails(sql, partnership.id, emails)
        return { requested, reminded }
      })
      if (counts.requested + counts.reminded) deps.mailQueued?.()
      return counts
    },
  }
}

export type CpdService = ReturnType<typeof createCpdService>
