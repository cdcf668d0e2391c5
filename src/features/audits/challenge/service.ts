import type { Action } from '#features/actions/index.ts'
import { actionsOfAuditReturn, raiseAuditReturnActions } from '#features/actions/index.ts'
import type { Lead } from '#features/learning/dissemination/queries.ts'
import { leadsOf } from '#features/learning/dissemination/queries.ts'
import type { PolicyService } from '#features/policy/service.ts'
import type { Clock } from '#platform/clock.ts'
import { londonDateOf } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import { requireRole, scopeOf } from '#platform/context.ts'
import type { Database, Sql } from '#platform/db/database.ts'
import { isUuid } from '#platform/db/database.ts'
import type { FieldError } from '#platform/errors.ts'
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '#platform/errors.ts'
import { parseOrThrow } from '#platform/http/forms.ts'
import { enqueueEmails } from '#platform/mail/outbox.ts'
import type { ReturnStanding } from '../access.ts'
import { auditOverseers, auditReviewerRoles, auditUsers, overseesAudits, standingOn } from '../access.ts'
import { belowGood, isRatingOf } from '../words.ts'
import { reviewDoneEmail } from './emails.ts'
import type { EventInput, PlanActionInput, ReviewInput } from './forms.ts'
import { eventSchema, planActionSchema, reviewSchema } from './forms.ts'
import type { ChallengeReturn, ReviewedAnswer } from './queries.ts'
import { answersOf, cycleOf, eventsOf, openChallengesOf, returnOf } from './queries.ts'

export type AuditChallengeDeps = {
  db: Database
  clock: Clock
  policy: PolicyService
  publicUrl: string
  mailQueued: () => void
}

/** Who may read a cycle's challenge page: admins record events, reviewers read them. */
export const challengeReaders = auditReviewerRoles

export type ReturnForChallenge = { ret: ChallengeReturn; standing: ReturnStanding; answers: ReviewedAnswer[] }

export type ActionPlan = ReturnForChallenge & {
  /** The standards whose final rating is below good, each with its actions (none: "No action yet"). */
  standards: { answer: ReviewedAnswer; actions: Action[] }[]
  /** Actions of the plan raised on no particular standard, or on one no longer below good. */
  others: Action[]
  leads: Lead[]
  canRaise: boolean
  today: string
}

/** The return as the actor may see it, or not found: someone with no standing on it never learns it exists. */
async function visible(ctx: Context, sql: Sql, id: string, lock = false) {
  const ret = isUuid(id) ? await returnOf(sql, id, lock) : undefined
  const standing = ret ? standingOn(ctx, ret) : 'none'
  if (!ret || standing === 'none') throw new NotFoundError('Audit return')
  return { ret, standing }
}

/**
 * After a return is submitted: its reviewer agrees or challenges each answer; a challenge
 * event settles what was challenged, agreed or revised to another rating on the scale; a
 * return with no challenge left is concluded; and the agency's lead sets an action for each
 * standard whose final rating is below good, tracked by the actions feature.
 */
