import type { PolicyService } from '#features/policy/service.ts'
import type { PartnershipRef } from '#platform/auth/identity.ts'
import type { Clock } from '#platform/clock.ts'
import { londonDateOf } from '#platform/clock.ts'
import { scopeOf, systemContext } from '#platform/context.ts'
import type { Database, Sql } from '#platform/db/database.ts'
import { enqueueEmails } from '#platform/mail/outbox.ts'
import { afterCourseEmail, followUpEmail, managerEmail } from './emails.ts'
import { linkExpiry, linkToken } from './links.ts'
import { stageForms } from './queries.ts'
import type { Stage, StageForm } from './stages.ts'
import { planKeys } from './stages.ts'

/** Only sessions this recent are evaluated, so turning a plan on never writes to years of attendees. */
const WINDOW = `interval '60 days'`

const attended = `EXISTS (SELECT 1 FROM attendance m WHERE m.application_id = a.id AND m.mark <> 'absent')`
const unanswered = (stage: Stage) =>
  `NOT EXISTS (SELECT 1 FROM evaluation_responses r WHERE r.application_id = a.id AND r.stage = '${stage}')`
const published = `EXISTS (SELECT 1 FROM questionnaire_versions v WHERE v.questionnaire_id = q.id)`

/**
 * Records an invitation to a stage for everyone the register shows whose moment for it (`due`,
 * an SQL instant over sessions s, with $3 onwards from `params`) came in the last 60 days, on
 * the questionnaire their course's plan names; gives the forms of those newly invited.
 */
async function invite(
  sql: Sql,
  partnershipId: string,
  now: Date,
  stage: 'after_course' | 'follow_up',
  due: string,
  params: unknown[] = [],
): Promise<StageForm[]> {
  const invited = await sql.query<{ id: string }>(
    `INSERT INTO evaluation_invitations (partnership_id, application_id, stage, questionnaire_id, sent_at)
     SELECT $1, a.id, '${stage}', q.id, $2
       FROM applications a
       JOIN sessions s ON s.id = a.session_id
       JOIN courses c ON c.id = s.course_id
       JOIN questionnaires q ON q.id::text = c.evaluation_plan ->> '${planKeys[stage]}'
      WHERE ${due} <= $2 AND ${due} > $2::timestamptz - ${WINDOW}
        AND ${published} AND ${attended} AND ${unanswered(stage)}
     ON CONFLICT (application_id, stage) DO NOTHING
     RETURNING application_id AS id`,
    [partnershipId, now, ...params],
  )
  return stageForms(
    sql,
    invited.map((i) => i.id),
    stage,
  )
}

export type CycleDeps = {
  db: Database
  clock: Clock
  policy: Pick<PolicyService, 'rulesOn'>
  publicUrl: string
  secret: string
  mailQueued?: () => void
}

/**
 * The evaluation's scheduled passes over a partnership: after-course invitations once a
 * session has ended, reminders 3 and 10 days on, the follow-up at the policy's delay, and the
 * line manager told when a follow-up is not returned in 3 weeks. Each finds what is due from
 * the data and records what it sent, so running one twice sends nothing twice.
 */
