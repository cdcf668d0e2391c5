import type { AgencyCategory, AgencySector, Workforce } from '#features/directory/agency.ts'
import type { PolicyRules } from '#features/policy/policy.ts'
import { policyPresets } from '#features/policy/policy.ts'

export type DemoAgency = {
  name: string
  category: AgencyCategory
  sector: AgencySector
  workforce: Workforce
  saferProgrammeMember?: boolean
}

export type DemoPartnership = {
  slug: keyof typeof policyPresets
  name: string
  place: string
  policy: PolicyRules
}

const numberWords = [
  'One',
  'Two',
  'Three',
  'Four',
  'Five',
  'Six',
  'Seven',
  'Eight',
  'Nine',
  'Ten',
  'Eleven',
  'Twelve',
]

/**
 * The title of a partnership's follow-up questionnaire, from its policy's follow-up interval:
 * "Three months on" (South Gloucestershire's seed) or "Four months on" (North Somerset's).
 */
export function followUpTitle(policy: Pick<PolicyRules, 'followUpDelayMonths'>): string {
  const months = policy.followUpDelayMonths
  if (months === 1) return 'One month on'
  return `${numberWords[months - 1] ?? String(months)} months on`
}

/** The five partnerships of the seed documents. */
export const demoPartnerships: DemoPartnership[] = [
  {
    slug: 'jersey',
    name: 'Jersey Safeguarding Partnership Board',
    place: 'Jersey',
    policy: policyPresets.jersey,
  },
  {
    slug: 'north-somerset',
    name: 'North Somerset Safeguarding Children Board',
    place: 'North Somerset',
    policy: policyPresets['north-somerset'],
  },
  {
    slug: 'south-gloucestershire',
    name: 'South Gloucestershire Safeguarding Children Board',
    place: 'South Gloucestershire',
    policy: policyPresets['south-gloucestershire'],
  },
  {
    slug: 'norfolk',
    name: 'Norfolk Safeguarding Children Partnership',
    place: 'Norfolk',
    policy: policyPresets.norfolk,
  },
  {
    slug: 'shropshire',
    name: 'Shropshire Safeguarding Community Partnership',
    place: 'Shropshire',
    policy: policyPresets.shropshire,
  },
]

/** A realistic spread of agencies, every category and sector, named for the place. */
export function demoAgencies(place: string): DemoAgency[] {
  return [
    {
      name: `${place} Council Children's Services`,
      category: 'funding_partner',
      sector: 'children_services',
      workforce: 'children',
    },
    {
      name: `${place} Council Adult Social Care`,
      category: 'funding_partner',
      sector: 'adult_social_care',
      workforce: 'adults',
    },
    { name: `${place} Police`, category: 'funding_partner', sector: 'police', workforce: 'both' },
    {
      name: `${place} Integrated Care Board`,
      category: 'funding_partner',
      sector: 'health',
      workforce: 'both',
    },
    {
      name: `${place} Community Health NHS Trust`,
      category: 'statutory',
      sector: 'health',
      workforce: 'both',
    },
    { name: 'Probation Service', category: 'statutory', sector: 'probation', workforce: 'adults' },
    {
      name: `${place} Primary Academy Trust`,
      category: 'statutory',
      sector: 'education',
      workforce: 'children',
    },
    { name: `${place} Housing Partnership`, category: 'statutory', sector: 'housing', workforce: 'both' },
    {
      name: 'Little Acorns Day Nursery Ltd',
      category: 'private',
      sector: 'early_years',
      workforce: 'children',
    },
    {
      name: 'Harbour View Care Homes Ltd',
      category: 'private',
      sector: 'adult_social_care',
      workforce: 'adults',
    },
    {
      name: `Home-Start ${place}`,
      category: 'voluntary',
      sector: 'voluntary',
      workforce: 'children',
      saferProgrammeMember: true,
    },
    {
      name: `${place} Youth Football League`,
      category: 'voluntary',
      sector: 'sport',
      workforce: 'children',
      saferProgrammeMember: true,
    },
    { name: `Churches Together in ${place}`, category: 'voluntary', sector: 'faith', workforce: 'both' },
    { name: `${place} Carers' Centre`, category: 'voluntary', sector: 'voluntary', workforce: 'adults' },
    { name: 'Independent Visitors Scheme', category: 'voluntary', sector: 'other', workforce: 'children' },
  ]
}

export const DEMO_PASSWORD = 'cascade-demo'
