import type { Database, Sql } from '#platform/db/database.ts'
import { isWorkingDay } from '#platform/holidays.ts'
import type { DemoPartnership } from './partnerships.ts'

/**
 * A small case-review register for a demo partnership: a published child safeguarding practice
 * review ("Child H") with findings, the board's three kinds of response and actions in several
 * states (one overdue), a rapid review just notified whose 15-working-day decision is near, and a
 * rapid review closed with no local review. Titles are anonymised, as the register requires.
 * Dates count from the clock's today, so the demo looks the same whenever it is loaded.
 */

const SUBGROUPS = [
  'Learning and development sub-group',
  'Case review sub-group',
  'Quality assurance sub-group',
]
// Named apart from the themes tests and admins add ("Neglect"), which must stay free to add.
const THEMES = ['Neglect and cumulative harm', 'Domestic abuse']
const REFERENCES = { cspr: 'CSPR-2025-01', notified: 'RR-2026-04', noReview: 'RR-2026-02' }

/** A calendar date (YYYY-MM-DD) moved by whole days; noon UTC keeps clock changes out of it. */
function addDays(date: string, days: number): string {
  const at = new Date(`${date}T12:00:00Z`)
  at.setUTCDate(at.getUTCDate() + days)
  return at.toISOString().slice(0, 10)
}

function workingDaysBefore(demo: DemoPartnership, date: string, days: number): string {
  let found = date
  for (let counted = 0; counted < days; ) {
    found = addDays(found, -1)
    if (isWorkingDay(demo.policy.jurisdiction, found)) counted++
  }
  return found
}

/** Mid-morning on a date: when the demo's recorded steps happened. */
const at = (date: string) => `${date}T10:00:00Z`

type People = { admin: string; lead: string; subgroup: string }

/** Adds the register once: a partnership that already has any of its reviews is left as it is. */
export async function seedDemoReviews(
  db: Database,
  partnershipId: string,
  demo: DemoPartnership,
): Promise<void> {
  await db.tenant({ partnershipId, userId: null, actor: 'demo-seed' }, async (sql) => {
    await sql.auditAs('demo.seed')
    await sql.query(
      `INSERT INTO subgroups (partnership_id, name) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`,
      [partnershipId, SUBGROUPS],
    )
    const seeded = await sql.maybeOne(`SELECT 1 FROM reviews WHERE lower(reference) = ANY($1::text[])`, [
      Object.values(REFERENCES).map((r) => r.toLowerCase()),
    ])
    if (seeded) return
    const people = await demoPeople(sql, demo.slug)
    if (!people) return
    await sql.query(
      `INSERT INTO themes (partnership_id, name, framework)
       SELECT $1, unnest($2::text[]), 'Learning from case reviews' ON CONFLICT DO NOTHING`,
      [partnershipId, THEMES],
    )
    const today = (
      await sql.one<{ today: string }>(
        `SELECT to_char((cascade_now() AT TIME ZONE 'Europe/London')::date, 'YYYY-MM-DD') AS today`,
      )
    ).today
    const ids = await lookups(sql, demo)
    await seedCspr(sql, partnershipId, today, people, ids)
    await seedRapidReviews(sql, partnershipId, today, demo, people, ids)
  })
}

async function demoPeople(sql: Sql, slug: string): Promise<People | undefined> {
  const rows = await sql.query<{ role: string; id: string }>(
    `SELECT split_part(email, '@', 1) AS role, id FROM users WHERE email = ANY($1::text[])`,
    [['admin', 'agency-lead', 'subgroup'].map((role) => `${role}@${slug}.example.org`)],
  )
  const of = (role: string) => rows.find((r) => r.role === role)?.id
  const [admin, lead, subgroup] = [of('admin'), of('agency-lead'), of('subgroup')]
  return admin && lead && subgroup ? { admin, lead, subgroup } : undefined
}

type Ids = {
  /** The agency the demo agency lead leads (Home-Start), the council's children's services, the police. */
  homeStart: string
  council: string
  police: string
  subgroups: Record<string, string>
  neglect: string
  domesticAbuse: string
}

