import { randomBytes } from 'node:crypto'
import { sectorNames } from '#features/directory/page-forms.ts'
import { reachOf } from '#features/learning/dissemination/index.ts'
import type { ProductHeadline } from '#features/learning/index.ts'
import {
  productHeadlines,
  publishedProductHeadlines,
  publishedProductsOfReviews,
} from '#features/learning/index.ts'
import type { PolicyService } from '#features/policy/service.ts'
import type { ReviewHeadline } from '#features/reviews/headlines.ts'
import { publishedReviewHeadlines, reviewHeadlines } from '#features/reviews/headlines.ts'
import type { PartnershipRef } from '#platform/auth/identity.ts'
import type { Role } from '#platform/auth/roles.ts'
import type { Clock } from '#platform/clock.ts'
import { londonDateOf } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import { requireRole, scopeOf, systemContext } from '#platform/context.ts'
import type { Database, Sql } from '#platform/db/database.ts'
import { isUuid } from '#platform/db/database.ts'
import type { FieldError } from '#platform/errors.ts'
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '#platform/errors.ts'
import { enqueueEmails } from '#platform/mail/outbox.ts'
import type { Partnerships } from '#platform/partnerships.ts'
import { addMonths, audienceOf, drawFrom, eligibleOn } from './draw.ts'
import { dayText, invitationEmail, reminderEmail } from './emails.ts'
import type { AuditInput, DetailsInput, QuestionInput } from './forms.ts'
import { invitationToken, readInvitationToken } from './links.ts'
import type {
  Audit,
  AuditQuestion,
  AuditSummary,
  InvitationForm,
  PersonalAnswers,
  SampleRow,
} from './queries.ts'
import {
  audienceAgencies,
  auditById,
  auditsOf,
  candidatesOf,
  claimReminders,
  deleteQuestion,
  hasPublishedLearning,
  insertAudit,
  insertInvitations,
  insertQuestions,
  invitationForm,
  lastSentAt,
  markSent,
  personalAnswers,
  previousAuditOf,
  questionsOf,
  recordAnswers,
  resultInput,
  sampleByAgency,
  sampleOf,
  setLearning,
  updateDetails,
} from './queries.ts'
import type { Headline, Results } from './results.ts'
import { changeOf, headlineOf, resultsOf } from './results.ts'
import { answerProblems, isCorrect, MOST_QUESTIONS, quizProblems } from './rules.ts'

/** Who builds and sends knowledge audits. */
export const auditEditors = ['admin', 'subgroup'] as const satisfies readonly Role[]
/** Who reads every audit's results. */
export const auditOverseers = ['admin', 'subgroup', 'executive'] as const satisfies readonly Role[]
/** Who reads results at all: an agency lead, their agencies' aggregate only. */
export const auditReaders = [
  'admin',
  'subgroup',
  'executive',
  'agency-lead',
] as const satisfies readonly Role[]

/** How many days after the invitation the one reminder goes. */
export const REMINDER_DAYS = 7

export type Learning = { products: ProductHeadline[]; reviews: ReviewHeadline[] }

/** When the next audit is due: the policy's interval after the last one sent. */
export type DueState = { lastSentOn: string | null; nextDueOn: string | null; due: boolean }

export type SampleSummary = {
  seed: string
  eligible: number
  excluded: number
  invited: number
  sampleSize: number
  tookAll: boolean
  message: string
  audienceReason: string
}

export type AuditView = {
  audit: Audit
  questions: AuditQuestion[]
  learning: Learning
  /** A draft's audience as it stands: who could be drawn if it were sent now. */
  preview: { eligible: number; excluded: number; audienceReason: string } | null
  sample: SampleSummary | null
  /** Each agency's share of the sample. */
  byAgency: { agencyId: string; agencyName: string; invited: number }[]
  /** The people drawn, for admins only. */
  people: SampleRow[] | null
}

export type Comparison = {
  audit: { id: string; title: string; sentAt: Date }
  before: Headline
  now: Headline
  change: { responseRate: number | null; averagePercent: number | null; confidenceAverage: number | null }
}

export type AuditResults = {
  audit: Audit
  learning: Learning
  /** `all` for overseers; `agencies` for an agency lead, whose figures are their agencies' only. */
  scope: 'all' | 'agencies'
  results: Results
  previous: Comparison | null
  /** The dissemination reach of the same products (those chosen and those of the chosen reviews), per agency. */
  reach: AuditReach
}

