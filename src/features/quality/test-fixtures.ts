import { defaultStandards } from '#features/quality/standards/default-set.ts'
import { currentVersion, insertVersion } from '#features/quality/standards/queries.ts'
import type { Database } from '#platform/db/database.ts'
import type { Rating } from './words.ts'

let made = 0

/**
 * A self-assessment round written straight to the tables, for the tests of the parts that
 * follow a round (the draw, observations, the summary) without going through its forms. Each
 * return named is given its courses, every course rated against every standard, and submitted
 * unless told otherwise. The partnership's current standards are used, or the suggested set
 * saved as its first version.
 */
export async function aQaRound(
  db: Database,
  partnershipId: string,
  options: {
    title?: string
    dueOn?: string
    openedOn?: string
    returns: {
      agencyId: string
      status?: 'not_started' | 'in_progress' | 'submitted'
      courses?: string[]
      rating?: Rating
    }[]
  },
): Promise<{
  id: string
  versionId: string
  returns: { id: string; agencyId: string; courseIds: string[] }[]
}> {
  made += 1
  return db.tenant({ partnershipId, userId: null, actor: 'test' }, async (sql) => {
    await sql.auditAs('test')
    if (!(await currentVersion(sql)))
      await insertVersion(sql, partnershipId, { standards: defaultStandards, note: null, createdBy: null })
    const version = await currentVersion(sql)
    if (!version) throw new Error('No standards')
    const round = await sql.one<{ id: string }>(
      `INSERT INTO qa_rounds (partnership_id, title, version_id, due_on, opened_on)
       VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [
        partnershipId,
        options.title ?? `Self-assessment round ${made}`,
        version.id,
        options.dueOn ?? '2026-12-18',
        options.openedOn ?? '2026-11-01',
      ],
    )
    const returns: { id: string; agencyId: string; courseIds: string[] }[] = []
    for (const r of options.returns) {
      const status = r.status ?? 'submitted'
      const row = await sql.one<{ id: string }>(
        `INSERT INTO qa_returns (partnership_id, round_id, agency_id, status) VALUES ($1, $2, $3, $4) RETURNING id`,
        [partnershipId, round.id, r.agencyId, status === 'submitted' ? 'in_progress' : status],
      )
      const courseIds: string[] = []
      const titles = r.courses ?? (status === 'not_started' ? [] : ['Safeguarding induction'])
      for (const [i, title] of titles.entries()) {
        const course = await sql.one<{ id: string }>(
          `INSERT INTO qa_return_courses (partnership_id, return_id, position, title) VALUES ($1, $2, $3, $4) RETURNING id`,
          [partnershipId, row.id, i + 1, title],
        )
        courseIds.push(course.id)
        await sql.query(
          `INSERT INTO qa_ratings (partnership_id, course_id, standard_id, rating, narrative)
           SELECT $1, $2, s.id, $3, 'As the evidence shows' FROM qa_standards s WHERE s.version_id = $4`,
          [partnershipId, course.id, r.rating ?? 'met', version.id],
        )
      }
      if (status === 'submitted')
        await sql.query(
          `UPDATE qa_returns SET status = 'submitted', submitted_at = cascade_now() WHERE id = $1`,
          [row.id],
        )
      returns.push({ id: row.id, agencyId: r.agencyId, courseIds })
    }
    return { id: round.id, versionId: version.id, returns }
  })
}
