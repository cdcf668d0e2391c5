import { defaultPolicy } from '#features/policy/policy.ts'
import type { Database, Sql } from '#platform/db/database.ts'
import { pathwaySteps, refreshStandings } from './large-pathways.ts'
import { LARGE_REVIEWS, type ReviewSize, reviewSteps, reviewTables } from './large-reviews.ts'
import { type Step, seeded } from './seeded.ts'

/** The size of the large synthetic partnership: its busiest years, at full scale. */
export const LARGE: Size = {
  agencies: 800,
  people: 60_000,
  courses: 150,
  years: 5,
  sessionsPerYear: 1_500,
  applicationsPerSession: 40,
  // Of each session's 40 applications, the first 33 (and a 34th in every third session) hold
  // a place: 250,000 bookings of 300,000 applications.
  placesPerSession: 33,
  responses: { atBooking: 100_000, afterCourse: 70_000, followUp: 30_000 },
  reviews: LARGE_REVIEWS,
}

export type Size = {
  agencies: number
  people: number
  courses: number
  years: number
  sessionsPerYear: number
  applicationsPerSession: number
  placesPerSession: number
  responses: { atBooking: number; afterCourse: number; followUp: number }
  /** Case reviews over the same years, with their recommendations and actions. */
  reviews: ReviewSize
}

/**
 * A large, realistic partnership built in the database by set-based statements, so 1.5
 * million rows take seconds rather than hours: agencies across every category and sector,
 * practitioners with managers, five financial years of delivered sessions, applications,
 * registers, charges, certificates and evaluation answers. Every id and value comes from a
 * hash of the partnership, the seed and the row's number, so the same seed always builds the
 * same partnership.
 */
