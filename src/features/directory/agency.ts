/** Agency categories decide the fee for a place, through the partnership's policy. */
export const agencyCategories = ['funding_partner', 'statutory', 'private', 'voluntary'] as const
export type AgencyCategory = (typeof agencyCategories)[number]

export const agencySectors = [
  'children_services',
  'adult_social_care',
  'health',
  'police',
  'education',
  'early_years',
  'probation',
  'housing',
  'voluntary',
  'faith',
  'sport',
  'other',
] as const
export type AgencySector = (typeof agencySectors)[number]

export const workforces = ['children', 'adults', 'both'] as const
export type Workforce = (typeof workforces)[number]
