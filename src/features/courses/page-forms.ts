import type { CourseInput } from './forms.ts'
import { courseSchema } from './forms.ts'

const textOf = (value: unknown) => (typeof value === 'string' ? value : '')
const listOf = (value: unknown): string[] =>
  Array.isArray(value)
    ? value.filter((v): v is string => typeof v === 'string')
    : typeof value === 'string'
      ? [value]
      : []
const optional = (value: unknown) => (textOf(value).trim() === '' ? null : textOf(value))

/**
 * The course page form as a browser sends it, read into a course: objectives one a line,
 * ticked themes and sectors, and an evaluation plan only when any part of it is given.
 */
export function courseFromForm(body: Record<string, unknown>, status: CourseInput['status']) {
  const plan = {
    atBooking: optional(body.atBooking),
    afterCourse: optional(body.afterCourse),
    followUp: optional(body.followUp),
    impact: textOf(body.impact),
  }
  const anyPlan = Object.values(plan).some((v) => v !== null && v.trim() !== '')
  const minutes = textOf(body.durationMinutes).trim()
  return courseSchema.safeParse({
    title: textOf(body.title),
    summary: textOf(body.summary),
    objectives: textOf(body.objectives)
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter(Boolean),
    tier: optional(body.tier),
    audience: {
      workforce: optional(body.workforce),
      sectors: listOf(body.sectors),
      roles: optional(body.roles),
    },
    deliveryMethod: textOf(body.deliveryMethod) || undefined,
    durationMinutes: minutes === '' ? null : /^\d{1,6}$/.test(minutes) ? Number(minutes) : Number.NaN,
    themes: listOf(body.themes),
    findings: listOf(body.findings),
    evaluationPlan: anyPlan ? plan : null,
    materials: textOf(body.materials),
    status,
  })
}

/** A course as the form shows it again. */
export function formValuesOf(course: CourseInput): Record<string, unknown> {
  return {
    title: course.title,
    summary: course.summary,
    objectives: course.objectives.join('\n'),
    tier: course.tier ?? '',
    workforce: course.audience.workforce ?? '',
    sectors: course.audience.sectors,
    roles: course.audience.roles ?? '',
    deliveryMethod: course.deliveryMethod,
    durationMinutes: course.durationMinutes ?? '',
    themes: course.themes,
    findings: course.findings,
    atBooking: course.evaluationPlan?.atBooking ?? '',
    afterCourse: course.evaluationPlan?.afterCourse ?? '',
    followUp: course.evaluationPlan?.followUp ?? '',
    impact: course.evaluationPlan?.impact ?? '',
    materials: course.materials,
  }
}