export function largeSteps(
  partnership: { id: string; slug: string },
  seed: number,
  today: string,
  size: Size = LARGE,
): Step[] {
  const key = `${partnership.slug}:${seed}`
  const { id, chance } = seeded(partnership, seed)
  const p = partnership.id
  // Each agency's first person (1 to the number of agencies) manages its staff. Of everyone
  // after them, one in three works for one of the eight largest agencies (the trusts, the
  // council, the police), as in a real partnership; the rest are spread evenly.
  const largest = Math.min(8, size.agencies)
  const agencyOf = (n: string) =>
    `(CASE WHEN ${n} > ${size.agencies} AND ${n} % 3 = 0 THEN 1 + (${n} / 3) % ${largest} ELSE 1 + (${n} - 1) % ${size.agencies} END)`
  const totalSessions = size.years * size.sessionsPerYear
  // Sessions run on weekdays through the five financial years that ended before this one.
  const thisYearStart = Number(today.slice(0, 4)) - (Number(today.slice(5, 7)) < 4 ? 1 : 0)
  const firstDay = `${thisYearStart - size.years}-04-01`

  return [
    {
      name: 'agencies',
      run: (sql) =>
        sql.query(
          `INSERT INTO agencies (id, partnership_id, name, category, safer_programme_member, sector, workforce)
           SELECT ${id('agency', 'n')}, $1, 'Synthetic agency ' || n,
                  (ARRAY['funding_partner', 'statutory', 'statutory', 'private', 'voluntary', 'voluntary'])[1 + n % 6],
                  n % 6 = 5 AND n % 4 = 1,
                  (ARRAY['children_services', 'adult_social_care', 'health', 'police', 'education', 'early_years',
                         'probation', 'housing', 'voluntary', 'faith', 'sport', 'other'])[1 + (n / 6) % 12],
                  (ARRAY['children', 'adults', 'both'])[1 + n % 3]
             FROM generate_series(1, $2) n`,
          [p, size.agencies],
        ),
    },
    {
      name: 'practitioners',
      run: (sql) =>
        sql.query(
          `WITH names AS (
             SELECT ARRAY['Alex', 'Sam', 'Jo', 'Chris', 'Pat', 'Morgan', 'Jamie', 'Robin', 'Kim', 'Lee', 'Ash', 'Drew',
                          'Priya', 'Mohammed', 'Olivia', 'Noah', 'Amelia', 'Oliver', 'Isla', 'George'] AS firsts,
                    ARRAY['Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Johnson', 'Davies', 'Patel',
                          'Khan', 'Evans', 'Thomas', 'Roberts', 'Walker', 'Wright', 'Hughes', 'Green', 'Hall'] AS lasts
           ), staff AS (
             SELECT n, ${agencyOf('n')} AS agency, n > $3 AS managed FROM generate_series(1, $2) n
           )
           INSERT INTO people (id, partnership_id, first_name, last_name, email, agency_id, role, manager_name, manager_email, agency_since)
           SELECT ${id('person', 'n')}, $1,
                  firsts[1 + floor(${chance('first', 'n')} * 20)::int], lasts[1 + floor(${chance('last', 'n')} * 18)::int],
                  'person' || n || '@synthetic.example.org', ${id('agency', 'agency')},
                  (ARRAY['Social worker', 'Health visitor', 'Police officer', 'Teacher', 'Support worker', 'Nurse'])[1 + n % 6],
                  CASE WHEN managed THEN 'Manager of agency ' || agency END,
                  CASE WHEN managed THEN 'person' || agency || '@synthetic.example.org' END,
                  date '2015-01-01' + (n % 3000)
             FROM staff, names`,
          [p, size.people, size.agencies],
        ),
    },
    {
      name: 'courses and questionnaires',
      run: async (sql) => {
        const plan: Record<string, string> = {}
        const confidence = {
          id: 'confidence',
          kind: 'confidence',
          prompt: 'How confident do you feel about each objective?',
          perObjective: true,
          required: true,
        }
        const forms = {
          atBooking: [confidence],
          afterCourse: [
            confidence,
            { id: 'useful', kind: 'agreement', prompt: 'The course was relevant to my work', required: true },
            { id: 'plan', kind: 'action_plan', prompt: 'What will you do differently?', required: false },
            { id: 'comments', kind: 'free_text', prompt: 'Anything else?', required: false },
          ],
          followUp: [
            confidence,
            { id: 'changed', kind: 'agreement', prompt: 'It changed how I work', required: true },
          ],
        }
        for (const [stage, questions] of Object.entries(forms)) {
          const row = await sql.one<{ id: string }>(
            `WITH q AS (INSERT INTO questionnaires (id, partnership_id, title, questions)
                        VALUES (${id('questionnaire', `'${stage}'`)}, $1, $2, $3) RETURNING id)
             INSERT INTO questionnaire_versions (id, partnership_id, questionnaire_id, version, questions)
             SELECT ${id('version', `'${stage}'`)}, $1, q.id, 1, $3 FROM q RETURNING questionnaire_id AS id`,
            [p, `Synthetic ${stage}`, JSON.stringify(questions)],
          )
          plan[stage] = row.id
        }
        await sql.query(
          `INSERT INTO courses (id, partnership_id, title, summary, objectives, delivery_method, duration_minutes, evaluation_plan, status)
           SELECT ${id('course', 'n')}, $1, 'Synthetic course ' || n, 'What practitioners learn on course ' || n,
                  '["Recognise the signs", "Share information in time", "Record what you did and why"]',
                  (ARRAY['multi_agency_training', 'single_agency_training', 'briefing', 'elearning', 'conference'])[1 + n % 5],
                  180, $3, 'published'
             FROM generate_series(1, $2) n`,
          [
            p,
            size.courses,
            JSON.stringify({ ...plan, impact: 'Confidence at follow-up against at booking' }),
          ],
        )
      },
    },
    {
      name: 'sessions',
      run: async (sql) => {
        await sql.query(
          `WITH days AS (
             SELECT d::date AS day, row_number() OVER (ORDER BY d) AS k
               FROM generate_series($3::date::timestamp, ($3::date + 365 * $4)::timestamp, interval '1 day') d
              WHERE extract(isodow FROM d) < 6
           ), slots AS (
             SELECT n, (SELECT max(k) FROM days) AS weekdays FROM generate_series(1, $2) n
           )
           INSERT INTO sessions (id, partnership_id, course_id, format, venue, joining_url, capacity, status, starts_at, ends_at)
           SELECT ${id('session', 'n')}, $1, ${id('course', `1 + n % ${size.courses}`)},
                  CASE WHEN n % 3 = 0 THEN 'online' ELSE 'in_person' END,
                  CASE WHEN n % 3 = 0 THEN NULL ELSE '{"name": "Partnership training room", "address": "Town hall"}'::jsonb END,
                  CASE WHEN n % 3 = 0 THEN 'https://meet.example.org/' || n END,
                  $5, 'delivered',
                  (days.day + time '09:30') AT TIME ZONE 'Europe/London', (days.day + time '12:30') AT TIME ZONE 'Europe/London'
             FROM slots JOIN days ON days.k = 1 + ((n - 1) * weekdays / $2)`,
          [p, totalSessions, firstDay, size.years, size.placesPerSession + 1],
        )
        await sql.query(
          `INSERT INTO session_parts (partnership_id, session_id, starts_at, ends_at)
           SELECT partnership_id, id, starts_at, ends_at FROM sessions WHERE partnership_id = $1`,
          [p],
        )
      },
    },
    {
      name: 'applications',
      // Session s's k-th applicant is person (s * 37 + k * 1511) mod 60,000: 40 different people.
      run: (sql) =>
        sql.query(
          `INSERT INTO applications (id, partnership_id, session_id, person_id, agency_id, manager_email, status, reason,
                                     applied_at, confirmed_at)
           SELECT ${id('application', "s_n || ':' || k")}, $1, ${id('session', 's_n')}, ${id('person', 'person')},
                  ${id('agency', agencyOf('person'))}, 'manager@synthetic.example.org',
                  CASE WHEN held THEN 'confirmed' ELSE 'withdrawn' END,
                  CASE WHEN held THEN 'place ' || (k + 1) || ' of ' || $4 ELSE 'not allocated a place' END,
                  s.starts_at - interval '60 days', CASE WHEN held THEN s.starts_at - interval '42 days' END
             FROM generate_series(1, $2) s_n
             CROSS JOIN LATERAL (SELECT starts_at FROM sessions WHERE id = ${id('session', 's_n')}) s
             CROSS JOIN LATERAL generate_series(0, $3 - 1) k
             CROSS JOIN LATERAL (SELECT 1 + (s_n * 37 + k * 1511) % ${size.people} AS person,
                                        k < $4 OR (k = $4 AND s_n % 3 = 0) AS held) a`,
          [p, totalSessions, size.applicationsPerSession, size.placesPerSession],
        ),
    },
    {
      name: 'registers',
      run: (sql) =>
        sql.query(
          `INSERT INTO attendance (partnership_id, session_id, application_id, part, mark, marked_at)
           SELECT a.partnership_id, a.session_id, a.id, 1,
                  CASE WHEN r < 0.90 THEN 'attended' WHEN r < 0.93 THEN 'late' ELSE 'absent' END,
                  s.ends_at
             FROM applications a JOIN sessions s ON s.id = a.session_id
             CROSS JOIN LATERAL (SELECT ${chance('mark', 'a.id::text')} AS r) x
            WHERE a.partnership_id = $1 AND a.status = 'confirmed'`,
          [p],
        ),
    },
    {
      name: 'charges',
      // The default policy: private and voluntary agencies pay per place, and for not coming.
      run: (sql) =>
        sql.query(
          `INSERT INTO charges (partnership_id, agency_id, person_id, session_id, application_id, reason, amount_pence, charged_on)
           SELECT a.partnership_id, a.agency_id, a.person_id, a.session_id, a.id,
                  CASE WHEN m.mark = 'absent' THEN 'no_show' ELSE 'place' END,
                  CASE g.category WHEN 'private' THEN $2::int
                                  ELSE CASE WHEN g.safer_programme_member THEN $3::int ELSE $4::int END END,
                  (s.starts_at AT TIME ZONE 'Europe/London')::date
             FROM applications a
             JOIN attendance m ON m.application_id = a.id
             JOIN agencies g ON g.id = a.agency_id
             JOIN sessions s ON s.id = a.session_id
            WHERE a.partnership_id = $1 AND g.category IN ('private', 'voluntary')`,
          [
            p,
            defaultPolicy.fees.privatePence,
            defaultPolicy.fees.voluntarySaferProgrammePence,
            defaultPolicy.fees.voluntaryPence,
          ],
        ),
    },
    {
      name: 'certificates',
      run: (sql) =>
        sql.query(
          `INSERT INTO certificates (partnership_id, application_id, person_id, session_id, code, issued_at)
           SELECT a.partnership_id, a.id, a.person_id, a.session_id,
                  substr(c, 1, 4) || '-' || substr(c, 5, 4) || '-' || substr(c, 9, 4), m.marked_at
             FROM applications a
             JOIN attendance m ON m.application_id = a.id AND m.mark = 'attended'
             CROSS JOIN LATERAL (SELECT translate(upper(substr(md5('${key}:certificate:' || a.id), 1, 12)), '01', 'XY') AS c) code
            WHERE a.partnership_id = $1`,
          [p],
        ),
    },
    {
      name: 'evaluation answers',
      run: async (sql) => {
        const version = (stage: string) => id('version', `'${stage}'`)
        const scores = (base: number) =>
          `jsonb_build_array(${base} + floor(r * 4)::int, ${base} + floor(r * 3)::int, ${base} + 1 + floor(r * 3)::int)`
        // The first bookings (by a hash of their id) answered each stage; more answered early than late.
        await sql.query(
          `WITH booked AS (
             SELECT a.id, a.session_id, s.starts_at, m.mark, ${chance('answer', 'a.id::text')} AS r,
                    row_number() OVER (ORDER BY md5('${key}:order:' || a.id)) AS k
               FROM applications a JOIN sessions s ON s.id = a.session_id
               JOIN attendance m ON m.application_id = a.id
              WHERE a.partnership_id = $1 AND m.mark <> 'absent'
           )
           INSERT INTO evaluation_responses (partnership_id, version_id, application_id, stage, answers, plan_outcome, submitted_at)
           SELECT $1, ${version('atBooking')}, id, 'at_booking', jsonb_build_object('confidence', ${scores(2)}), NULL,
                  starts_at - interval '60 days'
             FROM booked WHERE k <= $2
           UNION ALL
           SELECT $1, ${version('afterCourse')}, id, 'after_course',
                  jsonb_build_object('confidence', ${scores(5)}, 'useful', 3 + floor(r * 3)::int,
                                     'plan', jsonb_build_object('action', 'Use the referral checklist', 'by', '2030-01-01'))
                  || CASE WHEN r < 0.2 THEN jsonb_build_object('comments', 'Practical and well paced') ELSE '{}' END,
                  NULL, starts_at + interval '1 day'
             FROM booked WHERE k <= $3
           UNION ALL
           SELECT $1, ${version('followUp')}, id, 'follow_up',
                  jsonb_build_object('confidence', ${scores(6)}, 'changed', 2 + floor(r * 4)::int),
                  (ARRAY['done', 'partly', 'not_done'])[1 + floor(r * 3)::int], starts_at + interval '4 months'
             FROM booked WHERE k <= $4`,
          [p, size.responses.atBooking, size.responses.afterCourse, size.responses.followUp],
        )
      },
    },
  ]
}

