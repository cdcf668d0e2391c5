import type { Session } from '#features/sessions/queries.ts'
import { londonDateText } from '#platform/clock.ts'
import type { SuccessBanner } from '#platform/http/done.ts'
import type { Application } from './queries.ts'
import type { Allocation } from './shortlisting.ts'

/** What a change to one place can have finished, as named in `/bookings/{id}?done=`. */
export const bookingDone = [
  'applied',
  'withdrawn',
  'cancelled',
  'accepted',
  'approved',
  'moved',
  'passed',
] as const
export type BookingDone = (typeof bookingDone)[number]

type Place = Pick<Application, 'name' | 'status' | 'waitingPosition' | 'awaitingApproval'> & {
  session: Pick<Session, 'courseTitle' | 'startsAt'>
}

const ended = (place: Place) => place.status === 'cancelled' || place.status === 'withdrawn'

/**
 * The banner on a place's page after a change to it, in words for whoever made it: "you" for
 * their own place, the person's name for a lead or admin acting for them. The place as it now
 * stands must still bear the change out, so an old address kept in a bookmark says nothing.
 */
export function bookingBanner(
  done: BookingDone | undefined,
  place: Place,
  mine: boolean,
): SuccessBanner | undefined {
  const course = `${place.session.courseTitle} on ${londonDateText(place.session.startsAt)}`
  // Who is told, in the person's words or the actor's.
  const theyAndManager = mine ? 'you and your line manager' : `${place.name} and their line manager`
  switch (done) {
    case 'applied':
      if (ended(place)) return undefined
      return {
        heading: mine ? `You applied for ${course}` : `You applied for ${place.name} to go on ${course}`,
        text: afterApplying(place, mine),
      }
    case 'withdrawn':
      if (place.status !== 'withdrawn') return undefined
      return {
        heading: mine ? 'You withdrew your application' : `You withdrew the application of ${place.name}`,
        text: `We have emailed ${theyAndManager} to confirm it.`,
      }
    case 'cancelled':
      if (place.status !== 'cancelled') return undefined
      return {
        heading: mine ? 'You cancelled your place' : `You cancelled the place of ${place.name}`,
        text: `We have emailed ${theyAndManager} to confirm it, with any charge for late notice.`,
      }
    case 'accepted':
      if (place.status !== 'confirmed') return undefined
      return {
        heading: mine ? `You accepted your place on ${course}` : `You accepted the place of ${place.name}`,
        text: `We have emailed ${theyAndManager} to confirm it.`,
      }
    case 'approved':
      if (place.awaitingApproval || ended(place)) return undefined
      return {
        heading: `You approved the application of ${place.name}`,
        text: 'It is no longer held back: it is considered for a place like any other.',
      }
    case 'moved':
      if (ended(place)) return undefined
      return {
        heading: mine
          ? `You moved your application to ${course}`
          : `You moved the application of ${place.name} to ${course}`,
      }
    case 'passed':
      if (place.status !== 'confirmed') return undefined
      return {
        heading: `You passed the place to ${place.name}`,
        text: `We have emailed ${place.name} and their line manager the details, and told the person who had it.`,
      }
    case undefined:
      return undefined
  }
}

/** What follows an application, by where it landed: allocation later, the waiting list, or an offer now. */
function afterApplying(place: Place, mine: boolean): string {
  switch (place.status) {
    case 'waiting': {
      const number = place.waitingPosition ? `, number ${place.waitingPosition}` : ''
      return mine
        ? `You are on the waiting list${number}. We have emailed you and your line manager. If a place comes free and you are next by the session’s mix of sectors and agencies, it is offered to you by email.`
        : `${place.name} is on the waiting list${number}. We have emailed them and their line manager. If a place comes free and they are next by the session’s mix of sectors and agencies, it is offered to them by email.`
    }
    case 'offered':
      return mine
        ? 'A place on this session is free, so it is offered to you straight away. Accept it below; it has also been sent by email.'
        : `A place on this session is free, so it is offered to ${place.name} straight away, by email.`
    default:
      return `Places are allocated when applications close. ${
        mine ? 'You and your line manager are' : `${place.name} and their line manager are`
      } told the result by email.`
  }
}

/** What a change to a session's places can have finished, as named in `/sessions/{id}/places?done=`. */
export const placesDone = ['proposed', 'confirmed', 'moved', 'reordered'] as const
export type PlacesDone = (typeof placesDone)[number]

/**
 * The banner on the places page after a change. A move or a reorder names the person, read
 * from the allocation as it now stands, so the banner says where they are now.
 */
export function placesBanner(
  done: PlacesDone | undefined,
  allocation: Pick<Allocation, 'allocated' | 'waiting'>,
  applicationId: unknown,
): SuccessBanner | undefined {
  const placed = allocation.allocated.find((a) => a.id === applicationId)
  const waiting = allocation.waiting.find((a) => a.id === applicationId)
  const number = waiting?.waitingPosition ? `, number ${waiting.waitingPosition}` : ''
  switch (done) {
    case 'proposed':
      return {
        heading: 'Places allocated',
        text: 'Check the proposal and its reasons below. No one is told until you confirm.',
      }
    case 'confirmed':
      return {
        heading: 'Places confirmed and everyone told',
        text: 'Those with a place and those on the waiting list, and their managers, have been emailed.',
      }
    case 'moved':
      if (placed)
        return { heading: `You gave ${placed.name} a place`, text: 'No one is told until you confirm.' }
      if (waiting)
        return {
          heading: `You moved ${waiting.name} to the waiting list${number}`,
          text: 'No one is told until you confirm.',
        }
      return undefined
    case 'reordered':
      if (!waiting) return undefined
      return {
        heading: `You moved ${waiting.name} to number ${waiting.waitingPosition} on the waiting list`,
        text: 'A place that comes free is offered in this order.',
      }
    case undefined:
      return undefined
  }
}
