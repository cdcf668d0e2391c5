import { z } from 'zod'
import { agencyCategories, agencySectors, workforces } from './agency.ts'

const text = (max: number, label: string) =>
  z
    .string()
    .trim()
    .max(max, { message: `${label} must be ${max} characters or fewer` })

const email = (label: string) =>
  z
    .string({ message: `Enter ${label}` })
    .trim()
    .max(320, { message: `${label[0]?.toUpperCase()}${label.slice(1)} must be 320 characters or fewer` })
    .pipe(z.email({ message: `Enter ${label} in the correct format, like name@example.org` }))

/** The agency's declared workforce size: what dissemination reach is a share of. */
const headcount = z
  .number({ message: 'Enter the headcount as a whole number, like 250' })
  .int({ message: 'Enter the headcount as a whole number, like 250' })
  .min(0, { message: 'The headcount cannot be negative' })
  .max(1_000_000, { message: 'The headcount must be 1,000,000 or fewer' })

/** An agency as the API takes it. */
export const agencySchema = z
  .object({
    name: text(200, 'The name').min(1, { message: 'Enter the agency’s name' }),
    category: z.enum(agencyCategories, { message: 'Select the agency’s category' }),
    saferProgrammeMember: z.boolean().default(false),
    sector: z.enum(agencySectors, { message: 'Select the agency’s sector' }),
    workforce: z.enum(workforces, {
      message: 'Select whether the agency works with children, adults or both',
    }),
    archived: z.boolean().default(false),
    address: text(500, 'The address').nullable().optional(),
    invoicingContactName: text(200, 'The invoicing contact’s name').nullable().optional(),
    invoicingContactEmail: email('the invoicing contact’s email address').nullable().optional(),
    headcount: headcount.nullable().optional(),
  })
  .strict()
  .refine((a) => !a.saferProgrammeMember || a.category === 'voluntary', {
    message: 'Only a voluntary and community sector agency can be a Safer Programme member',
    path: ['saferProgrammeMember'],
  })

export type AgencyInput = z.infer<typeof agencySchema>

export const agencyPatchSchema = z
  .object({
    name: text(200, 'The name').min(1, { message: 'Enter the agency’s name' }),
    category: z.enum(agencyCategories, { message: 'Select the agency’s category' }),
    saferProgrammeMember: z.boolean(),
    sector: z.enum(agencySectors, { message: 'Select the agency’s sector' }),
    workforce: z.enum(workforces, {
      message: 'Select whether the agency works with children, adults or both',
    }),
    archived: z.boolean(),
    address: text(500, 'The address').nullable(),
    invoicingContactName: text(200, 'The invoicing contact’s name').nullable(),
    invoicingContactEmail: email('the invoicing contact’s email address').nullable(),
    headcount: headcount.nullable(),
  })
  .partial()
  .strict()

export type AgencyPatch = z.infer<typeof agencyPatchSchema>

export const personStatuses = ['active', 'pending', 'rejected', 'left'] as const

/** A person as the API takes it. */
export const personSchema = z
  .object({
    firstName: text(100, 'The first name').min(1, { message: 'Enter the first name' }),
    lastName: text(100, 'The last name').min(1, { message: 'Enter the last name' }),
    email: email('a work email address'),
    agencyId: z.uuid({ message: 'Select an agency' }),
    role: text(200, 'The role').nullable().optional(),
    tier: text(80, 'The tier').nullable().optional(),
    managerEmail: email('the line manager’s email address').nullable().optional(),
    managerName: text(200, 'The line manager’s name').nullable().optional(),
    status: z.enum(personStatuses, { message: 'Select a status' }).default('active'),
  })
  .strict()

export type PersonInput = z.infer<typeof personSchema>

export const personPatchSchema = personSchema.partial().strict()
export type PersonPatch = z.infer<typeof personPatchSchema>

export const peopleSorts = ['name', 'email', 'agency', 'newest'] as const

export const peopleFilterSchema = z.object({
  q: z.string().trim().max(200, { message: 'Search for 200 characters or fewer' }).optional(),
  agencyId: z
    .uuid({ message: 'Select an agency from the list' })
    .optional()
    .or(z.literal('').transform(() => undefined)),
  role: z.string().trim().max(200).optional(),
  tier: z.string().trim().max(80).optional(),
  status: z
    .enum(personStatuses)
    .optional()
    .or(z.literal('').transform(() => undefined)),
  sort: z.enum(peopleSorts).default('name'),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(25),
})

export type PeopleFilter = z.infer<typeof peopleFilterSchema>

export const agencyFilterSchema = z.object({
  q: z.string().trim().max(200).optional(),
  category: z.enum(agencyCategories).optional(),
  archived: z.enum(['true', 'false']).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
})

export type AgencyFilter = z.infer<typeof agencyFilterSchema>
