import { stringify } from 'csv-stringify/sync'
import { themesOf } from '#features/courses/queries.ts'
import { activeAgencies } from '#features/directory/queries.ts'
import { neutraliseFormula } from '#features/directory/rules.ts'
import {
  reviewEditors,
  reviewOverseers,
  reviewReaders,
  visibleActionsSql,
} from '#features/reviews/visibility.ts'
import { subgroupById, subgroupsOf } from '#features/subgroups/queries.ts'
import type { Clock } from '#platform/clock.ts'
import { londonDateOf } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import { requireRole, scopeOf } from '#platform/context.ts'
import type { Database, Sql } from '#platform/db/database.ts'
import { isUuid } from '#platform/db/database.ts'
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '#platform/errors.ts'
import { checkEvidence, keptFilename } from './evidence.ts'
import type { ActionFilter, ExtendInput, RaiseInput, UpdateInput, VerifyInput } from './forms.ts'
import { PAGE_SIZE } from './forms.ts'
import { actionsMatching, actionsWaiting, reviewsWithActions } from './list-queries.ts'
import type { Action, ActionSourceRecommendation, ActionUpdate, EvidenceFile } from './queries.ts'
import {
  currentAgencyExists,
  evidenceFile,
  memberByEmail,
  recommendationForActions,
  updatesOf,
  visibleActionById,
} from './queries.ts'
import { actionStatusNames } from './words.ts'
import { insertAction, insertEvidence, insertUpdate, markVerified, setDueOn, setStatus } from './writes.ts'

/** What a person may do to one action; the action page shows the forms for these. */
export type ActionPermissions = { update: boolean; extend: boolean; verify: boolean }

/** A file sent with a progress update, as the page's form reads it. */
export type EvidenceUpload = { filename: string; bytes: Buffer }

const dateText = (date: string) =>
  new Date(`${date}T12:00:00Z`).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  })

const edits = (ctx: Context) => reviewEditors.some((role) => ctx.actor.roles.includes(role))

/** Verified and closed actions are signed off: their record no longer changes. */
const signedOff = (action: Action) => action.status === 'verified' || action.status === 'closed_not_achieved'

/** What a person may do to an action: the owner updates it; the sub-group extends and signs it off. */
export function permissionsOn(ctx: Context, action: Action): ActionPermissions {
  const owner = ctx.actor.userId !== null && ctx.actor.userId === action.ownerUserId
  return {
    update: !signedOff(action) && (owner || edits(ctx)),
    extend: !signedOff(action) && edits(ctx),
    verify: action.status === 'completed' && edits(ctx) && !owner,
  }
}

/**
 * Actions tracked to sign-off: raised on a recommendation the board accepted, updated by
 * their owner with evidence, extended and verified by the sub-group (never by the owner).
 * Overdue is the due date against the clock's today in Europe/London, never stored.
 */
