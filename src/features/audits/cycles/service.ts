import { activeAgencies } from '#features/directory/queries.ts'
import { insertSurvey } from '#features/evaluation/surveys.ts'
import type { Lead } from '#features/learning/dissemination/queries.ts'
import { leadsOf } from '#features/learning/dissemination/queries.ts'
import type { PolicyService } from '#features/policy/service.ts'
import type { PartnershipRef } from '#platform/auth/identity.ts'
import type { Clock } from '#platform/clock.ts'
import { londonDateOf } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import { requireRole, scopeOf, systemContext } from '#platform/context.ts'
import type { Database, Sql } from '#platform/db/database.ts'
import { isUuid } from '#platform/db/database.ts'
import type { FieldError } from '#platform/errors.ts'
import { ConflictError, NotFoundError, ValidationError } from '#platform/errors.ts'
import { parseOrThrow } from '#platform/http/forms.ts'
import { enqueueEmails } from '#platform/mail/outbox.ts'
import {
  auditOverseers,
  auditReviewerRoles,
  auditUsers,
  overseesAudits,
  readsAuditResults,
  visibleReturnsSql,
} from '../access.ts'
import { templateSummaries } from '../templates/queries.ts'
import { cycleOpenedEmail, cycleReminderEmail } from './emails.ts'
import type { OpenCycleInput, ReturnPeople } from './forms.ts'
import { openCycleSchema } from './forms.ts'
import type { CycleReturn, CycleSummary } from './queries.ts'
import { claimReminders, cyclesOf, returnsOfCycle, reviewerCandidates } from './queries.ts'

export type AuditCycleDeps = {
  db: Database
  clock: Clock
  policy: PolicyService
  publicUrl: string
  mailQueued: () => void
}

/** Who opens, changes and closes cycles. */
export const cycleOpeners = auditOverseers
/** Who reaches the cycles' pages: each then sees the returns that are theirs to see. */
export const cycleReaders = auditUsers

/** How many days before the due date the first reminder goes. */
export const REMINDER_DAYS_BEFORE = 7

/** A cycle as its page reads it. */
export type CycleView = { cycle: CycleSummary; returns: CycleReturn[]; oversees: boolean }

/** What the opening form (and the cycle page's people form) offers. */
export type CycleChoices = {
  templates: { versionId: string; title: string; version: number; standards: number }[]
  agencies: { id: string; name: string; category: string; sector: string }[]
  leads: Record<string, { userId: string; name: string }[]>
  reviewers: { userId: string; name: string; agencyIds: string[] }[]
  questionnaires: { id: string; title: string }[]
}

/**
 * Audit cycles: an admin asks agencies to answer one template version by a due date, perhaps
 * with an anonymous practitioner survey alongside; each agency gets a return, with its senior
 * lead (who signs it off) and a reviewer, and its leads are emailed. Reminders go before and
 * after the due date to those not submitted.
 */
