import { checkEvidence, keptFilename } from '#features/actions/evidence.ts'
import { mayActFor } from '#features/booking/deps.ts'
import { normaliseCode } from '#features/certificates/code.ts'
import type { Clock } from '#platform/clock.ts'
import { londonDateOf } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import { scopeOf } from '#platform/context.ts'
import type { Database, Sql } from '#platform/db/database.ts'
import { isUuid } from '#platform/db/database.ts'
import type { FieldError } from '#platform/errors.ts'
import { ConflictError, NotFoundError, ValidationError } from '#platform/errors.ts'
import { personFacts } from '../standing/queries.ts'
import type { Decision, EvidenceInput } from './forms.ts'
import type { Evidence } from './queries.ts'
import {
  awaitingEvidence,
  certificateFacts,
  decideEvidence,
  evidenceById,
  evidenceFile,
  evidenceOfPerson,
  insertEvidence,
  recognisingRequirements,
  requirementExists,
} from './queries.ts'

/** A file as it came from a form or the API: its name and bytes. */
export type EvidenceUpload = { filename: string; bytes: Buffer }

/** Names compared as people write them: any case, any spacing. */
const sameName = (a: string, b: string) => {
  const plain = (s: string) => s.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim()
  return plain(a) === plain(b)
}

/**
 * Learning evidenced elsewhere: recorded by the person or their agency's lead, verified (or
 * turned down with a reason) by a lead, and then counted like a Cascade certificate; and
 * another partnership's certificate, added by its code and counted where this partnership
 * recognises its course.
 */
