import type { AgencyCategory, AgencySector } from '#features/directory/agency.ts'
import type { SessionInput } from '#features/sessions/forms.ts'
import type { Context } from '#platform/context.ts'
import { systemContext } from '#platform/context.ts'
import type { TestApp } from './app.ts'
import { aCourse } from './builders.ts'

/**
 * A partnership to book places in: agencies in chosen sectors, their staff, courses and
 * sessions, made straight through the services so a test names only what it is about.
 */
export async function bookingWorld(t: TestApp, slug = 'norfolk') {
  const partnership = await t.partnership(slug)
  const admin: Context = systemContext(partnership, 'test')
  const scope = { partnershipId: partnership.id, userId: null }
  let people = 0

  const world = {
    partnership,
    admin,
    scope,

    async agency(
      name: string,
      sector: AgencySector,
      category: AgencyCategory = 'statutory',
      saferProgrammeMember = false,
    ): Promise<string> {
      return t.db.tenant(scope, async (sql) => {
        const row = await sql.one<{ id: string }>(
          `INSERT INTO agencies (partnership_id, name, category, safer_programme_member, sector, workforce)
           VALUES ($1, $2, $3, $4, $5, 'both') RETURNING id`,
          [partnership.id, name, category, saferProgrammeMember, sector],
        )
        return row.id
      })
    },

    /** A person in an agency; `userId` links them to a sign-in, `status: 'pending'` makes them a registrant. */
    async person(
      agencyId: string,
      options: {
        first?: string
        tier?: string | null
        status?: 'active' | 'pending'
        userId?: string
        jobTitle?: string
      } = {},
    ): Promise<string> {
      people++
      const first = options.first ?? `Person${people}`
      return t.db.tenant(scope, async (sql) => {
        const row = await sql.one<{ id: string }>(
          `INSERT INTO people (partnership_id, first_name, last_name, email, agency_id, tier, status, user_id, role)
           VALUES ($1, $2, 'Tester', $3, $4, $5, $6, $7, $8) RETURNING id`,
          [
            partnership.id,
            first,
            `${first.toLowerCase()}.${people}.${slug}@example.org`,
            agencyId,
            options.tier ?? null,
            options.status ?? 'active',
            options.userId ?? null,
            options.jobTitle ?? null,
          ],
        )
        return row.id
      })
    },

    async course(title = 'Information sharing', tier: string | null = null): Promise<string> {
      return (await t.services.courses.create(admin, aCourse({ title, tier }))).id
    },

    async session(courseId: string, startsAt: string, extra: Partial<SessionInput> = {}): Promise<string> {
      const start = new Date(startsAt)
      const created = await t.services.courseSessions.create(admin, {
        courseId,
        startsAt: start.toISOString(),
        endsAt: new Date(start.getTime() + 3 * 3_600_000).toISOString(),
        capacity: 3,
        minimumPlaces: null,
        format: 'online',
        venue: null,
        joiningUrl: 'https://meet.example.org/session',
        capacityOverrideReason: 'A test of booking',
        ...extra,
      })
      return created.id
    },

    async apply(sessionId: string, personId: string, acceptsOtherDates = false): Promise<string> {
      const application = await t.services.booking.apply(admin, sessionId, {
        personId,
        managerEmail: 'manager@example.org',
        managerName: 'Morgan Manager',
        acceptsOtherDates,
        accessNeeds: null,
      })
      return application.id
    },

    /** An API token for a demo user of the partnership. */
    async token(email: string): Promise<string> {
      const user = await t.db.anonymous({}, (sql) =>
        sql.one<{ id: string }>('SELECT id FROM users WHERE email = $1', [email]),
      )
      return t.services.tokens.create({ partnershipId: partnership.id, userId: user.id, name: 'test' })
    },

    /** Emails written to the outbox for an address, oldest first. */
    async mailTo(address: string) {
      return t.db.platform((sql) =>
        sql.query<{
          subject: string
          text_body: string
          attachments: { filename: string; contentBase64: string }[]
        }>(
          `SELECT subject, text_body, attachments FROM outbox WHERE lower(to_address) = lower($1) ORDER BY created_at, id`,
          [address],
        ),
      )
    },

    /** The email to an address whose subject starts so; the outbox keeps no order within a moment. */
    async mailAbout(address: string, subject: string) {
      return (await world.mailTo(address)).find((m) => m.subject.startsWith(subject))
    },

    async emailOf(personId: string): Promise<string> {
      return t.db.tenant(
        scope,
        async (sql) =>
          (await sql.one<{ email: string }>('SELECT email FROM people WHERE id = $1', [personId])).email,
      )
    },
  }
  return world
}

export type BookingWorld = Awaited<ReturnType<typeof bookingWorld>>