export function createAuditCycleService(deps: AuditCycleDeps) {
  const { db, clock } = deps
  const today = () => londonDateOf(clock.now())
  const returnLink = (id: string) => `${deps.publicUrl}/audits/returns/${id}`
  /** Result readers see every return's line; others only the returns that are theirs. */
  const visible = (ctx: Context) =>
    readsAuditResults(ctx) ? { where: 'true', values: [] } : visibleReturnsSql(ctx, 'r', 1)

  async function choices(sql: Sql): Promise<CycleChoices> {
    const agencies = await activeAgencies(sql)
    const leads = await leadsOf(
      sql,
      agencies.map((a) => a.id),
    )
    const templates = await templateSummaries(sql)
    const questionnaires = await sql.query<{ id: string; title: string }>(
      `SELECT q.id, q.title FROM questionnaires q
        WHERE EXISTS (SELECT 1 FROM questionnaire_versions v WHERE v.questionnaire_id = q.id)
        ORDER BY lower(q.title), q.id`,
    )
    return {
      templates: templates.map((t) => ({
        versionId: t.currentVersionId,
        title: t.title,
        version: t.version,
        standards: t.standards,
      })),
      agencies: agencies
        .map((a) => ({ id: a.id, name: a.name, category: a.category, sector: a.sector }))
        .sort((a, b) => a.category.localeCompare(b.category) || a.name.localeCompare(b.name, 'en-GB')),
      leads: Object.fromEntries(
        agencies.map((a) => [
          a.id,
          leads.filter((l) => l.agencyIds.includes(a.id)).map((l) => ({ userId: l.userId, name: l.name })),
        ]),
      ),
      reviewers: await reviewerCandidates(sql, auditReviewerRoles),
      questionnaires,
    }
  }

  /** Why a person may not be a return's senior lead or reviewer, or nothing when they may. */
  function peopleProblems(
    c: CycleChoices,
    agencyId: string,
    agencyName: string,
    people: { seniorLeadUserId: string | null; reviewerUserId: string | null },
    field: (which: 'seniorLead' | 'reviewer') => string,
  ): FieldError[] {
    const errors: FieldError[] = []
    if (
      people.seniorLeadUserId &&
      !(c.leads[agencyId] ?? []).some((l) => l.userId === people.seniorLeadUserId)
    )
      errors.push({
        field: field('seniorLead'),
        text: `Choose ${agencyName}’s senior lead from its agency leads`,
      })
    if (people.reviewerUserId) {
      const reviewer = c.reviewers.find((r) => r.userId === people.reviewerUserId)
      if (!reviewer)
        errors.push({
          field: field('reviewer'),
          text: `Choose ${agencyName}’s reviewer from the sub-group, executive or admins`,
        })
      else if (reviewer.agencyIds.includes(agencyId))
        errors.push({
          field: field('reviewer'),
          text: `${reviewer.name} is from ${agencyName}: a return is reviewed by someone from another agency`,
        })
    }
    return errors
  }

  async function found(ctx: Context, sql: Sql, id: string): Promise<CycleView> {
    const [cycle] = isUuid(id) ? await cyclesOf(sql, visible(ctx), !readsAuditResults(ctx), id) : []
    if (!cycle) throw new NotFoundError('Audit cycle')
    return {
      cycle,
      returns: await returnsOfCycle(sql, cycle.id, visible(ctx)),
      oversees: overseesAudits(ctx),
    }
  }

  return {
    today,

    /** The cycles the actor may see, newest first, with the status counts of the returns they see. */
    async list(ctx: Context): Promise<CycleSummary[]> {
      requireRole(ctx, ...cycleReaders)
      return db.tenant(scopeOf(ctx), (sql) => cyclesOf(sql, visible(ctx), !readsAuditResults(ctx)))
    },

    /** One cycle with its returns as the actor may see them: an agency's lead only their agency's. */
    async cycle(ctx: Context, id: string): Promise<CycleView> {
      requireRole(ctx, ...cycleReaders)
      return db.tenant(scopeOf(ctx), (sql) => found(ctx, sql, id))
    },

    /** What the opening form offers: templates, agencies, their leads, reviewers and questionnaires. */
    async choices(ctx: Context): Promise<CycleChoices> {
      requireRole(ctx, ...cycleOpeners)
      return db.tenant(scopeOf(ctx), (sql) => choices(sql))
    },

    /**
     * Opens a cycle on a template version: a return (not started) per agency asked, with its
     * senior lead (the one named, else the agency's first lead) and reviewer; a practitioner
     * survey per agency when one runs alongside; an email to each agency's leads.
     */
    async open(ctx: Context, raw: OpenCycleInput): Promise<string> {
      requireRole(ctx, ...cycleOpeners)
      const input = parseOrThrow(openCycleSchema, raw)
      const errors: FieldError[] = []
      if (input.dueOn <= today()) errors.push({ field: 'dueOn', text: 'The due date must be after today' })
      const result = await db.tenant(scopeOf(ctx), async (sql) => {
        const c = await choices(sql)
        const template = c.templates.find((t) => t.versionId === input.versionId)
        if (!template)
          errors.push({ field: 'versionId', text: 'Choose a template: a cycle uses its current version' })
        const agencyIds = [...new Set(input.agencyIds)]
        const agencies = agencyIds.map((id) => c.agencies.find((a) => a.id === id))
        if (agencies.some((a) => !a))
          errors.push({ field: 'agencyIds', text: 'Select agencies from the partnership’s directory' })
        if (input.survey && !c.questionnaires.some((q) => q.id === input.survey?.questionnaireId))
          errors.push({
            field: 'survey.questionnaireId',
            text: 'Choose a published questionnaire for the survey',
          })
        for (const key of [...Object.keys(input.seniorLeads ?? {}), ...Object.keys(input.reviewers ?? {})])
          if (!agencyIds.includes(key))
            errors.push({
              field: 'agencyIds',
              text: 'Name senior leads and reviewers only for agencies asked',
            })
        const people = agencies.flatMap((a) => {
          if (!a) return []
          const seniorLeadUserId = input.seniorLeads?.[a.id] ?? c.leads[a.id]?.[0]?.userId ?? null
          const reviewerUserId = input.reviewers?.[a.id] ?? null
          errors.push(
            ...peopleProblems(c, a.id, a.name, { seniorLeadUserId, reviewerUserId }, (which) =>
              which === 'seniorLead' ? `seniorLeads.${a.id}` : `reviewers.${a.id}`,
            ),
          )
          return [{ agency: a, seniorLeadUserId, reviewerUserId }]
        })
        if (errors.length) throw new ValidationError([...new Map(errors.map((e) => [e.text, e])).values()])
        await sql.auditAs('audits.cycles.open')
        const cycle = await sql.one<{ id: string }>(
          `INSERT INTO audit_cycles (partnership_id, title, version_id, due_on, opened_on, opened_by, survey_questionnaire_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
          [
            ctx.partnership.id,
            input.title,
            input.versionId,
            input.dueOn,
            today(),
            ctx.actor.userId,
            input.survey?.questionnaireId ?? null,
          ],
        )
        const returnOf = new Map<string, string>()
        for (const p of people) {
          const surveyId = input.survey
            ? await insertSurvey(sql, ctx.partnership.id, {
                questionnaireId: input.survey.questionnaireId,
                title: `${input.title}: ${p.agency.name} practitioners`.slice(0, 200),
                audience: 'practitioners',
                closesOn: input.dueOn,
                createdBy: ctx.actor.userId,
              })
            : null
          const row = await sql.one<{ id: string }>(
            `INSERT INTO audit_returns (partnership_id, cycle_id, agency_id, senior_lead_user_id, reviewer_user_id, survey_id)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
            [ctx.partnership.id, cycle.id, p.agency.id, p.seniorLeadUserId, p.reviewerUserId, surveyId],
          )
          returnOf.set(p.agency.id, row.id)
        }
        const names = new Map(c.agencies.map((a) => [a.id, a.name]))
        const emails = (await leadsOf(sql, agencyIds)).flatMap((lead: Lead) =>
          lead.agencyIds
            .filter((a) => returnOf.has(a))
            .map((a) =>
              cycleOpenedEmail(
                lead,
                {
                  title: input.title,
                  dueOn: input.dueOn,
                  templateTitle: template?.title ?? '',
                  survey: input.survey !== null,
                },
                names.get(a) ?? '',
                ctx.partnership.name,
                returnLink(returnOf.get(a) ?? ''),
              ),
            ),
        )
        await enqueueEmails(sql, ctx.partnership.id, emails)
        return { id: cycle.id, emails: emails.length }
      })
      if (result.emails) deps.mailQueued()
      return result.id
    },

    /**
     * Changes returns' senior leads and reviewers, all or none. A senior lead no longer changes
     * once the return is submitted (they signed it off); nothing changes once the cycle is closed.
     */
    async setReturnPeople(ctx: Context, cycleId: string, changes: readonly ReturnPeople[]): Promise<number> {
      requireRole(ctx, ...cycleOpeners)
      return db.tenant(scopeOf(ctx), async (sql) => {
        const view = await found(ctx, sql, cycleId)
        if (view.cycle.closedAt)
          throw new ConflictError('This cycle is closed: its returns’ people no longer change')
        const c = await choices(sql)
        const errors: FieldError[] = []
        const changed: ReturnPeople[] = []
        for (const change of changes) {
          const r = view.returns.find((x) => x.id === change.returnId)
          if (!r) throw new NotFoundError('Audit return')
          if (r.seniorLeadUserId === change.seniorLeadUserId && r.reviewerUserId === change.reviewerUserId)
            continue
          const field = (which: 'seniorLead' | 'reviewer') => `${which}-${r.id}`
          if (r.seniorLeadUserId !== change.seniorLeadUserId && r.submittedAt)
            errors.push({
              field: field('seniorLead'),
              text: `${r.agencyName}’s return has been signed off and submitted: its senior lead no longer changes`,
            })
          errors.push(...peopleProblems(c, r.agencyId, r.agencyName, change, field))
          changed.push(change)
        }
        if (errors.length) throw new ValidationError(errors)
        if (!changed.length) return 0
        await sql.auditAs('audits.cycles.people')
        await sql.query(
          `UPDATE audit_returns r SET senior_lead_user_id = x.lead, reviewer_user_id = x.reviewer, updated_at = $4
             FROM unnest($1::uuid[], $2::uuid[], $3::uuid[]) AS x(id, lead, reviewer) WHERE r.id = x.id`,
          [
            changed.map((x) => x.returnId),
            changed.map((x) => x.seniorLeadUserId),
            changed.map((x) => x.reviewerUserId),
            clock.now(),
          ],
        )
        return changed.length
      })
    },

    /** Closes the cycle: no more reminders or changes of people; returns keep what they hold. */
    async close(ctx: Context, cycleId: string): Promise<void> {
      requireRole(ctx, ...cycleOpeners)
      await db.tenant(scopeOf(ctx), async (sql) => {
        await found(ctx, sql, cycleId)
        await sql.auditAs('audits.cycles.close')
        const closed = await sql.maybeOne(
          `UPDATE audit_cycles SET closed_at = $2, closed_by = $3, updated_at = $2 WHERE id = $1 AND closed_at IS NULL
           RETURNING id`,
          [cycleId, clock.now(), ctx.actor.userId],
        )
        if (!closed) throw new ConflictError('This cycle is already closed')
      })
    },

    /**
     * Reminders for returns not submitted: once from 7 days before the due date, once from the
     * day after it, to the agency's leads. Each is claimed as its email is written.
     */
    async remind(partnership: PartnershipRef): Promise<number> {
      const ctx = systemContext(partnership, 'job:audits.cycles.reminders')
      const now = clock.now()
      const sent = await db.tenant(scopeOf(ctx), async (sql) => {
        await sql.auditAs('audits.cycles.remind')
        const due = await claimReminders(sql, now, londonDateOf(now), REMINDER_DAYS_BEFORE)
        if (!due.length) return 0
        const agencyLeads = await leadsOf(sql, [...new Set(due.map((d) => d.agencyId))])
        const emails = due.flatMap((d) =>
          agencyLeads
            .filter((l) => l.agencyIds.includes(d.agencyId))
            .map((l) => cycleReminderEmail(l, d, partnership.name, returnLink(d.id))),
        )
        await enqueueEmails(sql, partnership.id, emails)
        return emails.length
      })
      if (sent) deps.mailQueued()
      return sent
    },

    /** The returns the actor works on (their agencies' or named on) or reviews, open cycles first: for the hub and home page. */
    async myReturns(
      ctx: Context,
    ): Promise<(CycleReturn & { cycleId: string; cycleTitle: string; dueOn: string; reviews: boolean })[]> {
      requireRole(ctx, ...auditUsers)
      const mine = visibleReturnsSql(ctx, 'r', 1)
      return db.tenant(scopeOf(ctx), (sql) =>
        sql.query(
          `SELECT r.id, r.agency_id AS "agencyId", ag.name AS "agencyName", r.status, r.submitted_at AS "submittedAt",
                  r.updated_at AS "updatedAt", c.id AS "cycleId", c.title AS "cycleTitle",
                  to_char(c.due_on, 'YYYY-MM-DD') AS "dueOn", r.reviewer_user_id IS NOT DISTINCT FROM $1::uuid AS reviews
             FROM audit_returns r JOIN audit_cycles c ON c.id = r.cycle_id JOIN agencies ag ON ag.id = r.agency_id
            WHERE ${overseesAudits(ctx) ? 'r.reviewer_user_id = $1::uuid' : mine.where}
            ORDER BY (c.closed_at IS NULL) DESC, c.due_on DESC, lower(ag.name), r.id LIMIT 200`,
          overseesAudits(ctx) ? [ctx.actor.userId] : mine.values,
        ),
      )
    },

    /** For the home page: an agency lead's agencies' returns not yet submitted, in cycles still open. */
    async toSubmit(ctx: Context): Promise<number> {
      const agencyIds = ctx.actor.roles.includes('agency-lead') ? ctx.actor.agencyIds : []
      if (!agencyIds.length) return 0
      return db.tenant(scopeOf(ctx), async (sql) => {
        const row = await sql.one<{ n: number }>(
          `SELECT count(*)::int AS n FROM audit_returns r JOIN audit_cycles c ON c.id = r.cycle_id
            WHERE c.closed_at IS NULL AND r.status IN ('not_started', 'in_progress') AND r.agency_id = ANY($1::uuid[])`,
          [agencyIds],
        )
        return row.n
      })
    },
  }
}

export type AuditCycleService = ReturnType<typeof createAuditCycleService>
