import type { PartnershipRef } from './auth/identity.ts'
import type { Database } from './db/database.ts'

/** The partnerships (tenants). Their names and slugs are public: the catalogue is published under each slug. */
export function createPartnerships(db: Database) {
  return {
    list(): Promise<PartnershipRef[]> {
      return db.anonymous({}, (sql) =>
        sql.query<PartnershipRef>('SELECT id, slug, name FROM partnerships ORDER BY name'),
      )
    },
    bySlug(slug: string): Promise<PartnershipRef | undefined> {
      return db.anonymous({}, (sql) =>
        sql.maybeOne<PartnershipRef>('SELECT id, slug, name FROM partnerships WHERE slug = $1', [slug]),
      )
    },
  }
}

export type Partnerships = ReturnType<typeof createPartnerships>
