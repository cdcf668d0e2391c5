import PDFDocument from 'pdfkit'
import { systemContext } from '#platform/context.ts'
import type { Figure } from './run.ts'
import { withDemoPartnership } from './world.ts'

const PEOPLE = 1000

/** A one-page PDF with a line of text: what pdfkit costs before any content of ours. */
function barePdf(): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4' })
  const chunks: Buffer[] = []
  doc.on('data', (c: Buffer) => chunks.push(c))
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))))
  doc.text('Certificate')
  doc.end()
  return done
}

/**
 * Generating 1,000 certificates (issue target: under 10 seconds): a register marking 1,000
 * people as having attended in full, which issues their certificates, renders each as a PDF
 * and writes the email that sends it. The baseline renders 1,000 bare one-line PDFs.
 */
export async function certificates(): Promise<Figure[]> {
  return withDemoPartnership(async ({ database, services, clock, partnership }) => {
    const admin = systemContext(partnership, 'bench')
    await services.policy.change(admin, { certificateRule: 'attendance_only', reason: 'bench' })
    const scope = { partnershipId: partnership.id, userId: null, actor: 'bench' }
    const sessionId = await database.db.tenant(scope, async (sql) => {
      const agency = await sql.one<{ id: string }>('SELECT id FROM agencies ORDER BY name LIMIT 1')
      await sql.query(
        `INSERT INTO people (partnership_id, first_name, last_name, email, agency_id)
         SELECT $1, 'Bench', 'Person ' || n, 'cert.' || n || '@example.org', $2 FROM generate_series(1, $3) n`,
        [partnership.id, agency.id, PEOPLE],
      )
      const course = await sql.one<{ id: string }>(
        `INSERT INTO courses (partnership_id, title, objectives, delivery_method, evaluation_plan, status, duration_minutes)
         VALUES ($1, 'Bench course', '["Recognise the signs", "Act on them", "Record what you did"]',
                 'multi_agency_training', '{"impact": "Follow-up"}', 'published', 180) RETURNING id`,
        [partnership.id],
      )
      const session = await sql.one<{ id: string }>(
        `INSERT INTO sessions (partnership_id, course_id, format, joining_url, capacity, status, starts_at, ends_at)
         VALUES ($1, $2, 'online', 'https://meet.example.org/x', $3, 'shortlisted', '2027-01-04T09:00Z', '2027-01-04T12:00Z')
         RETURNING id`,
        [partnership.id, course.id, PEOPLE],
      )
      await sql.query(
        `INSERT INTO session_parts (partnership_id, session_id, starts_at, ends_at)
         VALUES ($1, $2, '2027-01-04T09:00Z', '2027-01-04T12:00Z')`,
        [partnership.id, session.id],
      )
      await sql.query(
        `INSERT INTO applications (partnership_id, session_id, person_id, agency_id, manager_email, status, confirmed_at)
         SELECT $1, $2, id, agency_id, 'manager@example.org', 'confirmed', cascade_now() FROM people
          WHERE email LIKE 'cert.%'`,
        [partnership.id, session.id],
      )
      return session.id
    })
    const people = await database.db.tenant(scope, (sql) =>
      sql.query<{ id: string }>(`SELECT id FROM people WHERE email LIKE 'cert.%'`),
    )
    clock.set('2027-01-04T12:30:00Z')

    const started = performance.now()
    await services.register.mark(
      admin,
      sessionId,
      people.map((p) => ({ personId: p.id, part: 1, mark: 'attended' as const })),
    )
    const issued = await database.db.tenant(scope, (sql) =>
      sql.query<{ id: string }>('SELECT id FROM certificates WHERE session_id = $1', [sessionId]),
    )
    if (issued.length !== PEOPLE) throw new Error(`issued ${issued.length} certificates, not ${PEOPLE}`)
    const value = Math.round(performance.now() - started)
    const sent = await database.db.platform((sql) =>
      sql.one<{ n: number }>(
        `SELECT count(*)::int AS n FROM outbox WHERE subject = 'Your certificate: Bench course'
            AND jsonb_array_length(attachments) = 1`,
      ),
    )
    if (sent.n !== PEOPLE) throw new Error(`sent ${sent.n} certificates, not ${PEOPLE}`)

    const bareStarted = performance.now()
    for (let i = 0; i < PEOPLE; i++) await barePdf()
    const baseline = Math.round(performance.now() - bareStarted)
    return [
      {
        name: `generating ${PEOPLE} certificates: issued from the register, each rendered as a PDF and emailed (${database.kind})`,
        value,
        unit: 'ms',
        target: 10_000,
        baseline,
        ratio: Math.round((value / baseline) * 100) / 100,
      },
    ]
  })
}
