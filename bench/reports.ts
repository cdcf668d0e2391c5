import type { FastifyInstance } from 'fastify'
import { PDFParse } from 'pdf-parse'
import { hashPassword } from '#platform/auth/passwords.ts'
import { ensureUser, grantRole } from '#platform/auth/users.ts'
import type { Database } from '#platform/db/database.ts'
import { DEMO_PASSWORD } from '#src/demo/partnerships.ts'
import { Browser } from '#test/support/app.ts'
import { medianTime } from './measure.ts'
import type { Figure } from './run.ts'
import { benchAccount } from './world.ts'

const REPORT_ROUNDS = 7
const PDF = 'application/pdf'
const DASHBOARD_ROUNDS = 60

/**
 * The report to the board on the large synthetic partnership (built by the caller): the
 * annual report's page for the last whole financial year, beside the year before (target 2 s),
 * and an executive's home page with this quarter's headline figures (target 200 ms), each as
 * the median server time. The baseline for both is the same app's menu page for the same
 * executive: signed in, rendered, but reading nothing of the partnership's data.
 */
export async function boardReport(
  app: FastifyInstance,
  db: Database,
  partnership: { id: string },
  databaseKind: string,
): Promise<Figure[]> {
  const user = await ensureUser(db, {
    email: 'bench.executive@synthetic.example.org',
    displayName: 'Bench executive',
    passwordHash: await hashPassword(DEMO_PASSWORD),
  })
  await grantRole(db, { partnershipId: partnership.id, userId: user.id, role: 'executive', actor: 'bench' })
  await benchAccount(db, user.id)
  const executive = new Browser(app)
  await executive.submit('/sign-in', {
    email: 'bench.executive@synthetic.example.org',
    password: DEMO_PASSWORD,
  })
  const headers = { cookie: executive.cookieHeader }
  const get = async (url: string, shows: string) => {
    const response = await app.inject({ method: 'GET', url, headers })
    if (response.statusCode !== 200 || !response.body.includes(shows))
      throw new Error(`${url} did not show "${shows}" (${response.statusCode})`)
    return response
  }

  // The bench's today is 24 November 2026: the last whole financial year is 2025 to 2026.
  const annualUrl = '/reports?period=2025'
  await get(annualUrl, 'Attendees by agency')
  const annual = await medianTime(REPORT_ROUNDS, () => get(annualUrl, 'Attendees by agency'))
  // The same report as its PDF (read back as text, so a document that does not read fails the
  // bench) and as the zip of its tables.
  const download = async (url: string, type: string) => {
    const response = await app.inject({ method: 'GET', url, headers })
    if (response.statusCode !== 200 || response.headers['content-type'] !== type)
      throw new Error(`${url} was not a ${type} (${response.statusCode})`)
    return response
  }
  const pdfText = (
    await new PDFParse({
      data: new Uint8Array((await download('/reports/2025.pdf', PDF)).rawPayload),
    }).getText()
  ).text
  if (!pdfText.replace(/\s+/g, ' ').includes('Report to the board: 2025 to 2026'))
    throw new Error('The annual report’s PDF does not read as the report')
  const pdf = await medianTime(REPORT_ROUNDS, () => download('/reports/2025.pdf', PDF))
  const zip = await medianTime(REPORT_ROUNDS, () => download('/reports/2025.zip', 'application/zip'))
  const dashboard = await medianTime(DASHBOARD_ROUNDS, () => get('/dashboard', 'Sessions delivered'))
  const menu = await medianTime(DASHBOARD_ROUNDS, () => get('/menu', 'Menu'))
  return [
    {
      postgresOnly: true,
      name: `the annual report to the board, large partnership, 2025 to 2026 beside the year before, median server time (${databaseKind})`,
      value: annual,
      unit: 'ms',
      target: 2000,
      baseline: menu,
      ratio: Math.round((annual / menu) * 100) / 100,
    },
    {
      postgresOnly: true,
      name: `the annual report to the board as a PDF, large partnership, median server time (${databaseKind})`,
      value: pdf,
      unit: 'ms',
      target: 2000,
      baseline: menu,
      ratio: Math.round((pdf / menu) * 100) / 100,
    },
    {
      postgresOnly: true,
      name: `the annual report's tables as CSV in a zip, large partnership, median server time (${databaseKind})`,
      value: zip,
      unit: 'ms',
      target: 2000,
      baseline: menu,
      ratio: Math.round((zip / menu) * 100) / 100,
    },
    {
      postgresOnly: true,
      name: `an executive's home page with this quarter's headline figures, large partnership, median server time (${databaseKind})`,
      value: dashboard,
      unit: 'ms',
      target: 200,
      baseline: menu,
      ratio: Math.round((dashboard / menu) * 100) / 100,
    },
  ]
}
