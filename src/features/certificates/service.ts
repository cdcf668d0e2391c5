import { mayActFor } from '#features/booking/deps.ts'
import type { Clock } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import { scopeOf } from '#platform/context.ts'
import type { Database, Sql } from '#platform/db/database.ts'
import { isUuid } from '#platform/db/database.ts'
import { NotFoundError } from '#platform/errors.ts'
import { normaliseCode } from './code.ts'
import { certificatePdf } from './pdf.ts'
import type { Certificate, Verification } from './queries.ts'
import { certificateById, certificatesOfPerson, verifyCode } from './queries.ts'

/**
 * Certificates of completion: a person's learning record (their CPD evidence), each as a PDF,
 * and a public check of any code. Issuing is the register's (see register/consequences.ts).
 */
export function createCertificateService(deps: { db: Database; clock: Clock; publicUrl: string }) {
  const { db, clock } = deps

  /**
   * Whether the actor may see a person's certificates: their own, their agencies' staff's, or
   * any for an admin. A record merged into another answers nowhere: its certificates are the
   * other record's.
   */
  async function mayRead(sql: Sql, ctx: Context, personId: string): Promise<boolean> {
    const person = await sql.maybeOne<{ userId: string | null; agencyId: string }>(
      'SELECT user_id AS "userId", agency_id AS "agencyId" FROM people WHERE id = $1 AND merged_into IS NULL',
      [personId],
    )
    return person !== undefined && mayActFor(ctx, person)
  }

  return {
    async ofPerson(ctx: Context, personId: string): Promise<Certificate[]> {
      if (!isUuid(personId)) throw new NotFoundError('Person')
      return db.tenant(scopeOf(ctx), async (sql) => {
        if (!(await mayRead(sql, ctx, personId))) throw new NotFoundError('Person')
        return certificatesOfPerson(sql, personId)
      })
    },

    /** The signed-in user's own certificates. */
    async mine(ctx: Context): Promise<Certificate[]> {
      if (!ctx.actor.userId) return []
      return db.tenant(scopeOf(ctx), (sql) =>
        sql
          .query<{ id: string }>('SELECT id FROM people WHERE user_id = $1', [ctx.actor.userId])
          .then(async (people) =>
            (await Promise.all(people.map((p) => certificatesOfPerson(sql, p.id)))).flat(),
          ),
      )
    },

    /** A certificate as a PDF, for whoever may read it. */
    async pdf(ctx: Context, id: string): Promise<{ certificate: Certificate; pdf: Buffer }> {
      const certificate = isUuid(id)
        ? await db.tenant(scopeOf(ctx), async (sql) => {
            const found = await certificateById(sql, id)
            return found && (await mayRead(sql, ctx, found.personId)) ? found : undefined
          })
        : undefined
      if (!certificate) throw new NotFoundError('Certificate')
      const pdf = await certificatePdf(
        certificate,
        ctx.partnership.name,
        `${deps.publicUrl}/verify/${certificate.code}`,
        clock.now(),
      )
      return { certificate, pdf }
    },

    /**
     * Checks a code from anyone, signed in or not: what the certificate says, or nothing. A
     * malformed code is looked up like any other, so refusing it takes as long as finding one.
     */
    async verify(code: string): Promise<Verification | undefined> {
      return db.anonymous({ actor: 'verify' }, (sql) => verifyCode(sql, normaliseCode(code)))
    },
  }
}

export type CertificateService = ReturnType<typeof createCertificateService>