/**
 * Runs the steps of a synthetic load in one transaction, then `finish`. Where the database
 * login may (a superuser, as on a developer's machine or the embedded database), triggers and
 * foreign-key checks are set aside for the load, as a restore does; `finish` is told whether
 * they were, to rebuild what they would have kept. The caller refreshes the statistics.
 */
export async function loadInBulk(
  db: Database,
  steps: Step[],
  progress: (done: number, total: number, step: string) => void,
  finish: (sql: Sql, bulk: boolean) => Promise<void> = async () => {},
): Promise<boolean> {
  return db.platform(async (sql) => {
    const { rolsuper } = await sql.one<{ rolsuper: boolean }>(
      'SELECT rolsuper FROM pg_roles WHERE rolname = current_user',
    )
    if (rolsuper) await sql.query(`SET LOCAL session_replication_role = replica`)
    for (const [i, step] of steps.entries()) {
      progress(i, steps.length, step.name)
      await step.run(sql)
    }
    await finish(sql, rolsuper)
    progress(steps.length, steps.length, 'done')
    return rolsuper
  })
}

/**
 * Builds the large partnership, and five years of its case reviews, in one transaction, in
 * bulk where the login may: then the impact view's sums and each person's training evidence
 * are rebuilt afterwards, and one audit event records the whole load instead of a million.
 */
