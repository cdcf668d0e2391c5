import { z } from 'zod'
import type { AgencyInput, PersonInput } from './forms.ts'
import { agencySchema, personSchema } from './forms.ts'

const optional = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value : null)

/** A headcount as typed ("1,250" too): a number when it is one, empty as none, else the text to refuse. */
function headcountOf(value: unknown): unknown {
  const typed = typeof value === 'string' ? value.trim().replace(/[,\s]/g, '') : ''
  if (typed === '') return null
  return /^-?\d+$/.test(typed) ? Number(typed) : typed
}

/** The agency page form: text fields and ticks as a browser sends them, read into an agency. */
export const agencyForm = z
  .record(z.string(), z.unknown())
  .transform(
    (body): Record<string, unknown> => ({
      name: body.name ?? '',
      category: body.category || undefined,
      saferProgrammeMember: body.saferProgrammeMember === 'yes',
      sector: body.sector || undefined,
      workforce: body.workforce || undefined,
      archived: body.archived === 'yes',
      address: optional(body.address),
      invoicingContactName: optional(body.invoicingContactName),
      invoicingContactEmail: optional(body.invoicingContactEmail),
      headcount: headcountOf(body.headcount),
    }),
  )
  .pipe(agencySchema) as z.ZodType<AgencyInput>

/** The person page form, read into a person. */
export const personForm = z
  .record(z.string(), z.unknown())
  .transform(
    (body): Record<string, unknown> => ({
      firstName: body.firstName ?? '',
      lastName: body.lastName ?? '',
      email: body.email ?? '',
      agencyId: body.agencyId || '',
      role: optional(body.role),
      tier: optional(body.tier),
      managerName: optional(body.managerName),
      managerEmail: optional(body.managerEmail),
      status: body.status || 'active',
    }),
  )
  .pipe(personSchema) as z.ZodType<PersonInput>

export const categoryNames = {
  funding_partner: 'Funding partner',
  statutory: 'Statutory, not funding the partnership',
  private: 'Private, independent or profit-making',
  voluntary: 'Voluntary and community sector',
} as const

export const sectorNames = {
  children_services: "Local authority children's services",
  adult_social_care: 'Adult social care',
  health: 'Health',
  police: 'Police',
  education: 'Education',
  early_years: 'Early years',
  probation: 'Probation',
  housing: 'Housing',
  voluntary: 'Voluntary',
  faith: 'Faith',
  sport: 'Sport',
  other: 'Other',
} as const

export const workforceNames = { children: 'Children', adults: 'Adults', both: 'Children and adults' } as const

export const statusNames = {
  active: 'Active',
  pending: 'Waiting for confirmation',
  rejected: 'Not confirmed',
  left: 'Left',
} as const
