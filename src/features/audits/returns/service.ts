import { checkEvidence, keptFilename } from '#features/actions/evidence.ts'
import { surveyResults } from '#features/evaluation/surveys.ts'
import type { PolicyService } from '#features/policy/service.ts'
import type { Clock } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import { scopeOf } from '#platform/context.ts'
import type { Database, Sql } from '#platform/db/database.ts'
import { isUuid } from '#platform/db/database.ts'
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '#platform/errors.ts'
import { parseOrThrow } from '#platform/http/forms.ts'
import { enqueueEmails } from '#platform/mail/outbox.ts'
import type { ReturnStanding } from '../access.ts'
import { overseesAudits, signsOff, standingOn } from '../access.ts'
import type { AuditRating } from '../words.ts'
import { auditRatingNames, isRatingOf, scaleRatings } from '../words.ts'
import { submittedEmail } from './emails.ts'
import type { AnswerInput } from './forms.ts'
import { answerSchema, contributorSchema } from './forms.ts'
import type { AuditReturn, AuditSection, AuditStandard, SavedAnswer } from './queries.ts'
import {
  answerOf,
  answersOf,
  colleagueByEmail,
  copyAnswers,
  ensureAnswer,
  evidenceFileOf,
  insertAnswer,
  markStarted,
  previousReturnOf,
  returnById,
  returnsAnsweredBy,
  sectionsOf,
  updateAnswer,
} from './queries.ts'

export type AuditReturnDeps = {
  db: Database
  clock: Clock
  policy: PolicyService
  publicUrl: string
  mailQueued: () => void
}

/** A save made against an answer a colleague has changed since: nothing was written. */
export class AnswerConflictError extends ConflictError {
  override name = 'AnswerConflictError'
  readonly current: SavedAnswer | null
  readonly standard: AuditStandard
  constructor(current: SavedAnswer | null, standard: AuditStandard) {
    super(
      current?.updatedByName
        ? `${current.updatedByName} changed this answer while you were editing`
        : 'Someone changed this answer while you were editing',
    )
    this.current = current
    this.standard = standard
  }
}

/** A standard with its answer, if any. */
export type AnswerRow = { standard: AuditStandard; answer: SavedAnswer | null }

/** A return as its page reads it, with what the reader may do. */
export type ReturnView = {
  ret: AuditReturn
  standing: Exclude<ReturnStanding, 'none'>
  sections: (AuditSection & { rows: AnswerRow[]; answered: number })[]
  answered: number
  total: number
  /** Its agency's leads and named colleagues, while it is not submitted. */
  mayAnswer: boolean
  /** Its senior lead, while it is not submitted. */
  maySubmit: boolean
  /** The agency's leads and admins, while it is not submitted. */
  mayName: boolean
  /** The earlier return offered as a starting point, while this one has no answers. */
  previous: { id: string; cycleTitle: string } | null
  survey: { link: string; results: NonNullable<Awaited<ReturnType<typeof surveyResults>>> } | null
}

/** The standards of the return not yet rated with a narrative, by ref. */
export type Unanswered = { standardId: string; ref: string; title: string }

const open = (ret: { status: string }) => ret.status === 'not_started' || ret.status === 'in_progress'
const isAnswered = (a: SavedAnswer | null | undefined) => !!a?.rating && !!a.narrative

/**
 * An agency's return in an audit cycle: its leads and the colleagues they name answer each
 * standard (a rating on the template's scale, a narrative, evidence files), perhaps starting
 * from the agency's last return; its senior lead signs it off and submits it, and its reviewer
 * is told. Two people saving the same answer never lose either's text: each save names the
 * version it was made against, and a save against an older one is refused with what changed.
 */
