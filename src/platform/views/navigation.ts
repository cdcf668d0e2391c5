import type { Access, Role } from '../auth/roles.ts'
import { allows } from '../auth/roles.ts'

type NavigationItem = { href: string; text: string; access: Access }

/** The service navigation, shown to each user by role. A feature with pages adds its entry here. */
const items: NavigationItem[] = [
  { href: '/dashboard', text: 'Home', access: 'signed-in' },
  { href: '/people', text: 'People', access: ['admin', 'agency-lead'] },
  { href: '/registrations', text: 'Registrations', access: ['admin', 'agency-lead'] },
  { href: '/agencies', text: 'Agencies', access: ['admin', 'agency-lead', 'subgroup', 'executive'] },
  { href: '/courses', text: 'Courses', access: ['admin', 'subgroup', 'executive', 'trainer'] },
  { href: '/programme', text: 'Programme', access: ['admin', 'subgroup', 'executive'] },
  { href: '/trainers', text: 'Trainers', access: ['admin', 'subgroup', 'executive', 'trainer'] },
  // Anyone confirmed may ask for learning; a registrant sees only their own record.
  {
    href: '/needs',
    text: 'Needs analysis',
    access: ['admin', 'subgroup', 'executive', 'agency-lead', 'trainer', 'practitioner'],
  },
  { href: '/evaluation', text: 'Evaluation', access: ['admin', 'subgroup', 'executive'] },
  { href: '/contracts', text: 'Contracts', access: ['admin'] },
  { href: '/charges', text: 'Charges', access: ['admin'] },
  { href: '/policy', text: 'Policy', access: ['admin', 'subgroup', 'executive'] },
  { href: '/complaints', text: 'Complaints', access: ['admin'] },
  { href: '/audit', text: 'Audit trail', access: ['admin'] },
  { href: '/api-tokens', text: 'API tokens', access: ['admin'] },
  { href: '/bookings', text: 'Your learning', access: 'signed-in' },
  // A lead finds the applications they made for their staff, and their staff's own.
  { href: '/bookings/staff', text: 'Staff applications', access: ['admin', 'agency-lead'] },
  { href: '/certificates', text: 'Certificates', access: 'signed-in' },
  { href: '/my-record', text: 'Your record', access: 'signed-in' },
  { href: '/account', text: 'Your account', access: 'signed-in' },
]

export function navigationFor(roles: readonly Role[], currentPath: string, partnershipSlug?: string) {
  // Anyone signed in may look for training in their own partnership's public catalogue.
  const findTraining: NavigationItem[] = partnershipSlug
    ? [{ href: `/p/${partnershipSlug}/courses`, text: 'Find training', access: 'signed-in' }]
    : []
  const [home, ...rest] = items
  const shown = [...(home ? [home] : []), ...findTraining, ...rest].filter(
    (item) => item.access !== 'public' && allows(item.access, roles),
  )
  const within = (item: NavigationItem) =>
    currentPath === item.href || currentPath.startsWith(`${item.href}/`)
  // One item is current: the most particular one the page is under (staff applications, not your learning).
  const current = shown.filter(within).sort((a, b) => b.href.length - a.href.length)[0]
  return shown.map((item) => ({ href: item.href, text: item.text, active: item === current }))
}
