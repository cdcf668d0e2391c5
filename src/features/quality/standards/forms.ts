import { z } from 'zod'

const text = (max: number, what: string) =>
  z
    .string({ message: `Enter ${what}` })
    .trim()
    .min(1, { message: `Enter ${what}` })
    .max(max, {
      message: `${what[0]?.toUpperCase()}${what.slice(1)} must be ${max.toLocaleString('en-GB')} characters or fewer`,
    })

/** One training standard: what it asks, how to judge it, and the evidence expected. */
export const standardSchema = z.object({
  title: text(200, 'the standard'),
  guidance: text(5000, 'the guidance'),
  evidenceExpected: text(5000, 'the evidence expected'),
})
export type StandardInput = z.infer<typeof standardSchema>

/** A new version of the standards: all of them, in order, and why it was changed. */
export const versionSchema = z.object({
  standards: z
    .array(standardSchema)
    .min(1, { message: 'Keep at least one standard' })
    .max(30, { message: 'Keep 30 standards or fewer' }),
  note: z.string().trim().max(2000, { message: 'The reason must be 2,000 characters or fewer' }).optional(),
})
export type VersionInput = z.infer<typeof versionSchema>
