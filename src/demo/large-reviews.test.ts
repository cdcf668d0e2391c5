import { describe, expect, it } from 'vitest'
import { steppingClock } from '#platform/clock.ts'
import { freshDatabase } from '#test/support/database.ts'
import type { Size } from './large.ts'
import { seedLarge } from './large.ts'

// The large partnership at a size a test builds in a moment, with five years of reviews.
const small: Size = {
  agencies: 24,
  people: 200,
  courses: 3,
  years: 5,
  sessionsPerYear: 4,
  applicationsPerSession: 4,
  placesPerSession: 3,
  responses: { atBooking: 10, afterCourse: 5, followUp: 2 },
  reviews: { reviews: 30, recommendations: 150, actions: 400 },
}

describe("the large partnership's case reviews", () => {
  it('come in the numbers asked, hang together and leave a share of actions overdue', async () => {
    const database = await freshDatabase(steppingClock('2026-11-24T10:00:00Z'))
    try {
      const { db } = database
      const partnership = await db.platform((sql) =>
        sql.one<{ id: string; slug: string }>(
          `INSERT INTO partnerships (slug, name) VALUES ('synthetic', 'Synthetic') RETURNING id, slug`,
        ),
      )
      await seedLarge(db, partnership, 3, '2026-11-24', () => {}, small)
      const found = await db.platform((sql) =>
        sql.one<Record<string, number>>(
          `SELECT
             (SELECT count(*)::int FROM reviews) AS reviews,
             (SELECT count(*)::int FROM recommendations) AS recommendations,
             (SELECT count(*)::int FROM actions) AS actions,
             (SELECT count(*)::int FROM subgroups) AS subgroups,
             (SELECT count(DISTINCT status)::int FROM reviews) AS "reviewStatuses",
             (SELECT count(DISTINCT type)::int FROM reviews) AS types,
             (SELECT count(*)::int FROM reviews v WHERE NOT EXISTS (SELECT 1 FROM review_agencies WHERE review_id = v.id)
                                                   OR NOT EXISTS (SELECT 1 FROM review_themes WHERE review_id = v.id)) AS "bareReviews",
             (SELECT count(*)::int FROM findings f WHERE NOT EXISTS (SELECT 1 FROM finding_themes WHERE finding_id = f.id)) AS "unthemedFindings",
             (SELECT count(*)::int FROM recommendations WHERE response = 'not_accepted') AS "notAccepted",
             -- Foreign keys were not checked during the load: each reference must still hold.
             (SELECT count(*)::int FROM actions a LEFT JOIN users u ON u.id = a.owner_user_id
                LEFT JOIN recommendations c ON c.id = a.recommendation_id AND c.review_id = a.review_id
                LEFT JOIN agencies g ON g.id = a.owning_agency_id LEFT JOIN subgroups s ON s.id = a.owning_subgroup_id
               WHERE u.id IS NULL OR c.id IS NULL OR (g.id IS NULL AND s.id IS NULL)
                  OR c.response NOT IN ('accepted', 'partially_accepted')) AS "brokenActions",
             (SELECT count(*)::int FROM review_agencies ra LEFT JOIN agencies g ON g.id = ra.agency_id
               LEFT JOIN reviews v ON v.id = ra.review_id WHERE g.id IS NULL OR v.id IS NULL) AS "brokenInvolvement",
             (SELECT count(*)::int FROM actions a JOIN memberships m ON m.user_id = a.owner_user_id AND m.role = 'agency-lead'
               WHERE a.owning_agency_id IS NOT NULL AND NOT a.owning_agency_id = ANY(m.agency_ids)) AS "ownedByOthers",
             (SELECT count(*)::int FROM actions a JOIN reviews v ON v.id = a.review_id
               WHERE v.status = 'closed' AND a.status NOT IN ('verified', 'closed_not_achieved')) AS "openInClosed",
             (SELECT count(*)::int FROM actions WHERE status IN ('not_started', 'on_track', 'at_risk')
                                                  AND due_on < date '2026-11-24') AS overdue,
             (SELECT count(*)::int FROM actions WHERE due_on > date '2026-11-24') AS ahead,
             (SELECT count(*)::int FROM actions WHERE owning_subgroup_id IS NOT NULL) AS "subgroupOwned",
             (SELECT count(*)::int FROM action_updates u JOIN actions a ON a.id = u.action_id
               WHERE u.at > timestamptz '2026-11-24T10:00:00Z' OR u.at < a.created_at) AS "updatesOutOfTime"`,
        ),
      )
      expect(found).toMatchObject({
        reviews: 30,
        recommendations: 150,
        actions: 400,
        subgroups: 3,
        bareReviews: 0,
        unthemedFindings: 0,
        brokenActions: 0,
        brokenInvolvement: 0,
        ownedByOthers: 0,
        openInClosed: 0,
        updatesOutOfTime: 0,
      })
      expect(found.reviewStatuses).toBeGreaterThanOrEqual(4)
      expect(found.types).toBeGreaterThanOrEqual(6)
      expect(found.notAccepted).toBeGreaterThan(0)
      expect(found.subgroupOwned).toBeGreaterThan(0)
      expect(found.ahead).toBeGreaterThan(0)
      // Overdue is a real share, not all or nothing.
      expect(found.overdue).toBeGreaterThan(400 * 0.05)
      expect(found.overdue).toBeLessThan(400 * 0.4)
    } finally {
      await database.close()
    }
  })
})
