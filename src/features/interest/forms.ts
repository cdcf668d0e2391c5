import { z } from 'zod'

export type InterestInput = { name: string; email: string }

/** What someone gives to hear when a course has a date, as the form sends it. */
export const interestForm = z
  .record(z.string(), z.unknown())
  .transform((body) => ({
    name: typeof body.name === 'string' ? body.name : '',
    email: typeof body.email === 'string' ? body.email : '',
  }))
  .pipe(
    z.object({
      name: z
        .string()
        .trim()
        .min(1, { message: 'Enter your name' })
        .max(200, { message: 'Your name must be 200 characters or fewer' }),
      email: z
        .string()
        .trim()
        .max(320, { message: 'Your email address must be 320 characters or fewer' })
        .pipe(z.email({ message: 'Enter your work email address, like name@agency.org.uk' })),
    }),
  ) as z.ZodType<InterestInput>