export async function seedLarge(
  db: Database,
  partnership: { id: string; slug: string },
  seed: number,
  today: string,
  progress: (done: number, total: number, step: string) => void,
  size: Size = LARGE,
): Promise<{ bulk: boolean }> {
  const steps = [
    ...largeSteps(partnership, seed, today, size),
    ...reviewSteps(partnership, seed, today, size),
    ...pathwaySteps(partnership, seed, size),
  ]
  const bulk = await loadInBulk(db, steps, progress, async (sql, bulk) => {
    if (!bulk) return
    await sql.query(
      `INSERT INTO evaluation_totals (partnership_id, session_id, stage, version_id, question_id, objective, total, n)
       SELECT r.partnership_id, a.session_id, r.stage, r.version_id, f.question_id, f.objective, sum(f.total), sum(f.n)
         FROM evaluation_responses r JOIN applications a ON a.id = r.application_id
         CROSS JOIN LATERAL cascade_evaluation_facts(r.answers, r.plan_outcome) f
        WHERE r.partnership_id = $1
        GROUP BY 1, 2, 3, 4, 5, 6`,
      [partnership.id],
    )
    // Each session's delivery facts, as the triggers on applications, marks and answers would.
    await sql.query(
      `SELECT cascade_session_delivery_refresh(array_agg(id)) FROM sessions WHERE partnership_id = $1`,
      [partnership.id],
    )
    // What each person's compliance rests on, as the certificates' triggers would keep it.
    // All at once rather than person by person: the tables are not yet analysed.
    await sql.query(
      `UPDATE people p SET trained_on = l.trained_on, trained_course_id = l.course_id
         FROM (SELECT DISTINCT ON (ce.person_id) ce.person_id, s.course_id,
                      (s.ends_at AT TIME ZONE 'Europe/London')::date AS trained_on
                 FROM certificates ce JOIN people q ON q.id = ce.person_id
                 JOIN sessions s ON s.id = ce.session_id JOIN courses c ON c.id = s.course_id
                WHERE ce.partnership_id = $1 AND (q.tier IS NULL OR c.tier = q.tier)
                ORDER BY ce.person_id, s.ends_at DESC, s.id) l
        WHERE p.id = l.person_id`,
      [partnership.id],
    )
    await refreshStandings(sql, partnership.id)
    await sql.query(
      `INSERT INTO audit_events (partnership_id, actor_label, action, entity_type, entity_id, after)
       VALUES ($1::uuid, 'cli', 'seed.large', 'partnerships', $1::text, $2)`,
      [partnership.id, JSON.stringify({ seed, ...size })],
    )
  })
  await db.refreshStatistics([
    'agencies',
    'people',
    'courses',
    'sessions',
    'session_parts',
    'applications',
    'attendance',
    'charges',
    'certificates',
    'evaluation_responses',
    'evaluation_totals',
    'session_delivery',
    'session_delivery_totals',
    'pathways',
    'pathway_requirements',
    'pathway_requirement_courses',
    'requirement_standings',
    ...reviewTables,
  ])
  return { bulk }
}
