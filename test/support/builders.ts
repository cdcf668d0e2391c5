import type { CourseInput } from '#features/courses/forms.ts'

/** A complete, publishable course; a test names only what it is about. */
export function aCourse(overrides: Partial<CourseInput> = {}): CourseInput {
  return {
    title: 'Recognising neglect',
    summary: '',
    objectives: ['Recognise neglect'],
    tier: null,
    audience: { sectors: [] },
    deliveryMethod: 'multi_agency_training',
    durationMinutes: 180,
    themes: [],
    evaluationPlan: { impact: 'Confidence at follow-up' },
    materials: '',
    status: 'published',
    ...overrides,
  }
}
