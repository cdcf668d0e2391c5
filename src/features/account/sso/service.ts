import type { CustomFetch } from 'openid-client'
import { linkUserToPerson } from '#features/directory/link-user.ts'
import { agencyById, personByEmail } from '#features/directory/queries.ts'
import type { RegistrationService } from '#features/directory/registration/service.ts'
import { decryptSecret, encryptSecret } from '#platform/auth/encryption.ts'
import type { Membership } from '#platform/auth/identity.ts'
import { membershipsOf } from '#platform/auth/identity.ts'
import type { SignOnRefusal } from '#platform/auth/oidc.ts'
import {
  DiscoveryError,
  discover,
  finishSignOn,
  issuerProblem,
  SignOnRefused,
  startSignOn,
} from '#platform/auth/oidc.ts'
import { hashToken, newToken } from '#platform/auth/secrets.ts'
import type { Clock } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import { requireRole, scopeOf } from '#platform/context.ts'
import type { Database, Sql } from '#platform/db/database.ts'
import { isUniqueViolation, isUuid } from '#platform/db/database.ts'
import type { FieldError } from '#platform/errors.ts'
import { NotFoundError, ValidationError } from '#platform/errors.ts'
import type { ProviderChange, ProviderInput } from './forms.ts'
import { domainOf, providerSchema } from './forms.ts'

/** How long a person has to come back from their provider. */
export const SIGN_ON_MINUTES = 10

export type DomainMapping = { domain: string; agencyId: string; agencyName: string; trusted: boolean }

/** An identity provider as admins see it: never its secret. */
export type IdentityProvider = {
  id: string
  name: string
  issuer: string
  clientId: string
  passwordsOff: boolean
  domains: DomainMapping[]
  createdAt: Date
  updatedAt: Date
}

/** A provider an email's domain may sign in through, in some partnership. */
export type ProviderChoice = {
  providerId: string
  partnershipId: string
  partnershipName: string
  providerName: string
  passwordsOff: boolean
}

/** Why a sign-in through a provider ended without a session; each has its own page. */
export type SignOnProblem =
  | { kind: 'used-or-expired' }
  | { kind: 'unavailable'; providerName: string }
  | { kind: 'refused'; refusal: SignOnRefusal; providerName: string }
  | { kind: 'not-mapped'; domain: string }
  | { kind: 'not-confirmed'; partnershipName: string }
  | { kind: 'disabled' }

export type SignOnOutcome =
  | { ok: true; userId: string; partnershipId: string; memberships: Membership[]; returnTo: string | null }
  | { ok: false; problem: SignOnProblem }

type ProviderRow = {
  id: string
  name: string
  issuer: string
  clientId: string
  passwordsOff: boolean
  createdAt: Date
  updatedAt: Date
}

const providerColumns = `p.id, p.name, p.issuer, p.client_id AS "clientId", p.passwords_off AS "passwordsOff",
  p.created_at AS "createdAt", p.updated_at AS "updatedAt"`

async function domainsOf(sql: Sql, providerIds: readonly string[]): Promise<Map<string, DomainMapping[]>> {
  const rows = await sql.query<DomainMapping & { providerId: string }>(
    `SELECT d.provider_id AS "providerId", d.domain, d.agency_id AS "agencyId", a.name AS "agencyName", d.trusted
       FROM identity_provider_domains d JOIN agencies a ON a.id = d.agency_id
      WHERE d.provider_id = ANY($1::uuid[]) ORDER BY d.domain`,
    [providerIds],
  )
  const byProvider = new Map<string, DomainMapping[]>()
  for (const { providerId, ...mapping } of rows)
    byProvider.set(providerId, [...(byProvider.get(providerId) ?? []), mapping])
  return byProvider
}

