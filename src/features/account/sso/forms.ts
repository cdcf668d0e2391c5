import { z } from 'zod'
import type { FieldError } from '#platform/errors.ts'

/** An email domain as it is compared: lower case, no @, at least one dot. */
export const DOMAIN_PATTERN = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/

/** The part of an email address after the @, lower case. */
export function domainOf(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).toLowerCase()
}

const domainMapping = z.object({
  domain: z
    .string({ message: 'Enter the email domain, like council.gov.uk' })
    .trim()
    .toLowerCase()
    .min(1, { message: 'Enter the email domain, like council.gov.uk' })
    .max(253, { message: 'The email domain must be 253 characters or fewer' })
    .regex(DOMAIN_PATTERN, { message: 'Enter the email domain as it follows the @, like council.gov.uk' }),
  agencyId: z.uuid({ message: 'Select the agency the domain’s people work for' }),
  trusted: z.boolean().default(false),
})

const providerFields = {
  name: z
    .string({ message: 'Enter the provider’s name' })
    .trim()
    .min(1, { message: 'Enter the provider’s name' })
    .max(200, { message: 'The name must be 200 characters or fewer' }),
  issuer: z
    .string({ message: 'Enter the issuer URL' })
    .trim()
    .min(1, { message: 'Enter the issuer URL, like https://login.microsoftonline.com/your-tenant-id/v2.0' })
    .max(500, { message: 'The issuer URL must be 500 characters or fewer' }),
  clientId: z
    .string({ message: 'Enter the client ID' })
    .trim()
    .min(1, { message: 'Enter the client ID the provider gave Cascade' })
    .max(500, { message: 'The client ID must be 500 characters or fewer' }),
  clientSecret: z
    .string({ message: 'Enter the client secret' })
    .min(1, { message: 'Enter the client secret the provider gave Cascade' })
    .max(2000, { message: 'The client secret must be 2,000 characters or fewer' }),
  passwordsOff: z.boolean().default(false),
  domains: z
    .array(domainMapping)
    .min(1, { message: 'Add at least one email domain the provider signs in' })
    .max(100, { message: 'A provider can sign in at most 100 domains' })
    .superRefine((domains, ctx) => {
      const seen = new Set<string>()
      domains.forEach((d, index) => {
        if (seen.has(d.domain))
          ctx.addIssue({ code: 'custom', path: [index, 'domain'], message: `${d.domain} is listed twice` })
        seen.add(d.domain)
      })
    }),
}

/** A new identity provider: everything, the secret included. */
export const providerSchema = z.object(providerFields)
export type ProviderInput = z.output<typeof providerSchema>

/** A change: any of the fields; the secret only when it is being replaced. */
export const providerChangeSchema = z.object(providerFields).partial()
export type ProviderChange = z.output<typeof providerChangeSchema>

export const organisationSignInForm = z.object({
  organisationEmail: z
    .string({ message: 'Enter your work email address' })
    .trim()
    .min(1, { message: 'Enter your work email address' })
    .max(320, { message: 'Email address must be 320 characters or fewer' })
    .pipe(z.email({ message: 'Enter an email address in the correct format, like name@example.org' })),
})

export const chooseProviderForm = organisationSignInForm.extend({
  providerId: z.uuid({ message: 'Select the partnership to sign in to' }),
})

/** Blank rows the page offers for new domains, below those already mapped. */
export const BLANK_DOMAIN_ROWS = 3

const rowIndex = (key: string) => /^domain-(\d{1,3})$/.exec(key)?.[1]

/**
 * The page's fields (a row of `domain-N`, `agency-N`, `trusted-N` per domain) as the API's
 * shape; rows left blank are dropped, so clearing a row's domain removes it.
 */
export function providerFromPage(body: Record<string, unknown>, withSecret: boolean) {
  const field = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : '')
  const rows = Object.keys(body)
    .map(rowIndex)
    .filter((index): index is string => index !== undefined)
    .map(Number)
    .sort((a, b) => a - b)
  const domains = rows
    .filter((i) => field(`domain-${i}`).trim() !== '')
    .map((i) => ({
      row: i,
      // Someone typing the @ as well means the same domain.
      domain: field(`domain-${i}`).trim().replace(/^@/, ''),
      agencyId: field(`agency-${i}`),
      trusted: field(`trusted-${i}`) === 'yes',
    }))
  const secret = field('clientSecret')
  return {
    input: {
      name: field('name'),
      issuer: field('issuer'),
      clientId: field('clientId'),
      ...(withSecret || secret !== '' ? { clientSecret: secret } : {}),
      passwordsOff: field('passwordsOff') === 'yes',
      domains: domains.map(({ row: _row, ...d }) => d),
    },
    /** The page row each domain came from, so an error points at its field. */
    rows: domains.map((d) => d.row),
  }
}

/** Errors on `domains.2.agencyId` point at the page's `agency-N` field for that row. */
export function pageErrors(errors: readonly FieldError[], rows: readonly number[]): FieldError[] {
  return errors.map((e) => {
    const match = /^domains\.(\d+)\.(domain|agencyId)$/.exec(e.field)
    if (match) {
      const row = rows[Number(match[1])] ?? 0
      return { ...e, field: `${match[2] === 'domain' ? 'domain' : 'agency'}-${row}` }
    }
    if (e.field === 'domains') return { ...e, field: 'domain-0' }
    return e
  })
}

/**
 * Refuses a password or an emailed link for an address whose domain signs in only through its
 * organisation. It depends on the domain alone, so it says nothing of whether an account exists.
 */
export const organisationOnly: FieldError[] = [
  {
    field: 'email',
    text: 'Your organisation signs you in to Cascade with its own account: use “Sign in with your organisation’s account” on the sign-in page',
  },
]