export function createAuditChallengeService(deps: AuditChallengeDeps) {
  const { db, clock } = deps
  const today = () => londonDateOf(clock.now())
  const returnLink = (id: string) => `${deps.publicUrl}/audits/returns/${id}`

  function refuseReview(ret: ChallengeReturn, standing: ReturnStanding) {
    // The agency's own people see the return but never review it.
    if (standing !== 'review' && standing !== 'oversee')
      throw new ForbiddenError('Only the return’s reviewer or an admin reviews it')
    if (ret.status !== 'submitted')
      throw new ConflictError(
        ret.status === 'challenge' || ret.status === 'concluded'
          ? 'This return has already been reviewed'
          : 'This return has not been submitted yet: it is reviewed once submitted',
      )
  }

  async function plan(ctx: Context, sql: Sql, id: string): Promise<ActionPlan> {
    const { ret, standing } = await visible(ctx, sql, id)
    const answers = await answersOf(sql, ret.id)
    const actions = await actionsOfAuditReturn(sql, ret.id, today())
    const below = answers.filter((a) => a.finalRating && belowGood(a.finalRating))
    const belowIds = new Set(below.map((a) => a.standardId))
    return {
      ret,
      standing,
      answers,
      standards: below.map((answer) => ({
        answer,
        actions: actions.filter((a) => a.auditStandardId === answer.standardId),
      })),
      others: actions.filter((a) => !a.auditStandardId || !belowIds.has(a.auditStandardId)),
      leads: await leadsOf(sql, [ret.agencyId]),
      canRaise: ret.status === 'concluded' && raises(ctx, ret, standing),
      today: today(),
    }
  }

  /** The agency's lead (not a colleague named on the return) or an admin sets the plan. */
  const raises = (ctx: Context, ret: ChallengeReturn, standing: ReturnStanding) =>
    standing === 'oversee' ||
    (ctx.actor.roles.includes('agency-lead') && ctx.actor.agencyIds.includes(ret.agencyId))

  return {
    /** A submitted return for its reviewer (or an admin) to review. */
    async reviewable(ctx: Context, id: string): Promise<ReturnForChallenge> {
      requireRole(ctx, ...auditUsers)
      return db.tenant(scopeOf(ctx), async (sql) => {
        const { ret, standing } = await visible(ctx, sql, id)
        refuseReview(ret, standing)
        return { ret, standing, answers: await answersOf(sql, ret.id) }
      })
    },

    /**
     * The review of every answer at once: agreed, or challenged with a note. The return moves
     * to challenge when any answer is challenged, otherwise it is concluded. Only the review
     * columns change, never the agency's rating or narrative; the agency's leads are emailed.
     */
    async review(ctx: Context, id: string, raw: ReviewInput): Promise<{ status: 'challenge' | 'concluded' }> {
      requireRole(ctx, ...auditUsers)
      const input = parseOrThrow(reviewSchema, raw)
      const result = await db.tenant(scopeOf(ctx), async (sql) => {
        const { ret, standing } = await visible(ctx, sql, id, true)
        refuseReview(ret, standing)
        const answers = await answersOf(sql, ret.id)
        const given = new Map(input.answers.map((a) => [a.standardId, a]))
        const errors: FieldError[] = []
        input.answers.forEach((a, i) => {
          if (!answers.some((x) => x.standardId === a.standardId))
            errors.push({ field: `answers.${i}.standardId`, text: 'Name a standard of the return by its id' })
        })
        for (const a of answers) {
          const view = given.get(a.standardId)
          if (!view)
            errors.push({ field: `review-${a.standardId}`, text: `Agree or challenge ${a.ref} ${a.title}` })
          else if (view.review === 'challenged' && !view.note)
            errors.push({
              field: `note-${a.standardId}`,
              text: `Say why you challenge ${a.ref} ${a.title}`,
            })
        }
        if (errors.length) throw new ValidationError(errors)
        await sql.auditAs('audits.returns.review')
        const reviewed = answers.flatMap((a) => given.get(a.standardId) ?? [])
        await sql.query(
          `INSERT INTO audit_answers (partnership_id, return_id, standard_id, review, review_note, reviewed_by, reviewed_at)
           SELECT $1, $2, x.standard_id, x.review, x.note, $6, $7
             FROM unnest($3::uuid[], $4::text[], $5::text[]) AS x(standard_id, review, note)
           ON CONFLICT (return_id, standard_id) DO UPDATE SET review = excluded.review,
             review_note = excluded.review_note, reviewed_by = excluded.reviewed_by, reviewed_at = excluded.reviewed_at`,
          [
            ctx.partnership.id,
            ret.id,
            reviewed.map((r) => r.standardId),
            reviewed.map((r) => r.review),
            reviewed.map((r) => r.note),
            ctx.actor.userId,
            clock.now(),
          ],
        )
        const status = reviewed.some((r) => r.review === 'challenged') ? 'challenge' : 'concluded'
        await sql.query(
          `UPDATE audit_returns SET status = $2, concluded_at = CASE WHEN $2 = 'concluded' THEN $3::timestamptz END,
             updated_at = $3 WHERE id = $1`,
          [ret.id, status, clock.now()],
        )
        const leads = await leadsOf(sql, [ret.agencyId])
        const challenged = reviewed.filter((r) => r.review === 'challenged').length
        const emails = leads.map((lead) =>
          reviewDoneEmail(lead, ret, challenged, ctx.partnership.name, returnLink(ret.id)),
        )
        await enqueueEmails(sql, ctx.partnership.id, emails)
        return { status: status as 'challenge' | 'concluded', emails: emails.length }
      })
      if (result.emails) deps.mailQueued()
      return { status: result.status }
    },

    /** A cycle's challenge events and the challenged answers still to settle. */
    async challengePage(ctx: Context, cycleId: string) {
      requireRole(ctx, ...challengeReaders)
      return db.tenant(scopeOf(ctx), async (sql) => {
        const cycle = isUuid(cycleId) ? await cycleOf(sql, cycleId) : undefined
        if (!cycle) throw new NotFoundError('Audit cycle')
        const open = await openChallengesOf(sql, cycle.id)
        const returns: { returnId: string; agencyName: string; answers: typeof open }[] = []
        for (const o of open) {
          const last = returns.at(-1)
          if (last?.returnId === o.returnId) last.answers.push(o)
          else returns.push({ returnId: o.returnId, agencyName: o.agencyName, answers: [o] })
        }
        return {
          cycle,
          returns,
          events: await eventsOf(sql, cycle.id),
          canRecord: overseesAudits(ctx),
          today: today(),
        }
      })
    },

    /**
     * Records a challenge event and what it settled: each challenged answer of a return
     * discussed ends agreed, or revised to a rating on the template's scale with a note. A return
     * discussed with no challenge left unsettled is concluded.
     */
    async recordEvent(
      ctx: Context,
      cycleId: string,
      raw: EventInput,
    ): Promise<{ id: string; concluded: string[] }> {
      requireRole(ctx, ...auditOverseers)
      const input = parseOrThrow(eventSchema, raw)
      return db.tenant(scopeOf(ctx), async (sql) => {
        const cycle = isUuid(cycleId) ? await cycleOf(sql, cycleId) : undefined
        if (!cycle) throw new NotFoundError('Audit cycle')
        const errors: FieldError[] = []
        if (input.heldOn > today())
          errors.push({
            field: 'heldOn',
            text: 'The event’s date must be today or before: record an event once it is held',
          })
        const open = await openChallengesOf(sql, cycle.id)
        const underChallenge = new Set(open.map((o) => o.returnId))
        const returnIds = [...new Set(input.returnIds)]
        if (returnIds.some((r) => !underChallenge.has(r)))
          errors.push({ field: 'returnIds', text: 'Select returns of this cycle that are under challenge' })
        const seen = new Set<string>()
        input.settlements.forEach((s, i) => {
          const key = `${s.returnId} ${s.standardId}`
          const where = `settlements.${i}`
          if (!returnIds.includes(s.returnId) || !open.some((o) => `${o.returnId} ${o.standardId}` === key))
            errors.push({
              field: `${where}.standardId`,
              text: 'Settle only challenged answers of the returns discussed',
            })
          else if (seen.has(key))
            errors.push({ field: `${where}.standardId`, text: 'Settle each answer once' })
          seen.add(key)
          if (s.resolution === 'revised') {
            if (!s.revisedRating || !isRatingOf(cycle.scale, s.revisedRating))
              errors.push({
                field: `${where}.revisedRating`,
                text: 'Choose the revised rating from the template’s scale',
              })
            if (!s.note) errors.push({ field: `${where}.note`, text: 'Say why the rating was revised' })
          } else if (s.revisedRating)
            errors.push({
              field: `${where}.revisedRating`,
              text: 'Give a revised rating only when the answer is revised',
            })
        })
        if (errors.length) throw new ValidationError(errors)
        await sql.auditAs('audits.challenge.event')
        const event = await sql.one<{ id: string }>(
          `INSERT INTO audit_challenge_events (partnership_id, cycle_id, held_on, attendees, notes, created_by)
           VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
          [ctx.partnership.id, cycle.id, input.heldOn, input.attendees, input.notes, ctx.actor.userId],
        )
        await sql.query(
          `INSERT INTO audit_challenge_event_returns (partnership_id, event_id, return_id)
           SELECT $1, $2, unnest($3::uuid[])`,
          [ctx.partnership.id, event.id, returnIds],
        )
        const s = input.settlements
        await sql.query(
          `UPDATE audit_answers a SET challenge_event_id = $1, resolution = x.resolution,
             revised_rating = x.revised_rating, resolution_note = x.note
             FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[])
                  AS x(return_id, standard_id, resolution, revised_rating, note)
            WHERE a.return_id = x.return_id AND a.standard_id = x.standard_id
              AND a.review = 'challenged' AND a.resolution IS NULL`,
          [
            event.id,
            s.map((x) => x.returnId),
            s.map((x) => x.standardId),
            s.map((x) => x.resolution),
            s.map((x) => x.revisedRating),
            s.map((x) => x.note),
          ],
        )
        const concluded = await sql.query<{ id: string }>(
          `UPDATE audit_returns r SET status = 'concluded', concluded_at = $2, updated_at = $2
            WHERE r.id = ANY($1::uuid[]) AND r.status = 'challenge'
              AND NOT EXISTS (SELECT 1 FROM audit_answers a WHERE a.return_id = r.id
                                AND a.review = 'challenged' AND a.resolution IS NULL)
           RETURNING r.id`,
          [returnIds, clock.now()],
        )
        return { id: event.id, concluded: concluded.map((c) => c.id) }
      })
    },

    /** A return's action plan: its standards below good, each with its actions or none yet. */
    async actionPlan(ctx: Context, id: string): Promise<ActionPlan> {
      requireRole(ctx, ...auditUsers)
      return db.tenant(scopeOf(ctx), (sql) => plan(ctx, sql, id))
    },

    /**
     * Adds an action to a concluded return's plan, for a standard whose final rating is below
     * good, owned by one of the agency's leads and due after today.
     */
    async raiseAction(ctx: Context, id: string, raw: PlanActionInput): Promise<string> {
      requireRole(ctx, ...auditUsers)
      return db.tenant(scopeOf(ctx), async (sql) => {
        // The return first: one the actor may not see is not found, whatever was sent.
        const p = await plan(ctx, sql, id)
        if (!raises(ctx, p.ret, p.standing)) throw new NotFoundError('Audit return')
        const input = parseOrThrow(planActionSchema, raw)
        if (p.ret.status !== 'concluded')
          throw new ConflictError('An action plan is made once the return is concluded')
        const errors: FieldError[] = []
        if (!p.standards.some((s) => s.answer.standardId === input.standardId))
          errors.push({ field: 'standardId', text: 'Choose a standard rated below good' })
        if (input.dueOn <= p.today)
          errors.push({ field: 'dueOn', text: 'The action’s due date must be after today' })
        if (!p.leads.some((l) => l.userId === input.ownerUserId))
          errors.push({ field: 'ownerUserId', text: `Choose the owner from ${p.ret.agencyName}’s leads` })
        if (errors.length) throw new ValidationError(errors)
        await sql.auditAs('audits.action-plan.raise')
        const [actionId] = await raiseAuditReturnActions(
          sql,
          ctx.partnership.id,
          { auditReturnId: p.ret.id, owningAgencyId: p.ret.agencyId },
          [input],
        )
        return actionId as string
      })
    },
  }
}

export type AuditChallengeService = ReturnType<typeof createAuditChallengeService>
