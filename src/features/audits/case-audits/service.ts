import type { RaiseInput } from '#features/actions/forms.ts'
import { raiseSchema } from '#features/actions/forms.ts'
import type { Action } from '#features/actions/index.ts'
import { actionsOfCaseAudit, insertCaseAuditAction } from '#features/actions/index.ts'
import { currentAgencyExists, memberByEmail } from '#features/actions/queries.ts'
import { activeAgencies } from '#features/directory/queries.ts'
import { leadsOf } from '#features/learning/dissemination/queries.ts'
import type { PolicyService } from '#features/policy/service.ts'
import type { RecommendationInput } from '#features/reviews/forms.ts'
import { recommendationSchema } from '#features/reviews/forms.ts'
import type { Recommendation } from '#features/reviews/queries.ts'
import { insertFinding, insertRecommendation, recommendationsOfCaseAudit } from '#features/reviews/queries.ts'
import { subgroupById, subgroupsOf } from '#features/subgroups/queries.ts'
import type { PartnershipRef } from '#platform/auth/identity.ts'
import type { Clock } from '#platform/clock.ts'
import { londonDateOf } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import { requireRole, scopeOf, systemContext } from '#platform/context.ts'
import type { Database, Sql } from '#platform/db/database.ts'
import { isUuid } from '#platform/db/database.ts'
import type { FieldError } from '#platform/errors.ts'
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '#platform/errors.ts'
import { workingDaysFrom } from '#platform/holidays.ts'
import { parseOrThrow } from '#platform/http/forms.ts'
import { enqueueEmails } from '#platform/mail/outbox.ts'
import { overseesAudits, visibleCaseAuditsSql } from '../access.ts'
import type { CaseAuditStatus } from '../words.ts'
import { caseAuditStatusNames } from '../words.ts'
import { escalationChaserEmail, escalationEmail, sentToAgenciesEmail } from './emails.ts'
import type {
  AcknowledgementInput,
  AnswersInput,
  AuditFindingInput,
  CreateCaseAuditInput,
  EscalationInput,
  GradeInput,
  PanelInput,
  ReferencesInput,
} from './forms.ts'
import {
  acknowledgementSchema,
  answersSchema,
  auditFindingSchema,
  createCaseAuditSchema,
  escalationSchema,
  gradeSchema,
  panelSchema,
  referencesSchema,
} from './forms.ts'
import type {
  AuditFinding,
  CaseAuditAnswer,
  CaseAuditCase,
  CaseAuditRecord,
  CaseAuditSummary,
  Escalation,
} from './queries.ts'
import {
  acknowledgeNotice,
  agencyLeads,
  answersOf,
  auditFindingsOf,
  caseAuditById,
  caseAuditsVisible,
  claimChases,
  escalationsOf,
  insertCase,
  insertCaseAudit,
  insertEscalation,
  noticesAwaiting,
  saveAnswers,
  setStatus,
  unacknowledgedNotices,
  upsertReferences,
  writeGrade,
  writePanel,
} from './queries.ts'

export type CaseAuditDeps = {
  db: Database
  clock: Clock
  policy: PolicyService
  publicUrl: string
  mailQueued: () => void
}

/** Who reaches the case audit pages at all: admins, and agency leads (who then see only their audits). */
export const caseAuditUsers = ['admin', 'agency-lead'] as const
/** Who opens a case audit and runs its panel. */
export const caseAuditRunners = ['admin'] as const

/** What the actor may do with a case audit, worked out once for its pages and the API. */
export type CaseAuditPermissions = {
  oversees: boolean
  /** The audit's agencies the actor answers for: those they lead, or are the named lead of. */
  ledAgencyIds: string[]
  addCases: boolean
  send: boolean
  answer: boolean
  toPanel: boolean
  panel: boolean
  conclude: boolean
  escalate: boolean
}

export type CaseAuditView = {
  audit: CaseAuditRecord
  may: CaseAuditPermissions
  answers: CaseAuditAnswer[]
  findings: AuditFinding[]
  recommendations: (Recommendation & { findingId: string | null })[]
  actions: Action[]
  escalations: Escalation[]
}