export function createActionService(deps: { db: Database; clock: Clock }) {
  const { db, clock } = deps
  const today = () => londonDateOf(clock.now())
  const by = (ctx: Context) => ({
    byUser: ctx.actor.userId,
    byLabel: ctx.actor.userId ? null : (ctx.actor.label ?? null),
  })

  /** An action the actor may see; any other (or another partnership's) is not found. */
  async function visible(ctx: Context, sql: Sql, id: string, forUpdate = false): Promise<Action> {
    const action = isUuid(id)
      ? await visibleActionById(sql, id, today(), visibleActionsSql(ctx, 'a', 3), forUpdate)
      : undefined
    if (!action) throw new NotFoundError('Action')
    return action
  }

  async function reread(ctx: Context, sql: Sql, id: string): Promise<Action> {
    return visible(ctx, sql, id)
  }

  function refuseSignedOff(action: Action) {
    if (signedOff(action))
      throw new ConflictError(
        `This action is ${actionStatusNames[action.status].toLowerCase()}: its record no longer changes`,
      )
  }

  const list = (ctx: Context, sql: Sql, filter: Omit<ActionFilter, 'page'>, page?: number) =>
    actionsMatching(sql, {
      filter,
      today: today(),
      visible: (next) => visibleActionsSql(ctx, 'a', next),
      page: page ? { number: page, size: PAGE_SIZE } : undefined,
    })

  return {
    today,

    /** What the tracker's filters offer: the partnership's agencies, themes and reviews with actions. */
    async filterChoices(ctx: Context) {
      requireRole(ctx, ...reviewOverseers)
      return db.tenant(scopeOf(ctx), async (sql) => ({
        agencies: await activeAgencies(sql),
        themes: await themesOf(sql),
        reviews: await reviewsWithActions(sql),
      }))
    },

    /** Who may own an action: the partnership's agencies and sub-groups, for the raising form. */
    async ownerChoices(ctx: Context) {
      requireRole(ctx, ...reviewEditors)
      return db.tenant(scopeOf(ctx), async (sql) => ({
        agencies: await activeAgencies(sql),
        subgroups: await subgroupsOf(sql),
      }))
    },

    /**
     * The tracker: the actions the actor may see across the partnership's reviews (every one
     * for overseers), filtered, a page at a time.
     */
    async list(ctx: Context, filter: ActionFilter): Promise<{ items: Action[]; total: number }> {
      requireRole(ctx, ...reviewReaders)
      return db.tenant(scopeOf(ctx), (sql) => list(ctx, sql, filter, filter.page))
    },

    /** The tracker's list as a CSV file: every matching action, cells safe from spreadsheet formulas. */
    async csv(ctx: Context, filter: ActionFilter): Promise<string> {
      requireRole(ctx, ...reviewOverseers)
      const { items } = await db.tenant(scopeOf(ctx), (sql) => list(ctx, sql, filter))
      const rows = items.map((a) =>
        [
          a.sourceText,
          a.description,
          a.owningAgencyName ?? a.owningSubgroupName ?? '',
          a.ownerName,
          a.ownerEmail,
          a.successMeasure,
          a.dueOn,
          a.originalDueOn,
          actionStatusNames[a.status],
          a.overdue ? 'Overdue' : '',
        ].map(neutraliseFormula),
      )
      return stringify(rows, {
        header: true,
        columns: [
          'From',
          'Action',
          'Owned by',
          'Owner',
          'Owner email',
          'How we will know practice changed',
          'Due',
          'First due',
          'Status',
          'Overdue',
        ],
      })
    },

    /**
     * "Our actions": those the actor owns, and for an agency lead those their agencies own,
     * by due date.
     */
    async ours(ctx: Context, page = 1): Promise<{ items: Action[]; total: number }> {
      requireRole(ctx, ...reviewReaders)
      const agencyIds = ctx.actor.roles.includes('agency-lead') ? ctx.actor.agencyIds : []
      return db.tenant(scopeOf(ctx), (sql) =>
        actionsMatching(sql, {
          filter: {},
          today: today(),
          visible: (next) => visibleActionsSql(ctx, 'a', next),
          ours: { userId: ctx.actor.userId, agencyIds },
          page: { number: page, size: PAGE_SIZE },
        }),
      )
    },

    async action(ctx: Context, id: string): Promise<Action> {
      requireRole(ctx, ...reviewReaders)
      return db.tenant(scopeOf(ctx), (sql) => visible(ctx, sql, id))
    },

    /** An action with its history (oldest first) and the recommendation it answers. */
    async actionWithHistory(
      ctx: Context,
      id: string,
    ): Promise<{ action: Action; updates: ActionUpdate[]; recommendationText: string | null }> {
      requireRole(ctx, ...reviewReaders)
      return db.tenant(scopeOf(ctx), async (sql) => {
        const action = await visible(ctx, sql, id)
        const recommendation = action.recommendationId
          ? await recommendationForActions(sql, action.recommendationId)
          : undefined
        return {
          action,
          updates: await updatesOf(sql, action.id),
          recommendationText: recommendation?.text ?? null,
        }
      })
    },

    /**
     * For the home page's to-do list: the actor's own actions that are overdue; for an agency
     * lead, the overdue actions others own for their agencies; and for the sub-group and admins,
     * completed actions waiting for someone other than their owner to verify.
     */
    async waiting(
      ctx: Context,
    ): Promise<{ overdueOwned: number; overdueOfAgencies: number; toVerify: number }> {
      requireRole(ctx, ...reviewReaders)
      const agencyIds = ctx.actor.roles.includes('agency-lead') ? ctx.actor.agencyIds : []
      const counts = await db.tenant(scopeOf(ctx), (sql) =>
        actionsWaiting(sql, ctx.actor.userId, today(), agencyIds),
      )
      return { ...counts, toVerify: edits(ctx) ? counts.toVerify : 0 }
    },

    /** The recommendation an action would be raised on, for the raising form. */
    async recommendation(ctx: Context, id: string): Promise<ActionSourceRecommendation> {
      requireRole(ctx, ...reviewEditors)
      const found = isUuid(id)
        ? await db.tenant(scopeOf(ctx), (sql) => recommendationForActions(sql, id))
        : undefined
      if (!found) throw new NotFoundError('Recommendation')
      return found
    },

    /**
     * Raises an action on a recommendation the board accepted, wholly or in part. The review
     * is copied from the recommendation; the date first agreed is the due date.
     */
    async raise(ctx: Context, recommendationId: string, input: RaiseInput): Promise<Action> {
      requireRole(ctx, ...reviewEditors)
      return db.tenant(scopeOf(ctx), async (sql) => {
        const recommendation = isUuid(recommendationId)
          ? await recommendationForActions(sql, recommendationId)
          : undefined
        if (!recommendation) throw new NotFoundError('Recommendation')
        if (recommendation.response !== 'accepted' && recommendation.response !== 'partially_accepted')
          throw new ConflictError(
            recommendation.response === null
              ? 'The board has not responded to this recommendation yet: actions are raised once it is accepted'
              : 'The board did not accept this recommendation, so no action can be raised on it',
          )
        const errors: { field: string; text: string }[] = []
        if (input.owningAgencyId && !(await currentAgencyExists(sql, input.owningAgencyId)))
          errors.push({ field: 'owningAgencyId', text: 'Select an agency from the partnership’s directory' })
        if (input.owningSubgroupId && !(await subgroupById(sql, input.owningSubgroupId)))
          errors.push({ field: 'owningSubgroupId', text: 'Select one of the partnership’s sub-groups' })
        const owner = await memberByEmail(sql, ctx.partnership.id, input.ownerEmail)
        if (!owner)
          errors.push({
            field: 'ownerEmail',
            text: 'No one signs in to this partnership with that email address: enter the owner’s sign-in email',
          })
        if (input.dueOn < recommendation.notifiedOn)
          errors.push({
            field: 'dueOn',
            text: `The due date must be on or after the day the review was notified, ${dateText(recommendation.notifiedOn)}`,
          })
        if (errors.length || !owner) throw new ValidationError(errors)
        await sql.auditAs('action.raise')
        const { id } = await insertAction(sql, ctx.partnership.id, {
          reviewId: recommendation.reviewId,
          recommendationId: recommendation.id,
          description: input.description,
          owningAgencyId: input.owningAgencyId ?? null,
          owningSubgroupId: input.owningSubgroupId ?? null,
          ownerUserId: owner.id,
          successMeasure: input.successMeasure,
          dueOn: input.dueOn,
        })
        return reread(ctx, sql, id)
      })
    },

    /**
     * A progress update by the owner (or the sub-group): a note, perhaps a new status, and
     * perhaps evidence, a link or a file checked by its content. A refused file saves nothing.
     */
    async update(ctx: Context, id: string, input: UpdateInput, file?: EvidenceUpload): Promise<Action> {
      requireRole(ctx, ...reviewReaders)
      const checked = file ? await checkEvidence(file.bytes) : null
      return db.tenant(scopeOf(ctx), async (sql) => {
        const action = await visible(ctx, sql, id, true)
        if (!permissionsOn(ctx, action).update) {
          refuseSignedOff(action)
          throw new ForbiddenError('Only the action’s owner or the sub-group can update it')
        }
        if (checked && !checked.ok) throw new ValidationError([{ field: 'file', text: checked.message }])
        const changed = input.status && input.status !== action.status ? input.status : null
        await sql.auditAs('action.update')
        const update = await insertUpdate(sql, ctx.partnership.id, action.id, {
          kind: 'progress',
          note: input.note,
          statusFrom: changed ? action.status : null,
          statusTo: changed,
          evidenceUrl: input.evidenceUrl ?? null,
          ...by(ctx),
        })
        if (file && checked?.ok)
          await insertEvidence(sql, ctx.partnership.id, {
            actionId: action.id,
            updateId: update.id,
            filename: keptFilename(file.filename),
            contentType: checked.contentType,
            content: file.bytes,
          })
        if (changed) await setStatus(sql, action.id, changed, clock.now())
        return reread(ctx, sql, action.id)
      })
    },

    /** A new due date with a reason, set by the sub-group; the date first agreed is kept. */
    async extend(ctx: Context, id: string, input: ExtendInput): Promise<Action> {
      requireRole(ctx, ...reviewReaders)
      return db.tenant(scopeOf(ctx), async (sql) => {
        const action = await visible(ctx, sql, id, true)
        if (!edits(ctx))
          throw new ForbiddenError(
            'Only the sub-group or an admin can extend an action: the owner may ask them in an update',
          )
        refuseSignedOff(action)
        if (input.dueOn <= action.dueOn)
          throw new ValidationError([
            {
              field: 'dueOn',
              text: `The new due date must be after the current one, ${dateText(action.dueOn)}`,
            },
          ])
        await sql.auditAs('action.extend')
        await insertUpdate(sql, ctx.partnership.id, action.id, {
          kind: 'extension',
          note: input.reason,
          dueFrom: action.dueOn,
          dueTo: input.dueOn,
          ...by(ctx),
        })
        await setDueOn(sql, action.id, input.dueOn, clock.now())
        return reread(ctx, sql, action.id)
      })
    },

    /** Signs off a completed action: someone other than its owner checks the evidence. */
    async verify(ctx: Context, id: string, input: VerifyInput): Promise<Action> {
      requireRole(ctx, ...reviewReaders)
      return db.tenant(scopeOf(ctx), async (sql) => {
        const action = await visible(ctx, sql, id, true)
        if (ctx.actor.userId === action.ownerUserId)
          throw new ForbiddenError(
            'You cannot verify an action you own: someone else must check the evidence',
          )
        if (!edits(ctx) || !ctx.actor.userId)
          throw new ForbiddenError('Only the sub-group or an admin can verify an action')
        if (action.status !== 'completed')
          throw new ConflictError(
            `Only a completed action can be verified: this one is ${actionStatusNames[action.status].toLowerCase()}`,
          )
        const now = clock.now()
        await sql.auditAs('action.verify')
        await insertUpdate(sql, ctx.partnership.id, action.id, {
          kind: 'verification',
          note: input.note,
          statusFrom: action.status,
          statusTo: 'verified',
          ...by(ctx),
        })
        await markVerified(sql, action.id, { by: ctx.actor.userId, note: input.note, at: now })
        return reread(ctx, sql, action.id)
      })
    },

    /** An evidence file, only to those who may see its action. */
    async evidence(ctx: Context, id: string, fileId: string): Promise<EvidenceFile & { content: Buffer }> {
      requireRole(ctx, ...reviewReaders)
      return db.tenant(scopeOf(ctx), async (sql) => {
        const action = await visible(ctx, sql, id)
        const file = isUuid(fileId) ? await evidenceFile(sql, action.id, fileId) : undefined
        if (!file) throw new NotFoundError('Evidence')
        return file
      })
    },
  }
}

export type ActionService = ReturnType<typeof createActionService>
