import type { Size } from './large.ts'
import {
  ACTIONS,
  FINDINGS,
  NATIONAL_BODIES,
  NOT_ACCEPTED_REASONS,
  PARTIAL_REASONS,
  RECOMMENDATIONS,
  REVIEWERS,
  SUBGROUPS,
  SUCCESS_MEASURES,
  THEMES,
} from './large-review-words.ts'
import { type Step, seeded } from './seeded.ts'

/** How much case-review learning the large partnership has: five years of a busy board's. */
export type ReviewSize = { reviews: number; recommendations: number; actions: number }

export const LARGE_REVIEWS: ReviewSize = { reviews: 60, recommendations: 400, actions: 1_200 }

/** The tables these steps write, whose planner statistics want refreshing afterwards. */
export const reviewTables = [
  'users',
  'memberships',
  'subgroups',
  'themes',
  'reviews',
  'review_agencies',
  'review_themes',
  'review_transitions',
  'findings',
  'finding_themes',
  'recommendations',
  'recommendation_agencies',
  'actions',
  'action_updates',
]

// The agencies reviews involve: mostly the eight largest (the trusts, the council, the police),
// with others among the first forty, each of which has a lead who owns its actions.
const LARGEST = 8
const POOL = 40

const at = (date: string, time = '10:00') => `((${date}) + time '${time}') AT TIME ZONE 'Europe/London'`

/**
 * Five years of case reviews for the large partnership, after its agencies: reviews of every
 * type notified across the years (the oldest mostly closed, the newest still being decided or
 * carried out), the agencies and themes involved, findings, recommendations with the board's
 * responses, and the actions agreed on them, owned by agency leads or sub-group chairs, with
 * their updates. Ages are counted back from `today`, so a realistic share of actions is overdue
 * whenever it is built. Exact counts of reviews, recommendations and actions; every value from
 * the seed. Sub-groups, themes and owners the partnership lacks are made first.
 */