/** A person's first and last names from what the provider says, or from their address. */
export function namesOf(
  person: { givenName?: string; familyName?: string; name?: string },
  email: string,
): { firstName: string; lastName: string } {
  const clip = (value: string) => value.slice(0, 100)
  if (person.givenName && person.familyName)
    return { firstName: clip(person.givenName), lastName: clip(person.familyName) }
  const full = person.name?.split(/\s+/) ?? []
  if (full.length > 1)
    return { firstName: clip(full.slice(0, -1).join(' ')), lastName: clip(full[full.length - 1] ?? '') }
  const local = email
    .slice(0, email.lastIndexOf('@'))
    .split(/[._-]+/)
    .filter(Boolean)
  const word = (value: string) => value.charAt(0).toUpperCase() + value.slice(1)
  const first = local[0] ?? email
  return { firstName: clip(word(first)), lastName: clip(word(local.slice(1).join(' ') || first)) }
}

/**
 * Single sign-on: a partnership's identity providers (OpenID Connect) and signing in through
 * them. Before anyone is signed in, an email's domain finds its providers through a database
 * function that gives nothing but what starting a sign-in needs; the rest runs in the
 * partnership's scope as any request does.
 */
export function createSignOnService(deps: {
  db: Database
  clock: Clock
  production: boolean
  publicUrl: string
  /** The key client secrets are encrypted with at rest. */
  encryptionKey: string
  registrations: Pick<RegistrationService, 'addRegistrant'>
  mailQueued?: () => void
  /** Replaces `fetch` for requests to providers (tests tamper with a provider's answers). */
  fetch?: CustomFetch
}) {
  const { db, clock } = deps
  const oidcOptions = () => ({ allowHttp: !deps.production, clock, fetch: deps.fetch })
  const callbackUrl = `${deps.publicUrl}/sign-in/organisation/callback`

  async function providerIn(sql: Sql, id: string): Promise<ProviderRow> {
    const row = isUuid(id)
      ? await sql.maybeOne<ProviderRow>(
          `SELECT ${providerColumns} FROM identity_providers p WHERE p.id = $1`,
          [id],
        )
      : undefined
    if (!row) throw new NotFoundError('Identity provider')
    return row
  }

  /**
   * Checks what an admin saves: an issuer fit for the environment whose discovery document can
   * be read, and agencies of the partnership. A provider that cannot be discovered is refused
   * rather than saved as not working: with passwords off, it would lock its people out.
   */
  async function check(sql: Sql, input: ProviderInput): Promise<void> {
    const problem = issuerProblem(input.issuer, deps.production)
    if (problem) throw new ValidationError([{ field: 'issuer', text: problem }])
    const errors: FieldError[] = []
    for (const [index, mapping] of input.domains.entries()) {
      const agency = await agencyById(sql, mapping.agencyId)
      if (!agency || agency.archived)
        errors.push({
          field: `domains.${index}.agencyId`,
          text: 'Select an agency of the partnership from the list',
        })
    }
    if (errors.length) throw new ValidationError(errors)
    try {
      await discover(
        { issuer: input.issuer, clientId: input.clientId, clientSecret: input.clientSecret },
        oidcOptions(),
      )
    } catch (error) {
      if (!(error instanceof DiscoveryError)) throw error
      throw new ValidationError([
        {
          field: 'issuer',
          text: `Cascade could not read the provider’s discovery document (${error.message}). Check the issuer URL and that the provider is running`,
        },
      ])
    }
  }

  /** Maps the domains, each once in the partnership: one already mapped elsewhere is refused by name. */
  async function mapDomains(sql: Sql, partnershipId: string, providerId: string, input: ProviderInput) {
    const domains = input.domains.map((d) => d.domain)
    const taken = await sql.query<{ domain: string; name: string }>(
      `SELECT d.domain, p.name FROM identity_provider_domains d JOIN identity_providers p ON p.id = d.provider_id
        WHERE d.domain = ANY($1::text[]) AND d.provider_id <> $2`,
      [domains, providerId],
    )
    if (taken.length)
      throw new ValidationError(
        taken.map((t) => ({
          field: `domains.${domains.indexOf(t.domain)}.domain`,
          text: `${t.domain} is already mapped to ${t.name}: a domain can be mapped once in a partnership`,
        })),
      )
    await sql.query(
      'DELETE FROM identity_provider_domains WHERE provider_id = $1 AND NOT (domain = ANY($2::text[]))',
      [providerId, domains],
    )
    for (const mapping of input.domains) {
      await sql.query(
        `INSERT INTO identity_provider_domains (partnership_id, provider_id, domain, agency_id, trusted)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (partnership_id, domain) DO UPDATE SET agency_id = EXCLUDED.agency_id, trusted = EXCLUDED.trusted
           WHERE identity_provider_domains.provider_id = EXCLUDED.provider_id
             AND (identity_provider_domains.agency_id, identity_provider_domains.trusted)
                 IS DISTINCT FROM (EXCLUDED.agency_id, EXCLUDED.trusted)`,
        [partnershipId, providerId, mapping.domain, mapping.agencyId, mapping.trusted],
      )
    }
  }

  async function withDomains(sql: Sql, rows: ProviderRow[]): Promise<IdentityProvider[]> {
    const domains = await domainsOf(
      sql,
      rows.map((r) => r.id),
    )
    return rows.map((r) => ({ ...r, domains: domains.get(r.id) ?? [] }))
  }

  /** A provider with its secret, to sign in through; undefined when it has gone. */
  async function providerClient(partnershipId: string, providerId: string) {
    return db.tenant({ partnershipId, userId: null, actor: 'sign-on' }, async (sql) => {
      const row = await sql.maybeOne<ProviderRow & { secret: string; partnershipName: string }>(
        `SELECT ${providerColumns}, p.client_secret_encrypted AS secret, pa.name AS "partnershipName"
           FROM identity_providers p JOIN partnerships pa ON pa.id = p.partnership_id WHERE p.id = $1`,
        [providerId],
      )
      if (!row) return undefined
      const domains = (await domainsOf(sql, [row.id])).get(row.id) ?? []
      return { ...row, clientSecret: decryptSecret(row.secret, deps.encryptionKey), domains }
    })
  }

  /**
   * The account for someone the provider vouched for, in the provider's partnership: their
   * existing account (matched by email); a directory record with the address becomes theirs;
   * otherwise a trusted domain makes them a practitioner of its agency at once, and another a
   * registrant waiting for the agency's lead, as registering does.
   */
  async function accountFor(
    partnership: { id: string; name: string },
    mapping: DomainMapping,
    email: string,
    names: { firstName: string; lastName: string },
  ): Promise<{ userId: string } | { problem: SignOnProblem }> {
    const now = clock.now()
    let mailed = false
    const found = await db.tenant(
      { partnershipId: partnership.id, userId: null, actor: 'sign-on' },
      async (sql) => {
        const created = await sql.maybeOne<{ id: string }>(
          `INSERT INTO users (email, display_name) VALUES ($1, $2)
         ON CONFLICT ((lower(email))) DO NOTHING RETURNING id`,
          [email, `${names.firstName} ${names.lastName}`.slice(0, 200)],
        )
        const user =
          created ??
          (await sql.one<{ id: string; disabled: boolean }>(
            'SELECT id, disabled FROM users WHERE lower(email) = lower($1)',
            [email],
          ))
        if ('disabled' in user && user.disabled) return { problem: { kind: 'disabled' } as const }
        const member = await sql.maybeOne('SELECT 1 FROM memberships WHERE user_id = $1 LIMIT 1', [user.id])
        if (member) return { userId: user.id }
        const person = await personByEmail(sql, email)
        if (person) {
          const record = await sql.one<{ status: string; user_id: string | null }>(
            'SELECT status, user_id FROM people WHERE id = $1',
            [person.id],
          )
          if (record.status !== 'active' && record.status !== 'pending')
            return { problem: { kind: 'not-confirmed', partnershipName: partnership.name } as const }
          await sql.auditAs('person.sign-on')
          await linkUserToPerson(sql, partnership.id, [email])
          await sql.query(
            `INSERT INTO memberships (partnership_id, user_id, role) VALUES ($1, $2, $3)
           ON CONFLICT (partnership_id, user_id, role) DO NOTHING`,
            [partnership.id, user.id, record.status === 'active' ? 'practitioner' : 'registrant'],
          )
          return { userId: user.id }
        }
        if (!mapping.trusted) {
          await deps.registrations.addRegistrant(
            sql,
            partnership,
            { id: mapping.agencyId, name: mapping.agencyName },
            { ...names, email, agencyId: mapping.agencyId, userId: user.id },
            now,
          )
          mailed = true
          return { userId: user.id }
        }
        // A trusted domain's provider vouches that its people work for the agency: they are
        // practitioners at once, with their directory record.
        await sql.auditAs('person.sign-on')
        await sql.query(
          `INSERT INTO people (partnership_id, first_name, last_name, email, agency_id, status, user_id, registered_at)
         VALUES ($1, $2, $3, $4, $5, 'active', $6, $7)`,
          [partnership.id, names.firstName, names.lastName, email, mapping.agencyId, user.id, now],
        )
        await sql.query(
          `INSERT INTO memberships (partnership_id, user_id, role) VALUES ($1, $2, 'practitioner')
         ON CONFLICT (partnership_id, user_id, role) DO NOTHING`,
          [partnership.id, user.id],
        )
        return { userId: user.id }
      },
    )
    if (mailed) deps.mailQueued?.()
    return found
  }

  /** The providers, in any partnership, whose domains include this email's. */
  async function providersFor(email: string): Promise<ProviderChoice[]> {
    const domain = domainOf(email)
    return db.anonymous({}, (sql) =>
      sql.query<ProviderChoice>(
        `SELECT provider_id AS "providerId", partnership_id AS "partnershipId", partnership_name AS "partnershipName",
                provider_name AS "providerName", passwords_off AS "passwordsOff"
           FROM cascade_sign_on_domain($1)`,
        [domain],
      ),
    )
  }

  return {
    /** The partnership's identity providers, for its admins. */
    async list(ctx: Context): Promise<IdentityProvider[]> {
      requireRole(ctx, 'admin')
      return db.tenant(scopeOf(ctx), async (sql) =>
        withDomains(
          sql,
          await sql.query<ProviderRow>(
            `SELECT ${providerColumns} FROM identity_providers p ORDER BY lower(p.name), p.id`,
          ),
        ),
      )
    },

    async provider(ctx: Context, id: string): Promise<IdentityProvider> {
      requireRole(ctx, 'admin')
      return db.tenant(scopeOf(ctx), async (sql) => {
        const [found] = await withDomains(sql, [await providerIn(sql, id)])
        if (!found) throw new NotFoundError('Identity provider')
        return found
      })
    },

    /** Adds a provider once its discovery document can be read; the secret is kept encrypted. */
    async create(ctx: Context, input: ProviderInput): Promise<IdentityProvider> {
      requireRole(ctx, 'admin')
      return db
        .tenant(scopeOf(ctx), async (sql) => {
          await check(sql, input)
          await sql.auditAs('identity-provider.add')
          const { id } = await sql.one<{ id: string }>(
            `INSERT INTO identity_providers (partnership_id, name, issuer, client_id, client_secret_encrypted, passwords_off)
           VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
            [
              ctx.partnership.id,
              input.name,
              input.issuer,
              input.clientId,
              encryptSecret(input.clientSecret, deps.encryptionKey),
              input.passwordsOff,
            ],
          )
          await mapDomains(sql, ctx.partnership.id, id, input)
          const [created] = await withDomains(sql, [await providerIn(sql, id)])
          if (!created) throw new NotFoundError('Identity provider')
          return created
        })
        .catch(refuseDuplicateDomain)
    },

    /**
     * Changes a provider: what is given replaces what was there (the domains as a whole list),
     * the secret only when a new one is given. Checked as a new one is, discovery included.
     */
    async update(ctx: Context, id: string, change: ProviderChange): Promise<IdentityProvider> {
      requireRole(ctx, 'admin')
      return db
        .tenant(scopeOf(ctx), async (sql) => {
          const current = await providerIn(sql, id)
          const stored = await sql.one<{ secret: string }>(
            'SELECT client_secret_encrypted AS secret FROM identity_providers WHERE id = $1 FOR UPDATE',
            [current.id],
          )
          const domains = (await domainsOf(sql, [current.id])).get(current.id) ?? []
          const merged = providerSchema.parse({
            name: change.name ?? current.name,
            issuer: change.issuer ?? current.issuer,
            clientId: change.clientId ?? current.clientId,
            clientSecret: change.clientSecret ?? decryptSecret(stored.secret, deps.encryptionKey),
            passwordsOff: change.passwordsOff ?? current.passwordsOff,
            domains: change.domains ?? domains.map(({ agencyName: _name, ...d }) => d),
          })
          await check(sql, merged)
          await sql.auditAs('identity-provider.change')
          await sql.query(
            `UPDATE identity_providers SET name = $2, issuer = $3, client_id = $4, client_secret_encrypted = $5,
                  passwords_off = $6, updated_at = $7 WHERE id = $1`,
            [
              current.id,
              merged.name,
              merged.issuer,
              merged.clientId,
              change.clientSecret ? encryptSecret(change.clientSecret, deps.encryptionKey) : stored.secret,
              merged.passwordsOff,
              clock.now(),
            ],
          )
          await mapDomains(sql, ctx.partnership.id, current.id, merged)
          const [updated] = await withDomains(sql, [await providerIn(sql, current.id)])
          if (!updated) throw new NotFoundError('Identity provider')
          return updated
        })
        .catch(refuseDuplicateDomain)
    },

    /** Removes a provider and its domains: their people sign in with a password or link again. */
    async remove(ctx: Context, id: string): Promise<IdentityProvider> {
      requireRole(ctx, 'admin')
      return db.tenant(scopeOf(ctx), async (sql) => {
        const [found] = await withDomains(sql, [await providerIn(sql, id)])
        if (!found) throw new NotFoundError('Identity provider')
        await sql.auditAs('identity-provider.remove')
        await sql.query('DELETE FROM identity_provider_domains WHERE provider_id = $1', [found.id])
        await sql.query('DELETE FROM identity_providers WHERE id = $1', [found.id])
        return found
      })
    },

    /** The providers, in any partnership, whose domains include this email's. */
    providersFor,

    /**
     * Whether the email's domain signs in only through its organisation: then neither a
     * password nor an emailed link is accepted for it, whether or not it has an account.
     */
    async passwordsOff(email: string): Promise<boolean> {
      const providers = await providersFor(email)
      return providers.some((p) => p.passwordsOff)
    },

    /**
     * Starts a sign-in through a provider the email's domain is mapped to: the address to send
     * the browser to, and the secret the browser keeps to come back with. Undefined when the
     * provider does not sign in that domain; DiscoveryError's kind when it cannot be reached.
     */
    async start(
      providerId: string,
      email: string,
      returnTo?: string,
    ): Promise<
      | { ok: true; url: string; browserToken: string }
      | { ok: false; problem: Extract<SignOnProblem, { kind: 'unavailable' | 'not-mapped' }> }
    > {
      const choice = (await providersFor(email)).find((p) => p.providerId === providerId)
      const provider = choice && (await providerClient(choice.partnershipId, choice.providerId))
      if (!provider) return { ok: false, problem: { kind: 'not-mapped', domain: domainOf(email) } }
      let started: Awaited<ReturnType<typeof startSignOn>>
      try {
        started = await startSignOn(await discover(provider, oidcOptions()), callbackUrl, email)
      } catch (error) {
        if (error instanceof DiscoveryError)
          return { ok: false, problem: { kind: 'unavailable', providerName: provider.name } }
        throw error
      }
      const browserToken = newToken()
      const now = clock.now()
      await db.anonymous({ actor: 'sign-on' }, async (sql) => {
        // Requests never come back to are cleared as new ones are made.
        await sql.query(
          "DELETE FROM sign_on_requests WHERE expires_at < $1::timestamptz - interval '1 day'",
          [now],
        )
        await sql.query(
          `INSERT INTO sign_on_requests (state_hash, provider_id, browser_hash, nonce, code_verifier, return_to, created_at, expires_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [
            hashToken(started.state),
            provider.id,
            hashToken(browserToken),
            started.nonce,
            started.codeVerifier,
            returnTo ?? null,
            now,
            new Date(now.getTime() + SIGN_ON_MINUTES * 60_000),
          ],
        )
      })
      return { ok: true, url: started.url.href, browserToken }
    },

    /**
     * The provider's answer. Its request is claimed in one statement, so a state is used once
     * however often it is sent, and only by the browser that started it; then the library
     * checks the answer and the ID token, and the email's domain must be mapped to the provider.
     */
    async finish(query: Record<string, string>, browserToken: string | undefined): Promise<SignOnOutcome> {
      const state = query.state
      if (!state || !browserToken) return { ok: false, problem: { kind: 'used-or-expired' } }
      const now = clock.now()
      const claimed = await db.anonymous({ actor: 'sign-on' }, (sql) =>
        sql.maybeOne<{
          providerId: string
          partnershipId: string | null
          nonce: string
          codeVerifier: string
          returnTo: string | null
        }>(
          `UPDATE sign_on_requests SET used_at = $3
            WHERE state_hash = $1 AND browser_hash = $2 AND used_at IS NULL AND expires_at > $3
            RETURNING provider_id AS "providerId", cascade_identity_provider_partnership(provider_id) AS "partnershipId",
                      nonce, code_verifier AS "codeVerifier", return_to AS "returnTo"`,
          [hashToken(state), hashToken(browserToken), now],
        ),
      )
      if (!claimed?.partnershipId) return { ok: false, problem: { kind: 'used-or-expired' } }
      const provider = await providerClient(claimed.partnershipId, claimed.providerId)
      if (!provider) return { ok: false, problem: { kind: 'used-or-expired' } }
      let person: Awaited<ReturnType<typeof finishSignOn>>
      try {
        const config = await discover(provider, oidcOptions())
        const url = new URL(callbackUrl)
        for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value)
        person = await finishSignOn(config, url, {
          state,
          nonce: claimed.nonce,
          codeVerifier: claimed.codeVerifier,
        })
      } catch (error) {
        if (error instanceof DiscoveryError)
          return { ok: false, problem: { kind: 'unavailable', providerName: provider.name } }
        if (error instanceof SignOnRefused)
          return {
            ok: false,
            problem: { kind: 'refused', refusal: error.refusal, providerName: provider.name },
          }
        throw error
      }
      const email = person.email
      const mapping = email ? provider.domains.find((d) => d.domain === domainOf(email)) : undefined
      if (!email || !mapping)
        return { ok: false, problem: { kind: 'not-mapped', domain: email ? domainOf(email) : '' } }
      // An address counts as verified when the provider says so or its domain is mapped to the
      // provider (the provider is the authority for its own domains). The mapping is required
      // above, so an address of another domain never reaches an account.
      const partnership = { id: claimed.partnershipId, name: provider.partnershipName }
      const account = await accountFor(partnership, mapping, email, namesOf(person, email))
      if ('problem' in account) return { ok: false, problem: account.problem }
      const memberships = await db.anonymous({ userId: account.userId }, (sql) =>
        membershipsOf(sql, account.userId),
      )
      return {
        ok: true,
        userId: account.userId,
        partnershipId: partnership.id,
        memberships,
        returnTo: claimed.returnTo,
      }
    },
  }
}

/** Two saves mapping the same domain at once: the database's unique index decides, with the same words. */
function refuseDuplicateDomain(error: unknown): never {
  if (isUniqueViolation(error))
    throw new ValidationError([
      {
        field: 'domains',
        text: 'One of these domains is already mapped in the partnership: a domain can be mapped once',
      },
    ])
  throw error
}

export type SignOnService = ReturnType<typeof createSignOnService>
