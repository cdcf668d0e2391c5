import { hashPassword } from '#platform/auth/passwords.ts'
import type { Role } from '#platform/auth/roles.ts'
import { roles } from '#platform/auth/roles.ts'
import { ensureUser, grantRole } from '#platform/auth/users.ts'
import type { Database, Sql } from '#platform/db/database.ts'
import { seedDemoAudits } from './audits.ts'
import { seedDemoLearning } from './learning.ts'
import { DEMO_PASSWORD, demoAgencies, demoPartnerships } from './partnerships.ts'
import { seedDemoPathways } from './pathways.ts'
import { seedDemoQuality } from './quality.ts'
import { seedDemoReviews } from './reviews.ts'

/**
 * One person per demo role: the user's name and their directory record's name are the same. Agency
 * positions index demoAgencies(): 0 the council's children's services, 3 the integrated care board,
 * 4 the community health trust, 10 Home-Start (which the demo agency lead leads).
 */
const demoPeople: Record<Role, { firstName: string; lastName: string; jobTitle: string; agency: number }> = {
  admin: { firstName: 'Wendy', lastName: 'Workforce', jobTitle: 'Workforce Development Officer', agency: 0 },
  subgroup: { firstName: 'Sam', lastName: 'Subgroup', jobTitle: 'Designated Nurse, Safeguarding', agency: 3 },
  executive: {
    firstName: 'Eve',
    lastName: 'Executive',
    jobTitle: 'Director of Children’s Services',
    agency: 0,
  },
  'agency-lead': { firstName: 'Lee', lastName: 'Lead', jobTitle: 'Agency Safeguarding Lead', agency: 10 },
  trainer: { firstName: 'Tara', lastName: 'Trainer', jobTitle: 'Safeguarding Trainer', agency: 4 },
  practitioner: { firstName: 'Pat', lastName: 'Practitioner', jobTitle: 'Early help worker', agency: 10 },
  registrant: { firstName: 'New', lastName: 'Practitioner', jobTitle: 'Family support worker', agency: 10 },
}

/** The display name of a demo user, the same as their directory record's first and last names. */
export function demoPersonName(role: Role): string {
  return `${demoPeople[role].firstName} ${demoPeople[role].lastName}`
}

const monthWords = [
  'One',
  'Two',
  'Three',
  'Four',
  'Five',
  'Six',
  'Seven',
  'Eight',
  'Nine',
  'Ten',
  'Eleven',
  'Twelve',
]

/** The title of the follow-up questionnaire, from the policy's follow-up delay: "Four months on". */
function followUpTitle(months: number): string {
  const word = monthWords[months - 1] ?? String(months)
  return `${word} ${months === 1 ? 'month' : 'months'} on`
}

/** The policy of a demo partnership takes effect from the start of the financial year 2024-25. */
const DEMO_POLICY_FROM = '2024-04-01'

/**
 * Loads the five demo partnerships, their policies, agencies and one user per role
 * ({role}@{slug}.example.org), and a case-review register. Safe to run again: a partnership
 * already there is left as it is, but for a register it does not yet have.
 */
