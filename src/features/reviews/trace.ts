import type { Sql } from '#platform/db/database.ts'

/**
 * The thread from a finding to who has been trained since: the courses that cite it, their
 * sessions since each was cited and how many people attended them, and the training needs
 * requests that ask for learning on it.
 */
export type FindingTrace = {
  courses: {
    id: string
    title: string
    status: string
    citedInVersion: number | null
    citedAt: Date
    sessions: { id: string; startsAt: Date; status: string; attended: number }[]
    attended: number
  }[]
  needs: { id: string; practiceChange: string; status: string; citedAt: Date }[]
  /** People who attended a citing course's session since it was cited, each counted once. */
  attendedSince: number
}

// A person who came to any part of a session attended it; absent or present but not engaging does not count.
const attendedMarks = `('attended', 'late', 'left_early')`

export async function traceOf(sql: Sql, findingId: string): Promise<FindingTrace> {
  const courses = await sql.query<Omit<FindingTrace['courses'][number], 'sessions' | 'attended'>>(
    `SELECT c.id, c.title, c.status, cf.course_version AS "citedInVersion", cf.cited_at AS "citedAt"
       FROM course_findings cf JOIN courses c ON c.id = cf.course_id
      WHERE cf.finding_id = $1 ORDER BY cf.cited_at, lower(c.title), c.id`,
    [findingId],
  )
  const sessions = await sql.query<{
    courseId: string
    id: string
    startsAt: Date
    status: string
    attended: number
  }>(
    `SELECT s.course_id AS "courseId", s.id, s.starts_at AS "startsAt", s.status,
       (SELECT count(DISTINCT a.person_id)::int FROM applications a
         WHERE a.session_id = s.id AND EXISTS (SELECT 1 FROM attendance t
           WHERE t.application_id = a.id AND t.mark IN ${attendedMarks})) AS attended
       FROM course_findings cf JOIN sessions s ON s.course_id = cf.course_id AND s.starts_at >= cf.cited_at
      WHERE cf.finding_id = $1 AND s.status <> 'cancelled'
      ORDER BY s.starts_at, s.id`,
    [findingId],
  )
  const { attendedSince } = await sql.one<{ attendedSince: number }>(
    `SELECT count(DISTINCT a.person_id)::int AS "attendedSince"
       FROM course_findings cf JOIN sessions s ON s.course_id = cf.course_id AND s.starts_at >= cf.cited_at
       JOIN applications a ON a.session_id = s.id
      WHERE cf.finding_id = $1 AND s.status <> 'cancelled'
        AND EXISTS (SELECT 1 FROM attendance t WHERE t.application_id = a.id AND t.mark IN ${attendedMarks})`,
    [findingId],
  )
  const needs = await sql.query<FindingTrace['needs'][number]>(
    `SELECT n.id, n.practice_change AS "practiceChange", n.status, nf.cited_at AS "citedAt"
       FROM need_findings nf JOIN needs n ON n.id = nf.need_id
      WHERE nf.finding_id = $1 ORDER BY nf.cited_at, n.id`,
    [findingId],
  )
  return {
    courses: courses.map((course) => {
      const own = sessions
        .filter((s) => s.courseId === course.id)
        .map(({ courseId: _c, ...session }) => session)
      return { ...course, sessions: own, attended: own.reduce((sum, s) => sum + s.attended, 0) }
    }),
    needs,
    attendedSince,
  }
}
