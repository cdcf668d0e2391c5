import { whenText } from '#features/sessions/messages.ts'
import type { Session } from '#features/sessions/queries.ts'
import { calendarInvitation } from '#platform/calendar/ics.ts'
import { londonDateText, londonTimeText } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import type { Sql } from '#platform/db/database.ts'
import type { Email } from '#platform/mail/outbox.ts'
import { enqueueEmailsAtCommit } from '#platform/mail/outbox.ts'
import { money } from '#platform/views/nunjucks.ts'

/** Who an email about a place is for: the person, with their line manager in copy. */
export type Addressee = { name: string; email: string; managerEmail: string }

/** The addressee of a letter about someone's place. */
export const addressee = (h: Addressee): Addressee => ({
  name: h.name,
  email: h.email,
  managerEmail: h.managerEmail,
})

/**
 * A letter about someone's place, written twice: to the person, in the second person, and to
 * their line manager, about their member of staff. The attachments (a calendar invitation)
 * go to the person only.
 */
export type Letter = {
  subject: string
  toPerson: string[]
  toManager: string[]
  attachments?: Email['attachments']
}

/** Who acted on a place or an application: the person, their agency lead, or the partnership (an admin or a job). */
export type ActedBy = 'person' | 'lead' | 'partnership'

/** Who is acting on someone's place, from the actor and the person's sign-in. */
export function actedBy(ctx: Context, person: { userId: string | null }): ActedBy {
  if (ctx.actor.userId !== null && person.userId === ctx.actor.userId) return 'person'
  if (ctx.actor.roles.includes('admin') || ctx.actor.userId === null) return 'partnership'
  return 'lead'
}

type SessionDetails = Pick<Session, 'id' | 'courseTitle' | 'parts' | 'format' | 'venue' | 'joiningUrl'>

/**
 * Sends a letter to the person and, separately, to their line manager: the manager is told
 * what the person was told, so neither has to forward it. The letters are written with the
 * transaction's COMMIT.
 */
export async function tellPersonAndManager(
  sql: Sql,
  partnershipId: string,
  to: Addressee,
  letter: Letter,
): Promise<void> {
  const toPerson: Email = {
    to: to.email,
    subject: letter.subject,
    text: [`Dear ${to.name},`, '', ...letter.toPerson].join('\n'),
    attachments: letter.attachments,
  }
  if (to.managerEmail.toLowerCase() === to.email.toLowerCase()) {
    enqueueEmailsAtCommit(sql, partnershipId, [toPerson])
    return
  }
  enqueueEmailsAtCommit(sql, partnershipId, [
    toPerson,
    {
      to: to.managerEmail,
      subject: `${letter.subject}, for ${to.name}`,
      text: [
        'Hello,',
        '',
        ...letter.toManager,
        '',
        `You are receiving this as ${to.name}’s line manager. We have written to ${to.name} too.`,
      ].join('\n'),
    },
  ])
}

/** Where to go, or how to join. */
export function whereText(session: Pick<Session, 'format' | 'venue' | 'joiningUrl'>): string[] {
  if (session.format === 'online' || !session.venue) return [`Join online: ${session.joiningUrl ?? ''}`]
  const { name, address, room, accessNotes, instructions } = session.venue
  return [
    `Venue: ${name}${room ? `, ${room}` : ''}`,
    address,
    ...(instructions ? ['', `Getting there: ${instructions}`] : []),
    ...(accessNotes ? ['', `Access: ${accessNotes}`] : []),
  ]
}

/** The session's days as a calendar invitation, one event a day. */
function invitation(
  session: SessionDetails,
  to: Addressee,
  organiser: { name: string; email: string },
  now: Date,
) {
  const location =
    session.format === 'online'
      ? (session.joiningUrl ?? undefined)
      : session.venue
        ? [session.venue.name, session.venue.room, session.venue.address].filter(Boolean).join(', ')
        : undefined
  const ics = calendarInvitation({
    events: session.parts.map((part, i) => ({
      uid: `${session.id}-${i + 1}@cascade`,
      summary: session.courseTitle,
      description: whereText(session).join('\n'),
      location,
      url: session.format === 'online' ? (session.joiningUrl ?? undefined) : undefined,
      startsAt: part.startsAt,
      endsAt: part.endsAt,
    })),
    organiser,
    attendee: { name: to.name, email: to.email },
    now,
  })
  return {
    filename: 'invitation.ics',
    contentType: 'text/calendar; charset=utf-8; method=REQUEST',
    contentBase64: Buffer.from(ics).toString('base64'),
  }
}

