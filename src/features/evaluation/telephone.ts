import { randomBytes } from 'node:crypto'
import type { PolicyService } from '#features/policy/service.ts'
import type { PartnershipRef } from '#platform/auth/identity.ts'
import type { Clock } from '#platform/clock.ts'
import { londonDateOf } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import { requireRole, scopeOf, systemContext } from '#platform/context.ts'
import type { Database } from '#platform/db/database.ts'
import { isUuid } from '#platform/db/database.ts'
import { NotFoundError, ValidationError } from '#platform/errors.ts'
import { drawSample, monthStart } from './sample.ts'

export const callOutcomes = ['spoke', 'no_answer', 'declined', 'unreachable'] as const
export type CallOutcome = (typeof callOutcomes)[number]
export const callOutcomeNames: Record<CallOutcome, string> = {
  spoke: 'Spoke to them',
  no_answer: 'No answer',
  declined: 'Did not want to talk',
  unreachable: 'Could not be reached',
}

export type TelephoneSample = {
  id: string
  month: string
  seed: string
  population: number
  size: number
  called: number
  drawnAt: Date
}

export type TelephoneCall = {
  id: string
  position: number
  applicationId: string
  personName: string
  email: string
  agencyName: string
  managerEmail: string
  courseId: string
  courseTitle: string
  startsAt: Date
  outcome: CallOutcome | null
  notes: string | null
  calledAt: Date | null
}

/**
 * South Gloucestershire's telephone follow-up: each month a random sample of the attendees
 * whose follow-up falls due that month (size set by the policy, drawn from a recorded seed),
 * for an admin to call and record what they heard against the person and course.
 */
