import { z } from 'zod'
import { calendarDate, calendarInstant } from '#platform/http/forms.ts'

export const sessionStatuses = [
  'draft',
  'open',
  'shortlisted',
  'full',
  'running',
  'delivered',
  'cancelled',
] as const
export type SessionStatus = (typeof sessionStatuses)[number]
export const sessionFormats = ['in_person', 'online'] as const

export const sessionStatusNames: Record<SessionStatus, string> = {
  draft: 'Draft',
  open: 'Open for applications',
  shortlisted: 'Places allocated',
  full: 'Full',
  running: 'Running',
  delivered: 'Delivered',
  cancelled: 'Cancelled',
}

const text = (max: number, label: string) =>
  z
    .string({ message: `Enter ${label.toLowerCase()}` })
    .trim()
    .max(max, { message: `${label} must be ${max} characters or fewer` })

const instant = (label: string) =>
  calendarInstant(`Enter ${label} as a date and time, like 2027-03-04T09:30:00Z`)

export const venueSchema = z
  .object({
    name: text(200, 'The venue’s name').min(1, { message: 'Enter the venue’s name' }),
    address: text(500, 'The venue’s address').min(1, { message: 'Enter the venue’s address' }),
    room: text(100, 'The room').nullable().optional(),
    accessNotes: text(2000, 'The access notes').nullable().optional(),
    instructions: text(2000, 'The joining instructions').nullable().optional(),
  })
  .strict()

export const partSchema = z
  .object({ startsAt: instant('when the part starts'), endsAt: instant('when the part ends') })
  .strict()

const sessionFields = {
  courseId: z.uuid({ message: 'Select a course' }),
  startsAt: instant('when the session starts'),
  endsAt: instant('when the session ends'),
  parts: z.array(partSchema).min(1).max(20, { message: 'A session can have 20 parts at most' }),
  capacity: z
    .number({ message: 'Enter the number of places' })
    .int({ message: 'Enter a whole number of places' })
    .min(1, { message: 'A session needs at least 1 place' })
    .max(10_000, { message: 'A session can have 10,000 places at most' }),
  minimumPlaces: z.number().int().min(1).max(10_000).nullable(),
  format: z.enum(sessionFormats, { message: 'Say whether the session is in person or online' }),
  venue: venueSchema.nullable(),
  joiningUrl: z
    .url({ protocol: /^https$/, message: 'Enter the joining link, starting https://' })
    .max(2000)
    .nullable(),
  status: z.enum(sessionStatuses, { message: 'Select a status' }),
  // People from the trainer pool, approved for the course.
  trainers: z
    .array(z.uuid({ message: 'Select trainers from the pool' }))
    .max(10, { message: 'A session can have 10 trainers at most' }),
}

const reason = (label: string) =>
  z
    .string({ message: `Enter ${label}` })
    .trim()
    .min(1, { message: `Enter ${label}` })
    .max(2000, { message: 'The reason must be 2,000 characters or fewer' })

/** What an admin says when a change needs a reason: going beyond capacity, or cancelling. */
const decisions = {
  capacityOverrideReason: reason('the reason for going beyond the capacity').optional(),
  cancellationReason: reason('why the session is cancelled').optional(),
}

/**
 * A session as the API takes it: its times as `startsAt`/`endsAt`, or as `parts` for a
 * course over several days.
 */
export const sessionSchema = z
  .object({
    ...sessionFields,
    startsAt: sessionFields.startsAt.optional(),
    endsAt: sessionFields.endsAt.optional(),
    parts: sessionFields.parts.optional(),
    minimumPlaces: sessionFields.minimumPlaces.default(null),
    venue: sessionFields.venue.default(null),
    joiningUrl: sessionFields.joiningUrl.default(null),
    status: sessionFields.status.optional(),
    trainers: sessionFields.trainers.default([]),
    ...decisions,
  })
  .strict()
/** A session to schedule; without trainers when none is named yet. */
export type SessionInput = Omit<z.infer<typeof sessionSchema>, 'trainers'> & { trainers?: string[] }

export const sessionPatchSchema = z
  .object(sessionFields)
  .omit({ courseId: true })
  .partial()
  .extend(decisions)
  .strict()
export type SessionPatch = z.infer<typeof sessionPatchSchema>

export const sessionFilterSchema = z.object({
  courseId: z.uuid().optional(),
  from: calendarDate('Enter a real date in the format YYYY-MM-DD, like 2027-03-04').optional(),
  status: z.enum(sessionStatuses).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
})
export type SessionFilter = z.infer<typeof sessionFilterSchema>
