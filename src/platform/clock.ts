/**
 * The one clock. Every rule that depends on "now" takes it from here, so tests and
 * demonstrations can fix time (CASCADE_CLOCK) and every rule agrees on what today is.
 */
export type Clock = {
  now(): Date
}

export const systemClock: Clock = { now: () => new Date() }

export function fixedClock(instant: string | Date): Clock {
  const at = new Date(instant)
  return { now: () => new Date(at) }
}

/** A clock tests can move forward. */
export function steppingClock(
  start: string | Date,
): Clock & { advance(ms: number): void; set(at: string | Date): void } {
  let at = new Date(start).getTime()
  return {
    now: () => new Date(at),
    advance: (ms) => {
      at += ms
    },
    set: (next) => {
      at = new Date(next).getTime()
    },
  }
}

const londonDate = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
})

/** The calendar date in Europe/London (YYYY-MM-DD) of an instant: what "today" means to a partnership. */
export function londonDateOf(instant: Date): string {
  return londonDate.format(instant)
}