export function reviewSteps(
  partnership: { id: string; slug: string },
  seed: number,
  today: string,
  size: Pick<Size, 'agencies' | 'years' | 'reviews'>,
): Step[] {
  const { id, chance } = seeded(partnership, seed)
  const p = partnership.id
  const largest = Math.min(LARGEST, size.agencies)
  const pool = Math.min(POOL, size.agencies)
  if (pool - largest < 4) throw new Error('Case reviews need at least 12 agencies to involve')
  const chairEmails = SUBGROUPS.map(
    (_, k) => `subgroup-chair-${k + 1}@${partnership.slug}.synthetic.example.org`,
  )
  const leadEmail = (n: string) => `'agency-lead-' || ${n} || '@${partnership.slug}.synthetic.example.org'`
  const covered = (n: string) =>
    `EXISTS (SELECT 1 FROM memberships m WHERE m.partnership_id = $1 AND m.role = 'agency-lead'
                AND ${id('agency', n)} = ANY(m.agency_ids))`
  // The three sub-groups in order (learning and development, case review, quality assurance),
  // and their chairs in the same order, from the names or emails in parameter $n.
  const subgroups = (n: number) =>
    `(SELECT array_agg(id ORDER BY array_position($${n}::text[], name)) FROM subgroups WHERE partnership_id = $1 AND name = ANY($${n}::text[]))`
  const chairs = (n: number) =>
    `(SELECT array_agg(id ORDER BY array_position($${n}::text[], lower(email))) FROM users WHERE lower(email) = ANY($${n}::text[]))`
  const themes = `(SELECT array_agg(id ORDER BY lower(name), id) FROM themes WHERE partnership_id = $1 AND NOT archived)`
  // Shares out exactly `count` rows (numbered 1 to count) among the rows of `eligible` by their
  // whole-number weights `w`, in the order of `k`: each takes the numbers `first` to `last`.
  const shares = (count: string) => `shares AS (
             SELECT *, (upto - w) * ${count}::int / total + 1 AS first, upto * ${count}::int / total AS last
               FROM (SELECT *, sum(w) OVER (ORDER BY k) AS upto, sum(w) OVER () AS total FROM eligible) e
           )`
  const pick = (words: string, x: string) => `(${words})[1 + floor(${x} * cardinality(${words}))::int]`

  return [
    {
      name: 'sub-groups, themes and who owns actions',
      run: async (sql) => {
        await sql.query(
          `INSERT INTO subgroups (id, partnership_id, name)
           SELECT ${id('subgroup', 'k')}, $1, name FROM unnest($2::text[]) WITH ORDINALITY s(name, k)
           ON CONFLICT (partnership_id, lower(name)) DO NOTHING`,
          [p, SUBGROUPS],
        )
        await sql.query(
          `INSERT INTO themes (id, partnership_id, name, framework)
           SELECT ${id('theme', 'k')}, $1, name, 'Learning from case reviews' FROM unnest($2::text[]) WITH ORDINALITY t(name, k)
            WHERE NOT EXISTS (SELECT 1 FROM themes WHERE partnership_id = $1 AND NOT archived)`,
          [p, THEMES],
        )
        // Each sub-group's chair, and a lead for each agency in the pool that has none yet.
        await sql.query(
          `INSERT INTO users (id, email, display_name)
           SELECT ${id('chair', 'k')}, email, 'Chair, ' || name
             FROM unnest($1::text[], $2::text[]) WITH ORDINALITY c(email, name, k)
           ON CONFLICT ((lower(email))) DO NOTHING`,
          [chairEmails, SUBGROUPS],
        )
        await sql.query(
          `INSERT INTO memberships (id, partnership_id, user_id, role)
           SELECT ${id('chair membership', 'u.id::text')}, $1, u.id, 'subgroup' FROM users u WHERE lower(u.email) = ANY($2::text[])
           ON CONFLICT (partnership_id, user_id, role) DO NOTHING`,
          [p, chairEmails],
        )
        await sql.query(
          `INSERT INTO users (id, email, display_name)
           SELECT ${id('lead', 'n')}, ${leadEmail('n')}, 'Safeguarding lead, Synthetic agency ' || n
             FROM generate_series(1, $2) n WHERE NOT ${covered('n')}
           ON CONFLICT ((lower(email))) DO NOTHING`,
          [p, pool],
        )
        await sql.query(
          `INSERT INTO memberships (id, partnership_id, user_id, role, agency_ids)
           SELECT ${id('lead membership', 'n')}, $1, u.id, 'agency-lead', ARRAY[${id('agency', 'n')}]
             FROM generate_series(1, $2) n JOIN users u ON lower(u.email) = ${leadEmail('n')}
            WHERE NOT ${covered('n')}
           ON CONFLICT (partnership_id, user_id, role) DO NOTHING`,
          [p, pool],
        )
      },
    },
    {
      name: 'case reviews',
      run: async (sql) => {
        // Notified evenly over the years up to today, the newest still awaiting a decision. A review is decided in about three weeks,
        // commissioned a month later, published six to ten months after notification, its
        // actions agreed six weeks after that and, most of the time, closed once they are
        // signed off; a rapid review often decides that no local review is needed.
        await sql.query(
          `WITH base AS (
             SELECT r, ${chance('review', 'r')} AS x, ${chance('closing', 'r')} AS y,
                    (ARRAY['cspr', 'sar', 'cspr', 'rapid_review', 'sar', 'dhr', 'multi_agency_audit', 'cspr',
                           'thematic', 'sar', 'leder', 'rapid_review'])[1 + r % 12] AS type,
                    $2::date - 365 * $4 + (r * 365 * $4) / $3 - floor(${chance('notified', 'r')} * 20)::int AS notified_on
               FROM generate_series(1, $3) r
           ), planned AS (
             SELECT *, type = 'rapid_review' AND x < 0.5 AS no_review,
                    notified_on + 21 + floor(x * 10)::int AS decided,
                    notified_on + 50 + floor(x * 20)::int AS commissioned,
                    notified_on + 180 + floor(x * 120)::int AS published
               FROM base
           ), staged AS (
             SELECT *, CASE
                 WHEN decided > $2 THEN 'notified'
                 WHEN no_review THEN CASE WHEN decided + 14 < $2 THEN 'closed' ELSE 'decision_made' END
                 WHEN commissioned > $2 THEN 'decision_made'
                 WHEN published > $2 THEN 'in_progress'
                 WHEN published + 45 > $2 THEN 'published'
                 WHEN published + 630 + floor(y * 200)::int < $2 AND y < 0.8 THEN 'closed'
                 ELSE 'actions_in_progress' END AS status
               FROM planned
           ), dated AS (
             SELECT *,
                    CASE WHEN status <> 'notified' THEN decided END AS decision_on,
                    CASE WHEN status IN ('in_progress', 'published', 'actions_in_progress') OR (status = 'closed' AND NOT no_review)
                         THEN commissioned END AS commissioned_on,
                    CASE WHEN status IN ('published', 'actions_in_progress') OR (status = 'closed' AND NOT no_review)
                         THEN published END AS published_on,
                    CASE WHEN status = 'closed' THEN
                         CASE WHEN no_review THEN decided + 14 ELSE published + 630 + floor(y * 200)::int END END AS closed_on
               FROM staged
           )
           INSERT INTO reviews (id, partnership_id, type, reference, title, status, notified_on, decision_on, commissioned_on,
                                published_on, closed_on, decision, decision_reason, lead_reviewer, summary, report_url,
                                created_at, updated_at)
           SELECT ${id('review', 'r')}, $1, type,
                  CASE type WHEN 'cspr' THEN 'CSPR' WHEN 'sar' THEN 'SAR' WHEN 'rapid_review' THEN 'RR' WHEN 'dhr' THEN 'DHR'
                            WHEN 'multi_agency_audit' THEN 'MAA' WHEN 'thematic' THEN 'TR' ELSE 'LeDeR' END
                    || ' ' || extract(year FROM notified_on) || '/' || lpad(r::text, 3, '0'),
                  CASE WHEN type IN ('sar', 'leder') THEN 'Adult ' WHEN type = 'dhr' THEN 'Family '
                       WHEN type = 'multi_agency_audit' THEN 'Multi-agency audit ' WHEN type = 'thematic' THEN 'Thematic review '
                       ELSE 'Child ' END
                    || chr(65 + (r - 1) % 26) || CASE WHEN r > 26 THEN ((r - 1) / 26 + 1)::text ELSE '' END,
                  status, notified_on, decision_on, commissioned_on, published_on, closed_on,
                  CASE WHEN status = 'notified' THEN NULL WHEN no_review THEN 'no_review' ELSE 'review' END,
                  CASE WHEN status = 'notified' THEN NULL
                       WHEN no_review THEN 'The rapid review found the learning is already being acted on: no local review is needed.'
                       ELSE 'The criteria for a local review are met.' END,
                  CASE WHEN commissioned_on IS NOT NULL THEN ${pick('$5::text[]', 'x')} END,
                  CASE WHEN published_on IS NOT NULL THEN 'What the agencies involved learned, and what the board asks of them.' END,
                  CASE WHEN published_on IS NOT NULL THEN 'https://' || $6 || '.example.org/learning/reviews/' || r END,
                  ${at('notified_on', '09:00')},
                  ${at('coalesce(closed_on, published_on, commissioned_on, decision_on, notified_on)', '09:00')}
             FROM dated`,
          [p, today, size.reviews.reviews, size.years, REVIEWERS, partnership.slug],
        )
        // Three to six agencies each, the first two among the largest; one to three themes.
        await sql.query(
          `INSERT INTO review_agencies (partnership_id, review_id, agency_id)
           SELECT DISTINCT $1::uuid, ${id('review', 'r')}, ${id('agency', 'pick')}
             FROM generate_series(1, $2) r
            CROSS JOIN LATERAL generate_series(1, 3 + floor(${chance('involved', 'r')} * 4)::int) k
            CROSS JOIN LATERAL (SELECT CASE WHEN k = 1 THEN 1 + r % $3 WHEN k = 2 THEN 1 + (r + 3) % $3
                                            ELSE $3 + 1 + (r * 7 + k * 11) % ($4 - $3) END AS pick) a
           ON CONFLICT DO NOTHING`,
          [p, size.reviews.reviews, largest, pool],
        )
        await sql.query(
          `INSERT INTO review_themes (partnership_id, review_id, theme_id)
           SELECT DISTINCT $1::uuid, ${id('review', 'r')}, t.ids[1 + (r * 5 + k * 3) % cardinality(t.ids)]
             FROM generate_series(1, $2) r
            CROSS JOIN LATERAL generate_series(0, floor(${chance('themes', 'r')} * 3)::int) k
            CROSS JOIN (SELECT ${themes} AS ids) t
           ON CONFLICT DO NOTHING`,
          [p, size.reviews.reviews],
        )
        // Each move the review made to its status, made by the case review sub-group's chair.
        await sql.query(
          `INSERT INTO review_transitions (partnership_id, review_id, from_status, to_status, by_user, reason, at)
           SELECT $1, v.id, s.from_status, s.to_status, (${chairs(2)})[2], s.reason, ${at('s.on_day', '16:00')}
             FROM reviews v
            CROSS JOIN LATERAL (VALUES
              (1, NULL, 'notified', v.notified_on, 'Notified to the partnership'),
              (2, 'notified', 'decision_made', v.decision_on, v.decision_reason),
              (3, 'decision_made', 'in_progress', v.commissioned_on, 'Reviewer commissioned'),
              (4, 'in_progress', 'published', v.published_on, 'Report published'),
              (5, 'published', 'actions_in_progress', v.published_on + 45, 'Actions agreed'),
              (6, CASE WHEN v.decision = 'no_review' THEN 'decision_made' ELSE 'actions_in_progress' END, 'closed',
                  v.closed_on, 'Closed')) s(k, from_status, to_status, on_day, reason)
            WHERE v.partnership_id = $1 AND s.on_day IS NOT NULL
              AND s.k <= array_position(ARRAY['notified', 'decision_made', 'in_progress', 'published',
                                              'actions_in_progress', 'closed'], v.status)`,
          [p, chairEmails],
        )
      },
    },
    {
      name: 'findings and recommendations',
      run: async (sql) => {
        const published = `v.partnership_id = $1 AND v.decision = 'review'
          AND v.status IN ('published', 'actions_in_progress', 'closed')`
        await sql.query(
          `INSERT INTO findings (id, partnership_id, review_id, text, created_at, updated_at)
           SELECT ${id('finding', "v.id || ':' || f")}, $1, v.id, ${pick('$2::text[]', chance('finding', "v.id || ':' || f"))},
                  ${at('v.published_on')} + f * interval '1 minute', ${at('v.published_on')} + f * interval '1 minute'
             FROM reviews v CROSS JOIN LATERAL generate_series(1, 3 + floor(${chance('findings', 'v.id::text')} * 3)::int) f
            WHERE ${published}`,
          [p, FINDINGS],
        )
        // A finding has one of its review's themes, and now and then another of the partnership's.
        await sql.query(
          `WITH f AS (
             SELECT id, review_id, row_number() OVER (PARTITION BY review_id ORDER BY created_at, id) AS k
               FROM findings WHERE partnership_id = $1
           ), rt AS (
             SELECT review_id, array_agg(theme_id ORDER BY theme_id) AS ids FROM review_themes
              WHERE partnership_id = $1 GROUP BY review_id
           )
           INSERT INTO finding_themes (partnership_id, finding_id, theme_id)
           SELECT DISTINCT $1::uuid, f.id, t.theme_id
             FROM f JOIN rt USING (review_id) CROSS JOIN (SELECT ${themes} AS ids) partnership_themes
            CROSS JOIN LATERAL (
              SELECT rt.ids[1 + (f.k - 1) % cardinality(rt.ids)] AS theme_id
              UNION ALL
              SELECT partnership_themes.ids[1 + floor(${chance('finding theme', 'f.id::text')} * cardinality(partnership_themes.ids))::int]
               WHERE ${chance('another theme', 'f.id::text')} < 0.3) t
           ON CONFLICT DO NOTHING`,
          [p],
        )
        // Exactly as many recommendations as asked, shared among the published reviews by weight.
        await sql.query(
          `WITH eligible AS (
             SELECT v.id, v.published_on, 5 + floor(${chance('weight', 'v.id::text')} * 6)::int AS w,
                    row_number() OVER (ORDER BY v.notified_on, v.id) AS k
               FROM reviews v WHERE ${published}
           ), ${shares('$2')}, recs AS (
             SELECT q, s.id AS review_id, s.published_on, ${chance('addressed', 'q')} AS a,
                    ${chance('response', 'q')} AS b, ${chance('words', 'q')} AS t
               FROM shares s CROSS JOIN LATERAL generate_series(s.first, s.last) q
           ), addressed AS (
             SELECT *, CASE WHEN a < 0.55 THEN 'agencies' WHEN a < 0.8 THEN 'partnership'
                            WHEN a < 0.95 THEN 'subgroup' ELSE 'national' END AS addressed_to,
                       CASE WHEN published_on + 42 > $3::date THEN NULL WHEN b < 0.82 THEN 'accepted'
                            WHEN b < 0.93 THEN 'partially_accepted' ELSE 'not_accepted' END AS response
               FROM recs
           )
           INSERT INTO recommendations (id, partnership_id, review_id, text, addressed_to, subgroup_id, national_body,
                                        response, response_reason, responded_at, created_at, updated_at)
           SELECT ${id('recommendation', 'q')}, $1, review_id, ${pick('$4::text[]', 't')}, addressed_to,
                  CASE WHEN addressed_to = 'subgroup' THEN (${subgroups(8)})[1 + floor(t * 3)::int] END,
                  CASE WHEN addressed_to = 'national' THEN ${pick('$5::text[]', 't')} END,
                  response,
                  CASE response WHEN 'partially_accepted' THEN ${pick('$6::text[]', 't')}
                                WHEN 'not_accepted' THEN ${pick('$7::text[]', 't')} END,
                  CASE WHEN response IS NOT NULL THEN ${at('published_on + 42', '14:00')} END,
                  ${at('published_on')} + q * interval '1 second',
                  CASE WHEN response IS NOT NULL THEN ${at('published_on + 42', '14:00')}
                       ELSE ${at('published_on')} + q * interval '1 second' END
             FROM addressed`,
          [
            p,
            size.reviews.recommendations,
            today,
            RECOMMENDATIONS,
            NATIONAL_BODIES,
            PARTIAL_REASONS,
            NOT_ACCEPTED_REASONS,
            SUBGROUPS,
          ],
        )
        // A recommendation to agencies names one or two of its review's agencies.
        await sql.query(
          `WITH ra AS (
             SELECT review_id, array_agg(agency_id ORDER BY agency_id) AS ids FROM review_agencies
              WHERE partnership_id = $1 GROUP BY review_id
           ), c AS (
             SELECT id, review_id, row_number() OVER (ORDER BY created_at, id) AS k FROM recommendations
              WHERE partnership_id = $1 AND addressed_to = 'agencies'
           )
           INSERT INTO recommendation_agencies (partnership_id, recommendation_id, agency_id)
           SELECT DISTINCT $1::uuid, c.id, ra.ids[1 + (c.k + j) % cardinality(ra.ids)]
             FROM c JOIN ra USING (review_id)
            CROSS JOIN LATERAL generate_series(0, CASE WHEN ${chance('two agencies', 'c.id::text')} < 0.4 THEN 1 ELSE 0 END) j
           ON CONFLICT DO NOTHING`,
          [p],
        )
      },
    },
    {
      name: 'actions',
      run: async (sql) => {
        // Exactly as many actions as asked, on the recommendations the board accepted in reviews
        // whose actions are agreed. Owned by one of the recommendation's agencies (or its review's)
        // through the agency's lead, or by a sub-group through its chair; due three to eighteen
        // months after publication; signed off by the case review sub-group's chair (or, when
        // that chair owns the action, quality assurance's). Open past the due date is overdue.
        await sql.query(
          `WITH eligible AS (
             SELECT c.id, c.review_id, c.addressed_to, c.subgroup_id, v.status AS review_status, v.published_on,
                    coalesce(ra.ids, va.ids) AS agencies, 2 + floor(${chance('action weight', 'c.id::text')} * 4)::int AS w,
                    row_number() OVER (ORDER BY c.created_at, c.id) AS k
               FROM recommendations c JOIN reviews v ON v.id = c.review_id
              CROSS JOIN LATERAL (SELECT array_agg(agency_id ORDER BY agency_id) AS ids FROM recommendation_agencies
                                   WHERE recommendation_id = c.id) ra
              CROSS JOIN LATERAL (SELECT array_agg(agency_id ORDER BY agency_id) AS ids FROM review_agencies
                                   WHERE review_id = c.review_id) va
              WHERE c.partnership_id = $1 AND c.response IN ('accepted', 'partially_accepted')
                AND v.status IN ('actions_in_progress', 'closed')
           ), ${shares('$2')}, planned AS (
             SELECT j, s.*, j - s.first + 1 AS n,
                    ${chance('due', 'j')} AS d, ${chance('status', 'j')} AS st, ${chance('extended', 'j')} AS e,
                    ${chance('action words', 'j')} AS t, ${chance('signed off', 'j')} AS so,
                    s.published_on + 90 + floor(${chance('due', 'j')} * 450)::int AS first_due
               FROM shares s CROSS JOIN LATERAL generate_series(s.first, s.last) j
           ), owned AS (
             SELECT pl.*, g.subgroups, g.chairs,
                    CASE WHEN addressed_to IN ('subgroup', 'national') OR (addressed_to = 'partnership' AND n % 4 = 1) THEN NULL
                         ELSE agencies[1 + (n - 1) % cardinality(agencies)] END AS agency_id,
                    CASE WHEN addressed_to = 'subgroup' THEN subgroup_id
                         WHEN addressed_to = 'national' THEN g.subgroups[2]
                         WHEN addressed_to = 'partnership' AND n % 4 = 1 THEN g.subgroups[1] END AS owning_subgroup_id,
                    CASE WHEN review_status = 'actions_in_progress' AND first_due < $3::date AND e < 0.15
                         THEN first_due + CASE WHEN e < 0.07 THEN 180 ELSE 90 END ELSE first_due END AS due_on
               FROM planned pl CROSS JOIN (SELECT ${subgroups(6)} AS subgroups, ${chairs(7)} AS chairs) g
           ), statused AS (
             SELECT o.*,
                    coalesce(CASE WHEN agency_id IS NOT NULL THEN lead.user_id END,
                             chairs[array_position(subgroups, owning_subgroup_id)], chairs[2]) AS owner,
                    CASE WHEN review_status = 'closed' THEN CASE WHEN st < 0.88 THEN 'verified' ELSE 'closed_not_achieved' END
                         WHEN due_on < $3::date THEN CASE WHEN st < 0.45 THEN 'verified' WHEN st < 0.60 THEN 'completed'
                                                    WHEN st < 0.65 THEN 'closed_not_achieved' WHEN st < 0.79 THEN 'on_track'
                                                    WHEN st < 0.91 THEN 'at_risk' ELSE 'not_started' END
                         ELSE CASE WHEN st < 0.25 THEN 'not_started' WHEN st < 0.75 THEN 'on_track'
                                   WHEN st < 0.90 THEN 'at_risk' ELSE 'completed' END END AS status,
                    least(due_on + 7 + floor(so * 30)::int, $3::date - 1) AS signed_off_on
               FROM owned o
               LEFT JOIN LATERAL (SELECT m.user_id FROM memberships m JOIN users u ON u.id = m.user_id
                                   WHERE m.partnership_id = $1 AND m.role = 'agency-lead' AND o.agency_id = ANY(m.agency_ids)
                                   ORDER BY lower(u.email) LIMIT 1) lead ON true
           )
           INSERT INTO actions (id, partnership_id, source, review_id, recommendation_id, description, owning_agency_id,
                                owning_subgroup_id, owner_user_id, success_measure, due_on, original_due_on, status,
                                verified_by, verified_at, verification_note, created_at, updated_at)
           SELECT ${id('action', 'j')}, $1, 'recommendation', review_id, id, ${pick('$4::text[]', 't')}, agency_id,
                  owning_subgroup_id, owner, ${pick('$5::text[]', 'd')}, due_on, first_due, status,
                  CASE WHEN status = 'verified' THEN CASE WHEN owner = chairs[2] THEN chairs[3] ELSE chairs[2] END END,
                  CASE WHEN status = 'verified' THEN ${at('signed_off_on', '15:00')} END,
                  CASE WHEN status = 'verified' THEN 'The evidence shows practice has changed.' END,
                  ${at('published_on + 45')},
                  CASE WHEN status IN ('verified', 'closed_not_achieved') THEN ${at('signed_off_on', '15:00')}
                       WHEN status = 'not_started' THEN ${at('published_on + 45')}
                       ELSE ${at('least(due_on, $3::date - 1)', '12:00')} END
             FROM statused`,
          [p, size.reviews.actions, today, ACTIONS, SUCCESS_MEASURES, SUBGROUPS, chairEmails],
        )
        // Their history: an extension where the date moved, progress, sign-off or closure.
        await sql.query(
          `WITH a AS (
             SELECT a.*, ${at('least(coalesce(a.verified_at::date, a.due_on), $2::date - 1)', '12:00')} AS finished,
                    CASE WHEN a.owner_user_id = g.chairs[2] THEN g.chairs[3] ELSE g.chairs[2] END AS closer
               FROM actions a CROSS JOIN (SELECT ${chairs(3)} AS chairs) g WHERE a.partnership_id = $1
           )
           INSERT INTO action_updates (id, partnership_id, action_id, kind, note, status_from, status_to, evidence_url,
                                       due_from, due_to, by_user, at)
           SELECT ${id('action update', "a.id || ':' || u.k")}, $1, a.id, u.kind, u.note, u.status_from, u.status_to,
                  u.evidence_url, u.due_from, u.due_to, u.by_user, u.at
             FROM a CROSS JOIN LATERAL (VALUES
               (1, 'extension', 'More time agreed by the sub-group: the work depends on training not yet delivered.',
                NULL, NULL, NULL, a.original_due_on, a.due_on, a.owner_user_id,
                ${at('a.original_due_on - 14')}, a.due_on <> a.original_due_on),
               (2, 'progress', 'Work started; first steps agreed with the teams involved.', 'not_started',
                CASE WHEN a.status = 'at_risk' THEN 'at_risk' ELSE 'on_track' END, NULL, NULL, NULL, a.owner_user_id,
                a.created_at + (a.finished - a.created_at) * 0.3, a.status <> 'not_started'),
               (3, 'progress', 'Done: the evidence is attached for sign-off.', 'on_track', 'completed',
                'https://evidence.example.org/' || a.id, NULL, NULL, a.owner_user_id,
                a.created_at + (a.finished - a.created_at) * 0.7, a.status IN ('completed', 'verified')),
               (4, 'verification', coalesce(a.verification_note, ''), 'completed', 'verified', NULL, NULL, NULL,
                a.verified_by, a.verified_at, a.status = 'verified'),
               (5, 'closure', 'Closed without being achieved: the service it concerned has been recommissioned.',
                'on_track', 'closed_not_achieved', NULL, NULL, NULL, a.closer, a.updated_at, a.status = 'closed_not_achieved')
             ) u(k, kind, note, status_from, status_to, evidence_url, due_from, due_to, by_user, at, happened)
            WHERE u.happened`,
          [p, today, chairEmails],
        )
      },
    },
  ]
}
