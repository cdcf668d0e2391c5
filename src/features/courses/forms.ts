import { z } from 'zod'
import { agencySectors, workforces } from '#features/directory/agency.ts'

/** The nine ways learning is delivered (DOMAIN.md, "Identify need"). */
export const deliveryMethods = [
  'single_agency_training',
  'multi_agency_training',
  'newsletter',
  'audit_newsletter',
  'briefing',
  'themed_reading',
  'conference',
  'guidance',
  'elearning',
] as const
export type DeliveryMethod = (typeof deliveryMethods)[number]

export const deliveryMethodNames: Record<DeliveryMethod, string> = {
  single_agency_training: 'Single-agency training',
  multi_agency_training: 'Multi-agency training',
  newsletter: 'Newsletters and emails',
  audit_newsletter: 'Audit-finding newsletter',
  briefing: 'Briefing',
  themed_reading: 'Themed reading with follow-up',
  conference: 'Conference',
  guidance: 'Guidance notes and procedures',
  elearning: 'Webinar or e-learning',
}

export const courseStatuses = ['draft', 'published'] as const

const text = (max: number, label: string) =>
  z
    .string({ message: `Enter ${label.toLowerCase()}` })
    .trim()
    .max(max, { message: `${label} must be ${max} characters or fewer` })

export const evaluationPlanSchema = z
  .object({
    // Each stage's questionnaire, by id; none means that stage is not asked.
    atBooking: z.uuid({ message: 'Select the at-booking questionnaire from the list' }).nullable().optional(),
    afterCourse: z
      .uuid({ message: 'Select the after-course questionnaire from the list' })
      .nullable()
      .optional(),
    followUp: z.uuid({ message: 'Select the follow-up questionnaire from the list' }).nullable().optional(),
    impact: text(2000, 'How impact will be judged').min(1, { message: 'Say how impact will be judged' }),
  })
  .strict()

export const audienceSchema = z
  .object({
    workforce: z.enum(workforces).nullable().optional(),
    sectors: z.array(z.enum(agencySectors)).max(agencySectors.length).default([]),
    roles: text(500, 'The roles').nullable().optional(),
  })
  .strict()

// Each field once, without defaults: a change names only what changes.
const courseFields = {
  title: text(200, 'The title').min(1, { message: 'Enter the course’s title' }),
  summary: text(5000, 'The summary'),
  objectives: z
    .array(text(500, 'Each objective').min(1, { message: 'An objective cannot be blank' }))
    .max(20, { message: 'A course can have 20 objectives at most' }),
  tier: text(80, 'The tier').nullable(),
  audience: audienceSchema,
  deliveryMethod: z.enum(deliveryMethods, { message: 'Select how the course is delivered' }),
  durationMinutes: z
    .number({ message: 'Enter the duration in minutes' })
    .int({ message: 'Enter the duration in whole minutes' })
    .min(1, { message: 'The duration must be at least a minute' })
    .max(10080, { message: 'The duration must be a week or less' })
    .nullable(),
  themes: z.array(z.uuid({ message: 'Select themes from the list' })).max(50),
  findings: z.array(z.uuid({ message: 'Select findings from the list of case review findings' })).max(100),
  evaluationPlan: evaluationPlanSchema.nullable(),
  materials: text(5000, 'The materials'),
  status: z.enum(courseStatuses, { message: 'The status is draft or published' }),
}

/** A course as the API takes it. Publishing needs objectives and an evaluation plan. */
export const courseSchema = z
  .object({
    ...courseFields,
    summary: courseFields.summary.default(''),
    objectives: courseFields.objectives.default([]),
    tier: courseFields.tier.default(null),
    audience: courseFields.audience.default({ sectors: [] }),
    durationMinutes: courseFields.durationMinutes.default(null),
    themes: courseFields.themes.default([]),
    findings: courseFields.findings.default([]),
    evaluationPlan: courseFields.evaluationPlan.default(null),
    materials: courseFields.materials.default(''),
    status: courseFields.status.default('draft'),
  })
  .strict()
export type CourseInput = z.infer<typeof courseSchema>

/** A change to a course: any of its fields, and why (kept with the new version). */
export const coursePatchSchema = z
  .object(courseFields)
  .partial()
  .extend({ reason: text(1000, 'The reason').optional() })
  .strict()
export type CoursePatch = z.infer<typeof coursePatchSchema>

export const courseFilterSchema = z.object({
  q: z.string().trim().max(200).optional(),
  status: z.enum(courseStatuses).optional(),
  themeId: z.uuid().optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
})
export type CourseFilter = z.infer<typeof courseFilterSchema>

export const themeSchema = z
  .object({
    name: text(120, 'The name').min(1, { message: 'Enter the theme’s name' }),
    framework: text(120, 'The framework').nullable().default(null),
  })
  .strict()
export type ThemeInput = z.infer<typeof themeSchema>
