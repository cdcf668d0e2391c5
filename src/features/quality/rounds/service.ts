import { checkEvidence, keptFilename } from '#features/actions/evidence.ts'
import type { Action } from '#features/actions/index.ts'
import { actionsOfQaReturn, raiseSelfAssessmentActions } from '#features/actions/index.ts'
import { activeAgencies } from '#features/directory/queries.ts'
import { leadsOf } from '#features/learning/dissemination/queries.ts'
import type { StandardsVersion } from '#features/quality/standards/queries.ts'
import { versionById } from '#features/quality/standards/queries.ts'
import type { StandardsService } from '#features/quality/standards/service.ts'
import type { PartnershipRef } from '#platform/auth/identity.ts'
import type { Clock } from '#platform/clock.ts'
import { londonDateOf } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import { requireRole, scopeOf, systemContext } from '#platform/context.ts'
import type { Database, Sql } from '#platform/db/database.ts'
import { isUuid } from '#platform/db/database.ts'
import type { FieldError } from '#platform/errors.ts'
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '#platform/errors.ts'
import { parseOrThrow } from '#platform/http/forms.ts'
import { enqueueEmails } from '#platform/mail/outbox.ts'
import { qaReaders } from '../words.ts'
import { dayText, feedbackEmail, reminderEmail, roundOpenedEmail } from './emails.ts'
import type { OpenRoundInput, RatingInput, ReviewInput, SaveReturnInput } from './forms.ts'
import { courseTitle, openRoundSchema, reviewSchema, saveReturnSchema } from './forms.ts'
import type { ReturnRecord, ReturnSummary, RoundSummary } from './queries.ts'
import {
  claimReminders,
  clearRatingsExcept,
  copyReturn,
  deleteCourse,
  evidenceFileOf,
  insertCourse,
  isFromAgency,
  markSaved,
  placeCourses,
  previousReturnOf,
  returnById,
  returnsOfAgencies,
  returnsOfRound,
  roundById,
  roundsOf,
  upsertRatings,
} from './queries.ts'

/** Who reads the rounds and every return: admins, the sub-group and the executive. */
export const roundReaders = qaReaders
/** Who opens a round. */
export const roundOpeners = ['admin'] as const
/** Who reviews a submitted return (never one of their own agency's). */
export const returnReviewers = ['admin', 'subgroup'] as const
/** Who reads a return: the overseers, and the agency's own leads. */
export const returnReaders = [...qaReaders, 'agency-lead'] as const

/** How many days before the due date the first reminder goes. */
export const REMINDER_DAYS_BEFORE = 7

/** A return as its page reads it, with what the reader may do. */
export type ReturnView = {
  ret: ReturnRecord
  version: StandardsVersion
  /** The agency's lead, while it is not submitted. */
  mayEdit: boolean
  /** A reviewer not from the agency, once it is submitted and until it is reviewed. */
  mayReview: boolean
  oversees: boolean
  /** The earlier return offered as a starting point, while this one lists no courses. */
  previous: { id: string; roundTitle: string } | null
  actions: Action[]
  /** What is still unrated, course by course, in words. */
  unrated: string[]
}

const wasSubmitted = (r: { status: string }) => r.status === 'submitted' || r.status === 'reviewed'

/**
 * Agencies' self-assessments of their single-agency safeguarding training: an admin opens a
 * round against the current standards; each agency's lead lists its courses and rates each
 * against every standard, saves and comes back, and submits; a reviewer from another agency
 * gives feedback and an outcome, and raises actions when the agency is assured with actions.
 */
