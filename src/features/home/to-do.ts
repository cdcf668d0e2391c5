import { sessionsClosedUnallocated } from '#features/booking/shortlisting-queries.ts'
import { LAPSING_LISTED_DAYS, lapsingWithin } from '#features/quality/cpd/rules.ts'
import { standingOn } from '#features/trainers/rules.ts'
import type { Role } from '#platform/auth/roles.ts'
import { londonDateOf, londonDateText } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import { scopeOf } from '#platform/context.ts'
import type { Sql } from '#platform/db/database.ts'
import type { Services } from '#src/services.ts'

/**
 * A session a to-do item names, linked to the page where its work is done; `text`, when given,
 * is what the line says instead of the course and date.
 */
export type ToDoSession = { id: string; courseTitle: string; startsAt: Date; href: string; text?: string }

/**
 * One thing waiting for someone, with how many. `href` is the page where all of them are done,
 * when one page lists them; otherwise `sessions` names the first few, each with its own page.
 */
export type ToDoItem = {
  id: string
  count: number
  text: string
  href?: string
  sessions?: ToDoSession[]
}

/** How many sessions an item names on the home page: the rest are counted, not listed. */
export const SESSIONS_NAMED = 5
const WEEK = 7 * 86_400_000

type Counted<T> = { rows: T[]; total: number }
type SessionRow = { id: string; courseTitle: string; startsAt: Date; total: number }

/**
 * Sessions that have started (or ended) with a confirmed place lacking a mark for a part that
 * has begun: registers still to take. Only the sessions a trainer delivers, when `trainerUserId`
 * is given. One statement: the first few, each carrying how many there are in all.
 */
export async function registersToTake(
  sql: Sql,
  now: Date,
  trainerUserId: string | null,
): Promise<Counted<Omit<SessionRow, 'total'>>> {
  const rows = await sql.query<SessionRow>(
    `SELECT s.id, c.title AS "courseTitle", s.starts_at AS "startsAt", (count(*) OVER ())::int AS total
       FROM sessions s JOIN courses c ON c.id = s.course_id
      WHERE s.status <> 'cancelled' AND s.starts_at <= $1
        AND ($2::uuid IS NULL OR EXISTS (
              SELECT 1 FROM session_trainers t JOIN people p ON p.id = t.person_id
               WHERE t.session_id = s.id AND p.user_id = $2))
        AND EXISTS (
              SELECT 1 FROM applications a
                JOIN (SELECT row_number() OVER (ORDER BY sp.starts_at)::int AS part, sp.starts_at
                        FROM session_parts sp WHERE sp.session_id = s.id) parts ON parts.starts_at <= $1
               WHERE a.session_id = s.id AND a.status = 'confirmed'
                 AND NOT EXISTS (SELECT 1 FROM attendance m WHERE m.application_id = a.id AND m.part = parts.part))
      ORDER BY s.starts_at DESC, s.id LIMIT $3`,
    [now, trainerUserId, SESSIONS_NAMED],
  )
  return counted(rows)
}

/** Open complaints, waiting for a response. */
export async function openComplaints(sql: Sql): Promise<number> {
  const row = await sql.one<{ n: number }>(`SELECT count(*)::int AS n FROM complaints WHERE status = 'open'`)
  return row.n
}

/**
 * Applications of a lead's agencies held for their approval (after repeated no-shows), soonest
 * session first: the first few, each carrying how many there are in all.
 */
export async function applicationsAwaitingApproval(
  sql: Sql,
  agencyIds: readonly string[],
): Promise<Counted<{ id: string; name: string; courseTitle: string; startsAt: Date }>> {
  const rows = await sql.query<{
    id: string
    name: string
    courseTitle: string
    startsAt: Date
    total: number
  }>(
    `SELECT a.id, p.first_name || ' ' || p.last_name AS name, c.title AS "courseTitle", s.starts_at AS "startsAt",
            (count(*) OVER ())::int AS total
       FROM applications a JOIN people p ON p.id = a.person_id
       JOIN sessions s ON s.id = a.session_id JOIN courses c ON c.id = s.course_id
      WHERE a.agency_id = ANY($1::uuid[]) AND a.approval_needed_at IS NOT NULL AND a.approved_at IS NULL
        AND a.status NOT IN ('cancelled', 'withdrawn')
      ORDER BY s.starts_at, a.id LIMIT $2`,
    [agencyIds, SESSIONS_NAMED],
  )
  return counted(rows)
}