/** How far the agencies passed on the audited products, to set beside what their people knew. */
export type AuditReach = {
  products: { id: string; title: string }[]
  agencies: {
    agencyId: string
    agencyName: string
    /** How many of the products the agency recorded passing on. */
    disseminated: number
    /** How many it acknowledged without recording yet. */
    acknowledged: number
    /** The mean share of its headcount reached across the products, where it has a headcount. */
    averageReachPercent: number | null
  }[]
}

/** The reach of these products per agency, from the dissemination records. */
async function reachOfAudit(
  sql: Sql,
  audit: Pick<Audit, 'productIds' | 'reviewIds'>,
  agencyIds: readonly string[] | null,
): Promise<AuditReach> {
  const fromReviews = await publishedProductsOfReviews(sql, audit.reviewIds)
  const products = [...(await productHeadlines(sql, audit.productIds)), ...fromReviews].filter(
    (p, i, all) => all.findIndex((q) => q.id === p.id) === i,
  )
  const rows = await reachOf(
    sql,
    products.map((p) => p.id),
    agencyIds,
  )
  const byAgency = new Map<string, typeof rows>()
  for (const row of rows) byAgency.set(row.agencyId, [...(byAgency.get(row.agencyId) ?? []), row])
  return {
    products: products.map((p) => ({ id: p.id, title: p.title })),
    agencies: [...byAgency.values()]
      .map((list) => {
        const percents = list.map((r) => r.reachPercent).filter((n): n is number => n !== null)
        return {
          agencyId: list[0]?.agencyId as string,
          agencyName: list[0]?.agencyName as string,
          disseminated: list.filter((r) => r.status === 'disseminated').length,
          acknowledged: list.filter((r) => r.status === 'acknowledged').length,
          averageReachPercent: percents.length
            ? Math.round((percents.reduce((a, b) => a + b, 0) / percents.length) * 10) / 10
            : null,
        }
      })
      .sort((a, b) => a.agencyName.localeCompare(b.agencyName)),
  }
}

export type LinkedAudit =
  | {
      ok: true
      partnership: PartnershipRef
      invitation: InvitationForm
      questions: AuditQuestion[]
      token: string
    }
  | { ok: false; problem: 'forged' | 'answered' | 'closed'; title?: string; closesOn?: string }

const has = (ctx: Context, roles: readonly Role[]) => roles.some((r) => ctx.actor.roles.includes(r))

/**
 * Knowledge audits: a quiz on chosen published learning, sent to a random sample of the
 * practitioners it was for, answered once through a personal link, and read back as
 * aggregates no smaller than 5 people. Admins alone read one person's answers.
 */
