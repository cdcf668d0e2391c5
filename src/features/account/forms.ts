import { z } from 'zod'

const email = z
  .string({ message: 'Enter your email address' })
  .trim()
  .min(1, { message: 'Enter your email address' })
  .max(320, { message: 'Email address must be 320 characters or fewer' })
  .pipe(z.email({ message: 'Enter an email address in the correct format, like name@example.com' }))

export const signInForm = z.object({
  email,
  password: z
    .string({ message: 'Enter your password' })
    .min(1, { message: 'Enter your password' })
    .max(1000, { message: 'Password must be 1,000 characters or fewer' }),
})

export const signInLinkForm = z.object({ email })

export const choosePartnershipForm = z.object({
  partnershipId: z.uuid({ message: 'Select a partnership' }),
})

/** Only a path on this site: never an absolute URL or a protocol-relative one, so sign-in cannot redirect elsewhere. */
export function safeReturnPath(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 500) return undefined
  if (!/^\/(?![/\\])[\x21-\x7e]*$/.test(value)) return undefined
  if (value.startsWith('/sign-in') || value.startsWith('/sign-out')) return undefined
  return value
}
