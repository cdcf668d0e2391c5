import { z } from 'zod'

const text = (max: number, what: string) =>
  z
    .string()
    .trim()
    .max(max, { message: `${what} must be ${max} characters or fewer` })

const optional = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value : undefined)

export type RegistrationInput = {
  firstName: string
  lastName: string
  email: string
  agencyId: string
  role?: string
  managerName?: string
  managerEmail?: string
}

/** What a practitioner gives when they register themselves, as the form sends it. */
export const registrationForm = z
  .record(z.string(), z.unknown())
  .transform(
    (body): Record<string, unknown> => ({
      firstName: body.firstName ?? '',
      lastName: body.lastName ?? '',
      email: body.email ?? '',
      agencyId: body.agencyId ?? '',
      role: optional(body.role),
      managerName: optional(body.managerName),
      managerEmail: optional(body.managerEmail),
    }),
  )
  .pipe(
    z.object({
      firstName: text(100, 'Your first name').min(1, { message: 'Enter your first name' }),
      lastName: text(100, 'Your last name').min(1, { message: 'Enter your last name' }),
      email: z
        .string()
        .trim()
        .pipe(z.email({ message: 'Enter your work email address, like name@agency.org.uk' })),
      agencyId: z.uuid({ message: 'Select the agency you work for' }),
      role: text(200, 'Your role').optional(),
      managerName: text(200, 'Your line manager’s name').optional(),
      managerEmail: z
        .string()
        .trim()
        .pipe(z.email({ message: 'Enter your line manager’s email address, like name@agency.org.uk' }))
        .optional(),
    }),
  ) as z.ZodType<RegistrationInput>

export const rejectionForm = z.object({
  reason: text(1000, 'The reason').min(1, { message: 'Say why you are not confirming them' }),
})