export function createEvaluationCycle(deps: CycleDeps) {
  const { db, clock } = deps

  const linkFor = (partnership: PartnershipRef, applicationId: string, stage: Stage, expires: Date) =>
    `${deps.publicUrl}/p/${partnership.slug}/evaluate/${linkToken(deps.secret, partnership.id, { applicationId, stage, expires })}`

  async function pass(
    partnership: PartnershipRef,
    label: string,
    work: (sql: Sql, now: Date) => Promise<number>,
  ): Promise<number> {
    const ctx = systemContext(partnership, `job:${label}`)
    const sent = await db.tenant(scopeOf(ctx), async (sql) => {
      await sql.auditAs(label)
      return work(sql, clock.now())
    })
    if (sent) deps.mailQueued?.()
    return sent
  }

  const rulesNow = (partnership: PartnershipRef) =>
    deps.policy.rulesOn(systemContext(partnership, 'job:evaluation'), londonDateOf(clock.now()))

  return {
    linkFor,

    /** Invites everyone the register shows at a session that has ended to the after-course questionnaire. */
    async inviteAfterCourse(partnership: PartnershipRef): Promise<number> {
      const { certificateRule } = await rulesNow(partnership)
      return pass(partnership, 'evaluation.invite', async (sql, now) => {
        const forms = await invite(sql, partnership.id, now, 'after_course', 's.ends_at')
        const expires = linkExpiry(now)
        await enqueueEmails(
          sql,
          partnership.id,
          forms.map((f) =>
            afterCourseEmail(
              f,
              linkFor(partnership, f.applicationId, 'after_course', expires),
              0,
              certificateRule === 'attendance_and_evaluation',
            ),
          ),
        )
        return forms.length
      })
    },

    /** Reminds those who have not answered after the course, 3 days and then 10 days after the invitation. */
    async remindAfterCourse(partnership: PartnershipRef): Promise<number> {
      const { certificateRule } = await rulesNow(partnership)
      return pass(partnership, 'evaluation.remind', async (sql, now) => {
        // A pass that comes late sends only the latest reminder due, not both at once.
        const due = await sql.query<{ id: string; reminder: number; sentAt: Date }>(
          `UPDATE evaluation_invitations i
              SET reminders_sent = CASE WHEN i.sent_at <= $1::timestamptz - interval '10 days' THEN 2 ELSE 1 END
             FROM applications a
            WHERE a.id = i.application_id AND i.stage = 'after_course'
              AND ((i.reminders_sent = 0 AND i.sent_at <= $1::timestamptz - interval '3 days')
                OR (i.reminders_sent = 1 AND i.sent_at <= $1::timestamptz - interval '10 days'))
              AND ${unanswered('after_course')}
           RETURNING i.application_id AS id, i.reminders_sent AS reminder, i.sent_at AS "sentAt"`,
          [now],
        )
        const byId = new Map(due.map((d) => [d.id, d]))
        const forms = await stageForms(sql, [...byId.keys()], 'after_course')
        await enqueueEmails(
          sql,
          partnership.id,
          forms.map((f) => {
            const invitation = byId.get(f.applicationId)
            // The reminder carries a link that ends when the first one does.
            const expires = linkExpiry(invitation?.sentAt ?? now)
            return afterCourseEmail(
              f,
              linkFor(partnership, f.applicationId, 'after_course', expires),
              invitation?.reminder ?? 1,
              certificateRule === 'attendance_and_evaluation',
            )
          }),
        )
        return forms.length
      })
    },

    /** Sends the follow-up questionnaire at the policy's delay after the session, with each person's action plan. */
    async inviteFollowUp(partnership: PartnershipRef): Promise<number> {
      const { followUpDelayMonths: months } = await rulesNow(partnership)
      return pass(partnership, 'evaluation.follow-up', async (sql, now) => {
        const forms = await invite(
          sql,
          partnership.id,
          now,
          'follow_up',
          's.ends_at + make_interval(months => $3)',
          [months],
        )
        const expires = linkExpiry(now)
        await enqueueEmails(
          sql,
          partnership.id,
          forms.map((f) =>
            followUpEmail(f, linkFor(partnership, f.applicationId, 'follow_up', expires), months),
          ),
        )
        return forms.length
      })
    },

    /** Tells line managers of follow-ups not returned within 3 weeks, once each. */
    async tellManagers(partnership: PartnershipRef): Promise<number> {
      return pass(partnership, 'evaluation.tell-manager', async (sql, now) => {
        const due = await sql.query<{ id: string; sentAt: Date }>(
          `UPDATE evaluation_invitations i SET manager_told_at = $1
             FROM applications a
            WHERE a.id = i.application_id AND i.stage = 'follow_up' AND i.manager_told_at IS NULL
              AND i.sent_at <= $1::timestamptz - interval '21 days' AND ${unanswered('follow_up')}
           RETURNING i.application_id AS id, i.sent_at AS "sentAt"`,
          [now],
        )
        const sentAt = new Map(due.map((d) => [d.id, d.sentAt]))
        const forms = await stageForms(sql, [...sentAt.keys()], 'follow_up')
        await enqueueEmails(
          sql,
          partnership.id,
          forms.map((f) => managerEmail(f, sentAt.get(f.applicationId) ?? now)),
        )
        return forms.length
      })
    },
  }
}

export type EvaluationCycle = ReturnType<typeof createEvaluationCycle>