export function placeConfirmed(
  session: SessionDetails,
  to: Addressee,
  organiser: { name: string; email: string },
  bookingUrl: string,
  now: Date,
): Letter {
  const details = ['', whenText(session), '', ...whereText(session)]
  return {
    subject: `Place confirmed: ${session.courseTitle}`,
    toPerson: [
      `You have a place on ${session.courseTitle}:`,
      ...details,
      '',
      'A calendar invitation is attached.',
      '',
      `If you cannot come, cancel your place or name a colleague from your agency to go instead: ${bookingUrl}`,
      'A place cancelled at short notice, or not attended, may be charged to your agency.',
    ],
    toManager: [
      `${to.name} has a place on ${session.courseTitle}:`,
      ...details,
      '',
      `If ${to.name} cannot come, they or their agency lead can cancel the place or name a colleague from the same agency to go instead.`,
      'A place cancelled at short notice, or not attended, may be charged to the agency.',
    ],
    attachments: [invitation(session, to, organiser, now)],
  }
}

export function notSuccessful(
  session: SessionDetails,
  to: Addressee,
  position: number | null,
  otherDates: { startsAt: Date }[],
): Letter {
  const date = londonDateText(session.parts[0]?.startsAt ?? new Date(0))
  const others = otherDates.length
    ? ['', 'Other dates of this course:', ...otherDates.map((d) => `- ${londonDateText(d.startsAt)}`)]
    : []
  const why = 'Places are shared to give each session a mix of sectors and agencies.'
  return {
    subject: `No place this time: ${session.courseTitle}`,
    toPerson: [
      `We could not give you a place on ${session.courseTitle} on ${date}.`,
      why,
      '',
      position
        ? `You are number ${position} on the waiting list. If a place comes free we will offer it to you by email.`
        : 'You are on the waiting list. If a place comes free we will offer it to you by email.',
      ...others,
    ],
    toManager: [
      `We could not give ${to.name} a place on ${session.courseTitle} on ${date}.`,
      why,
      '',
      position
        ? `${to.name} is number ${position} on the waiting list. If a place comes free we will offer it to them by email.`
        : `${to.name} is on the waiting list. If a place comes free we will offer it to them by email.`,
      ...others,
    ],
  }
}

export function reminder(session: SessionDetails, to: Addressee): Letter {
  const details = ['', whenText(session), '', ...whereText(session)]
  return {
    subject: `Reminder: ${session.courseTitle}`,
    toPerson: [`A reminder that you have a place on ${session.courseTitle}:`, ...details],
    toManager: [`A reminder that ${to.name} has a place on ${session.courseTitle}:`, ...details],
  }
}

export function placeOffered(
  session: SessionDetails,
  to: Addressee,
  expiresAt: Date,
  acceptUrl: string,
): Letter {
  const by = `${londonTimeText(expiresAt)} on ${londonDateText(expiresAt)}`
  return {
    subject: `A place is free: ${session.courseTitle}`,
    toPerson: [
      `A place has come free for you on ${session.courseTitle}:`,
      '',
      whenText(session),
      '',
      `Accept it by ${by}, or it will be offered to the next person on the waiting list:`,
      acceptUrl,
    ],
    toManager: [
      `A place has come free for ${to.name} on ${session.courseTitle}:`,
      '',
      whenText(session),
      '',
      `${to.name} has until ${by} to accept it, or it will be offered to the next person on the waiting list.`,
    ],
  }
}

export function offerLapsed(session: SessionDetails, to: Addressee): Letter {
  const next = 'so it has been offered to the next person on the waiting list.'
  return {
    subject: `Offer passed on: ${session.courseTitle}`,
    toPerson: [`The place offered to you on ${session.courseTitle} was not accepted in time, ${next}`],
    toManager: [
      `The place offered to ${to.name} on ${session.courseTitle} was not accepted in time, ${next}`,
    ],
  }
}

/** "You have cancelled your place", "Your agency lead has withdrawn your application", and so on. */
function ended(what: 'place' | 'application', course: string, by: ActedBy, name: string | null): string {
  const verb = what === 'place' ? 'cancelled' : 'withdrawn'
  const whose = name === null ? 'your' : by === 'person' ? 'their' : `${name}’s`
  const thing = what === 'place' ? `${whose} place on ${course}` : `${whose} application for ${course}`
  switch (by) {
    case 'person':
      return name === null ? `You have ${verb} ${thing}:` : `${name} has ${verb} ${thing}:`
    case 'lead':
      return name === null
        ? `Your agency lead has ${verb} ${thing}:`
        : `${name}’s agency lead has ${verb} ${what === 'place' ? `the place on ${course}` : `the application for ${course}`}:`
    case 'partnership':
      return `The partnership’s training team has ${verb} ${thing}:`
  }
}

