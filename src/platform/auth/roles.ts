/** The roles a user can hold in a partnership (DOMAIN.md, "Who uses it"). */
/** A registrant registered themselves and waits for their agency's lead to confirm them. */
export const roles = [
  'admin',
  'subgroup',
  'executive',
  'agency-lead',
  'trainer',
  'practitioner',
  'registrant',
] as const
export type Role = (typeof roles)[number]

export const roleNames: Record<Role, string> = {
  admin: 'Partnership admin',
  subgroup: 'L&D sub-group member',
  executive: 'Executive',
  'agency-lead': 'Agency lead',
  trainer: 'Trainer',
  practitioner: 'Practitioner',
  registrant: 'Practitioner, waiting for confirmation',
}

/**
 * Who may use a route. Every route declares one; the app refuses to start with a route that
 * does not. `public` needs no sign-in, `signed-in` needs any role in the partnership, a list
 * needs one of those roles.
 */
export type Access = 'public' | 'signed-in' | readonly Role[]

export function allows(access: Access, held: readonly Role[]): boolean {
  if (access === 'public') return true
  if (access === 'signed-in') return held.length > 0
  return access.some((role) => held.includes(role))
}