export function createAuditReturnService(deps: AuditReturnDeps) {
  const { db, clock } = deps
  const link = (id: string) => `${deps.publicUrl}/audits/returns/${id}`
  const by = (ctx: Context) => ({
    by: ctx.actor.userId,
    label: ctx.actor.userId ? null : (ctx.actor.label ?? null),
  })

  /** The actor's standing: the senior lead is always one who answers, even if not (or no longer) a lead. */
  function standingOf(ctx: Context, ret: AuditReturn): ReturnStanding {
    const standing = standingOn(ctx, ret)
    return standing === 'none' && signsOff(ctx, ret) ? 'answer' : standing
  }

  /** A return the actor may see; any other is not found. */
  async function visible(
    ctx: Context,
    sql: Sql,
    id: string,
    lock: 'none' | 'save' | 'submit' = 'none',
  ): Promise<{ ret: AuditReturn; standing: Exclude<ReturnStanding, 'none'> }> {
    const ret = isUuid(id) ? await returnById(sql, id, lock) : undefined
    const standing = ret ? standingOf(ctx, ret) : 'none'
    if (!ret || standing === 'none') throw new NotFoundError('Audit return')
    return { ret, standing }
  }

  /** A return the actor answers, while it is still being answered. */
  async function answerable(
    ctx: Context,
    sql: Sql,
    id: string,
    lock: 'save' | 'submit' = 'save',
  ): Promise<AuditReturn> {
    const { ret, standing } = await visible(ctx, sql, id, lock)
    if (standing !== 'answer')
      throw new ForbiddenError(
        `Only ${ret.agencyName}’s leads and the colleagues named on its return answer it`,
      )
    if (!open(ret))
      throw new ConflictError('This return has been submitted: its answers can no longer be changed')
    return ret
  }

  async function standardOf(sql: Sql, ret: AuditReturn, standardId: string) {
    const sections = await sectionsOf(sql, ret.versionId)
    for (const section of sections)
      for (const standard of section.standards) if (standard.id === standardId) return { section, standard }
    throw new NotFoundError('Standard')
  }

  function mayName(ctx: Context, ret: AuditReturn): boolean {
    return (
      open(ret) &&
      (overseesAudits(ctx) ||
        (ctx.actor.roles.includes('agency-lead') && ctx.actor.agencyIds.includes(ret.agencyId)))
    )
  }

  async function view(
    ctx: Context,
    sql: Sql,
    ret: AuditReturn,
    standing: Exclude<ReturnStanding, 'none'>,
  ): Promise<ReturnView> {
    const [sections, answers] = [await sectionsOf(sql, ret.versionId), await answersOf(sql, ret.id)]
    const byStandard = new Map(answers.map((a) => [a.standardId, a]))
    const shown = sections.map((section) => {
      const rows = section.standards.map((standard) => ({
        standard,
        answer: byStandard.get(standard.id) ?? null,
      }))
      return { ...section, rows, answered: rows.filter((r) => isAnswered(r.answer)).length }
    })
    const mayAnswer = standing === 'answer' && open(ret)
    const hasAnswers = answers.some((a) => a.rating || a.narrative)
    const previous = mayAnswer && !hasAnswers ? await previousReturnOf(sql, ret) : undefined
    const survey = ret.surveyId ? await surveyResults(sql, ret.surveyId) : undefined
    return {
      ret,
      standing,
      sections: shown,
      answered: shown.reduce((n, s) => n + s.answered, 0),
      total: shown.reduce((n, s) => n + s.rows.length, 0),
      mayAnswer,
      maySubmit: open(ret) && signsOff(ctx, ret),
      mayName: mayName(ctx, ret),
      previous: previous ?? null,
      survey: survey
        ? { link: `${deps.publicUrl}/p/${ctx.partnership.slug}/surveys/${survey.code}`, results: survey }
        : null,
    }
  }

  /** The standards still to rate with a narrative before the return may be submitted. */
  function unansweredOf(v: ReturnView): Unanswered[] {
    return v.sections.flatMap((s) =>
      s.rows
        .filter((r) => !isAnswered(r.answer))
        .map((r) => ({ standardId: r.standard.id, ref: r.standard.ref, title: r.standard.title })),
    )
  }

  return {
    /** One return with its standards and answers, to whoever may see it. */
    async return(ctx: Context, id: string): Promise<ReturnView> {
      return db.tenant(scopeOf(ctx), async (sql) => {
        const { ret, standing } = await visible(ctx, sql, id)
        return view(ctx, sql, ret, standing)
      })
    },

    /** One standard of a return with its answer, for the answering page. */
    async answer(ctx: Context, returnId: string, standardId: string) {
      return db.tenant(scopeOf(ctx), async (sql) => {
        const { ret, standing } = await visible(ctx, sql, returnId)
        const { section, standard } = await standardOf(sql, ret, isUuid(standardId) ? standardId : '')
        return {
          ret,
          section,
          standard,
          answer: (await answerOf(sql, ret.id, standard.id)) ?? null,
          mayAnswer: standing === 'answer' && open(ret),
          ratings: scaleRatings[ret.scale] as readonly AuditRating[],
        }
      })
    },

    /**
     * Saves one answer against the version the saver read (0 for a first answer), moving the
     * return from not started to in progress. A save against an older version writes nothing
     * and throws AnswerConflictError carrying the answer as it now stands.
     */
    async saveAnswer(
      ctx: Context,
      returnId: string,
      standardId: string,
      raw: AnswerInput,
    ): Promise<SavedAnswer> {
      const input = parseOrThrow(answerSchema, raw)
      return db.tenant(scopeOf(ctx), async (sql) => {
        const ret = await answerable(ctx, sql, returnId)
        const { standard } = await standardOf(sql, ret, isUuid(standardId) ? standardId : '')
        if (input.rating !== null && !isRatingOf(ret.scale, input.rating))
          throw new ValidationError([
            {
              field: 'rating',
              text: `Choose a rating on this audit’s scale: ${scaleRatings[ret.scale].join(', ')}`,
            },
          ])
        await sql.auditAs('audits.returns.answer')
        const change = {
          partnershipId: ctx.partnership.id,
          returnId: ret.id,
          standardId: standard.id,
          rating: input.rating as AuditRating | null,
          narrative: input.narrative,
          ...by(ctx),
          at: clock.now(),
        }
        const saved =
          input.version === 0
            ? await insertAnswer(sql, change)
            : await updateAnswer(sql, change, input.version)
        if (!saved)
          throw new AnswerConflictError((await answerOf(sql, ret.id, standard.id)) ?? null, standard)
        await markStarted(sql, ret.id, change.at)
        return (await answerOf(sql, ret.id, standard.id)) as SavedAnswer
      })
    },

    /** Keeps a file as evidence for one standard's answer, checked by its content. */
    async addEvidence(
      ctx: Context,
      returnId: string,
      standardId: string,
      file: { filename: string; bytes: Buffer },
    ): Promise<string> {
      const checked = await checkEvidence(file.bytes)
      return db.tenant(scopeOf(ctx), async (sql) => {
        const ret = await answerable(ctx, sql, returnId)
        const { standard } = await standardOf(sql, ret, isUuid(standardId) ? standardId : '')
        if (!checked.ok) throw new ValidationError([{ field: 'file', text: checked.message }])
        await sql.auditAs('audits.returns.evidence')
        const at = clock.now()
        await ensureAnswer(sql, {
          partnershipId: ctx.partnership.id,
          returnId: ret.id,
          standardId: standard.id,
          ...by(ctx),
          at,
        })
        const row = await sql.one<{ id: string }>(
          `INSERT INTO audit_evidence_files (partnership_id, return_id, standard_id, filename, content_type, size_bytes,
             bytes, uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
          [
            ctx.partnership.id,
            ret.id,
            standard.id,
            keptFilename(file.filename),
            checked.contentType,
            file.bytes.length,
            file.bytes,
            ctx.actor.userId,
            at,
          ],
        )
        await markStarted(sql, ret.id, at)
        return row.id
      })
    },

    /** An evidence file, to whoever may see the return. */
    async evidenceFile(ctx: Context, returnId: string, fileId: string) {
      return db.tenant(scopeOf(ctx), async (sql) => {
        const { ret } = await visible(ctx, sql, returnId)
        const file = isUuid(fileId) ? await evidenceFileOf(sql, ret.id, fileId) : undefined
        if (!file) throw new NotFoundError('Evidence')
        return file
      })
    },

    /** Removes an evidence file while the return is being answered; says which standard it was for. */
    async removeEvidence(ctx: Context, returnId: string, fileId: string): Promise<string> {
      return db.tenant(scopeOf(ctx), async (sql) => {
        const ret = await answerable(ctx, sql, returnId)
        const file = isUuid(fileId) ? await evidenceFileOf(sql, ret.id, fileId) : undefined
        if (!file) throw new NotFoundError('Evidence')
        await sql.auditAs('audits.returns.evidence')
        await sql.query('DELETE FROM audit_evidence_files WHERE id = $1', [file.id])
        return file.standardId
      })
    },

    /** Names a colleague from the agency, by email, to work on the return. */
    async addContributor(ctx: Context, returnId: string, raw: { email: string }): Promise<string> {
      const input = parseOrThrow(contributorSchema, raw)
      return db.tenant(scopeOf(ctx), async (sql) => {
        const { ret } = await visible(ctx, sql, returnId)
        if (!open(ret))
          throw new ConflictError('This return has been submitted: no one else need be named on it')
        if (!mayName(ctx, ret))
          throw new ForbiddenError(`Only ${ret.agencyName}’s leads and admins name colleagues on its return`)
        const colleague = await colleagueByEmail(sql, input.email, ret.agencyId)
        if (!colleague)
          throw new ValidationError([
            {
              field: 'email',
              text: `No one from ${ret.agencyName} signs in to the partnership with that email address`,
            },
          ])
        if (ret.contributorUserIds.includes(colleague.id))
          throw new ValidationError([
            { field: 'email', text: `${colleague.name} is already named on this return` },
          ])
        await sql.auditAs('audits.returns.contributor')
        await sql.query(
          `INSERT INTO audit_return_contributors (partnership_id, return_id, user_id, added_by, added_at)
           VALUES ($1, $2, $3, $4, $5)`,
          [ctx.partnership.id, ret.id, colleague.id, ctx.actor.userId, clock.now()],
        )
        return colleague.id
      })
    },

    async removeContributor(ctx: Context, returnId: string, userId: string): Promise<void> {
      await db.tenant(scopeOf(ctx), async (sql) => {
        const { ret } = await visible(ctx, sql, returnId)
        if (!mayName(ctx, ret))
          throw new ForbiddenError(`Only ${ret.agencyName}’s leads and admins name colleagues on its return`)
        if (!isUuid(userId) || !ret.contributorUserIds.includes(userId)) throw new NotFoundError('Colleague')
        await sql.auditAs('audits.returns.contributor')
        await sql.query('DELETE FROM audit_return_contributors WHERE return_id = $1 AND user_id = $2', [
          ret.id,
          userId,
        ])
      })
    },

    /**
     * Starts from the agency's last return of the same template: ratings and narratives of the
     * standards with the same ref (not evidence files). Only while this return has no answers.
     */
    async carryForward(ctx: Context, returnId: string): Promise<number> {
      return db.tenant(scopeOf(ctx), async (sql) => {
        // Taken whole or not at all: the lock keeps a colleague's first answer from landing mid-copy.
        const ret = await answerable(ctx, sql, returnId, 'submit')
        const answers = await answersOf(sql, ret.id)
        if (answers.some((a) => a.rating || a.narrative))
          throw new ConflictError(
            'This return already has answers: your last return is offered only to start from',
          )
        const previous = await previousReturnOf(sql, ret)
        if (!previous)
          throw new ConflictError(`${ret.agencyName} has no earlier return of this audit to start from`)
        await sql.auditAs('audits.returns.carry-forward')
        const at = clock.now()
        // Evidence-only rows are replaced by what is carried.
        await sql.query(
          `DELETE FROM audit_answers x WHERE x.return_id = $1 AND x.rating IS NULL AND x.narrative IS NULL
              AND NOT EXISTS (SELECT 1 FROM audit_evidence_files f WHERE f.return_id = x.return_id AND f.standard_id = x.standard_id)`,
          [ret.id],
        )
        const copied = await copyAnswers(sql, {
          partnershipId: ctx.partnership.id,
          returnId: ret.id,
          versionId: ret.versionId,
          fromId: previous.id,
          ...by(ctx),
          at,
        })
        await markStarted(sql, ret.id, at)
        return copied
      })
    },

    /**
     * The senior lead signs the return off and submits it, once every standard is rated with a
     * narrative; its reviewer (when one is assigned) is emailed.
     */
    async submit(ctx: Context, returnId: string): Promise<ReturnView> {
      const result = await db.tenant(scopeOf(ctx), async (sql) => {
        const { ret, standing } = await visible(ctx, sql, returnId, 'submit')
        if (!signsOff(ctx, ret))
          throw new ForbiddenError(
            ret.seniorLeadName
              ? `Only the return’s senior lead, ${ret.seniorLeadName}, can sign it off and submit it`
              : 'This return has no senior lead yet: an admin names one before it can be signed off',
          )
        if (!open(ret)) throw new ConflictError('This return has already been submitted')
        const unanswered = unansweredOf(await view(ctx, sql, ret, standing))
        if (unanswered.length)
          throw new ValidationError(
            unanswered.map((u) => ({
              field: `answers.${u.ref}`,
              text: `Rate standard ${u.ref} (${u.title}) and say how your agency meets it`,
            })),
          )
        await sql.auditAs('audits.returns.submit')
        const signer = await sql.one<{ name: string }>(
          'SELECT display_name AS name FROM users WHERE id = $1',
          [ctx.actor.userId],
        )
        await sql.query(
          `UPDATE audit_returns SET status = 'submitted', signed_off_by = $2, signed_off_by_label = $3,
             submitted_at = $4, updated_at = $4 WHERE id = $1`,
          [ret.id, ctx.actor.userId, signer.name.slice(0, 120), clock.now()],
        )
        const emails =
          ret.reviewerEmail && ret.reviewerName
            ? [
                submittedEmail(
                  { email: ret.reviewerEmail, name: ret.reviewerName },
                  { agencyName: ret.agencyName, cycleTitle: ret.cycleTitle, signedOffBy: signer.name },
                  ctx.partnership.name,
                  link(ret.id),
                ),
              ]
            : []
        await enqueueEmails(sql, ctx.partnership.id, emails)
        const after = await visible(ctx, sql, ret.id)
        return { view: await view(ctx, sql, after.ret, after.standing), emails: emails.length }
      })
      if (result.emails) deps.mailQueued()
      return result.view
    },

    /** The returns the actor answers (their agencies' as a lead, and those they are named on): for the audits hub. */
    async mine(ctx: Context): Promise<AuditReturn[]> {
      const leads = ctx.actor.roles.includes('agency-lead') ? ctx.actor.agencyIds : []
      if (!ctx.actor.userId && !leads.length) return []
      return db.tenant(scopeOf(ctx), (sql) => returnsAnsweredBy(sql, ctx.actor.userId, leads))
    },

    /** What is left to answer before the return can be submitted. */
    unansweredOf,
    ratingNames: auditRatingNames,
  }
}

export type AuditReturnService = ReturnType<typeof createAuditReturnService>
