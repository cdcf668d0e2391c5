import { londonDateText } from '#platform/clock.ts'
import type { Email } from '#platform/mail/outbox.ts'
import { confirmationKindNames } from './rules.ts'

/**
 * Dissemination's emails. A product is named by its title only; a lead's email names the
 * agencies they lead that it was sent to, each with the page where they record what they did.
 */

/** Where the emails' links go. */
export type Links = {
  product: (productId: string) => string
  record: (productId: string, agencyId: string) => string
  toPassOn: string
  overdue: string
}

type Named = { id: string; name: string }

const dayText = (day: string) => londonDateText(new Date(`${day}T12:00:00Z`))

const agencyLines = (productId: string, agencies: readonly Named[], links: Links) =>
  agencies.flatMap((a) => [`- ${a.name}: ${links.record(productId, a.id)}`])

/** Tells an agency lead a product was sent to the agencies they lead, and what is asked of them. */
export function sentToLead(
  to: { email: string; name: string },
  product: { id: string; title: string; version: number },
  agencies: readonly Named[],
  partnership: string,
  links: Links,
  resent: boolean,
): Email {
  return {
    to: to.email,
    subject: `${resent ? 'Updated learning' : 'Learning'} to pass on: ${product.title}`,
    text: [
      `Dear ${to.name},`,
      '',
      resent
        ? `${partnership} has updated “${product.title}” (version ${product.version}) and asks you to pass the new version on to your staff.`
        : `${partnership} has published “${product.title}” and asks you to pass it on to your staff.`,
      '',
      `Read it (sign in first): ${links.product(product.id)}`,
      '',
      'Please let us know you have received it, then record how it reached your staff (a team meeting, supervision, single-agency training, an email cascade, your intranet) and how many staff it reached, with a note or a file as evidence:',
      '',
      ...agencyLines(product.id, agencies, links),
      '',
      'From the same page you can email each of your staff a link to confirm, with one click, that they have read it or discussed it in supervision.',
      '',
      `Everything sent to your agencies: ${links.toPassOn}`,
    ].join('\n'),
  }
}

/** Reminds a lead, once, that their agency has recorded nothing for a product sent to it. */
export function reminderToLead(
  to: { email: string; name: string },
  product: { id: string; title: string },
  agencies: readonly (Named & { firstSentOn: string })[],
  partnership: string,
  links: Links,
): Email {
  const first = agencies[0]
  return {
    to: to.email,
    subject: `Reminder: record how you passed on “${product.title}”`,
    text: [
      `Dear ${to.name},`,
      '',
      `${partnership} sent “${product.title}” to your ${agencies.length === 1 ? 'agency' : 'agencies'}${first ? ` on ${dayText(first.firstSentOn)}` : ''} and has not heard back yet.`,
      '',
      'Let us know you have received it, or record how it reached your staff:',
      '',
      ...agencyLines(product.id, agencies, links),
      '',
      'If we still have no answer, the agency will be listed to the sub-group.',
    ].join('\n'),
  }
}

/** Tells the sub-group which agencies have not answered after a reminder and a second period. */
export function overdueToSubgroup(
  to: { email: string; name: string },
  items: readonly { productTitle: string; agencyName: string; firstSentOn: string }[],
  partnership: string,
  links: Links,
): Email {
  return {
    to: to.email,
    subject: `${items.length === 1 ? 'An agency has' : `${items.length} agencies have`} not answered learning sent to them`,
    text: [
      `Dear ${to.name},`,
      '',
      `These agencies of ${partnership} have recorded nothing for learning sent to them, after a reminder:`,
      '',
      ...items.map((i) => `- ${i.agencyName}: “${i.productTitle}”, sent ${dayText(i.firstSentOn)}`),
      '',
      `See every agency overdue: ${links.overdue}`,
    ].join('\n'),
  }
}

/** A staff member's own one-click links to confirm they read a product or discussed it in supervision. */
export function staffLinks(
  to: { email: string; name: string },
  product: { title: string },
  agencyName: string,
  links: { read: string; supervision: string; product: string },
): Email {
  return {
    to: to.email,
    subject: `Please confirm: ${product.title}`,
    text: [
      `Dear ${to.name},`,
      '',
      `${agencyName} has passed on “${product.title}”. Read it here: ${links.product}`,
      '',
      'Once you have, please tell us with one click (each link opens a page with a button to confirm):',
      '',
      `${confirmationKindNames.read}: ${links.read}`,
      `${confirmationKindNames.supervision}: ${links.supervision}`,
      '',
      'These links are yours alone: please do not forward them.',
    ].join('\n'),
  }
}