export function createKnowledgeAuditService(deps: {
  db: Database
  clock: Clock
  policy: Pick<PolicyService, 'rulesOn'>
  partnerships: Pick<Partnerships, 'bySlug'>
  publicUrl: string
  secret: string
  mailQueued?: () => void
}) {
  const { db, clock } = deps
  const today = () => londonDateOf(clock.now())
  const linkFor = (partnership: PartnershipRef, invitationId: string) =>
    `${deps.publicUrl}/p/${partnership.slug}/knowledge-audits/${invitationToken(deps.secret, partnership.id, invitationId)}`

  async function found(sql: Sql, id: string, forUpdate = false): Promise<Audit> {
    const audit = isUuid(id) ? await auditById(sql, id, forUpdate) : undefined
    if (!audit) throw new NotFoundError('Knowledge audit')
    return audit
  }

  async function learningOf(sql: Sql, audit: Pick<Audit, 'productIds' | 'reviewIds'>): Promise<Learning> {
    return {
      products: await productHeadlines(sql, audit.productIds),
      reviews: await reviewHeadlines(sql, audit.reviewIds),
    }
  }

  /** The details' problems that need the database: learning must be published, and the closing date to come. */
  async function detailProblems(sql: Sql, input: DetailsInput): Promise<FieldError[]> {
    const errors: FieldError[] = []
    const products = new Set((await publishedProductHeadlines(sql)).map((p) => p.id))
    const reviews = new Set((await publishedReviewHeadlines(sql)).map((r) => r.id))
    if (!input.productIds.length && !input.reviewIds.length)
      errors.push({
        field: 'productIds',
        text: 'Choose the learning the audit tests: a published product or review',
      })
    if (input.productIds.some((id) => !products.has(id)))
      errors.push({ field: 'productIds', text: 'Choose products from the published ones listed' })
    if (input.reviewIds.some((id) => !reviews.has(id)))
      errors.push({ field: 'reviewIds', text: 'Choose reviews from the published ones listed' })
    if (input.closesOn <= today())
      errors.push({ field: 'closesOn', text: `The closing date must be after today, ${dayText(today())}` })
    return errors
  }

  async function sampleSizeOf(ctx: Context, asked: number | undefined): Promise<number> {
    if (asked !== undefined) return asked
    return (await deps.policy.rulesOn(ctx, today())).knowledgeAuditSampleSize
  }

  /** The audience of an audit's learning and who in it may be drawn today. */
  async function audienceNow(sql: Sql, audit: Pick<Audit, 'productIds' | 'reviewIds'>) {
    const learning = await learningOf(sql, audit)
    const audience = audienceOf(
      await audienceAgencies(sql),
      learning.products.map((p) => ({ title: p.title, audience: p.audience })),
      learning.reviews.map((r) => ({ reference: r.reference, agencyIds: r.agencyIds })),
    )
    const { eligible, excluded } = eligibleOn(await candidatesOf(sql, audience.agencyIds), today())
    return { learning, audience, eligible, excluded }
  }

  function sampleSummaryOf(audit: Audit): SampleSummary | null {
    if (audit.status !== 'sent' || audit.seed === null || audit.eligibleCount === null) return null
    const tookAll = audit.eligibleCount < audit.sampleSize
    const people = (n: number) => `${n} ${n === 1 ? 'person' : 'people'}`
    return {
      seed: audit.seed,
      eligible: audit.eligibleCount,
      excluded: audit.excludedCount ?? 0,
      invited: audit.invited,
      sampleSize: audit.sampleSize,
      tookAll,
      message: tookAll
        ? `The sample asked for ${people(audit.sampleSize)}, but only ${people(audit.eligibleCount)} ${audit.eligibleCount === 1 ? 'was' : 'were'} eligible: all of them were invited.`
        : `${people(audit.invited)} drawn at random from ${people(audit.eligibleCount)} eligible.`,
      audienceReason: audit.audienceReason ?? '',
    }
  }

  /** The policy's months between audits, read before a transaction opens (it reads in its own). */
  const intervalOf = async (ctx: Context) =>
    (await deps.policy.rulesOn(ctx, today())).knowledgeAuditIntervalMonths

  async function dueState(sql: Sql, knowledgeAuditIntervalMonths: number): Promise<DueState> {
    const last = await lastSentAt(sql)
    if (!last) return { lastSentOn: null, nextDueOn: null, due: await hasPublishedLearning(sql) }
    const lastSentOn = londonDateOf(last)
    const nextDueOn = addMonths(lastSentOn, knowledgeAuditIntervalMonths)
    return { lastSentOn, nextDueOn, due: nextDueOn <= today() }
  }

  async function resultsFor(
    sql: Sql,
    auditId: string,
    agencyIds: readonly string[] | null,
  ): Promise<Results> {
    return resultsOf(await resultInput(sql, auditId, agencyIds), sectorNames)
  }

  return {
    today,

    /** The audits the actor may read, newest first; an agency lead sees only those sent. */
    async list(ctx: Context): Promise<{ audits: AuditSummary[]; due: DueState }> {
      requireRole(ctx, ...auditReaders)
      const interval = await intervalOf(ctx)
      return db.tenant(scopeOf(ctx), async (sql) => ({
        audits: await auditsOf(sql, !has(ctx, auditOverseers)),
        due: await dueState(sql, interval),
      }))
    },

    /** For the home page's to-do list: whether a knowledge audit is due. */
    async due(ctx: Context): Promise<DueState> {
      requireRole(ctx, ...auditEditors)
      const interval = await intervalOf(ctx)
      return db.tenant(scopeOf(ctx), (sql) => dueState(sql, interval))
    },

    /** What an audit may test: the published products and reviews. */
    async learningChoices(ctx: Context): Promise<Learning> {
      requireRole(ctx, ...auditEditors)
      return db.tenant(scopeOf(ctx), async (sql) => ({
        products: await publishedProductHeadlines(sql),
        reviews: await publishedReviewHeadlines(sql),
      }))
    },

    /** The policy's sample size, for a new audit's form. */
    async defaultSampleSize(ctx: Context): Promise<number> {
      requireRole(ctx, ...auditEditors)
      return sampleSizeOf(ctx, undefined)
    },

    /**
     * A new draft with its questions, if any. A quiz whose marking is wrong (no right answer
     * marked, or a single-choice question with more than one) is refused whole: nothing is made.
     */
    async create(ctx: Context, input: AuditInput): Promise<string> {
      requireRole(ctx, ...auditEditors)
      const sampleSize = await sampleSizeOf(ctx, input.sampleSize)
      return db.tenant(scopeOf(ctx), async (sql) => {
        const errors = [...(await detailProblems(sql, input)), ...quizProblems(input.questions)]
        if (errors.length) throw new ValidationError(errors)
        await sql.auditAs('knowledge-audit.create')
        const { id } = await insertAudit(sql, ctx.partnership.id, {
          title: input.title,
          closesOn: input.closesOn,
          sampleSize,
          createdBy: ctx.actor.userId,
        })
        await setLearning(sql, ctx.partnership.id, id, input.productIds, input.reviewIds)
        await insertQuestions(sql, ctx.partnership.id, id, input.questions)
        return id
      })
    },

    /** Changes a draft's details; a sent audit keeps them. */
    async update(ctx: Context, id: string, input: DetailsInput): Promise<void> {
      requireRole(ctx, ...auditEditors)
      const sampleSize = await sampleSizeOf(ctx, input.sampleSize)
      await db.tenant(scopeOf(ctx), async (sql) => {
        const audit = await found(sql, id, true)
        if (audit.status === 'sent')
          throw new ConflictError('This knowledge audit has been sent: its details no longer change')
        const errors = await detailProblems(sql, input)
        if (errors.length) throw new ValidationError(errors)
        await sql.auditAs('knowledge-audit.update')
        await updateDetails(
          sql,
          audit.id,
          { title: input.title, closesOn: input.closesOn, sampleSize },
          clock.now(),
        )
        await setLearning(sql, ctx.partnership.id, audit.id, input.productIds, input.reviewIds)
      })
    },

    /** Adds a question to a draft's quiz, refused whole when its marking is wrong. */
    async addQuestion(ctx: Context, id: string, question: QuestionInput): Promise<void> {
      requireRole(ctx, ...auditEditors)
      await db.tenant(scopeOf(ctx), async (sql) => {
        const audit = await found(sql, id, true)
        if (audit.status === 'sent')
          throw new ConflictError('This knowledge audit has been sent: its questions no longer change')
        if (audit.questionCount >= MOST_QUESTIONS)
          throw new ValidationError([
            { field: 'text', text: `A knowledge audit has ${MOST_QUESTIONS} questions or fewer` },
          ])
        const problems = quizProblems([question], audit.questionCount).map((e) => ({
          ...e,
          field: 'options',
        }))
        if (problems.length) throw new ValidationError(problems)
        await sql.auditAs('knowledge-audit.add-question')
        await insertQuestions(sql, ctx.partnership.id, audit.id, [question])
      })
    },

    async removeQuestion(ctx: Context, id: string, questionId: string): Promise<void> {
      requireRole(ctx, ...auditEditors)
      await db.tenant(scopeOf(ctx), async (sql) => {
        const audit = await found(sql, id, true)
        if (audit.status === 'sent')
          throw new ConflictError('This knowledge audit has been sent: its questions no longer change')
        await sql.auditAs('knowledge-audit.remove-question')
        const removed = isUuid(questionId) ? await deleteQuestion(sql, audit.id, questionId) : undefined
        if (!removed) throw new NotFoundError('Question')
      })
    },

    /**
     * One audit with its quiz and learning; for a draft, who could be drawn now; once sent, how
     * the sample was drawn. The people drawn are listed for admins only.
     */
    async audit(ctx: Context, id: string): Promise<AuditView> {
      requireRole(ctx, ...auditOverseers)
      return db.tenant(scopeOf(ctx), async (sql) => {
        const audit = await found(sql, id)
        const questions = await questionsOf(sql, audit.id)
        if (audit.status === 'draft') {
          const now = await audienceNow(sql, audit)
          return {
            audit,
            questions,
            learning: now.learning,
            preview: {
              eligible: now.eligible.length,
              excluded: now.excluded.length,
              audienceReason: now.audience.reason,
            },
            sample: null,
            byAgency: [],
            people: null,
          }
        }
        return {
          audit,
          questions,
          learning: await learningOf(sql, audit),
          preview: null,
          sample: sampleSummaryOf(audit),
          byAgency: await sampleByAgency(sql, audit.id),
          people: ctx.actor.roles.includes('admin') ? await sampleOf(sql, audit.id) : null,
        }
      })
    },

    /**
     * Sends a draft: finds who its learning was for, leaves out anyone invited in the last 12
     * months, draws the sample from a new seed (recorded), and writes each person's invitation
     * and email with their own link, all in one transaction. A sample larger than those
     * eligible takes them all and says so; with no one eligible, nothing is sent.
     */
    async send(
      ctx: Context,
      id: string,
      seed = randomBytes(8).toString('hex'),
    ): Promise<{ audit: Audit; sample: SampleSummary }> {
      requireRole(ctx, ...auditEditors)
      const now = clock.now()
      const audit = await db.tenant(scopeOf(ctx), async (sql) => {
        const audit = await found(sql, id, true)
        if (audit.status === 'sent') throw new ConflictError('This knowledge audit has already been sent')
        const errors: FieldError[] = []
        if (!audit.productIds.length && !audit.reviewIds.length)
          errors.push({ field: 'form', text: 'Choose the learning the audit tests before sending it' })
        if (!audit.questionCount)
          errors.push({ field: 'form', text: 'Add at least one question before sending' })
        if (audit.closesOn <= today())
          errors.push({
            field: 'form',
            text: `The closing date, ${dayText(audit.closesOn)}, has passed: change it to a later date before sending`,
          })
        const questions = await questionsOf(sql, audit.id)
        errors.push(...quizProblems(questions).map((e) => ({ ...e, field: 'form' })))
        if (errors.length) throw new ValidationError(errors)
        const { audience, eligible, excluded } = await audienceNow(sql, audit)
        if (!eligible.length)
          throw new ValidationError([
            {
              field: 'form',
              text: excluded.length
                ? `No one can be asked: all ${excluded.length} practitioners of the agencies in the audience were invited to a knowledge audit in the last 12 months`
                : 'No one can be asked: the agencies in the audience have no active practitioners with an email in the directory',
            },
          ])
        const draw = drawFrom(seed, eligible, audit.sampleSize)
        await sql.auditAs('knowledge-audit.send')
        const invitees = await insertInvitations(sql, ctx.partnership.id, audit.id, draw.chosen, now)
        await markSent(sql, audit.id, {
          seed,
          eligibleCount: eligible.length,
          excludedCount: excluded.length,
          audienceAgencyIds: audience.agencyIds,
          audienceReason: audience.reason,
          sentBy: ctx.actor.userId,
          now,
        })
        await enqueueEmails(
          sql,
          ctx.partnership.id,
          invitees.map((i) =>
            invitationEmail(i, audit, ctx.partnership.name, linkFor(ctx.partnership, i.invitationId)),
          ),
        )
        return found(sql, audit.id)
      })
      deps.mailQueued?.()
      const sample = sampleSummaryOf(audit)
      if (!sample) throw new Error('A sent audit has its sample')
      return { audit, sample }
    },

    /**
     * The results: every figure for overseers; for an agency lead, their agencies' aggregate
     * only. Each set beside the previous audit of the same learning.
     */
    async results(ctx: Context, id: string): Promise<AuditResults> {
      requireRole(ctx, ...auditReaders)
      const overseer = has(ctx, auditOverseers)
      const agencyIds = overseer ? null : ctx.actor.agencyIds
      return db.tenant(scopeOf(ctx), async (sql) => {
        const audit = await found(sql, id)
        if (!overseer && audit.status !== 'sent') throw new NotFoundError('Knowledge audit')
        const results = await resultsFor(sql, audit.id, agencyIds)
        const earlier = audit.sentAt ? await previousAuditOf(sql, audit) : undefined
        let previous: Comparison | null = null
        if (earlier) {
          const before = headlineOf(await resultsFor(sql, earlier.id, agencyIds))
          const now = headlineOf(results)
          previous = {
            audit: earlier,
            before,
            now,
            change: {
              responseRate: changeOf(before.responseRate, now.responseRate),
              averagePercent: changeOf(before.averagePercent, now.averagePercent),
              confidenceAverage: changeOf(before.confidenceAverage, now.confidenceAverage),
            },
          }
        }
        return {
          audit,
          learning: await learningOf(sql, audit),
          scope: overseer ? 'all' : 'agencies',
          results,
          previous,
          reach: await reachOfAudit(sql, audit, agencyIds),
        }
      })
    },

    /** One person's answers, for admins only: no one else reads an individual's. */
    async personalAnswers(
      ctx: Context,
      id: string,
      invitationId: string,
    ): Promise<{ audit: Audit; questions: AuditQuestion[]; answers: PersonalAnswers }> {
      if (!ctx.actor.roles.includes('admin'))
        throw new ForbiddenError('Only the partnership’s admins may read a person’s answers')
      return db.tenant(scopeOf(ctx), async (sql) => {
        const audit = await found(sql, id)
        const answers = isUuid(invitationId) ? await personalAnswers(sql, audit.id, invitationId) : undefined
        if (!answers) throw new NotFoundError('Invitation')
        return { audit, questions: await questionsOf(sql, audit.id), answers }
      })
    },

    /** The quiz a personal link leads to, or why it cannot be answered. */
    async linked(slug: string, token: string): Promise<LinkedAudit> {
      const partnership = await deps.partnerships.bySlug(slug)
      if (!partnership) return { ok: false, problem: 'forged' }
      const invitationId = readInvitationToken(deps.secret, partnership.id, token)
      if (!invitationId) return { ok: false, problem: 'forged' }
      const ctx = systemContext(partnership, 'knowledge-audit-link')
      return db.tenant(scopeOf(ctx), async (sql) => {
        const invitation = await invitationForm(sql, invitationId)
        if (invitation?.status !== 'sent') return { ok: false, problem: 'forged' } as const
        const about = { title: invitation.title, closesOn: invitation.closesOn }
        if (invitation.answeredAt) return { ok: false, problem: 'answered', ...about } as const
        if (invitation.closesOn < today()) return { ok: false, problem: 'closed', ...about } as const
        return {
          ok: true,
          partnership,
          invitation,
          questions: await questionsOf(sql, invitation.auditId),
          token,
        }
      })
    },

    /**
     * Answers through a personal link (from `linked`, which checked it): every problem at once;
     * each answer stored with whether it was right, the score and the confidence. Answered once.
     */
    async answer(
      found: Extract<LinkedAudit, { ok: true }>,
      input: { answers: Record<string, number[]>; confidence: number | null },
    ): Promise<void> {
      const { questions, partnership, invitation } = found
      const errors = answerProblems(questions, input.answers)
      if (input.confidence === null)
        errors.push({ field: 'confidence', text: 'Select how confident you feel' })
      if (errors.length) throw new ValidationError(errors)
      const marked = questions.map((q) => {
        const chosen = input.answers[q.id] ?? []
        return { questionId: q.id, chosen, correct: isCorrect(q, chosen) }
      })
      const ctx = systemContext(partnership, 'knowledge-audit-link')
      const recorded = await db.tenant(scopeOf(ctx), async (sql) => {
        // The closing date is checked again as the answer is written: a page left open past it is refused.
        const now = await invitationForm(sql, invitation.id)
        if (!now || now.closesOn < today()) throw new ConflictError('This knowledge audit has closed')
        await sql.auditAs('knowledge-audit.answer')
        return recordAnswers(
          sql,
          partnership.id,
          invitation.id,
          {
            score: marked.filter((m) => m.correct).length,
            confidence: input.confidence as number,
            answers: marked,
          },
          clock.now(),
        )
      })
      if (!recorded) throw new ConflictError('You have already answered this knowledge audit')
    },

    /** The scheduled pass: the one reminder, 7 days on, to those who have not answered an open audit. */
    async remindDue(partnership: PartnershipRef): Promise<number> {
      const ctx = systemContext(partnership, 'job:knowledge-audits.remind')
      const now = clock.now()
      const sent = await db.tenant(scopeOf(ctx), async (sql) => {
        await sql.auditAs('knowledge-audits.remind')
        const due = await claimReminders(sql, now, londonDateOf(now), REMINDER_DAYS)
        await enqueueEmails(
          sql,
          partnership.id,
          due.map((r) => reminderEmail(r, r, partnership.name, linkFor(partnership, r.invitationId))),
        )
        return due.length
      })
      if (sent) deps.mailQueued?.()
      return sent
    },

    linkFor,
  }
}

export type KnowledgeAuditService = ReturnType<typeof createKnowledgeAuditService>