export function createTelephoneService(deps: {
  db: Database
  clock: Clock
  policy: Pick<PolicyService, 'rulesOn'>
}) {
  const { db, clock } = deps

  /** Draws the month's sample if it has not been drawn; the seed is recorded with it. */
  async function draw(ctx: Context, month: string, seed = randomBytes(8).toString('hex')): Promise<boolean> {
    const rules = await deps.policy.rulesOn(ctx, londonDateOf(clock.now()))
    return db.tenant(scopeOf(ctx), async (sql) => {
      if (await sql.maybeOne('SELECT 1 FROM telephone_samples WHERE month = $1', [month])) return false
      // Those whose follow-up is due this month: attendees of sessions that ended the delay ago.
      const from = monthStart(month, -rules.followUpDelayMonths)
      const population = await sql.query<{ id: string }>(
        `SELECT a.id FROM applications a JOIN sessions s ON s.id = a.session_id
          WHERE s.ends_at >= ($1::date::timestamp AT TIME ZONE 'Europe/London')
            AND s.ends_at < (($1::date + interval '1 month')::timestamp AT TIME ZONE 'Europe/London')
            AND EXISTS (SELECT 1 FROM attendance m WHERE m.application_id = a.id AND m.mark <> 'absent')`,
        [from],
      )
      const chosen = drawSample(
        seed,
        population.map((p) => p.id),
        rules.telephoneSampleSize,
      )
      await sql.auditAs('telephone.draw')
      const sample = await sql.one<{ id: string }>(
        `INSERT INTO telephone_samples (partnership_id, month, seed, population, drawn_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING id`,
        [ctx.partnership.id, month, seed, population.length, clock.now()],
      )
      await sql.query(
        `INSERT INTO telephone_calls (partnership_id, sample_id, application_id, position)
         SELECT $1, $2, c.id, c.position FROM unnest($3::uuid[]) WITH ORDINALITY AS c(id, position)`,
        [ctx.partnership.id, sample.id, chosen],
      )
      return true
    })
  }

  return {
    draw,

    /** The scheduled pass: this month's sample, once. */
    async drawDue(partnership: PartnershipRef): Promise<number> {
      const ctx = systemContext(partnership, 'job:evaluation.telephone')
      return (await draw(ctx, monthStart(londonDateOf(clock.now())))) ? 1 : 0
    },

    /** An admin draws this month's sample now, rather than wait for the job. */
    async drawNow(ctx: Context): Promise<void> {
      requireRole(ctx, 'admin')
      await draw(ctx, monthStart(londonDateOf(clock.now())))
    },

    async samples(ctx: Context): Promise<TelephoneSample[]> {
      requireRole(ctx, 'admin')
      return db.tenant(scopeOf(ctx), (sql) =>
        sql.query<TelephoneSample>(
          `SELECT t.id, to_char(t.month, 'YYYY-MM-DD') AS month, t.seed, t.population, t.drawn_at AS "drawnAt",
                  (SELECT count(*)::int FROM telephone_calls c WHERE c.sample_id = t.id) AS size,
                  (SELECT count(*)::int FROM telephone_calls c WHERE c.sample_id = t.id AND c.outcome IS NOT NULL) AS called
             FROM telephone_samples t ORDER BY t.month DESC`,
        ),
      )
    },

    async sample(ctx: Context, id: string): Promise<{ sample: TelephoneSample; calls: TelephoneCall[] }> {
      requireRole(ctx, 'admin')
      return db.tenant(scopeOf(ctx), async (sql) => {
        const sample = isUuid(id)
          ? await sql.maybeOne<TelephoneSample>(
              `SELECT t.id, to_char(t.month, 'YYYY-MM-DD') AS month, t.seed, t.population, t.drawn_at AS "drawnAt",
                      (SELECT count(*)::int FROM telephone_calls c WHERE c.sample_id = t.id) AS size,
                      (SELECT count(*)::int FROM telephone_calls c WHERE c.sample_id = t.id AND c.outcome IS NOT NULL) AS called
                 FROM telephone_samples t WHERE t.id = $1`,
              [id],
            )
          : undefined
        if (!sample) throw new NotFoundError('Telephone sample')
        const calls = await sql.query<TelephoneCall>(
          `SELECT t.id, t.position, a.id AS "applicationId", p.first_name || ' ' || p.last_name AS "personName",
                  p.email, g.name AS "agencyName", a.manager_email AS "managerEmail", c.id AS "courseId",
                  c.title AS "courseTitle", s.starts_at AS "startsAt", t.outcome, t.notes, t.called_at AS "calledAt"
             FROM telephone_calls t
             JOIN applications a ON a.id = t.application_id
             JOIN people p ON p.id = a.person_id
             JOIN agencies g ON g.id = a.agency_id
             JOIN sessions s ON s.id = a.session_id
             JOIN courses c ON c.id = s.course_id
            WHERE t.sample_id = $1 ORDER BY t.position`,
          [id],
        )
        return { sample, calls }
      })
    },

    /** Records a call's outcome and notes; calling again replaces them, and the audit keeps both. */
    async record(
      ctx: Context,
      sampleId: string,
      callId: string,
      input: { outcome: unknown; notes: string },
    ): Promise<void> {
      requireRole(ctx, 'admin')
      const known =
        isUuid(callId) &&
        isUuid(sampleId) &&
        (await db.tenant(scopeOf(ctx), (sql) =>
          sql.maybeOne('SELECT 1 FROM telephone_calls WHERE id = $1 AND sample_id = $2', [callId, sampleId]),
        ))
      if (!known) throw new NotFoundError('Call')
      const problems = []
      if (!callOutcomes.includes(input.outcome as CallOutcome))
        problems.push({ field: 'outcome', text: 'Select how the call went' })
      if (input.notes.length > 5000)
        problems.push({ field: 'notes', text: 'Notes must be 5,000 characters or fewer' })
      if (problems.length) throw new ValidationError(problems)
      const recorded = await db.tenant(scopeOf(ctx), async (sql) => {
        await sql.auditAs('telephone.record')
        return isUuid(callId) && isUuid(sampleId)
          ? await sql.maybeOne(
              `UPDATE telephone_calls SET outcome = $3, notes = $4, called_at = $5, called_by = $6
                WHERE id = $1 AND sample_id = $2 RETURNING id`,
              [callId, sampleId, input.outcome, input.notes || null, clock.now(), ctx.actor.userId],
            )
          : undefined
      })
      if (!recorded) throw new NotFoundError('Call')
    },
  }
}

export type TelephoneService = ReturnType<typeof createTelephoneService>