export function createEvidenceService(deps: { db: Database; clock: Clock }) {
  const { db, clock } = deps
  const today = () => londonDateOf(clock.now())

  /** The person, if the actor may act for them: themselves, their agency's lead, or an admin. */
  async function personFor(sql: Sql, ctx: Context, personId: string) {
    const person = isUuid(personId) ? await personFacts(sql, personId) : undefined
    if (!person || !mayActFor(ctx, person)) throw new NotFoundError('Person')
    return person
  }

  /** Evidence a lead may decide: of their agencies' staff (any, for an admin), never their own. */
  async function decidable(sql: Sql, ctx: Context, id: string): Promise<Evidence> {
    const evidence = isUuid(id) ? await evidenceById(sql, id) : undefined
    const { roles, agencyIds } = ctx.actor
    const leads =
      roles.includes('admin') ||
      (roles.includes('agency-lead') && agencyIds.includes(evidence?.agencyId ?? ''))
    if (!evidence || !leads) throw new NotFoundError('Evidence')
    return evidence
  }

  return {
    async ofPerson(ctx: Context, personId: string): Promise<Evidence[]> {
      return db.tenant(scopeOf(ctx), async (sql) =>
        evidenceOfPerson(sql, (await personFor(sql, ctx, personId)).id),
      )
    },

    async one(ctx: Context, id: string): Promise<Evidence> {
      return db.tenant(scopeOf(ctx), async (sql) => {
        const evidence = isUuid(id) ? await evidenceById(sql, id) : undefined
        if (!evidence) throw new NotFoundError('Evidence')
        await personFor(sql, ctx, evidence.personId)
        return evidence
      })
    },

    /** Records learning done elsewhere, to wait for the agency lead; the file is checked by its content. */
    async record(
      ctx: Context,
      personId: string,
      input: EvidenceInput,
      upload: EvidenceUpload | null,
    ): Promise<Evidence> {
      const problems: FieldError[] = []
      if (input.completedOn > today())
        problems.push({ field: 'completedOn', text: 'The date completed must be today or in the past' })
      let file: { name: string; type: string; bytes: Buffer } | null = null
      if (upload && upload.bytes.length > 0) {
        const checked = await checkEvidence(upload.bytes)
        if (!checked.ok) problems.push({ field: 'file', text: checked.message })
        else file = { name: keptFilename(upload.filename), type: checked.contentType, bytes: upload.bytes }
      }
      return db.tenant(scopeOf(ctx), async (sql) => {
        await sql.auditAs('pathways.evidence')
        const person = await personFor(sql, ctx, personId)
        if (input.requirementId && !(await requirementExists(sql, input.requirementId)))
          problems.push({
            field: 'requirementId',
            text: 'Select a requirement of the partnership’s pathways',
          })
        if (problems.length) throw new ValidationError(problems)
        const { id } = await insertEvidence(sql, ctx.partnership.id, {
          personId: person.id,
          kind: input.kind,
          title: input.title,
          provider: input.provider,
          completedOn: input.completedOn,
          minutes: Math.max(1, Math.round(input.hours * 60)),
          requirementId: input.requirementId ?? null,
          status: 'awaiting',
          decidedByLabel: null,
          certificateCode: null,
          issuedBy: null,
          file,
          recordedBy: ctx.actor.userId,
        })
        return (await evidenceById(sql, id)) as Evidence
      })
    },

    /** Verifies evidence, or turns it down with a reason: by a lead of the person's agency, once. */
    async decide(ctx: Context, id: string, decision: Decision): Promise<Evidence> {
      return db.tenant(scopeOf(ctx), async (sql) => {
        await sql.auditAs('pathways.evidence-decide')
        const evidence = await decidable(sql, ctx, id)
        const person = await personFacts(sql, evidence.personId)
        if (person?.userId && person.userId === ctx.actor.userId)
          throw new ValidationError([
            { field: 'decision', text: 'Your own evidence is verified by another lead or an admin' },
          ])
        const decided = await decideEvidence(sql, evidence.id, {
          status: decision.decision,
          reason: decision.decision === 'rejected' ? decision.reason : null,
          by: ctx.actor.userId,
        })
        if (!decided) throw new ConflictError('This evidence has already been decided')
        return (await evidenceById(sql, evidence.id)) as Evidence
      })
    },

    /** Evidence waiting for the actor: their agencies' staff's for a lead, everyone's for an admin. */
    async awaiting(ctx: Context): Promise<Evidence[]> {
      const { roles, agencyIds } = ctx.actor
      if (!roles.includes('admin') && !roles.includes('agency-lead')) return []
      return db.tenant(scopeOf(ctx), (sql) =>
        awaitingEvidence(sql, roles.includes('admin') ? null : agencyIds),
      )
    },

    /** How many pieces of evidence wait for the actor, for their home page's to-do list. */
    async awaitingCount(ctx: Context): Promise<number> {
      const { roles, agencyIds } = ctx.actor
      if (!roles.includes('admin') && !roles.includes('agency-lead')) return 0
      return db.read(scopeOf(ctx), (sql) =>
        sql
          .one<{ n: number }>(
            `SELECT count(*)::int AS n FROM learning_evidence e JOIN people p ON p.id = e.person_id
              WHERE e.status = 'awaiting' AND ($1::uuid[] IS NULL OR p.agency_id = ANY($1))`,
            [roles.includes('admin') ? null : agencyIds],
          )
          .then((r) => r.n),
      )
    },

    async file(ctx: Context, id: string) {
      return db.tenant(scopeOf(ctx), async (sql) => {
        const file = isUuid(id) ? await evidenceFile(sql, id) : undefined
        if (!file) throw new NotFoundError('File')
        await personFor(sql, ctx, file.personId)
        return file
      })
    },

    /**
     * Adds another partnership's certificate by its code. It must be a real certificate, of
     * this person, from another partnership on this deployment; it counts, verified by that
     * check, for each requirement that recognises its course. Only its public facts are kept.
     */
    async addByCode(ctx: Context, personId: string, typed: string): Promise<Evidence[]> {
      return db.tenant(scopeOf(ctx), async (sql) => {
        await sql.auditAs('pathways.evidence-code')
        const person = await personFor(sql, ctx, personId)
        const facts = await certificateFacts(sql, normaliseCode(typed))
        // A forged code, or one of someone else's certificates, is simply not found.
        if (!facts || !sameName(facts.person, person.name)) throw new NotFoundError('Certificate')
        if (facts.partnershipId === ctx.partnership.id)
          throw new ValidationError([
            { field: 'code', text: 'This certificate is from this partnership: it counts already' },
          ])
        const recognising = await recognisingRequirements(sql, facts.partnershipId, facts.courseId)
        if (!recognising.length)
          throw new ValidationError([
            {
              field: 'code',
              text: `${ctx.partnership.name} does not recognise “${facts.course}” from ${facts.partnership}: record it as learning from elsewhere for your agency lead to verify`,
            },
          ])
        const added = await sql.query(
          'SELECT 1 FROM learning_evidence WHERE person_id = $1 AND certificate_code = $2',
          [person.id, facts.code],
        )
        if (added.length)
          throw new ValidationError([{ field: 'code', text: 'This certificate has been added already' }])
        const ids: string[] = []
        for (const { requirementId } of recognising) {
          const { id } = await insertEvidence(sql, ctx.partnership.id, {
            personId: person.id,
            kind: 'other_partnership_course',
            title: facts.course,
            provider: facts.partnership,
            completedOn: facts.deliveredOn,
            minutes: Math.min(6000, Math.max(1, facts.durationMinutes ?? 60)),
            requirementId,
            status: 'verified',
            decidedByLabel: 'recognition',
            certificateCode: facts.code,
            issuedBy: facts.partnership,
            file: null,
            recordedBy: ctx.actor.userId,
          })
          ids.push(id)
        }
        return (await evidenceOfPerson(sql, person.id)).filter((e) => ids.includes(e.id))
      })
    },
  }
}

export type EvidenceService = ReturnType<typeof createEvidenceService>
