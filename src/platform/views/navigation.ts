import type { Access, Role } from '../auth/roles.ts'
import { allows } from '../auth/roles.ts'

/** The headed groups of the menu, in the order the menu page shows them. */
const groups = [
  'Programme',
  'People and agencies',
  'Evaluation and quality',
  'Money',
  'Partnership settings',
  'Your learning',
] as const
type Group = (typeof groups)[number]

type NavigationItem = { href: string; text: string; access: Access; group: Group | null }

/** The service navigation, shown to each user by role. A feature with pages adds its entry here. */
const items: NavigationItem[] = [
  { href: '/dashboard', text: 'Home', access: 'signed-in', group: null },
  { href: '/people', text: 'People', access: ['admin', 'agency-lead'], group: 'People and agencies' },
  {
    href: '/registrations',
    text: 'Registrations',
    access: ['admin', 'agency-lead'],
    group: 'People and agencies',
  },
  {
    href: '/agencies',
    text: 'Agencies',
    access: ['admin', 'agency-lead', 'subgroup', 'executive'],
    group: 'People and agencies',
  },
  {
    href: '/courses',
    text: 'Courses',
    access: ['admin', 'subgroup', 'executive', 'trainer'],
    group: 'Programme',
  },
  // Which training each role needs: planners shape them, leads set them for their staff.
  {
    href: '/pathways',
    text: 'Pathways',
    access: ['admin', 'subgroup', 'executive', 'agency-lead'],
    group: 'Programme',
  },
  { href: '/programme', text: 'Programme', access: ['admin', 'subgroup', 'executive'], group: 'Programme' },
  {
    href: '/trainers',
    text: 'Trainers',
    access: ['admin', 'subgroup', 'executive', 'trainer'],
    group: 'Programme',
  },
  // Anyone confirmed may ask for learning; a registrant sees only their own record.
  {
    href: '/needs',
    text: 'Needs analysis',
    access: ['admin', 'subgroup', 'executive', 'agency-lead', 'trainer', 'practitioner'],
    group: 'Programme',
  },
  // Everyone confirmed reads published learning from reviews; who sees more is in reviews/visibility.ts.
  {
    href: '/reviews',
    text: 'Case reviews',
    access: ['admin', 'subgroup', 'executive', 'agency-lead', 'trainer', 'practitioner'],
    group: 'Programme',
  },
  // Briefings and other learning products: everyone confirmed reads them; overseers find drafts from there.
  {
    href: '/learning',
    text: 'Learning library',
    access: ['admin', 'subgroup', 'executive', 'agency-lead', 'trainer', 'practitioner'],
    group: 'Programme',
  },
  { href: '/learning/newsletters', text: 'Newsletters', access: ['admin', 'subgroup'], group: 'Programme' },
  {
    href: '/evaluation',
    text: 'Evaluation',
    access: ['admin', 'subgroup', 'executive'],
    group: 'Evaluation and quality',
  },
  // Overseers run it; agency leads answer their self-assessments; trainers see their observations and CPD.
  {
    href: '/quality',
    text: 'Quality assurance',
    access: ['admin', 'subgroup', 'executive', 'agency-lead', 'trainer'],
    group: 'Evaluation and quality',
  },
  {
    href: '/actions',
    text: 'Action tracker',
    access: ['admin', 'subgroup', 'executive'],
    group: 'Evaluation and quality',
  },
  // Anyone may own an action; an agency lead also sees the actions their agencies own.
  {
    href: '/actions/ours',
    text: 'Our actions',
    access: ['admin', 'subgroup', 'executive', 'agency-lead', 'trainer', 'practitioner'],
    group: 'Evaluation and quality',
  },
  // What the partnership sent an agency lead's agencies, to acknowledge and record how it was passed on.
  {
    href: '/learning/to-pass-on',
    text: 'Learning to pass on',
    access: ['agency-lead'],
    group: 'Evaluation and quality',
  },
  // Agency leads read their agencies' aggregate results; only admins see anyone's own answers.
  {
    href: '/knowledge-audits',
    text: 'Knowledge audits',
    access: ['admin', 'subgroup', 'executive', 'agency-lead'],
    group: 'Evaluation and quality',
  },
  // Admins run audits; the sub-group and executive read results and review; agency leads answer theirs.
  {
    href: '/audits',
    text: 'Safeguarding audits',
    access: ['admin', 'subgroup', 'executive', 'agency-lead'],
    group: 'Evaluation and quality',
  },
  // Standing against pathways: partnership-wide for planners, their own agencies for a lead.
  {
    href: '/compliance',
    text: 'Workforce compliance',
    access: ['admin', 'subgroup', 'executive', 'agency-lead'],
    group: 'Evaluation and quality',
  },
  // Reports to the board: the partnership's figures for a quarter or a year.
  {
    href: '/reports',
    text: 'Reports',
    access: ['admin', 'subgroup', 'executive'],
    group: 'Evaluation and quality',
  },
  { href: '/complaints', text: 'Complaints', access: ['admin'], group: 'Evaluation and quality' },
  { href: '/charges', text: 'Charges', access: ['admin'], group: 'Money' },
  { href: '/contracts', text: 'Contracts', access: ['admin'], group: 'Money' },
  {
    href: '/policy',
    text: 'Policy',
    access: ['admin', 'subgroup', 'executive'],
    group: 'Partnership settings',
  },
  { href: '/audit', text: 'Audit trail', access: ['admin'], group: 'Partnership settings' },
  // The partnership's duties as a data controller: its public notices, and how long it keeps records.
  {
    href: '/privacy/statement',
    text: 'Privacy notice and accessibility statement',
    access: ['admin'],
    group: 'Partnership settings',
  },
  { href: '/privacy/retention', text: 'Keeping records', access: ['admin'], group: 'Partnership settings' },
  { href: '/api-tokens', text: 'API tokens', access: ['admin'], group: 'Partnership settings' },
  { href: '/identity-providers', text: 'Single sign-on', access: ['admin'], group: 'Partnership settings' },
  { href: '/bookings', text: 'Your learning', access: 'signed-in', group: 'Your learning' },
  // A lead finds the applications they made for their staff, and their staff's own.
  {
    href: '/bookings/staff',
    text: 'Staff applications',
    access: ['admin', 'agency-lead'],
    group: 'People and agencies',
  },
  // Their pathway, their standing against it, learning they did elsewhere, and their
  // certificates and learning record, which it links to.
  { href: '/training', text: 'Your training', access: 'signed-in', group: 'Your learning' },
  // Learning recorded elsewhere by an agency's staff, waiting for its lead.
  {
    href: '/evidence',
    text: 'Evidence to verify',
    access: ['admin', 'agency-lead'],
    group: 'People and agencies',
  },
  { href: '/my-record', text: 'Your record', access: 'signed-in', group: 'Your learning' },
  { href: '/account', text: 'Your account', access: 'signed-in', group: 'Your learning' },
]