async function lookups(sql: Sql, demo: DemoPartnership): Promise<Ids> {
  const agencies = await sql.query<{ name: string; id: string }>(
    'SELECT name, id FROM agencies WHERE name = ANY($1::text[])',
    [[`Home-Start ${demo.place}`, `${demo.place} Council Children's Services`, `${demo.place} Police`]],
  )
  const agency = (prefix: string) => agencies.find((a) => a.name.startsWith(prefix))?.id ?? ''
  const byName = async (table: 'subgroups' | 'themes', names: string[]) =>
    Object.fromEntries(
      (
        await sql.query<{ name: string; id: string }>(
          `SELECT name, id FROM ${table} WHERE lower(name) = ANY($1::text[])`,
          [names.map((n) => n.toLowerCase())],
        )
      ).map((r) => [r.name.toLowerCase(), r.id]),
    ) as Record<string, string>
  const subgroups = await byName('subgroups', SUBGROUPS)
  const themes = await byName('themes', THEMES)
  return {
    homeStart: agency('Home-Start'),
    council: agency(`${demo.place} Council`),
    police: agency(`${demo.place} Police`),
    subgroups: Object.fromEntries(SUBGROUPS.map((n) => [n, subgroups[n.toLowerCase()] ?? ''])),
    neglect: themes[THEMES[0]?.toLowerCase() ?? ''] ?? '',
    domesticAbuse: themes[THEMES[1]?.toLowerCase() ?? ''] ?? '',
  }
}

type Review = {
  type: string
  reference: string
  title: string
  status: string
  notifiedOn: string
  decision?: { on: string; decision: 'review' | 'no_review'; reason: string }
  commissionedOn?: string
  publishedOn?: string
  closedOn?: string
  leadReviewer?: string
  summary: string
  agencies: string[]
  themes: string[]
  /** Each status the review reached, in order, with the date it got there. */
  steps: { to: string; on: string; reason?: string }[]
}

async function insertReview(sql: Sql, partnershipId: string, r: Review, by: string): Promise<string> {
  const { id } = await sql.one<{ id: string }>(
    `INSERT INTO reviews (partnership_id, type, reference, title, status, notified_on, decision_on, commissioned_on,
                          published_on, closed_on, decision, decision_reason, lead_reviewer, summary, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id`,
    [
      partnershipId,
      r.type,
      r.reference,
      r.title,
      r.status,
      r.notifiedOn,
      r.decision?.on ?? null,
      r.commissionedOn ?? null,
      r.publishedOn ?? null,
      r.closedOn ?? null,
      r.decision?.decision ?? null,
      r.decision?.reason ?? null,
      r.leadReviewer ?? null,
      r.summary,
      at(r.notifiedOn),
      at(r.steps.at(-1)?.on ?? r.notifiedOn),
    ],
  )
  await sql.query(
    `INSERT INTO review_agencies (partnership_id, review_id, agency_id) SELECT $1, $2, unnest($3::uuid[])`,
    [partnershipId, id, r.agencies.filter(Boolean)],
  )
  await sql.query(
    `INSERT INTO review_themes (partnership_id, review_id, theme_id) SELECT $1, $2, unnest($3::uuid[])`,
    [partnershipId, id, r.themes.filter(Boolean)],
  )
  await sql.query(
    `INSERT INTO review_transitions (partnership_id, review_id, from_status, to_status, by_user, reason, at)
     SELECT $1, $2, s.from_status, s.to_status, $3, s.reason, s.at
       FROM unnest($4::text[], $5::text[], $6::text[], $7::timestamptz[]) AS s(from_status, to_status, reason, at)`,
    [
      partnershipId,
      id,
      by,
      r.steps.map((_, i) => (i === 0 ? null : (r.steps[i - 1]?.to ?? null))),
      r.steps.map((s) => s.to),
      r.steps.map((s) => s.reason ?? null),
      r.steps.map((s) => at(s.on)),
    ],
  )
  return id
}

