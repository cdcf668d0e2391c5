import { z } from 'zod'

export const importFields = [
  'firstName',
  'lastName',
  'email',
  'agency',
  'role',
  'tier',
  'managerName',
  'managerEmail',
] as const
export type ImportField = (typeof importFields)[number]
export const requiredFields: readonly ImportField[] = ['firstName', 'lastName', 'email', 'agency']

export const importFieldNames: Record<ImportField, string> = {
  firstName: 'First name',
  lastName: 'Last name',
  email: 'Work email',
  agency: 'Agency',
  role: 'Role or job title',
  tier: 'Tier',
  managerName: 'Line manager’s name',
  managerEmail: 'Line manager’s email',
}

/** Which column (by index) holds each field; a field with no column is left out. */
export type Mapping = Partial<Record<ImportField, number>>

const headingWords: Record<ImportField, string[]> = {
  firstName: ['first name', 'firstname', 'forename', 'given name', 'first'],
  lastName: ['last name', 'lastname', 'surname', 'family name', 'last'],
  email: ['email', 'work email', 'email address', 'e mail', 'work email address'],
  agency: ['agency', 'organisation', 'organization', 'employer', 'agency name', 'organisation name'],
  role: ['role', 'job title', 'position', 'job role', 'title'],
  tier: ['tier', 'training tier', 'level'],
  managerName: ['manager', 'line manager', 'manager name', 'line manager name'],
  managerEmail: [
    'manager email',
    'line manager email',
    'manager email address',
    'line manager email address',
  ],
}

const normalise = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^a-z]+/g, ' ')
    .trim()

/** Guesses the mapping from the headings an HR export usually has. */
export function guessMapping(headers: readonly string[]): Mapping {
  const mapping: Mapping = {}
  headers.forEach((heading, index) => {
    const name = normalise(heading)
    for (const field of importFields) {
      if (mapping[field] === undefined && headingWords[field].includes(name)) {
        mapping[field] = index
        return
      }
    }
  })
  return mapping
}

export function missingFields(mapping: Mapping): ImportField[] {
  return requiredFields.filter((field) => mapping[field] === undefined)
}

export type ImportRow = {
  row: number
  firstName: string
  lastName: string
  email: string
  agencyId: string
  role: string | null
  tier: string | null
  managerName: string | null
  managerEmail: string | null
}

/** A problem with a row; a blocking one leaves the row out of the import. */
export type Problem = { row: number; text: string; blocking: boolean }

export type Checked = { rows: ImportRow[]; problems: Problem[] }

const emailFormat = z.email()
const FORMULA = /^[=+\-@]/

/**
 * Checks every row of a staff file and says what is wrong with each, by row number (the
 * spreadsheet's, headings being row 1). A row with a problem is left out of the import;
 * the rest go ahead. Nothing here touches the database.
 */
export function checkRows(
  table: { headers: readonly string[]; rows: readonly string[][]; rowNumbers?: readonly number[] },
  mapping: Mapping,
  context: {
    agencies: ReadonlyMap<string, string>
    tiers: readonly string[]
    agencyScope: readonly string[] | null
  },
): Checked {
  const rows: ImportRow[] = []
  const problems: Problem[] = []
  const firstRowOfEmail = new Map<string, number>()
  const limits: Partial<Record<ImportField, number>> = {
    firstName: 100,
    lastName: 100,
    email: 320,
    role: 200,
    tier: 80,
    managerName: 200,
    managerEmail: 320,
  }

  table.rows.forEach((cells, index) => {
    const row = table.rowNumbers?.[index] ?? index + 2
    const value = (field: ImportField) => {
      const column = mapping[field]
      return column === undefined ? '' : (cells[column] ?? '').trim()
    }
    const issues: string[] = []
    if (cells.length > table.headers.length) issues.push('has more values than there are headings')
    for (const field of requiredFields) {
      if (!value(field)) issues.push(`has no ${importFieldNames[field].toLowerCase()}`)
    }
    for (const field of importFields) {
      const text = value(field)
      const limit = limits[field]
      if (limit && text.length > limit)
        issues.push(`${importFieldNames[field].toLowerCase()} is longer than ${limit} characters`)
      if (FORMULA.test(text) && field !== 'email' && field !== 'managerEmail') {
        issues.push(
          `${importFieldNames[field].toLowerCase()} starts with “${text[0]}”, like a spreadsheet formula`,
        )
      }
    }
    const email = value('email')
    if (email && !emailFormat.safeParse(email).success)
      issues.push(`work email “${email.slice(0, 80)}” is not an email address`)
    const managerEmail = value('managerEmail')
    if (managerEmail && !emailFormat.safeParse(managerEmail).success)
      issues.push(`line manager’s email “${managerEmail.slice(0, 80)}” is not an email address`)
    if (!managerEmail && !value('managerName')) issues.push('has no line manager')
    const agencyName = value('agency')
    const agencyId = context.agencies.get(agencyName.toLowerCase())
    if (agencyName && !agencyId) issues.push(`agency “${agencyName.slice(0, 80)}” is not in the directory`)
    else if (agencyId && context.agencyScope && !context.agencyScope.includes(agencyId))
      issues.push(`agency “${agencyName}” is not one you lead`)
    const tier = value('tier')
    if (tier && context.tiers.length && !context.tiers.includes(tier))
      issues.push(`tier “${tier.slice(0, 80)}” is not one of ${context.tiers.join(', ')}`)
    if (email) {
      const first = firstRowOfEmail.get(email.toLowerCase())
      if (first) issues.push(`repeats the work email of row ${first}`)
      else firstRowOfEmail.set(email.toLowerCase(), row)
    }
    // A missing line manager is worth fixing, but not a reason to leave the person out.
    const blocking = issues.filter((issue) => issue !== 'has no line manager')
    for (const issue of issues)
      problems.push({ row, text: `Row ${row} ${issue}`, blocking: blocking.includes(issue) })
    if (blocking.length || !agencyId) return
    rows.push({
      row,
      firstName: value('firstName'),
      lastName: value('lastName'),
      email,
      agencyId,
      role: value('role') || null,
      tier: tier || null,
      managerName: value('managerName') || null,
      managerEmail: managerEmail || null,
    })
  })
  return { rows, problems }
}

/**
 * Leaves out every row whose work email belongs to someone in an agency the importer may not
 * manage (`agencyScope`, null for every agency). An import adds people to, and updates people
 * already in, the importer's own agencies; someone elsewhere is never moved or renamed by it,
 * whatever agency the row names, so their row is a problem for an admin to look at.
 * `agencyOfEmail` gives the current agency of each email already in the directory, lower-cased.
 */
export function keepToAgencies(
  checked: Checked,
  agencyOfEmail: ReadonlyMap<string, string>,
  agencyScope: readonly string[] | null,
): Checked {
  if (agencyScope === null) return checked
  const rows: ImportRow[] = []
  const problems = [...checked.problems]
  for (const row of checked.rows) {
    const agencyId = agencyOfEmail.get(row.email.toLowerCase())
    if (agencyId === undefined || agencyScope.includes(agencyId)) {
      rows.push(row)
      continue
    }
    problems.push({
      row: row.row,
      text: `Row ${row.row} work email “${row.email.slice(0, 80)}” belongs to someone in another agency: ask an admin`,
      blocking: true,
    })
  }
  // In the file's order, as the other problems are.
  problems.sort((a, b) => a.row - b.row)
  return { rows, problems }
}
