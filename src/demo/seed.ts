import { hashPassword } from '#platform/auth/passwords.ts'
import type { Role } from '#platform/auth/roles.ts'
import { roles } from '#platform/auth/roles.ts'
import { ensureUser, grantRole } from '#platform/auth/users.ts'
import type { Database, Sql } from '#platform/db/database.ts'
import { DEMO_PASSWORD, demoAgencies, demoPartnerships } from './partnerships.ts'

const roleLabels: Record<Role, string> = {
  admin: 'Workforce Development Officer',
  subgroup: 'Sub-group Member',
  executive: 'Executive Lead',
  'agency-lead': 'Agency Safeguarding Lead',
  trainer: 'Pool Trainer',
  practitioner: 'Practitioner',
  registrant: 'New Practitioner',
}

/** The policy of a demo partnership takes effect from the start of the financial year 2024-25. */
const DEMO_POLICY_FROM = '2024-04-01'

/**
 * Loads the five demo partnerships, their policies, agencies and one user per role
 * ({role}@{slug}.example.org). Safe to run again: a partnership already there is left as it is.
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
    for (const role of roles) {
      const user = await ensureUser(db, {
        email: `${role}@${demo.slug}.example.org`,
        displayName: `${demo.place} ${roleLabels[role]}`,
        passwordHash,
      })
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
      // The demo practitioner works at an agency the demo lead leads, so both can book their places.
      if (role === 'practitioner' && agencyIds[10]) {
        await db.tenant({ partnershipId: partnership.id, userId: null, actor: 'demo-seed' }, (sql) =>
          sql.query(
            `INSERT INTO people (partnership_id, first_name, last_name, email, agency_id, role, status, user_id)
             VALUES ($1, 'Pat', 'Practitioner', $2, $3, 'Early help worker', 'active', $4)`,
            [partnership.id, `practitioner@${demo.slug}.example.org`, agencyIds[10], user.id],
          ),
        )
      }
      // The demo registrant waits for the demo agency lead to confirm them.
      if (role === 'registrant' && agencyIds[10]) {
        await db.tenant({ partnershipId: partnership.id, userId: null, actor: 'demo-seed' }, (sql) =>
          sql.query(
            `INSERT INTO people (partnership_id, first_name, last_name, email, agency_id, role, status, user_id, registered_at)
             VALUES ($1, 'New', 'Practitioner', $2, $3, 'Family support worker', 'pending', $4, cascade_now())`,
            [partnership.id, `registrant@${demo.slug}.example.org`, agencyIds[10], user.id],
          ),
        )
      }
    }
    await seedDemoProgramme(db, partnership.id)
    if (practitionerId) await seedDemoNeed(db, partnership.id, practitionerId)
  }
  return { created }
}

/** One published course with two upcoming sessions, so the public catalogue has something to show. */
async function seedDemoProgramme(db: Database, partnershipId: string): Promise<void> {
  await db.tenant({ partnershipId, userId: null, actor: 'demo-seed' }, async (sql) => {
    const plan = await seedDemoQuestionnaires(sql, partnershipId)
    const course = await sql.one<{ id: string }>(
      `INSERT INTO courses (partnership_id, title, summary, objectives, delivery_method, duration_minutes, evaluation_plan, status)
       VALUES ($1, 'Working together to safeguard children and adults',
               'How agencies share information and act together when someone is at risk.',
               '["Share information with other agencies lawfully and in time", "Make a referral that says what was seen and why it matters"]',
               'multi_agency_training', 180, $2, 'published') RETURNING id`,
      [partnershipId, JSON.stringify({ ...plan, impact: 'Confidence at follow-up against at booking' })],
    )
    for (const weeks of [10, 14]) {
      await sql.query(
        `WITH s AS (
           INSERT INTO sessions (partnership_id, course_id, format, venue, capacity, status, starts_at, ends_at)
           VALUES ($1, $2, 'in_person', '{"name": "Partnership training room", "address": "To be confirmed"}', 24, 'open',
                   date_trunc('day', cascade_now()) + ($3 || ' weeks')::interval + interval '9 hours 30 minutes',
                   date_trunc('day', cascade_now()) + ($3 || ' weeks')::interval + interval '12 hours 30 minutes')
           RETURNING partnership_id, id, starts_at, ends_at)
         INSERT INTO session_parts (partnership_id, session_id, starts_at, ends_at) SELECT * FROM s`,
        [partnershipId, course.id, String(weeks)],
      )
    }
  })
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
async function seedDemoQuestionnaires(sql: Sql, partnershipId: string) {
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
      title: 'Four months on',
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
