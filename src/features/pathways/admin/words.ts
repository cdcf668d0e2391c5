import type { Pathway } from '../queries.ts'

/** The pathway statuses as the pages name them. */
export const pathwayStatusNames: Record<Pathway['status'], string> = {
  active: 'Active',
  retired: 'Retired',
}

/**
 * A refresher interval as a person reads it: whole years where the months make whole years
 * ("Every 3 years" for 36), months otherwise ("Every 18 months"), and "No refresher" for none.
 */
export function refresherWords(months: number | null): string {
  if (months === null) return 'No refresher'
  if (months % 12 === 0) return months === 12 ? 'Every year' : `Every ${months / 12} years`
  return months === 1 ? 'Every month' : `Every ${months} months`
}

/** The equivalent courses of a requirement, any one of which meets it. */
export function coursesWords(courses: readonly { title: string }[]): string {
  if (!courses.length) return 'No course: met by verified evidence only'
  if (courses.length === 1) return courses[0]?.title ?? ''
  return `Any one of: ${courses.map((c) => c.title).join('; ')}`
}