/**
 * The most links the header holds as one flat list. A role with more (an admin has twenty) gets
 * Home, Find training and a Menu page of headed groups instead: GOV.UK service navigation has
 * no place for groups, and a header of twenty links wraps into a wall of words.
 */
export const HEADER_LIMIT = 10

export type MenuLink = { href: string; text: string; active: boolean }

const isAt = (currentPath: string, href: string) => currentPath === href || currentPath.startsWith(`${href}/`)

/** Every page a role may use, in the menu's order, Home first. */
function linksFor(roles: readonly Role[], partnershipSlug?: string): NavigationItem[] {
  // Anyone signed in may look for training in their own partnership's public catalogue.
  const findTraining: NavigationItem[] = partnershipSlug
    ? [
        {
          href: `/p/${partnershipSlug}/courses`,
          text: 'Find training',
          access: 'signed-in',
          group: 'Your learning',
        },
      ]
    : []
  const [home, ...rest] = items
  return [...(home ? [home] : []), ...findTraining, ...rest].filter(
    (item) => item.access !== 'public' && allows(item.access, roles),
  )
}

/** The header's links: every page for a role with few, or Home, Find training and the Menu. */
export function navigationFor(
  roles: readonly Role[],
  currentPath: string,
  partnershipSlug?: string,
): MenuLink[] {
  const all = linksFor(roles, partnershipSlug)
  if (all.length <= HEADER_LIMIT)
    return all.map((item) => ({ href: item.href, text: item.text, active: isAt(currentPath, item.href) }))
  const header = all.filter((item) => item.group === null || item.text === 'Find training')
  // Any page reached from the menu marks the Menu as where the person is.
  const inMenu =
    currentPath === '/menu' || all.some((item) => !header.includes(item) && isAt(currentPath, item.href))
  return [
    ...header.map((item) => ({ href: item.href, text: item.text, active: isAt(currentPath, item.href) })),
    { href: '/menu', text: 'Menu', active: inMenu },
  ]
}

/** The menu page: a role's pages under their group headings, empty groups left out. */
export function menuFor(
  roles: readonly Role[],
  partnershipSlug?: string,
): { heading: Group; links: { href: string; text: string }[] }[] {
  const all = linksFor(roles, partnershipSlug)
  return groups
    .map((heading) => ({
      heading,
      links: all
        .filter((item) => item.group === heading)
        .map((item) => ({ href: item.href, text: item.text })),
    }))
    .filter((group) => group.links.length > 0)
}
