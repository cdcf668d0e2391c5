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

const londonLongDate = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', dateStyle: 'long' })
const londonClock = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  hour: 'numeric',
  minute: '2-digit',
  hour12: true,
})

/** A date as GOV.UK writes it, in Europe/London: 4 March 2027. */
export function londonDateText(instant: Date): string {
  return londonLongDate.format(instant)
}

/** A time as GOV.UK writes it, in Europe/London: 9am, 9:30am, 12pm. */
export function londonTimeText(instant: Date): string {
  const parts = Object.fromEntries(londonClock.formatToParts(instant).map((p) => [p.type, p.value]))
  const minutes = parts.minute === '00' ? '' : `:${parts.minute}`
  return `${Number(parts.hour)}${minutes}${String(parts.dayPeriod)
    .toLowerCase()
    .replace(/[^a-z]/g, '')}`
}

const londonParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  hourCycle: 'h23',
})

/** How far Europe/London is ahead of UTC at an instant, in milliseconds (0 or an hour). */
function londonOffset(instant: Date): number {
  const p = Object.fromEntries(londonParts.formatToParts(instant).map((x) => [x.type, Number(x.value)]))
  const asUtc = Date.UTC(p.year ?? 0, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0)
  return asUtc - Math.floor(instant.getTime() / 60_000) * 60_000
}

/** The instant of a wall-clock time in Europe/London: what a form's date and "9:30am" mean. */
export function londonInstant(date: string, hours: number, minutes: number): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number]
  const wall = Date.UTC(y, m - 1, d, hours, minutes)
  const first = wall - londonOffset(new Date(wall))
  // Near a clock change the offset at the guess can differ from the offset at the answer.
  return new Date(wall - londonOffset(new Date(first)))
}

/** The wall-clock time of an instant in Europe/London, as 24-hour HH:MM. */
export function londonClockOf(instant: Date): string {
  const p = Object.fromEntries(londonParts.formatToParts(instant).map((x) => [x.type, x.value]))
  return `${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`
}