export function cancellationReceived(
  session: SessionDetails,
  to: Addressee,
  outcome: {
    heldPlace: boolean
    sufficientNotice: boolean
    chargePence: number
    deadline: string
    by: ActedBy
  },
): Letter {
  const what = outcome.heldPlace ? 'place' : 'application'
  const charge = (agency: string) =>
    !outcome.heldPlace
      ? 'There is no charge: no place had been given.'
      : outcome.chargePence > 0
        ? `It came after ${londonDateText(new Date(`${outcome.deadline}T12:00:00Z`))}, the last day to cancel without charge, so ${agency} will be charged a cancellation charge of ${money(outcome.chargePence)}.`
        : 'There is no charge.'
  return {
    subject: `${outcome.heldPlace ? 'Place cancelled' : 'Application withdrawn'}: ${session.courseTitle}`,
    toPerson: [
      ended(what, session.courseTitle, outcome.by, null),
      '',
      whenText(session),
      '',
      charge('your agency'),
    ],
    toManager: [
      ended(what, session.courseTitle, outcome.by, to.name),
      '',
      whenText(session),
      '',
      charge('the agency'),
    ],
  }
}

export function placePassedOn(
  session: SessionDetails,
  from: Addressee,
  to: Addressee,
  by: ActedBy = 'partnership',
): Letter {
  const who = (name: string | null) =>
    by === 'person'
      ? name === null
        ? 'You have passed your place'
        : `${name} has passed their place`
      : by === 'lead'
        ? name === null
          ? 'Your agency lead has passed your place'
          : `${name}’s agency lead has passed their place`
        : name === null
          ? 'The partnership’s training team has passed your place'
          : `The partnership’s training team has passed ${name}’s place`
  const rest = `on ${session.courseTitle} to ${to.name}, from the same agency. There is no charge.`
  return {
    subject: `Place passed on: ${session.courseTitle}`,
    toPerson: [`${who(null)} ${rest}`, '', whenText(session)],
    toManager: [`${who(from.name)} ${rest}`, '', whenText(session)],
  }
}

export function joinedWaitingList(session: SessionDetails, to: Addressee, position: number | null): Letter {
  const when = londonDateText(session.parts[0]?.startsAt ?? new Date())
  const at = position ? `, at number ${position}` : ''
  const how =
    'When a place comes free it is offered by email to whoever on the waiting list best keeps the session’s mix of sectors and agencies, not in the order people joined.'
  return {
    subject: `On the waiting list: ${session.courseTitle}`,
    toPerson: [
      `The places on ${session.courseTitle} on ${when} have been allocated, so you are on its waiting list${at}.`,
      '',
      how,
    ],
    toManager: [
      `The places on ${session.courseTitle} on ${when} have been allocated, so ${to.name} is on its waiting list${at}.`,
      '',
      how,
    ],
  }
}

/**
 * The email that says an application arrived, to the person it is for. When their agency lead
 * or the partnership applied for them, it says so: they did not apply themselves.
 */
export function applicationReceived(
  session: SessionDetails,
  to: Pick<Addressee, 'name' | 'email'>,
  by: ActedBy,
  when: { allocatedOn: Date; pending: boolean; needsApproval: boolean },
): Email {
  const opening = {
    person: `We have your application for ${session.courseTitle}:`,
    lead: `Your agency’s safeguarding lead has applied for a place for you on ${session.courseTitle}:`,
    partnership: `The partnership has applied for a place for you on ${session.courseTitle}:`,
  }[by]
  return {
    to: to.email,
    subject: `Application received: ${session.courseTitle}`,
    text: [
      `Dear ${to.name},`,
      '',
      opening,
      '',
      whenText(session),
      '',
      `Places are not given in the order people apply. They are allocated on ${londonDateText(
        when.allocatedOn,
      )} to give the session a mix of agencies, and you will hear then whether you have a place.`,
      ...(when.pending ? ['', 'The application is held until your agency confirms your registration.'] : []),
      ...(when.needsApproval
        ? ['', 'As you missed courses recently, your agency’s lead must approve the application first.']
        : []),
    ].join('\n'),
  }
}