export async function seedDemo(db: Database): Promise<{ created: string[] }> {
  const created: string[] = []
  // Hashing is deliberately slow: only when there is a partnership to create.
  let passwordHash: string | undefined
  for (const demo of demoPartnerships) {
    const partnership = await db.platform(async (sql) => {
      const existing = await sql.maybeOne<{ id: string }>('SELECT id FROM partnerships WHERE slug = $1', [
        demo.slug,
      ])
      if (existing) return null
      return sql.one<{ id: string; slug: string; name: string }>(
        'INSERT INTO partnerships (slug, name, demo) VALUES ($1, $2, true) RETURNING id, slug, name',
        [demo.slug, demo.name],
      )
    })
    if (!partnership) continue
    created.push(demo.slug)

    const agencyIds = await db.tenant(
      { partnershipId: partnership.id, userId: null, actor: 'demo-seed' },
      async (sql) => {
        await sql.auditAs('demo.seed')
        await sql.query(
          'INSERT INTO policies (partnership_id, effective_from, rules, reason) VALUES ($1, $2, $3, $4)',
          [
            partnership.id,
            DEMO_POLICY_FROM,
            JSON.stringify(demo.policy),
            'The rules of the partnership’s learning and development strategy',
          ],
        )
        const ids: string[] = []
        for (const agency of demoAgencies(demo.place)) {
          const row = await sql.one<{ id: string }>(
            `INSERT INTO agencies (partnership_id, name, category, safer_programme_member, sector, workforce)
           VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
            [
              partnership.id,
              agency.name,
              agency.category,
              agency.saferProgrammeMember ?? false,
              agency.sector,
              agency.workforce,
            ],
          )
          ids.push(row.id)
        }
        return ids
      },
    )

    passwordHash ??= await hashPassword(DEMO_PASSWORD)
    let practitionerId: string | undefined
    // Each demo user's directory record and agency, by role, for the demo programme's places.
    const records: Partial<Record<Role, DemoRecord>> = {}
    for (const role of roles) {
      const person = demoPeople[role]
      const email = `${role}@${demo.slug}.example.org`
      const user = await ensureUser(db, { email, displayName: demoPersonName(role), passwordHash })
      // Demo accounts, with their known password, are not made to set up a second factor, so a
      // demonstration signs in with the password alone (production refuses demo data).
      await db.anonymous({ actor: 'demo-seed' }, (sql) =>
        sql.query('UPDATE users SET demo_account = true WHERE id = $1 AND NOT demo_account', [user.id]),
      )
      if (role === 'practitioner') practitionerId = user.id
      // The demo agency lead leads the first voluntary agency and the nursery.
      const led =
        role === 'agency-lead' ? [agencyIds[10], agencyIds[8]].filter((id): id is string => Boolean(id)) : []
      await grantRole(db, {
        partnershipId: partnership.id,
        userId: user.id,
        role,
        agencyIds: led,
        actor: 'demo-seed',
      })
      // Every demo user has a directory record. The practitioner works at an agency the demo lead
      // leads, so both can book their places; the registrant waits for the lead to confirm them.
      const row = await db.tenant(
        { partnershipId: partnership.id, userId: null, actor: 'demo-seed' },
        (sql) =>
          sql.one<DemoRecord>(
            `INSERT INTO people (partnership_id, first_name, last_name, email, agency_id, role, status, user_id, registered_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, CASE WHEN $7 = 'pending' THEN cascade_now() END)
           RETURNING id AS "personId", agency_id AS "agencyId", email`,
            [
              partnership.id,
              person.firstName,
              person.lastName,
              email,
              agencyIds[person.agency] ?? null,
              person.jobTitle,
              role === 'registrant' ? 'pending' : 'active',
              user.id,
            ],
          ),
      )
      records[role] = row
    }
    await seedDemoProgramme(db, partnership.id, demo.policy.followUpDelayMonths, records)
    if (practitionerId) await seedDemoNeed(db, partnership.id, practitionerId)
  }
  // The case-review register, the learning library, the training standards and the audit templates go to every demo partnership, including one loaded before they existed.
  for (const [n, demo] of demoPartnerships.entries()) {
    const partnership = await db.platform((sql) =>
      sql.maybeOne<{ id: string }>('SELECT id FROM partnerships WHERE slug = $1 AND demo', [demo.slug]),
    )
    if (partnership) {
      await seedDemoReviews(db, partnership.id, demo)
      await seedDemoLearning(db, partnership.id, demo)
      await seedDemoQuality(db, partnership.id)
      await seedDemoAudits(db, partnership.id, n === 0)
    }
  }
  const loaded = await db.platform((sql) =>
    sql.query<{ id: string; slug: string }>('SELECT id, slug FROM partnerships WHERE demo'),
  )
  await seedDemoPathways(db, loaded)
  return { created }
}

export type DemoRecord = { personId: string; agencyId: string; email: string }

/**
 * One published course with two upcoming sessions, so the public catalogue has something to show,
 * and one that took place yesterday, whose register the demo trainer has still to take: the
 * demo practitioner, the agency lead and the sub-group member had places on it. The demo trainer
 * is approved for the course and delivers all three.
 */
async function seedDemoProgramme(
  db: Database,
  partnershipId: string,
  followUpDelayMonths: number,
  records: Partial<Record<Role, DemoRecord>>,
): Promise<void> {
  const trainer = records.trainer
  await db.tenant({ partnershipId, userId: null, actor: 'demo-seed' }, async (sql) => {
    const plan = await seedDemoQuestionnaires(sql, partnershipId, followUpDelayMonths)
    const course = await sql.one<{ id: string }>(
      `INSERT INTO courses (partnership_id, title, summary, objectives, delivery_method, duration_minutes, evaluation_plan, status)
       VALUES ($1, 'Working together to safeguard children and adults',
               'How agencies share information and act together when someone is at risk.',
               '["Share information with other agencies lawfully and in time", "Make a referral that says what was seen and why it matters"]',
               'multi_agency_training', 180, $2, 'published') RETURNING id`,
      [partnershipId, JSON.stringify({ ...plan, impact: 'Confidence at follow-up against at booking' })],
    )
    if (trainer) {
      await sql.query(
        `INSERT INTO trainer_approvals (partnership_id, person_id, course_id, trained_on, cpd_completed_on)
         VALUES ($1, $2, $3, (cascade_now() - interval '2 months')::date, (cascade_now() - interval '2 months')::date)`,
        [partnershipId, trainer.personId, course.id],
      )
    }
    for (const days of [70, 98]) await seedDemoSession(sql, partnershipId, course.id, days, trainer)

    const yesterday = await seedDemoSession(sql, partnershipId, course.id, -1, trainer)
    const lead = records['agency-lead']
    const attendees = [records.practitioner, lead, records.subgroup].filter(
      (r): r is DemoRecord => r !== undefined,
    )
    // The practitioner's line manager is the demo agency lead, who leads their agency.
    await sql.query(
      `INSERT INTO applications (partnership_id, session_id, person_id, agency_id, manager_email, status, reason,
                                 applied_at, confirmed_at)
       SELECT $1, s.id, a.person_id, a.agency_id, a.manager_email, 'confirmed', 'place ' || a.n || ' of 24',
              s.starts_at - interval '8 weeks', s.starts_at - interval '6 weeks'
         FROM sessions s,
              unnest($3::uuid[], $4::uuid[], $5::text[]) WITH ORDINALITY AS a(person_id, agency_id, manager_email, n)
        WHERE s.id = $2`,
      [
        partnershipId,
        yesterday,
        attendees.map((r) => r.personId),
        attendees.map((r) => r.agencyId),
        attendees.map((r) => (r === records.practitioner && lead ? lead.email : 'line.manager@example.org')),
      ],
    )
  })
}

/**
 * A one-part morning session of a demo course (9:30am to 12:30pm, London time) `days` from today,
 * with the demo trainer delivering it: open for applications if it is to come; if it has passed,
 * its places were allocated six weeks before, as shortlisting at Norfolk's lead time does, and
 * (when said) it was delivered.
 */
export async function seedDemoSession(
  sql: Sql,
  partnershipId: string,
  courseId: string,
  days: number,
  trainer: DemoRecord | undefined,
  past: 'shortlisted' | 'delivered' = 'shortlisted',
): Promise<string> {
  const session = await sql.one<{ id: string }>(
    `WITH day AS (SELECT (cascade_now() AT TIME ZONE 'Europe/London')::date + $3::int AS d),
     s AS (
       INSERT INTO sessions (partnership_id, course_id, format, venue, capacity, status, shortlisted_at, starts_at, ends_at)
       SELECT $1, $2, 'in_person', '{"name": "Partnership training room", "address": "To be confirmed"}', 24,
              CASE WHEN $3 < 0 THEN $4 ELSE 'open' END,
              CASE WHEN $3 < 0 THEN (d + time '09:30') AT TIME ZONE 'Europe/London' - interval '6 weeks' END,
              (d + time '09:30') AT TIME ZONE 'Europe/London', (d + time '12:30') AT TIME ZONE 'Europe/London'
         FROM day
       RETURNING partnership_id, id, starts_at, ends_at)
     INSERT INTO session_parts (partnership_id, session_id, starts_at, ends_at) SELECT * FROM s
     RETURNING session_id AS id`,
    [partnershipId, courseId, days, past],
  )
  if (trainer) {
    await sql.query(
      'INSERT INTO session_trainers (partnership_id, session_id, person_id) VALUES ($1, $2, $3)',
      [partnershipId, session.id, trainer.personId],
    )
  }
  return session.id
}

/** One training need the demo practitioner has asked for, waiting for the sub-group's proposal. */
async function seedDemoNeed(db: Database, partnershipId: string, practitionerId: string): Promise<void> {
  await db.tenant({ partnershipId, userId: null, actor: 'demo-seed' }, async (sql) => {
    const need = await sql.one<{ id: string }>(
      `INSERT INTO needs (partnership_id, requested_by, identified_by, practice_change, target_audience,
                          effectiveness_measure, preferred_methods)
       VALUES ($1, $2, 'case_review',
               'Practitioners recognise cumulative neglect early and escalate it with the partnership''s neglect toolkit',
               'Health visitors, school staff and early help workers',
               'A multi-agency case-file audit of neglect referrals six months after the learning',
               '{multi_agency_training,briefing}') RETURNING id`,
      [partnershipId, practitionerId],
    )
    await sql.query(
      `INSERT INTO need_transitions (partnership_id, need_id, to_status, by_user) VALUES ($1, $2, 'requested', $3)`,
      [partnershipId, need.id, practitionerId],
    )
  })
}

/** True when the database holds demo partnerships, whose passwords are published. */
export async function hasDemoData(db: Database): Promise<boolean> {
  const row = await db.platform((sql) => sql.maybeOne('SELECT 1 FROM partnerships WHERE demo LIMIT 1'))
  return Boolean(row)
}

/** The three questionnaires of a course's evaluation plan, published, as North Somerset asks them. */
async function seedDemoQuestionnaires(sql: Sql, partnershipId: string, followUpDelayMonths: number) {
  const confidence = {
    id: 'confidence',
    kind: 'confidence',
    prompt: 'How confident do you feel about each of the course’s objectives?',
    perObjective: true,
    required: true,
  }
  const forms = {
    atBooking: { title: 'Confidence when applying', questions: [confidence] },
    afterCourse: {
      title: 'After the course',
      questions: [
        confidence,
        { id: 'useful', kind: 'agreement', prompt: 'The course was relevant to my work', required: true },
        {
          id: 'plan',
          kind: 'action_plan',
          prompt: 'What will you do differently, and by when?',
          required: true,
        },
        {
          id: 'comments',
          kind: 'free_text',
          prompt: 'Anything else you would like to tell us?',
          required: false,
        },
      ],
    },
    followUp: {
      title: followUpTitle(followUpDelayMonths),
      questions: [
        confidence,
        { id: 'changed', kind: 'agreement', prompt: 'The course has changed how I work', required: true },
        {
          id: 'example',
          kind: 'free_text',
          prompt: 'Tell us about a time you used what you learned',
          required: false,
        },
      ],
    },
  }
  const ids: Record<string, string> = {}
  for (const [stage, form] of Object.entries(forms)) {
    const row = await sql.one<{ id: string }>(
      `WITH q AS (INSERT INTO questionnaires (partnership_id, title, questions) VALUES ($1, $2, $3) RETURNING id)
       INSERT INTO questionnaire_versions (partnership_id, questionnaire_id, version, questions)
       SELECT $1, q.id, 1, $3 FROM q RETURNING questionnaire_id AS id`,
      [partnershipId, form.title, JSON.stringify(form.questions)],
    )
    ids[stage] = row.id
  }
  return ids
}
