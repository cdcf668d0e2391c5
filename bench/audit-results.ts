import { cellsOfCycle } from '#features/audits/results/queries.ts'
import { systemContext } from '#platform/context.ts'
import { buildApp } from '#src/app.ts'
import { DEMO_PASSWORD } from '#src/demo/partnerships.ts'
import { Browser } from '#test/support/app.ts'
import { timesOf } from './measure.ts'
import type { Figure } from './run.ts'
import { withDemoPartnership } from './world.ts'

const AGENCIES = 300
const SECTIONS = 4
const PER_SECTION = 10
const ROUNDS = 40
const TARGET_MS = 300

const percentile = (times: number[], p: number) => {
  const sorted = [...times].sort((a, b) => a - b)
  return Math.round((sorted[Math.ceil(sorted.length * p) - 1] ?? Number.NaN) * 10) / 10
}

/**
 * Audit results: a cycle of 300 agencies by 40 standards (12,000 answers, and a previous cycle
 * of the same template for the change column), built with set-based INSERT ... SELECT over
 * generate_series. Times the results service and the results page as an admin sees them
 * (every column), at the 50th and 95th percentiles against the 300 ms target.
 */
export async function auditResults(): Promise<Figure[]> {
  return withDemoPartnership(async ({ database, services, partnership }) => {
    const { db } = database
    const pid = partnership.id
    const cycleId = await db.tenant({ partnershipId: pid, userId: null, actor: 'bench' }, async (sql) => {
      await sql.auditAs('bench')
      await sql.query(
        `INSERT INTO agencies (partnership_id, name, category, sector, workforce)
         SELECT $1, 'Bench agency ' || lpad(n::text, 3, '0'), 'statutory', 'other', 'both' FROM generate_series(1, $2) n`,
        [pid, AGENCIES],
      )
      const t = await sql.one<{ id: string }>(
        `INSERT INTO audit_templates (partnership_id, kind, title) VALUES ($1, 'section_11', 'Bench section 11') RETURNING id`,
        [pid],
      )
      const v = await sql.one<{ id: string }>(
        `INSERT INTO audit_template_versions (partnership_id, template_id, version, scale) VALUES ($1, $2, 1, 'four_point') RETURNING id`,
        [pid, t.id],
      )
      await sql.query(
        `INSERT INTO audit_sections (partnership_id, version_id, position, title)
         SELECT $1, $2, n, 'Section ' || n FROM generate_series(1, $3) n`,
        [pid, v.id, SECTIONS],
      )
      await sql.query(
        `INSERT INTO audit_standards (partnership_id, version_id, section_id, position, ref, title, question, guidance, evidence_expected)
         SELECT $1, $2, sec.id, (sec.position - 1) * $3 + n, sec.position || '.' || n, 'Standard ' || sec.position || '.' || n,
                'How is it met?', 'Guidance.', 'Evidence.'
           FROM audit_sections sec, generate_series(1, $3) n WHERE sec.version_id = $2`,
        [pid, v.id, PER_SECTION],
      )
      const cycles = await sql.query<{ id: string }>(
        `INSERT INTO audit_cycles (partnership_id, title, version_id, due_on, opened_on)
         VALUES ($1, 'Bench 2025', $2, '2026-01-31', '2025-11-01'), ($1, 'Bench 2026', $2, '2027-01-31', '2026-11-01')
         RETURNING id`,
        [pid, v.id],
      )
      const signer = await sql.one<{ id: string }>(
        `SELECT user_id AS id FROM memberships WHERE partnership_id = $1 AND role = 'admin' LIMIT 1`,
        [pid],
      )
      for (const c of cycles)
        await sql.query(
          `INSERT INTO audit_returns (partnership_id, cycle_id, agency_id, status, signed_off_by, submitted_at, concluded_at)
           SELECT $1, $2, ag.id, 'concluded', $3, now(), now() FROM agencies ag
            WHERE ag.partnership_id = $1 AND ag.name LIKE 'Bench agency %'`,
          [pid, c.id, signer.id],
        )
      await sql.query(
        `INSERT INTO audit_answers (partnership_id, return_id, standard_id, rating, narrative)
         SELECT $1, r.id, s.id,
                (ARRAY['outstanding', 'good', 'requires_improvement', 'inadequate'])[1 + abs(hashtext(r.id::text || s.id::text)) % 4],
                'How the agency meets the standard.'
           FROM audit_returns r JOIN audit_cycles c ON c.id = r.cycle_id
           JOIN audit_standards s ON s.version_id = c.version_id
          WHERE r.cycle_id = ANY($2::uuid[])`,
        [pid, cycles.map((c) => c.id)],
      )
      return cycles[1]?.id as string
    })
    await db.refreshStatistics([
      'agencies',
      'audit_returns',
      'audit_answers',
      'audit_standards',
      'audit_cycles',
    ])

    const ctx = systemContext(partnership, 'bench')
    const check = await services.auditResults.results(ctx, cycleId)
    if (
      check.columns.length !== AGENCIES ||
      Object.keys(check.cells).length !== AGENCIES * SECTIONS * PER_SECTION
    )
      throw new Error('the benchmark cycle was not built as intended')
    // The baseline: the one query of every answer beside last cycle's, alone in its transaction.
    const previous = check.cycle.previousCycleId
    const bare = await timesOf(ROUNDS, () =>
      db.tenant({ partnershipId: pid, userId: null }, (sql) => cellsOfCycle(sql, cycleId, previous, null)),
    )
    const service = await timesOf(ROUNDS, () => services.auditResults.results(ctx, cycleId))

    const app = await buildApp(services)
    await app.ready()
    try {
      const admin = new Browser(app)
      const signedIn = await admin.submit('/sign-in', {
        email: 'admin@norfolk.example.org',
        password: DEMO_PASSWORD,
      })
      if (signedIn.statusCode !== 303) throw new Error(`the admin could not sign in (${signedIn.statusCode})`)
      const url = `/audits/cycles/${cycleId}/results`
      const first = await admin.get(url)
      if (first.statusCode !== 200) throw new Error(`GET ${url} answered ${first.statusCode}`)
      const pageTimes = await timesOf(ROUNDS, () =>
        app.inject({ method: 'GET', url, headers: { cookie: admin.cookieHeader } }),
      )
      const lines = [
        ['answers query alone', bare],
        ['service', service],
        ['page', pageTimes],
      ] as const
      for (const [what, times] of lines)
        console.log(
          `Audit results ${what}, ${AGENCIES} agencies x ${SECTIONS * PER_SECTION} standards (${database.kind}): p50 ${percentile(times, 0.5)} ms, p95 ${percentile(times, 0.95)} ms, target ${TARGET_MS} ms`,
        )
      const baseline = percentile(bare, 0.95)
      return lines.slice(1).map(([what, times]) => ({
        name: `Audit results p95: the ${what}, ${AGENCIES} agencies x ${SECTIONS * PER_SECTION} standards with a previous cycle, 95th percentile server time (${database.kind})`,
        value: percentile(times, 0.95),
        unit: 'ms',
        target: TARGET_MS,
        baseline,
        ratio: Math.round((percentile(times, 0.95) / baseline) * 100) / 100,
      }))
    } finally {
      await app.close()
    }
  })
}

// Run on its own: node bench/audit-results.ts (DATABASE_URL for PostgreSQL, else PGlite).
if (import.meta.main) await auditResults()
