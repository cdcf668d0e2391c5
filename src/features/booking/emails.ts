import { whenText } from '#features/sessions/messages.ts'
import type { Session } from '#features/sessions/queries.ts'
import { calendarInvitation } from '#platform/calendar/ics.ts'
import { londonDateText, londonTimeText } from '#platform/clock.ts'
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

type Letter = { subject: string; lines: string[]; attachments?: Email['attachments'] }

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
    text: [`Dear ${to.name},`, '', ...letter.lines].join('\n'),
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
        `You are named as ${to.name}’s line manager. This is what we have sent them:`,
        '',
        ...letter.lines,
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
  return {
    subject: `Place confirmed: ${session.courseTitle}`,
    lines: [
      `${to.name} has a place on ${session.courseTitle}:`,
      '',
      whenText(session),
      '',
      ...whereText(session),
      '',
      'A calendar invitation is attached.',
      '',
      `If they cannot come, cancel the place or name a colleague from the same agency to go instead: ${bookingUrl}`,
      'A place cancelled at short notice may be charged.',
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
  return {
    subject: `No place this time: ${session.courseTitle}`,
    lines: [
      `We could not give ${to.name} a place on ${session.courseTitle} on ${londonDateText(session.parts[0]?.startsAt ?? new Date())}.`,
      'Places are shared to give each session a mix of sectors and agencies.',
      '',
      position
        ? `${to.name} is number ${position} on the waiting list. If a place comes free we will offer it by email.`
        : `${to.name} is on the waiting list. If a place comes free we will offer it by email.`,
      ...(otherDates.length
        ? ['', 'Other dates of this course:', ...otherDates.map((d) => `- ${londonDateText(d.startsAt)}`)]
        : []),
    ],
  }
}

export function reminder(session: SessionDetails, to: Addressee): Letter {
  return {
    subject: `Reminder: ${session.courseTitle}`,
    lines: [
      `A reminder that ${to.name} has a place on ${session.courseTitle}:`,
      '',
      whenText(session),
      '',
      ...whereText(session),
    ],
  }
}

export function placeOffered(
  session: SessionDetails,
  to: Addressee,
  expiresAt: Date,
  acceptUrl: string,
): Letter {
  return {
    subject: `A place is free: ${session.courseTitle}`,
    lines: [
      `A place has come free on ${session.courseTitle} for ${to.name}:`,
      '',
      whenText(session),
      '',
      `Accept it by ${londonTimeText(expiresAt)} on ${londonDateText(expiresAt)}, or it will be offered to the next person on the waiting list:`,
      acceptUrl,
    ],
  }
}

export function offerLapsed(session: SessionDetails, to: Addressee): Letter {
  return {
    subject: `Offer passed on: ${session.courseTitle}`,
    lines: [
      `The place offered to ${to.name} on ${session.courseTitle} was not accepted in time, so it has been offered to the next person on the waiting list.`,
    ],
  }
}

export function cancellationReceived(
  session: SessionDetails,
  to: Addressee,
  outcome: { heldPlace: boolean; sufficientNotice: boolean; chargePence: number; deadline: string },
): Letter {
  const charge = !outcome.heldPlace
    ? 'There is no charge: no place had been given.'
    : outcome.chargePence > 0
      ? `It came after ${londonDateText(new Date(`${outcome.deadline}T12:00:00Z`))}, the last day to cancel without charge, so the agency will be charged ${money(outcome.chargePence)}.`
      : 'There is no charge.'
  return {
    subject: `Cancelled: ${to.name} on ${session.courseTitle}`,
    lines: [
      `We have ${outcome.heldPlace ? 'cancelled the place' : 'withdrawn the application'} of ${to.name} on ${session.courseTitle}:`,
      '',
      whenText(session),
      '',
      charge,
    ],
  }
}

export function placePassedOn(session: SessionDetails, from: Addressee, to: Addressee): Letter {
  return {
    subject: `Place passed on: ${session.courseTitle}`,
    lines: [
      `${from.name}’s place on ${session.courseTitle} has passed to ${to.name}, from the same agency. There is no charge.`,
      '',
      whenText(session),
    ],
  }
}

export function joinedWaitingList(session: SessionDetails, _to: Addressee, position: number | null): Letter {
  return {
    subject: `On the waiting list: ${session.courseTitle}`,
    lines: [
      `The places on ${session.courseTitle} on ${londonDateText(session.parts[0]?.startsAt ?? new Date())} have been allocated, so you are on its waiting list${position ? `, at number ${position}` : ''}.`,
      'When a place comes free it is offered by email to whoever on the waiting list best keeps the session’s mix of sectors and agencies, not in the order people joined.',
    ],
  }
}