export type CaseView = {
  audit: CaseAuditRecord
  may: CaseAuditPermissions
  kase: CaseAuditCase
  answers: CaseAuditAnswer[]
  /** The case's agencies whose answers the actor gives now. */
  answering: string[]
  escalations: Escalation[]
}

const escalating: readonly CaseAuditStatus[] = ['answering', 'panel', 'concluded']

/**
 * Themed multi-agency case audits: an admin names the theme, the questions and the agencies
 * taking part; the sample is known only by each agency's own case reference; each agency's lead
 * answers every question for its cases; a panel grades each case and records findings, which
 * become recommendations and actions; a case carrying current risk is escalated at once to the
 * named lead of every agency involved, who acknowledges it.
 */
export function createCaseAuditService(deps: CaseAuditDeps) {
  const { db, clock } = deps
  const today = () => londonDateOf(clock.now())
  const auditLink = (id: string) => `${deps.publicUrl}/audits/case-audits/${id}`
  const by = (ctx: Context) => ({
    user: ctx.actor.userId,
    label: ctx.actor.userId ? null : (ctx.actor.label ?? null),
  })

  function permissions(ctx: Context, audit: CaseAuditRecord): CaseAuditPermissions {
    const oversees = overseesAudits(ctx)
    const leader = ctx.actor.roles.includes('agency-lead')
    const ledAgencyIds = audit.agencies
      .filter(
        (a) =>
          (leader && ctx.actor.agencyIds.includes(a.agencyId)) ||
          (ctx.actor.userId !== null && a.leadUserId === ctx.actor.userId),
      )
      .map((a) => a.agencyId)
    const s = audit.status
    return {
      oversees,
      ledAgencyIds,
      addCases: s === 'sampling' && (oversees || ledAgencyIds.length > 0),
      send: s === 'sampling' && oversees,
      answer: s === 'answering' && ledAgencyIds.length > 0,
      toPanel: s === 'answering' && oversees,
      panel: s === 'panel' && oversees,
      conclude: s === 'panel' && oversees,
      escalate: escalating.includes(s) && (oversees || ledAgencyIds.length > 0),
    }
  }

  /** A case audit the actor may see, with what they may do; anything else is not found. */
  async function visible(ctx: Context, sql: Sql, id: string, forUpdate = false) {
    const audit = isUuid(id) ? await caseAuditById(sql, id, forUpdate) : undefined
    if (!audit) throw new NotFoundError('Case audit')
    const may = permissions(ctx, audit)
    if (!may.oversees && !may.ledAgencyIds.length) throw new NotFoundError('Case audit')
    return { audit, may }
  }

  function caseOf(audit: CaseAuditRecord, caseId: string): CaseAuditCase {
    const found = audit.cases.find((c) => c.id === caseId)
    if (!found) throw new NotFoundError('Case')
    return found
  }

  function refuseUnless(allowed: boolean, status: CaseAuditStatus, why: string) {
    if (!allowed)
      throw new ConflictError(`${why} (the audit is at: ${caseAuditStatusNames[status].toLowerCase()})`)
  }

  async function fullView(
    sql: Sql,
    audit: CaseAuditRecord,
    may: CaseAuditPermissions,
  ): Promise<CaseAuditView> {
    return {
      audit,
      may,
      answers: await answersOf(sql, audit.id),
      findings: await auditFindingsOf(sql, audit.id),
      recommendations: await recommendationsOfCaseAudit(sql, audit.id),
      actions: await actionsOfCaseAudit(sql, audit.id, today()),
      escalations: await escalationsOf(sql, audit.id),
    }
  }

  /** Checks references name agencies taking part, once each, and only agencies the actor may give. */
  function checkReferences(audit: CaseAuditRecord, may: CaseAuditPermissions, input: ReferencesInput) {
    const taking = new Set(audit.agencies.map((a) => a.agencyId))
    const errors: FieldError[] = []
    const seen = new Set<string>()
    input.references.forEach((r, i) => {
      if (!taking.has(r.agencyId))
        errors.push({ field: `references.${i}.agencyId`, text: 'Select an agency taking part in the audit' })
      else if (!may.oversees && !may.ledAgencyIds.includes(r.agencyId))
        throw new ForbiddenError('An agency’s lead gives only their own agency’s case reference')
      if (seen.has(r.agencyId))
        errors.push({ field: `references.${i}.agencyId`, text: 'Give each agency’s reference once' })
      seen.add(r.agencyId)
    })
    if (errors.length) throw new ValidationError(errors)
  }

  return {
    today,

    /** The case audits the actor sees: every one for admins, their agencies' for a lead. */
    async list(ctx: Context): Promise<CaseAuditSummary[]> {
      requireRole(ctx, ...caseAuditUsers)
      return db.tenant(scopeOf(ctx), (sql) => caseAuditsVisible(sql, visibleCaseAuditsSql(ctx, 'c', 1)))
    },

    /** What the forms offer: the themes, the sub-groups, and each active agency with its leads. */
    async createChoices(ctx: Context) {
      requireRole(ctx, ...caseAuditRunners)
      return db.tenant(scopeOf(ctx), async (sql) => {
        const themes = await sql.query<{ id: string; name: string }>(
          'SELECT id, name FROM themes WHERE NOT archived ORDER BY lower(name), id',
        )
        const agencies = await activeAgencies(sql)
        const leads = await agencyLeads(
          sql,
          agencies.map((a) => a.id),
        )
        return {
          themes,
          subgroups: await subgroupsOf(sql),
          agencies: agencies.map((a) => ({
            id: a.id,
            name: a.name,
            leads: leads.filter((l) => l.agencyId === a.id),
          })),
        }
      })
    },

    /** Opens a case audit, choosing the sample next. Each agency's named lead defaults to its first lead. */
    async create(ctx: Context, raw: CreateCaseAuditInput): Promise<string> {
      requireRole(ctx, ...caseAuditRunners)
      const input = parseOrThrow(createCaseAuditSchema, raw)
      return db.tenant(scopeOf(ctx), async (sql) => {
        const errors: FieldError[] = []
        if (input.dueOn <= today())
          errors.push({ field: 'dueOn', text: 'The date agencies answer by must be after today' })
        const theme = await sql.maybeOne('SELECT 1 FROM themes WHERE id = $1 AND NOT archived', [
          input.themeId,
        ])
        if (!theme) errors.push({ field: 'themeId', text: 'Select one of the partnership’s themes' })
        const ids = input.agencies.map((a) => a.agencyId)
        if (new Set(ids).size !== ids.length)
          errors.push({ field: 'agencies', text: 'Name each agency once' })
        const active = new Set((await activeAgencies(sql)).map((a) => a.id))
        const leads = await agencyLeads(sql, ids)
        const named: { agencyId: string; leadUserId: string }[] = []
        input.agencies.forEach((a, i) => {
          if (!active.has(a.agencyId)) {
            errors.push({
              field: `agencies.${i}.agencyId`,
              text: 'Select agencies from the partnership’s directory',
            })
            return
          }
          const ofAgency = leads.filter((l) => l.agencyId === a.agencyId)
          const lead = a.leadUserId ? ofAgency.find((l) => l.userId === a.leadUserId) : ofAgency[0]
          if (!lead)
            errors.push({
              field: `agencies.${i}.leadUserId`,
              text: a.leadUserId
                ? 'The named lead must be one of the agency’s leads'
                : 'The agency has no lead to name: give one of its staff the agency lead role first',
            })
          else named.push({ agencyId: a.agencyId, leadUserId: lead.userId })
        })
        if (errors.length) throw new ValidationError(errors)
        await sql.auditAs('audits.case_audits.create')
        return insertCaseAudit(sql, ctx.partnership.id, { ...input, createdBy: ctx.actor.userId }, named)
      })
    },

    /** One case audit with everything the actor may see of it. */
    async view(ctx: Context, id: string): Promise<CaseAuditView> {
      requireRole(ctx, ...caseAuditUsers)
      return db.tenant(scopeOf(ctx), async (sql) => {
        const { audit, may } = await visible(ctx, sql, id)
        return fullView(sql, audit, may)
      })
    },

    /**
     * Adds agencies' references to a case of the sample, or a new case when none is named. An
     * admin gives any agency's; an agency's lead only their own.
     */
    async saveReferences(
      ctx: Context,
      id: string,
      caseId: string | null,
      raw: ReferencesInput,
    ): Promise<string> {
      requireRole(ctx, ...caseAuditUsers)
      return db.tenant(scopeOf(ctx), async (sql) => {
        const { audit, may } = await visible(ctx, sql, id, true)
        const input = parseOrThrow(referencesSchema, raw)
        if (caseId !== null) caseOf(audit, caseId)
        refuseUnless(may.addCases, audit.status, 'Cases are added while the sample is chosen')
        checkReferences(audit, may, input)
        await sql.auditAs('audits.case_audits.sample')
        const target = caseId ?? (await insertCase(sql, ctx.partnership.id, audit.id))
        await upsertReferences(sql, ctx.partnership.id, target, input.references)
        return target
      })
    },

    /** Sends the sample to the agencies: every taking-part agency’s named lead is emailed to answer. */
    async send(ctx: Context, id: string): Promise<void> {
      requireRole(ctx, ...caseAuditRunners)
      const emails = await db.tenant(scopeOf(ctx), async (sql) => {
        const { audit, may } = await visible(ctx, sql, id, true)
        refuseUnless(may.send, audit.status, 'Only a sample being chosen is sent to the agencies')
        if (!audit.cases.length || audit.cases.some((c) => !c.refs.length))
          throw new ConflictError(
            'Add at least one case, each with at least one agency’s case reference, before sending',
          )
        await sql.auditAs('audits.case_audits.send')
        await setStatus(sql, audit.id, 'answering', clock.now())
        const emails = audit.agencies.map((a) =>
          sentToAgenciesEmail(
            { email: a.leadEmail, name: a.leadName },
            audit,
            a.agencyName,
            ctx.partnership.name,
            auditLink(audit.id),
          ),
        )
        await enqueueEmails(sql, ctx.partnership.id, emails)
        return emails.length
      })
      if (emails) deps.mailQueued()
    },

    /** One case: its references, the questions and the answers, and what the actor may do. */
    async caseView(ctx: Context, id: string, caseId: string): Promise<CaseView> {
      requireRole(ctx, ...caseAuditUsers)
      return db.tenant(scopeOf(ctx), async (sql) => {
        const { audit, may } = await visible(ctx, sql, id)
        const kase = caseOf(audit, caseId)
        const held = new Set(kase.refs.map((r) => r.agencyId))
        return {
          audit,
          may,
          kase,
          answers: await answersOf(sql, audit.id, kase.id),
          answering: may.answer ? may.ledAgencyIds.filter((a) => held.has(a)) : [],
          escalations: (await escalationsOf(sql, audit.id)).filter((e) => e.caseId === kase.id),
        }
      })
    },

    /** An agency's answers for one case it holds a reference for, while agencies answer. */
    async answer(ctx: Context, id: string, caseId: string, raw: AnswersInput): Promise<void> {
      requireRole(ctx, ...caseAuditUsers)
      await db.tenant(scopeOf(ctx), async (sql) => {
        const { audit, may } = await visible(ctx, sql, id, true)
        const input = parseOrThrow(answersSchema, raw)
        const kase = caseOf(audit, caseId)
        if (!may.ledAgencyIds.includes(input.agencyId))
          throw new ForbiddenError('Only a lead of the agency answers for it')
        refuseUnless(may.answer, audit.status, 'Answers are given while the agencies are answering')
        if (!kase.refs.some((r) => r.agencyId === input.agencyId))
          throw new ConflictError('The agency holds no reference for this case, so it has nothing to answer')
        const questions = new Set(audit.questions.map((q) => q.id))
        const errors: FieldError[] = input.answers.flatMap((a, i) =>
          questions.has(a.questionId)
            ? []
            : [{ field: `answers.${i}.questionId`, text: 'Answer the audit’s own questions' }],
        )
        if (errors.length) throw new ValidationError(errors)
        await sql.auditAs('audits.case_audits.answer')
        await saveAnswers(
          sql,
          ctx.partnership.id,
          kase.id,
          input.agencyId,
          input.answers,
          ctx.actor.userId,
          clock.now(),
        )
      })
    },

    /** Closes answering: the panel meets next. */
    async toPanel(ctx: Context, id: string): Promise<void> {
      requireRole(ctx, ...caseAuditRunners)
      await db.tenant(scopeOf(ctx), async (sql) => {
        const { audit, may } = await visible(ctx, sql, id, true)
        refuseUnless(may.toPanel, audit.status, 'The panel follows the agencies’ answers')
        await sql.auditAs('audits.case_audits.panel')
        await setStatus(sql, audit.id, 'panel', clock.now())
      })
    },

    /** The panel day: its date, who came, and its summary. */
    async recordPanel(ctx: Context, id: string, raw: PanelInput): Promise<void> {
      requireRole(ctx, ...caseAuditRunners)
      await db.tenant(scopeOf(ctx), async (sql) => {
        const { audit, may } = await visible(ctx, sql, id, true)
        const input = parseOrThrow(panelSchema, raw)
        refuseUnless(may.panel, audit.status, 'The panel day is recorded at the panel')
        if (input.panelOn > today())
          throw new ValidationError([{ field: 'panelOn', text: 'The panel day must be today or before' }])
        await sql.auditAs('audits.case_audits.panel')
        await writePanel(sql, audit.id, input, clock.now())
      })
    },

    /** The panel's graded outcome and learning for one case. */
    async grade(ctx: Context, id: string, caseId: string, raw: GradeInput): Promise<void> {
      requireRole(ctx, ...caseAuditRunners)
      await db.tenant(scopeOf(ctx), async (sql) => {
        const { audit, may } = await visible(ctx, sql, id, true)
        const input = parseOrThrow(gradeSchema, raw)
        const kase = caseOf(audit, caseId)
        refuseUnless(may.panel, audit.status, 'Cases are graded at the panel')
        await sql.auditAs('audits.case_audits.grade')
        await writeGrade(sql, kase.id, input, ctx.actor.userId, clock.now())
      })
    },

    /** A finding of the panel: one of the partnership's findings, with source `audit`. */
    async addFinding(ctx: Context, id: string, raw: AuditFindingInput): Promise<string> {
      requireRole(ctx, ...caseAuditRunners)
      return db.tenant(scopeOf(ctx), async (sql) => {
        const { audit, may } = await visible(ctx, sql, id, true)
        const input = parseOrThrow(auditFindingSchema, raw)
        refuseUnless(may.panel, audit.status, 'Findings are recorded at the panel')
        const errors: FieldError[] = []
        if (input.caseId && !audit.cases.some((c) => c.id === input.caseId))
          errors.push({ field: 'caseId', text: 'Select a case of the sample' })
        const known = await sql.query<{ id: string }>('SELECT id FROM themes WHERE id = ANY($1::uuid[])', [
          input.themes,
        ])
        if (known.length !== new Set(input.themes).size)
          errors.push({ field: 'themes', text: 'Select themes from the list' })
        if (errors.length) throw new ValidationError(errors)
        await sql.auditAs('audits.case_audits.finding')
        const finding = await insertFinding(
          sql,
          ctx.partnership.id,
          { caseAuditId: audit.id, caseId: input.caseId ?? null },
          { text: input.text, themes: input.themes },
        )
        return finding.id
      })
    },

    /** A finding becomes a recommendation, addressed as a review's recommendations are. */
    async addRecommendation(
      ctx: Context,
      id: string,
      findingId: string,
      raw: RecommendationInput,
    ): Promise<string> {
      requireRole(ctx, ...caseAuditRunners)
      return db.tenant(scopeOf(ctx), async (sql) => {
        const { audit, may } = await visible(ctx, sql, id, true)
        const input = parseOrThrow(recommendationSchema, raw)
        const findings = await auditFindingsOf(sql, audit.id)
        if (!findings.some((f) => f.id === findingId)) throw new NotFoundError('Finding')
        refuseUnless(may.panel, audit.status, 'Recommendations are made at the panel')
        const errors: FieldError[] = []
        if (input.subgroupId && !(await subgroupById(sql, input.subgroupId)))
          errors.push({ field: 'subgroupId', text: 'Select one of the partnership’s sub-groups' })
        for (const agencyId of input.agencyIds)
          if (!(await currentAgencyExists(sql, agencyId))) {
            errors.push({ field: 'agencyIds', text: 'Select agencies from the partnership’s directory' })
            break
          }
        if (errors.length) throw new ValidationError(errors)
        await sql.auditAs('audits.case_audits.recommendation')
        return insertRecommendation(
          sql,
          ctx.partnership.id,
          { caseAuditId: audit.id, findingId },
          input,
          clock.now(),
        )
      })
    },

    /** An action on a recommendation of the audit, tracked to verification by the actions feature. */
    async addAction(ctx: Context, id: string, recommendationId: string, raw: RaiseInput): Promise<string> {
      requireRole(ctx, ...caseAuditRunners)
      return db.tenant(scopeOf(ctx), async (sql) => {
        const { audit, may } = await visible(ctx, sql, id, true)
        const input = parseOrThrow(raiseSchema, raw)
        const recommendations = await recommendationsOfCaseAudit(sql, audit.id)
        if (!recommendations.some((r) => r.id === recommendationId)) throw new NotFoundError('Recommendation')
        refuseUnless(may.panel, audit.status, 'Actions are agreed at the panel')
        const errors: FieldError[] = []
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
        if (input.dueOn <= today()) errors.push({ field: 'dueOn', text: 'The due date must be after today' })
        if (errors.length || !owner) throw new ValidationError(errors)
        await sql.auditAs('audits.case_audits.action')
        const { id: actionId } = await insertCaseAuditAction(sql, ctx.partnership.id, {
          caseAuditId: audit.id,
          recommendationId,
          description: input.description,
          owningAgencyId: input.owningAgencyId ?? null,
          owningSubgroupId: input.owningSubgroupId ?? null,
          ownerUserId: owner.id,
          successMeasure: input.successMeasure,
          dueOn: input.dueOn,
        })
        return actionId
      })
    },

    /** Concludes the audit once the panel day is recorded and every case graded. */
    async conclude(ctx: Context, id: string): Promise<void> {
      requireRole(ctx, ...caseAuditRunners)
      await db.tenant(scopeOf(ctx), async (sql) => {
        const { audit, may } = await visible(ctx, sql, id, true)
        refuseUnless(may.conclude, audit.status, 'An audit is concluded after its panel')
        if (!audit.panelOn) throw new ConflictError('Record the panel day before concluding the audit')
        const ungraded = audit.cases.filter((c) => !c.grade)
        if (ungraded.length)
          throw new ConflictError(
            `Grade every case before concluding the audit: ${ungraded.map((c) => `Case ${c.position}`).join(', ')}`,
          )
        await sql.auditAs('audits.case_audits.conclude')
        await setStatus(sql, audit.id, 'concluded', clock.now())
      })
    },

    /**
     * A case found to carry current risk: recorded, with one notice per agency holding a
     * reference for it, and each agency's named lead emailed in the same transaction.
     */
    async escalate(ctx: Context, id: string, caseId: string, raw: EscalationInput): Promise<string> {
      requireRole(ctx, ...caseAuditUsers)
      const { escalationId, emails } = await db.tenant(scopeOf(ctx), async (sql) => {
        const { audit, may } = await visible(ctx, sql, id)
        const input = parseOrThrow(escalationSchema, raw)
        const kase = caseOf(audit, caseId)
        refuseUnless(may.escalate, audit.status, 'A case is escalated once the agencies are answering')
        const notices = kase.refs.flatMap((r) => {
          const agency = audit.agencies.find((a) => a.agencyId === r.agencyId)
          return agency ? [{ ...agency, reference: r.reference }] : []
        })
        await sql.auditAs('audits.case_audits.escalate')
        const escalationId = await insertEscalation(
          sql,
          ctx.partnership.id,
          kase.id,
          input.reason,
          by(ctx),
          notices,
          clock.now(),
        )
        const link = `${auditLink(audit.id)}/escalations/${escalationId}`
        const emails = notices.map((n) =>
          escalationEmail(
            { email: n.leadEmail, name: n.leadName },
            { auditTitle: audit.title, agencyName: n.agencyName, reference: n.reference },
            ctx.partnership.name,
            link,
          ),
        )
        await enqueueEmails(sql, ctx.partnership.id, emails)
        return { escalationId, emails: emails.length }
      })
      if (emails) deps.mailQueued()
      return escalationId
    },

    /**
     * Sends each escalation notice its agency has not acknowledged a working day after it was
     * raised (weekends and the partnership's bank holidays do not count) once more, to the named
     * lead and every other lead of the agency. Returns how many emails went.
     */
    async chaseEscalations(partnership: PartnershipRef): Promise<number> {
      const ctx = systemContext(partnership, 'job:audits.case-audits.escalation-chasing')
      const now = clock.now()
      const today = londonDateOf(now)
      const { jurisdiction } = await deps.policy.rulesOn(ctx, today)
      const sent = await db.tenant(scopeOf(ctx), async (sql) => {
        const due = (await unacknowledgedNotices(sql)).filter(
          (n) => workingDaysFrom(jurisdiction, londonDateOf(n.raisedAt), 1) <= today,
        )
        if (!due.length) return 0
        await sql.auditAs('audits.case_audits.chase-escalation')
        const claimed = await claimChases(sql, due, now)
        const chased = due.filter((n) =>
          claimed.some((c) => c.escalationId === n.escalationId && c.agencyId === n.agencyId),
        )
        const leads = await leadsOf(sql, [...new Set(chased.map((n) => n.agencyId))])
        const emails = chased.flatMap((n) => {
          const to = new Map([[n.leadEmail, n.leadName]])
          for (const l of leads) if (l.agencyIds.includes(n.agencyId)) to.set(l.email, l.name)
          return [...to].map(([email, name]) =>
            escalationChaserEmail(
              { email, name },
              {
                auditTitle: n.auditTitle,
                agencyName: n.agencyName,
                reference: n.reference,
                raisedOn: londonDateOf(n.raisedAt),
              },
              partnership.name,
              `${auditLink(n.caseAuditId)}/escalations/${n.escalationId}`,
            ),
          )
        })
        await enqueueEmails(sql, partnership.id, emails)
        return emails.length
      })
      if (sent) deps.mailQueued()
      return sent
    },

    /** One escalation, with each agency's notice and which of them the actor may acknowledge. */
    async escalation(ctx: Context, id: string, escalationId: string) {
      requireRole(ctx, ...caseAuditUsers)
      return db.tenant(scopeOf(ctx), async (sql) => {
        const { audit, may } = await visible(ctx, sql, id)
        const escalation = (await escalationsOf(sql, audit.id)).find((e) => e.id === escalationId)
        if (!escalation) throw new NotFoundError('Escalation')
        const acknowledges = escalation.notices
          .filter((n) => !n.acknowledgedAt && may.ledAgencyIds.includes(n.agencyId))
          .map((n) => n.agencyId)
        return { audit, may, escalation, acknowledges }
      })
    },

    /** An agency's named lead, or another of its leads, acknowledges the escalation, once, with a note. */
    async acknowledge(
      ctx: Context,
      id: string,
      escalationId: string,
      raw: AcknowledgementInput,
    ): Promise<void> {
      requireRole(ctx, ...caseAuditUsers)
      await db.tenant(scopeOf(ctx), async (sql) => {
        const { audit, may } = await visible(ctx, sql, id)
        const input = parseOrThrow(acknowledgementSchema, raw)
        const escalation = (await escalationsOf(sql, audit.id)).find((e) => e.id === escalationId)
        if (!escalation) throw new NotFoundError('Escalation')
        const notice = escalation.notices.find((n) => n.agencyId === input.agencyId)
        if (!notice)
          throw new ValidationError([
            { field: 'agencyId', text: 'Select an agency the escalation was sent to' },
          ])
        if (!may.ledAgencyIds.includes(notice.agencyId) || !ctx.actor.userId)
          throw new ForbiddenError('Only a lead of the agency acknowledges its notice')
        await sql.auditAs('audits.case_audits.acknowledge')
        if (
          !(await acknowledgeNotice(
            sql,
            escalation.id,
            notice.agencyId,
            input.note,
            ctx.actor.userId,
            clock.now(),
          ))
        )
          throw new ConflictError('The agency has already acknowledged this escalation')
      })
    },

    /** Escalations waiting for the actor's acknowledgement, for their home to-do. */
    async awaitingAcknowledgement(ctx: Context) {
      if (!ctx.actor.userId) return []
      const led = ctx.actor.roles.includes('agency-lead') ? ctx.actor.agencyIds : []
      return db.tenant(scopeOf(ctx), (sql) => noticesAwaiting(sql, ctx.actor.userId ?? '', led))
    },
  }
}

export type CaseAuditService = ReturnType<typeof createCaseAuditService>