/** Child H: a published practice review, its findings, the board's responses and the actions taken. */
async function seedCspr(sql: Sql, partnershipId: string, today: string, people: People, ids: Ids) {
  const day = (n: number) => addDays(today, n)
  const decisionReason =
    'The rapid review found serious harm and learning about how agencies work together: the criteria for a local child safeguarding practice review are met.'
  const reviewId = await insertReview(
    sql,
    partnershipId,
    {
      type: 'cspr',
      reference: REFERENCES.cspr,
      title: 'Child H',
      status: 'actions_in_progress',
      notifiedOn: day(-430),
      decision: { on: day(-410), decision: 'review', reason: decisionReason },
      commissionedOn: day(-380),
      publishedOn: day(-150),
      leadReviewer: 'Independent lead reviewer',
      summary:
        'Child H, aged three, lived with their mother and her partner. Over eighteen months health, early help and nursery staff each saw signs of neglect, and the mother twice disclosed domestic abuse, but no agency brought the picture together until Child H was admitted to hospital malnourished.',
      agencies: [ids.homeStart, ids.council],
      themes: [ids.neglect, ids.domesticAbuse],
      steps: [
        { to: 'notified', on: day(-430) },
        { to: 'decision_made', on: day(-410), reason: decisionReason },
        { to: 'in_progress', on: day(-380), reason: 'Independent reviewer commissioned' },
        { to: 'published', on: day(-150), reason: 'Report approved by the partnership board' },
        { to: 'actions_in_progress', on: day(-140), reason: 'Board response agreed; actions assigned' },
      ],
    },
    people.admin,
  )

  const finding = async (text: string, themes: string[]) => {
    const { id } = await sql.one<{ id: string }>(
      `INSERT INTO findings (partnership_id, review_id, text, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $4) RETURNING id`,
      [partnershipId, reviewId, text, at(day(-150))],
    )
    await sql.query(
      `INSERT INTO finding_themes (partnership_id, finding_id, theme_id) SELECT $1, $2, unnest($3::uuid[])`,
      [partnershipId, id, themes.filter(Boolean)],
    )
  }
  await finding(
    'Practitioners judged each sign of neglect on its own; no agency put together the cumulative picture of the home over eighteen months.',
    [ids.neglect],
  )
  await finding(
    'The mother’s disclosures of domestic abuse were not shared with the health visitor or the nursery, so the risk to Child H was never assessed.',
    [ids.domesticAbuse],
  )
  await finding(
    'When the early help plan made no progress, no one escalated: practitioners were unsure how the partnership’s escalation policy applied.',
    [ids.neglect],
  )

  const recommendation = async (r: {
    text: string
    addressedTo: string
    subgroup?: string
    response: string
    reason?: string
    agencies?: string[]
  }) => {
    const { id } = await sql.one<{ id: string }>(
      `INSERT INTO recommendations (partnership_id, review_id, text, addressed_to, subgroup_id, response,
                                    response_reason, responded_at, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $8) RETURNING id`,
      [
        partnershipId,
        reviewId,
        r.text,
        r.addressedTo,
        r.subgroup ?? null,
        r.response,
        r.reason ?? null,
        at(day(-140)),
        at(day(-150)),
      ],
    )
    if (r.agencies)
      await sql.query(
        `INSERT INTO recommendation_agencies (partnership_id, recommendation_id, agency_id)
         SELECT $1, $2, unnest($3::uuid[])`,
        [partnershipId, id, r.agencies.filter(Boolean)],
      )
    return id
  }
  const gcp = await recommendation({
    text: 'Agencies working with children under five use the graded care profile to assess neglect, and share its outcome with the family’s health visitor.',
    addressedTo: 'agencies',
    response: 'accepted',
    agencies: [ids.homeStart, ids.council],
  })
  const training = await recommendation({
    text: 'The partnership commissions multi-agency training on domestic abuse and its effect on young children.',
    addressedTo: 'subgroup',
    subgroup: ids.subgroups['Learning and development sub-group'],
    response: 'partially_accepted',
    reason:
      'A new course cannot be funded this year: domestic abuse is added to the multi-agency neglect course instead.',
  })
  await recommendation({
    text: 'The partnership writes a new escalation policy.',
    addressedTo: 'partnership',
    response: 'not_accepted',
    reason:
      'The escalation policy was revised last year and covers this case; the learning goes into a 7-minute briefing on using it instead.',
  })

  const action = async (a: {
    recommendation: string
    description: string
    agency?: string
    subgroup?: string
    owner: string
    successMeasure: string
    due: number
    status: string
    update?: { note: string; from: string; on: number }
  }) => {
    const { id } = await sql.one<{ id: string }>(
      `INSERT INTO actions (partnership_id, review_id, recommendation_id, description, owning_agency_id,
                            owning_subgroup_id, owner_user_id, success_measure, due_on, original_due_on, status,
                            created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10, $11, $11) RETURNING id`,
      [
        partnershipId,
        reviewId,
        a.recommendation,
        a.description,
        a.agency ?? null,
        a.subgroup ?? null,
        a.owner,
        a.successMeasure,
        day(a.due),
        a.status,
        at(day(-135)),
      ],
    )
    if (a.update)
      await sql.query(
        `INSERT INTO action_updates (partnership_id, action_id, kind, note, status_from, status_to, by_user, at)
         VALUES ($1, $2, 'progress', $3, $4, $5, $6, $7)`,
        [partnershipId, id, a.update.note, a.update.from, a.status, a.owner, at(day(a.update.on))],
      )
  }
  await action({
    recommendation: gcp,
    description: 'Train every Home-Start family support volunteer in the graded care profile.',
    agency: ids.homeStart,
    owner: people.lead,
    successMeasure: 'Nine in ten volunteers trained; an audit of ten case files shows the profile used.',
    due: 30,
    status: 'on_track',
    update: {
      note: 'Two of three training sessions delivered; the last is booked.',
      from: 'not_started',
      on: -20,
    },
  })
  await action({
    recommendation: gcp,
    description:
      'Share every graded care profile outcome with the family’s health visitor within five working days.',
    agency: ids.homeStart,
    owner: people.lead,
    successMeasure: 'A dip sample of referrals shows outcomes shared in time.',
    due: -12,
    status: 'at_risk',
    update: {
      note: 'Secure email to the health visiting service is not yet set up; outcomes are going by post.',
      from: 'on_track',
      on: -30,
    },
  })
  await action({
    recommendation: training,
    description: 'Add a domestic abuse module to the multi-agency neglect course.',
    subgroup: ids.subgroups['Learning and development sub-group'],
    owner: people.subgroup,
    successMeasure: 'The module is delivered twice, and after-course evaluations show confidence rising.',
    due: -10,
    status: 'completed',
    update: { note: 'Module written and delivered twice; evaluations attached.', from: 'on_track', on: -14 },
  })
  await action({
    recommendation: gcp,
    description:
      'Publish a 7-minute briefing on the learning from Child H and ask every agency to show it was discussed.',
    subgroup: ids.subgroups['Case review sub-group'],
    owner: people.subgroup,
    successMeasure: 'Every statutory agency records the briefing at a team meeting.',
    due: 60,
    status: 'on_track',
  })
}