export function createRoundService(deps: {
  db: Database
  clock: Clock
  publicUrl: string
  standards: Pick<StandardsService, 'current'>
  mailQueued?: () => void
}) {
  const { db, clock } = deps
  const today = () => londonDateOf(clock.now())
  const returnLink = (id: string) => `${deps.publicUrl}/quality/returns/${id}`
  const oversees = (ctx: Context) => qaReaders.some((r) => ctx.actor.roles.includes(r))
  const leads = (ctx: Context, agencyId: string) =>
    ctx.actor.roles.includes('agency-lead') && ctx.actor.agencyIds.includes(agencyId)
  const by = (ctx: Context) => ({
    user: ctx.actor.userId,
    label: ctx.actor.userId ? null : (ctx.actor.label ?? null),
  })

  /** A return the actor may read: any for overseers, their own agencies' for a lead; else not found. */
  async function readable(ctx: Context, sql: Sql, id: string, forUpdate = false): Promise<ReturnRecord> {
    const found = isUuid(id) ? await returnById(sql, id, forUpdate) : undefined
    if (!found || !(oversees(ctx) || leads(ctx, found.agencyId))) throw new NotFoundError('Self-assessment')
    return found
  }

  /** A return its agency's lead is changing, locked: refused once submitted. */
  async function editable(ctx: Context, sql: Sql, id: string): Promise<ReturnRecord> {
    const found = await readable(ctx, sql, id, true)
    if (!leads(ctx, found.agencyId))
      throw new ForbiddenError('Only a lead of the agency can change its self-assessment')
    if (wasSubmitted(found))
      throw new ConflictError(
        'This self-assessment has been submitted: its courses and ratings no longer change',
      )
    return found
  }

  async function versionOf(sql: Sql, id: string): Promise<StandardsVersion> {
    const version = await versionById(sql, id)
    if (!version) throw new NotFoundError('Version of the standards')
    return version
  }

  /** Each course's standards still unrated, in words: "Course: Standard". */
  function unratedOf(ret: ReturnRecord, version: StandardsVersion): string[] {
    const missing: string[] = []
    for (const course of ret.courses) {
      const rated = new Set(course.ratings.filter((r) => r.rating).map((r) => r.standardId))
      for (const s of version.standards)
        if (!rated.has(s.id)) missing.push(`${course.title}: ${s.position}. ${s.title}`)
    }
    return missing
  }

  function checkStandards(
    version: StandardsVersion,
    ids: readonly (string | null | undefined)[],
    field: (i: number) => string,
  ): FieldError[] {
    const known = new Set(version.standards.map((s) => s.id))
    const errors: FieldError[] = []
    ids.forEach((id, i) => {
      if (id && !known.has(id))
        errors.push({ field: field(i), text: 'That standard is not one of the standards this round uses' })
    })
    return errors
  }

  async function fromAgency(ctx: Context, sql: Sql, agencyId: string): Promise<boolean> {
    if (ctx.actor.agencyIds.includes(agencyId)) return true
    return ctx.actor.userId ? isFromAgency(sql, ctx.actor.userId, agencyId) : false
  }

  async function view(ctx: Context, sql: Sql, ret: ReturnRecord): Promise<ReturnView> {
    const version = await versionOf(sql, ret.versionId)
    const mayEdit = leads(ctx, ret.agencyId) && !wasSubmitted(ret)
    const mayReview =
      returnReviewers.some((r) => ctx.actor.roles.includes(r)) &&
      ret.status === 'submitted' &&
      !(await fromAgency(ctx, sql, ret.agencyId))
    const previous =
      mayEdit && ret.courses.length === 0
        ? await previousReturnOf(sql, { roundId: ret.roundId, agencyId: ret.agencyId })
        : undefined
    return {
      ret,
      version,
      mayEdit,
      mayReview,
      oversees: oversees(ctx),
      previous: previous ? { id: previous.id, roundTitle: previous.roundTitle } : null,
      actions: await actionsOfQaReturn(sql, ret.id, today()),
      unrated: unratedOf(ret, version),
    }
  }

  return {
    today,

    /** Every round, newest first, with how many returns are at each status. */
    async rounds(ctx: Context): Promise<RoundSummary[]> {
      requireRole(ctx, ...roundReaders)
      return db.tenant(scopeOf(ctx), (sql) => roundsOf(sql))
    },

    /** One round with its standards version and each agency's return. */
    async round(
      ctx: Context,
      id: string,
    ): Promise<{ round: RoundSummary; version: StandardsVersion; returns: ReturnSummary[] }> {
      requireRole(ctx, ...roundReaders)
      return db.tenant(scopeOf(ctx), async (sql) => {
        const round = isUuid(id) ? await roundById(sql, id) : undefined
        if (!round) throw new NotFoundError('Round')
        return {
          round,
          version: await versionOf(sql, round.versionId),
          returns: await returnsOfRound(sql, id),
        }
      })
    },

    /** What the opening form offers: the current standards (if any) and the active agencies. */
    async openChoices(ctx: Context) {
      requireRole(ctx, ...roundOpeners)
      const version = await deps.standards.current(ctx)
      const agencies = await db.tenant(scopeOf(ctx), (sql) => activeAgencies(sql))
      return { version: version ?? null, agencies: agencies.map((a) => ({ id: a.id, name: a.name })) }
    },

    /**
     * Opens a round against the current standards: one return per agency asked (every active
     * agency when none is named), and an email to each agency's leads.
     */
    async open(ctx: Context, raw: OpenRoundInput): Promise<string> {
      requireRole(ctx, ...roundOpeners)
      const input = parseOrThrow(openRoundSchema, raw)
      if (input.dueOn <= today())
        throw new ValidationError([{ field: 'dueOn', text: 'The due date must be after today' }])
      const version = await deps.standards.current(ctx)
      if (!version)
        throw new ConflictError(
          'The partnership has no training standards yet: set its standards before opening a round',
        )
      const { id, emails } = await db.tenant(scopeOf(ctx), async (sql) => {
        const active = await activeAgencies(sql)
        const names = new Map(active.map((a) => [a.id, a.name]))
        const agencyIds = input.agencyIds ? [...new Set(input.agencyIds)] : active.map((a) => a.id)
        if (agencyIds.some((a) => !names.has(a)))
          throw new ValidationError([
            { field: 'agencyIds', text: 'Select agencies from the partnership’s directory' },
          ])
        if (!agencyIds.length)
          throw new ValidationError([{ field: 'agencyIds', text: 'Select at least one agency to ask' }])
        await sql.auditAs('quality.rounds.open')
        const round = await sql.one<{ id: string }>(
          `INSERT INTO qa_rounds (partnership_id, title, version_id, due_on, opened_on, opened_by)
           VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
          [ctx.partnership.id, input.title, version.id, input.dueOn, today(), ctx.actor.userId],
        )
        const returns = await sql.query<{ id: string; agencyId: string }>(
          `INSERT INTO qa_returns (partnership_id, round_id, agency_id)
           SELECT $1, $2, a FROM unnest($3::uuid[]) a RETURNING id, agency_id AS "agencyId"`,
          [ctx.partnership.id, round.id, agencyIds],
        )
        const returnOf = new Map(returns.map((r) => [r.agencyId, r.id]))
        const emails = (await leadsOf(sql, agencyIds)).flatMap((lead) =>
          lead.agencyIds
            .filter((a) => returnOf.has(a))
            .map((a) =>
              roundOpenedEmail(
                lead,
                input,
                names.get(a) ?? '',
                ctx.partnership.name,
                returnLink(returnOf.get(a) ?? ''),
              ),
            ),
        )
        await enqueueEmails(sql, ctx.partnership.id, emails)
        return { id: round.id, emails: emails.length }
      })
      if (emails) deps.mailQueued?.()
      return id
    },

    /** An agency lead's returns: their agencies', open ones first by due date. */
    async myReturns(ctx: Context): Promise<ReturnSummary[]> {
      requireRole(ctx, 'agency-lead')
      return db.tenant(scopeOf(ctx), (sql) => returnsOfAgencies(sql, ctx.actor.agencyIds))
    },

    /** One return, to read; to change when the reader is the agency's lead and it is not submitted. */
    async returnView(ctx: Context, id: string): Promise<ReturnView> {
      requireRole(ctx, ...returnReaders)
      return db.tenant(scopeOf(ctx), async (sql) => view(ctx, sql, await readable(ctx, sql, id)))
    },

    /** Adds a course to the return's list. */
    async addCourse(ctx: Context, id: string, title: string): Promise<string> {
      requireRole(ctx, ...returnReaders)
      const checked = courseTitle.safeParse(title)
      return db.tenant(scopeOf(ctx), async (sql) => {
        const ret = await editable(ctx, sql, id)
        if (!checked.success)
          throw new ValidationError([
            { field: 'title', text: checked.error.issues[0]?.message ?? 'Enter a title' },
          ])
        if (ret.courses.length >= 100)
          throw new ValidationError([{ field: 'title', text: 'List at most 100 courses' }])
        await sql.auditAs('quality.returns.course')
        const course = await insertCourse(sql, ctx.partnership.id, ret.id, checked.data)
        await markSaved(sql, ret.id, ctx.actor.userId, clock.now())
        return course.id
      })
    },

    /** Removes a course, with its ratings and files. */
    async removeCourse(ctx: Context, id: string, courseId: string): Promise<void> {
      requireRole(ctx, ...returnReaders)
      await db.tenant(scopeOf(ctx), async (sql) => {
        const ret = await editable(ctx, sql, id)
        await sql.auditAs('quality.returns.course')
        if (!isUuid(courseId) || !(await deleteCourse(sql, ret.id, courseId)))
          throw new NotFoundError('Course')
        await markSaved(sql, ret.id, ctx.actor.userId, clock.now())
      })
    },

    /** Saves one course's ratings; blanks are kept as blanks until the return is submitted. */
    async rateCourse(ctx: Context, id: string, courseId: string, ratings: RatingInput[]): Promise<void> {
      requireRole(ctx, ...returnReaders)
      await db.tenant(scopeOf(ctx), async (sql) => {
        const ret = await editable(ctx, sql, id)
        const course = ret.courses.find((c) => c.id === courseId)
        if (!course) throw new NotFoundError('Course')
        const version = await versionOf(sql, ret.versionId)
        const errors = checkStandards(
          version,
          ratings.map((r) => r.standardId),
          (i) => `ratings.${i}.standardId`,
        )
        if (errors.length) throw new ValidationError(errors)
        await sql.auditAs('quality.returns.save')
        await upsertRatings(sql, ctx.partnership.id, course.id, ratings)
        await markSaved(sql, ret.id, ctx.actor.userId, clock.now())
      })
    },

    /** Keeps a file as evidence for a course's rating against a standard, checked by its content. */
    async addEvidenceFile(
      ctx: Context,
      id: string,
      courseId: string,
      standardId: string,
      file: { filename: string; bytes: Buffer },
    ): Promise<void> {
      requireRole(ctx, ...returnReaders)
      const checked = await checkEvidence(file.bytes)
      await db.tenant(scopeOf(ctx), async (sql) => {
        const ret = await editable(ctx, sql, id)
        const course = ret.courses.find((c) => c.id === courseId)
        if (!course) throw new NotFoundError('Course')
        const version = await versionOf(sql, ret.versionId)
        if (!version.standards.some((s) => s.id === standardId))
          throw new ValidationError([
            { field: 'standardId', text: 'Select the standard the file is evidence for' },
          ])
        if (!checked.ok) throw new ValidationError([{ field: 'file', text: checked.message }])
        await sql.auditAs('quality.returns.evidence')
        await sql.query(
          `INSERT INTO qa_ratings (partnership_id, course_id, standard_id) VALUES ($1, $2, $3)
           ON CONFLICT (course_id, standard_id) DO NOTHING`,
          [ctx.partnership.id, course.id, standardId],
        )
        await sql.query(
          `INSERT INTO qa_evidence_files (partnership_id, course_id, standard_id, filename, content_type, size_bytes,
             bytes, uploaded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [
            ctx.partnership.id,
            course.id,
            standardId,
            keptFilename(file.filename),
            checked.contentType,
            file.bytes.length,
            file.bytes,
            ctx.actor.userId,
          ],
        )
        await markSaved(sql, ret.id, ctx.actor.userId, clock.now())
      })
    },

    async removeEvidenceFile(ctx: Context, id: string, fileId: string): Promise<void> {
      requireRole(ctx, ...returnReaders)
      await db.tenant(scopeOf(ctx), async (sql) => {
        const ret = await editable(ctx, sql, id)
        const file = isUuid(fileId) ? await evidenceFileOf(sql, ret.id, fileId) : undefined
        if (!file) throw new NotFoundError('Evidence')
        await sql.auditAs('quality.returns.evidence')
        await sql.query('DELETE FROM qa_evidence_files WHERE id = $1', [file.id])
        await markSaved(sql, ret.id, ctx.actor.userId, clock.now())
      })
    },

    /** An evidence file, to whoever may read the return. */
    async evidenceFile(ctx: Context, id: string, fileId: string) {
      requireRole(ctx, ...returnReaders)
      return db.tenant(scopeOf(ctx), async (sql) => {
        const ret = await readable(ctx, sql, id)
        const file = isUuid(fileId) ? await evidenceFileOf(sql, ret.id, fileId) : undefined
        if (!file) throw new NotFoundError('Evidence')
        return file
      })
    },

    /**
     * Starts from the agency's last self-assessment: its courses and, for each standard of the
     * same title in both versions, the rating, narrative and evidence note and link (not files).
     */
    async carryForward(ctx: Context, id: string): Promise<void> {
      requireRole(ctx, ...returnReaders)
      await db.tenant(scopeOf(ctx), async (sql) => {
        const ret = await editable(ctx, sql, id)
        if (ret.courses.length)
          throw new ConflictError(
            'This self-assessment already lists courses: the last one is offered only to start from',
          )
        const previous = await previousReturnOf(sql, { roundId: ret.roundId, agencyId: ret.agencyId })
        if (!previous)
          throw new ConflictError('Your agency has no earlier self-assessment with courses to start from')
        await sql.auditAs('quality.returns.carry-forward')
        await copyReturn(sql, ctx.partnership.id, { id: ret.id, versionId: ret.versionId }, previous.id)
        await markSaved(sql, ret.id, ctx.actor.userId, clock.now())
      })
    },

    /** Replaces the return's courses and ratings (the API's whole-return save). */
    async save(ctx: Context, id: string, raw: SaveReturnInput): Promise<ReturnView> {
      requireRole(ctx, ...returnReaders)
      const input = parseOrThrow(saveReturnSchema, raw)
      return db.tenant(scopeOf(ctx), async (sql) => {
        const ret = await editable(ctx, sql, id)
        const version = await versionOf(sql, ret.versionId)
        const errors: FieldError[] = []
        input.courses.forEach((course, c) => {
          errors.push(
            ...checkStandards(
              version,
              course.ratings.map((r) => r.standardId),
              (i) => `courses.${c}.ratings.${i}.standardId`,
            ),
          )
          const seen = new Set<string>()
          course.ratings.forEach((r, i) => {
            if (seen.has(r.standardId))
              errors.push({
                field: `courses.${c}.ratings.${i}.standardId`,
                text: 'Rate each standard once for a course',
              })
            seen.add(r.standardId)
          })
        })
        if (errors.length) throw new ValidationError(errors)
        await sql.auditAs('quality.returns.save')
        const ids = await placeCourses(
          sql,
          ctx.partnership.id,
          ret.id,
          ret.courses,
          input.courses.map((c) => c.title),
        )
        for (const [i, course] of input.courses.entries()) {
          const courseId = ids[i] as string
          await clearRatingsExcept(
            sql,
            courseId,
            course.ratings.map((r) => r.standardId),
          )
          await upsertRatings(sql, ctx.partnership.id, courseId, course.ratings)
        }
        await markSaved(sql, ret.id, ctx.actor.userId, clock.now())
        return view(ctx, sql, await readable(ctx, sql, ret.id))
      })
    },

    /** Submits the return: at least one course, every course rated on every standard. */
    async submit(ctx: Context, id: string): Promise<ReturnView> {
      requireRole(ctx, ...returnReaders)
      return db.tenant(scopeOf(ctx), async (sql) => {
        const ret = await editable(ctx, sql, id)
        const version = await versionOf(sql, ret.versionId)
        if (!ret.courses.length)
          throw new ValidationError([
            {
              field: 'courses',
              text: 'List at least one single-agency safeguarding course before submitting',
            },
          ])
        const unrated = unratedOf(ret, version)
        if (unrated.length)
          throw new ValidationError(unrated.map((u) => ({ field: 'unrated', text: `Rate ${u}` })))
        await sql.auditAs('quality.returns.submit')
        const now = clock.now()
        await sql.query(
          `UPDATE qa_returns SET status = 'submitted', submitted_at = $2, submitted_by = $3, submitted_by_label = $4,
             updated_at = $2 WHERE id = $1 AND status IN ('not_started', 'in_progress')`,
          [ret.id, now, by(ctx).user, by(ctx).label],
        )
        return view(ctx, sql, await readable(ctx, sql, ret.id))
      })
    },

    /** The return to review, refused to anyone from its agency and once it is reviewed. */
    async reviewable(ctx: Context, id: string): Promise<ReturnView> {
      requireRole(ctx, ...returnReviewers)
      return db.tenant(scopeOf(ctx), async (sql) => {
        const ret = await readable(ctx, sql, id)
        await refuseReview(ctx, sql, ret)
        return view(ctx, sql, ret)
      })
    },

    /**
     * The review: feedback per standard, an overall outcome and summary; for assured with
     * actions, the actions, owned by the agency with the lead who submitted (or its first lead)
     * as owner. The agency's leads are emailed the feedback.
     */
    async review(ctx: Context, id: string, raw: ReviewInput): Promise<ReturnView> {
      requireRole(ctx, ...returnReviewers)
      const input = parseOrThrow(reviewSchema, raw)
      const result = await db.tenant(scopeOf(ctx), async (sql) => {
        const ret = await readable(ctx, sql, id, true)
        await refuseReview(ctx, sql, ret)
        const version = await versionOf(sql, ret.versionId)
        const errors: FieldError[] = [
          ...checkStandards(
            version,
            input.feedback.map((f) => f.standardId),
            (i) => `feedback.${i}.standardId`,
          ),
          ...checkStandards(
            version,
            input.actions.map((a) => a.standardId),
            (i) => `actions.${i}.standardId`,
          ),
        ]
        const seen = new Set<string>()
        input.feedback.forEach((f, i) => {
          if (seen.has(f.standardId))
            errors.push({
              field: `feedback.${i}.standardId`,
              text: 'Give one piece of feedback per standard',
            })
          seen.add(f.standardId)
        })
        if (input.outcome === 'assured_with_actions' && !input.actions.length)
          errors.push({ field: 'actions', text: 'Assured with actions needs at least one action' })
        if (input.outcome !== 'assured_with_actions' && input.actions.length)
          errors.push({
            field: 'actions',
            text: 'Actions are raised only when the outcome is assured with actions',
          })
        input.actions.forEach((a, i) => {
          if (a.dueOn <= today())
            errors.push({ field: `actions.${i}.dueOn`, text: 'The action’s due date must be after today' })
        })
        const agencyLeads = await leadsOf(sql, [ret.agencyId])
        const owner = agencyLeads.find((l) => l.userId === ret.submittedBy) ?? agencyLeads[0]
        if (input.actions.length && !owner)
          errors.push({
            field: 'actions',
            text: `${ret.agencyName} has no lead who can sign in to own the actions: ask an admin to give the agency a lead first`,
          })
        if (errors.length) throw new ValidationError(errors)
        await sql.auditAs('quality.returns.review')
        const now = clock.now()
        await sql.query(
          `INSERT INTO qa_feedback (partnership_id, return_id, standard_id, feedback)
           SELECT $1, $2, f.standard_id, f.feedback FROM unnest($3::uuid[], $4::text[]) AS f(standard_id, feedback)`,
          [
            ctx.partnership.id,
            ret.id,
            input.feedback.map((f) => f.standardId),
            input.feedback.map((f) => f.feedback),
          ],
        )
        const updated = await sql.maybeOne(
          `UPDATE qa_returns SET status = 'reviewed', reviewed_at = $2, reviewed_by = $3, reviewed_by_label = $4,
             outcome = $5, review_summary = $6, updated_at = $2 WHERE id = $1 AND status = 'submitted' RETURNING id`,
          [ret.id, now, by(ctx).user, by(ctx).label, input.outcome, input.summary],
        )
        if (!updated) throw new ConflictError('This self-assessment has already been reviewed')
        if (input.actions.length && owner)
          await raiseSelfAssessmentActions(
            sql,
            ctx.partnership.id,
            { qaReturnId: ret.id, owningAgencyId: ret.agencyId, ownerUserId: owner.userId },
            input.actions,
          )
        const emails = agencyLeads.map((lead) =>
          feedbackEmail(
            lead,
            {
              roundTitle: ret.roundTitle,
              agencyName: ret.agencyName,
              outcome: input.outcome,
              actions: input.actions.length,
            },
            ctx.partnership.name,
            returnLink(ret.id),
          ),
        )
        await enqueueEmails(sql, ctx.partnership.id, emails)
        return { view: await view(ctx, sql, await readable(ctx, sql, ret.id)), emails: emails.length }
      })
      if (result.emails) deps.mailQueued?.()
      return result.view
    },

    /** For the home page: open returns of a lead's agencies, and submitted returns waiting for review. */
    async waiting(ctx: Context): Promise<{ toComplete: number; toReview: number }> {
      const reviews = returnReviewers.some((r) => ctx.actor.roles.includes(r))
      const agencyIds = ctx.actor.roles.includes('agency-lead') ? ctx.actor.agencyIds : []
      if (!reviews && !agencyIds.length) return { toComplete: 0, toReview: 0 }
      return db.tenant(scopeOf(ctx), (sql) =>
        sql.one<{ toComplete: number; toReview: number }>(
          `SELECT count(*) FILTER (WHERE status IN ('not_started', 'in_progress') AND agency_id = ANY($1::uuid[]))::int
                    AS "toComplete",
                  count(*) FILTER (WHERE $2 AND status = 'submitted' AND NOT agency_id = ANY($1::uuid[])
                    AND NOT agency_id = ANY($3::uuid[]))::int AS "toReview"
             FROM qa_returns`,
          [agencyIds, reviews, ctx.actor.agencyIds],
        ),
      )
    },

    /**
     * Reminders for the returns not submitted: once from 7 days before the due date, and once
     * from the day after it, to the agency's leads. Each is claimed as its email is written.
     */
    async remindDue(partnership: PartnershipRef): Promise<number> {
      const ctx = systemContext(partnership, 'job:quality.rounds.remind')
      const now = clock.now()
      const sent = await db.tenant(scopeOf(ctx), async (sql) => {
        await sql.auditAs('quality.rounds.remind')
        const due = await claimReminders(sql, now, londonDateOf(now), REMINDER_DAYS_BEFORE)
        if (!due.length) return 0
        const agencyLeads = await leadsOf(sql, [...new Set(due.map((d) => d.agencyId))])
        const emails = due.flatMap((d) =>
          agencyLeads
            .filter((l) => l.agencyIds.includes(d.agencyId))
            .map((l) => reminderEmail(l, d, partnership.name, returnLink(d.id))),
        )
        await enqueueEmails(sql, partnership.id, emails)
        return emails.length
      })
      if (sent) deps.mailQueued?.()
      return sent
    },

    dayText,
  }

  async function refuseReview(ctx: Context, sql: Sql, ret: ReturnRecord): Promise<void> {
    if (await fromAgency(ctx, sql, ret.agencyId))
      throw new ForbiddenError(
        `You are from ${ret.agencyName}: a self-assessment is reviewed by someone from another agency`,
      )
    if (ret.status === 'reviewed') throw new ConflictError('This self-assessment has already been reviewed')
    if (ret.status !== 'submitted')
      throw new ConflictError(
        'This self-assessment has not been submitted yet: it is reviewed once submitted',
      )
  }
}

export type RoundService = ReturnType<typeof createRoundService>
