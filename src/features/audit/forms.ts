import { z } from 'zod'
import { calendarDate } from '#platform/http/forms.ts'

// An empty box is no filter; anything else must be a real date.
const date = z.preprocess(
  (value) => (typeof value === 'string' ? value.trim() || undefined : value),
  calendarDate('Enter a real date, like 1 4 2026').optional(),
)

export const auditFilter = z.object({
  entityType: z
    .string()
    .trim()
    .max(60)
    .regex(/^[a-z_]*$/, { message: 'Select a kind of record from the list' })
    .optional(),
  actor: z.string().trim().max(320, { message: 'Enter 320 characters or fewer' }).optional(),
  from: date,
  to: date,
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
})

export type AuditFilter = z.infer<typeof auditFilter>