/** A rapid review just notified, its decision due soon, and one decided and closed with no local review. */
async function seedRapidReviews(
  sql: Sql,
  partnershipId: string,
  today: string,
  demo: DemoPartnership,
  people: People,
  ids: Ids,
) {
  // Ten working days ago: the 15-working-day decision falls due within the week.
  const notified = workingDaysBefore(demo, today, 10)
  await insertReview(
    sql,
    partnershipId,
    {
      type: 'rapid_review',
      reference: REFERENCES.notified,
      title: 'Child M',
      status: 'notified',
      notifiedOn: notified,
      summary:
        'Notified by children’s social care after a nine-month-old was taken to hospital with an injury the parents could not explain.',
      agencies: [ids.council, ids.police, ids.homeStart],
      themes: [ids.neglect],
      steps: [{ to: 'notified', on: notified }],
    },
    people.admin,
  )
  const noReview =
    'Agencies worked well together and the learning is already being acted on: the criteria for a local child safeguarding practice review are not met. The national panel agreed.'
  const day = (n: number) => addDays(today, n)
  await insertReview(
    sql,
    partnershipId,
    {
      type: 'rapid_review',
      reference: REFERENCES.noReview,
      title: 'Child K',
      status: 'closed',
      notifiedOn: day(-120),
      decision: { on: day(-100), decision: 'no_review', reason: noReview },
      closedOn: day(-95),
      summary: 'Notified by the police after a domestic abuse incident at which a four-year-old was present.',
      agencies: [ids.council, ids.police],
      themes: [ids.domesticAbuse],
      steps: [
        { to: 'notified', on: day(-120) },
        { to: 'decision_made', on: day(-100), reason: noReview },
        { to: 'closed', on: day(-95), reason: 'No local review: nothing more follows' },
      ],
    },
    people.admin,
  )
}