function counted<T extends { total: number }>(rows: T[]): Counted<Omit<T, 'total'>> {
  return { rows: rows.map(({ total: _, ...row }) => row), total: rows[0]?.total ?? 0 }
}

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`

const linked = (sessions: readonly Omit<ToDoSession, 'href'>[], href: (id: string) => string) =>
  sessions
    .slice(0, SESSIONS_NAMED)
    .map((s) => ({ id: s.id, courseTitle: s.courseTitle, startsAt: s.startsAt, href: href(s.id) }))

/** Keeps the items with something waiting, in the order given. */
const waiting = (items: ToDoItem[]) => items.filter((item) => item.count > 0)

const has = (ctx: Context, role: Role) => ctx.actor.roles.includes(role)

/** Rapid reviews still waiting for the decision the statutory 15 working days ask for. */
const rapidReviewsItem = (count: number): ToDoItem => ({
  id: 'rapid-reviews',
  count,
  text: plural(
    count,
    'rapid review past its 15 working days without a decision',
    'rapid reviews past their 15 working days without a decision',
  ),
  href: '/reviews?type=rapid_review&status=notified',
})

/** Agencies that have recorded nothing for learning sent to them, after a reminder and a second period. */
const disseminationOverdueItem = (count: number): ToDoItem => ({
  id: 'dissemination-overdue',
  count,
  text: plural(
    count,
    'agency has not answered learning sent to it',
    'agencies have not answered learning sent to them',
  ),
  href: '/learning/dissemination/overdue',
})

/**
 * What waits for the signed-in person, by role: each count read once, the reads of a role sent
 * together, and everything through the features' own services where they have one. Only the
 * items with something waiting are returned.
 */
export function createToDo(
  services: Pick<
    Services,
    | 'db'
    | 'clock'
    | 'policy'
    | 'booking'
    | 'contracts'
    | 'trainers'
    | 'registrations'
    | 'needs'
    | 'actions'
    | 'reviews'
    | 'learning'
    | 'dissemination'
    | 'knowledgeAudits'
    | 'qaRounds'
    | 'auditCycles'
    | 'trainerCpd'
    | 'caseAudits'
    | 'evidence'
  >,
) {
  const { db, clock } = services

  async function forAdmin(ctx: Context): Promise<ToDoItem[]> {
    const now = clock.now()
    const today = londonDateOf(now)
    const { shortlistingLeadWeeks } = await services.policy.rulesOn(ctx, today)
    const closedBy = new Date(now.getTime() + shortlistingLeadWeeks * WEEK)
    const [
      own,
      toConfirm,
      belowMinimum,
      contracts,
      pool,
      registrations,
      lateReviews,
      learning,
      knowledgeAudit,
    ] = await Promise.all([
      db.read(scopeOf(ctx), (sql) =>
        Promise.all([
          sessionsClosedUnallocated(sql, now, closedBy),
          registersToTake(sql, now, null),
          openComplaints(sql),
        ]),
      ),
      services.booking.proposalsToConfirm(ctx),
      services.booking.belowMinimum(ctx),
      services.contracts.dueForReview(ctx),
      services.trainers.pool(ctx),
      services.registrations.pending(ctx),
      services.reviews.overdueRapidReviews(ctx),
      services.dissemination.waiting(ctx),
      services.knowledgeAudits.due(ctx),
    ])
    const [unallocated, registers, complaints] = own
    // Approvals lapsing in the next 60 days, soonest first, each named with its trainer's record;
    // those already lapsed (and not withdrawn) are counted apart.
    const lapsing = pool
      .filter((approval) => lapsingWithin(approval, today, LAPSING_LISTED_DAYS))
      .sort((a, b) => (a.expiresOn < b.expiresOn ? -1 : a.expiresOn > b.expiresOn ? 1 : 0))
    const lapsed = pool.filter((a) => {
      const standing = standingOn(a, today)
      return !standing.approved && standing.reason === 'expired'
    })
    // Proposals first: the admin confirms those; sessions not yet proposed go to the same page.
    const toAllocate = [...toConfirm, ...unallocated]
    return waiting([
      {
        id: 'allocate',
        count: toAllocate.length,
        text: plural(
          toAllocate.length,
          'session with places to allocate',
          'sessions with places to allocate',
        ),
        sessions: linked(toAllocate, (id) => `/sessions/${id}/places`),
      },
      {
        id: 'registers',
        count: registers.total,
        text: plural(registers.total, 'register to take', 'registers to take'),
        sessions: linked(registers.rows, (id) => `/sessions/${id}/register`),
      },
      {
        id: 'below-minimum',
        count: belowMinimum.length,
        text: plural(
          belowMinimum.length,
          'session below its minimum places',
          'sessions below their minimum places',
        ),
        sessions: linked(belowMinimum, (id) => `/sessions/${id}`),
      },
      {
        id: 'cpd',
        count: lapsing.length,
        text: plural(
          lapsing.length,
          `trainer approval lapsing in the next ${LAPSING_LISTED_DAYS} days`,
          `trainer approvals lapsing in the next ${LAPSING_LISTED_DAYS} days`,
        ),
        href: '/trainers?due=cpd',
        sessions: lapsing.slice(0, SESSIONS_NAMED).map((a) => ({
          id: a.id,
          courseTitle: a.courseTitle,
          startsAt: new Date(`${a.expiresOn}T12:00:00Z`),
          href: `/trainers/people/${a.personId}`,
          text: `${a.name}: ${a.courseTitle}, lapses on ${londonDateText(new Date(`${a.expiresOn}T12:00:00Z`))}`,
        })),
      },
      {
        id: 'cpd-lapsed',
        count: lapsed.length,
        text: plural(
          lapsed.length,
          'trainer approval lapsed without a CPD questionnaire',
          'trainer approvals lapsed without a CPD questionnaire',
        ),
        href: '/trainers?due=cpd',
      },
      {
        id: 'contracts',
        count: contracts.length,
        text: plural(contracts.length, 'contract due for review', 'contracts due for review'),
        href: '/contracts',
      },
      {
        id: 'complaints',
        count: complaints,
        text: plural(complaints, 'complaint open', 'complaints open'),
        href: '/complaints',
      },
      {
        id: 'registrations',
        count: registrations.length,
        text: plural(registrations.length, 'registration to confirm', 'registrations to confirm'),
        href: '/registrations',
      },
      rapidReviewsItem(lateReviews.length),
      disseminationOverdueItem(learning.overdue),
      // Every six months (the policy's interval) since the last knowledge audit was sent.
      {
        id: 'knowledge-audit',
        count: knowledgeAudit.due ? 1 : 0,
        text: 'A knowledge audit is due',
        href: '/knowledge-audits',
      },
    ])
  }

  async function forTrainer(ctx: Context): Promise<ToDoItem[]> {
    const [registers, cpd] = await Promise.all([
      db.read(scopeOf(ctx), (sql) => registersToTake(sql, clock.now(), ctx.actor.userId)),
      services.trainerCpd.ownDue(ctx),
    ])
    return waiting([
      {
        id: 'own-cpd',
        count: cpd ? 1 : 0,
        text:
          cpd?.cpd === 'lapsed'
            ? 'Your trainer approval has lapsed: return your annual CPD questionnaire'
            : `Your annual CPD questionnaire is due${cpd?.lapsesOn ? ` by ${londonDateText(new Date(`${cpd.lapsesOn}T12:00:00Z`))}` : ''}`,
        href: '/trainers/cpd',
      },
      {
        id: 'registers',
        count: registers.total,
        text: plural(registers.total, 'register to take', 'registers to take'),
        sessions: linked(registers.rows, (id) => `/sessions/${id}/register`),
      },
    ])
  }

  /** The sub-group proposes how to meet requested needs; the executive decides on proposals. */
  async function forPlanners(ctx: Context): Promise<ToDoItem[]> {
    const page = { page: 1, pageSize: 1 }
    const [requested, proposed, lateReviews, learning] = await Promise.all([
      has(ctx, 'subgroup') ? services.needs.list(ctx, { ...page, status: 'requested' }) : { total: 0 },
      has(ctx, 'executive') ? services.needs.list(ctx, { ...page, status: 'proposed' }) : { total: 0 },
      has(ctx, 'subgroup') ? services.reviews.overdueRapidReviews(ctx) : [],
      has(ctx, 'subgroup') ? services.dissemination.waiting(ctx) : { overdue: 0 },
    ])
    return waiting([
      {
        id: 'needs-to-propose',
        count: requested.total,
        text: plural(requested.total, 'training need to propose on', 'training needs to propose on'),
        href: '/needs?status=requested',
      },
      {
        id: 'needs-to-decide',
        count: proposed.total,
        text: plural(proposed.total, 'proposal to endorse or decline', 'proposals to endorse or decline'),
        href: '/needs?status=proposed',
      },
      rapidReviewsItem(lateReviews.length),
      disseminationOverdueItem(learning.overdue),
    ])
  }

  async function forAgencyLead(ctx: Context): Promise<ToDoItem[]> {
    const [registrations, held, learning, escalations] = await Promise.all([
      services.registrations.pending(ctx),
      db.read(scopeOf(ctx), (sql) => applicationsAwaitingApproval(sql, ctx.actor.agencyIds)),
      services.dissemination.waiting(ctx),
      services.caseAudits.awaitingAcknowledgement(ctx),
    ])
    return waiting([
      {
        id: 'registrations',
        count: registrations.length,
        text: plural(registrations.length, 'registration to confirm', 'registrations to confirm'),
        href: '/registrations',
      },
      {
        id: 'approvals',
        count: held.total,
        text: plural(
          held.total,
          'application waiting for your approval',
          'applications waiting for your approval',
        ),
        sessions: held.rows.map((a) => ({
          id: a.id,
          courseTitle: `${a.name}: ${a.courseTitle}`,
          startsAt: a.startsAt,
          href: `/bookings/${a.id}`,
        })),
      },
      {
        id: 'learning-to-pass-on',
        count: learning.toPassOn,
        text: plural(
          learning.toPassOn,
          'learning product sent to your agencies waiting for an answer',
          'learning products sent to your agencies waiting for an answer',
        ),
        href: '/learning/to-pass-on',
      },
      {
        // A case audit's case carrying current risk: the agency's acknowledgement is awaited.
        id: 'case-audit-escalations',
        count: escalations.length,
        text: plural(
          escalations.length,
          'case audit escalation of current risk to acknowledge',
          'case audit escalations of current risk to acknowledge',
        ),
        href:
          escalations.length === 1 && escalations[0]
            ? `/audits/case-audits/${escalations[0].caseAuditId}/escalations/${escalations[0].escalationId}`
            : '/audits/case-audits',
      },
    ])
  }

  /**
   * Actions the person owns that are overdue, and for an agency lead those others own for their
   * agencies; completed actions for the sub-group to verify.
   */
  async function forActions(ctx: Context): Promise<ToDoItem[]> {
    // A registrant holds none of the roles that may own an action.
    if (!ctx.actor.roles.length) return []
    const { overdueOwned, overdueOfAgencies, toVerify } = await services.actions.waiting(ctx)
    return waiting([
      {
        id: 'actions-overdue',
        count: overdueOwned,
        text: plural(overdueOwned, 'action you own is overdue', 'actions you own are overdue'),
        href: '/actions/ours',
      },
      {
        id: 'actions-agencies-overdue',
        count: overdueOfAgencies,
        text: plural(
          overdueOfAgencies,
          'action your agencies own is overdue',
          'actions your agencies own are overdue',
        ),
        href: '/actions/ours',
      },
      {
        id: 'actions-to-verify',
        count: toVerify,
        text: plural(toVerify, 'completed action to verify', 'completed actions to verify'),
        href: '/actions?status=completed',
      },
    ])
  }

  /** For those who write learning products: published ones whose review-by date has come. */
  async function forLearning(ctx: Context): Promise<ToDoItem[]> {
    const due = await services.learning.dueForReview(ctx)
    return waiting([
      {
        id: 'products-to-review',
        count: due,
        text: plural(due, 'learning product due for review', 'learning products due for review'),
        href: '/learning/products?due=review',
      },
    ])
  }

  /** Self-assessments: a lead's agencies' returns still to submit; submitted returns for reviewers. */
  async function forSelfAssessments(ctx: Context): Promise<ToDoItem[]> {
    const { toComplete, toReview } = await services.qaRounds.waiting(ctx)
    return waiting([
      {
        id: 'self-assessments-to-complete',
        count: toComplete,
        text: plural(
          toComplete,
          'self-assessment of your agency’s training to submit',
          'self-assessments of your agencies’ training to submit',
        ),
        href: '/quality/returns',
      },
      {
        id: 'self-assessments-to-review',
        count: toReview,
        text: plural(toReview, 'self-assessment to review', 'self-assessments to review'),
        href: '/quality/rounds',
      },
    ])
  }

  /** Safeguarding audits: an agency lead's agencies' returns still to submit in open cycles. */
  async function forAudits(ctx: Context): Promise<ToDoItem[]> {
    if (!has(ctx, 'agency-lead')) return []
    const toSubmit = await services.auditCycles.toSubmit(ctx)
    return waiting([
      {
        id: 'audit-returns-to-submit',
        count: toSubmit,
        text: plural(
          toSubmit,
          'safeguarding self-assessment of your agency to submit',
          'safeguarding self-assessments of your agencies to submit',
        ),
        href: '/audits',
      },
    ])
  }

  /** Learning from elsewhere waiting for a lead (or an admin) to verify it. */
  async function forEvidence(ctx: Context): Promise<ToDoItem[]> {
    const count = await services.evidence.awaitingCount(ctx)
    return waiting([
      {
        id: 'evidence-to-verify',
        count,
        text: plural(count, 'piece of learning evidence to verify', 'pieces of learning evidence to verify'),
        href: '/evidence',
      },
    ])
  }

  return {
    /**
     * Everything waiting for the actor. An admin's list covers every session and agency, so
     * the narrower lists of their other roles would only repeat it.
     */
    async forActor(ctx: Context): Promise<ToDoItem[]> {
      if (has(ctx, 'admin'))
        return (
          await Promise.all([
            forAdmin(ctx),
            forLearning(ctx),
            forActions(ctx),
            forSelfAssessments(ctx),
            forEvidence(ctx),
          ])
        ).flat()
      const lists = await Promise.all([
        has(ctx, 'trainer') ? forTrainer(ctx) : [],
        has(ctx, 'subgroup') || has(ctx, 'executive') ? forPlanners(ctx) : [],
        has(ctx, 'agency-lead') ? forAgencyLead(ctx) : [],
        has(ctx, 'subgroup') ? forLearning(ctx) : [],
        forActions(ctx),
        forSelfAssessments(ctx),
        forAudits(ctx),
        has(ctx, 'agency-lead') ? forEvidence(ctx) : [],
      ])
      return lists.flat()
    },

    /** The signed-in person's next confirmed place, if they have one to come. */
    async nextPlace(ctx: Context) {
      const now = clock.now()
      const places = await services.booking.mine(ctx, 'confirmed')
      // Latest first: the last one still to start is the next.
      return places.filter((p) => p.startsAt > now).at(-1) ?? null
    },
  }
}

export type ToDo = ReturnType<typeof createToDo>
