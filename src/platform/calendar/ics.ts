/**
 * Calendar invitations (RFC 5545) for confirmation emails, written by hand: a few lines of
 * text that Outlook, Google and Apple calendars all read. Times are in UTC, so no time zone
 * definitions are needed, and the stamp comes from the one clock.
 */

export type CalendarEvent = {
  uid: string
  sequence?: number
  summary: string
  description?: string
  location?: string
  url?: string
  startsAt: Date
  endsAt: Date
}

type Person = { name: string; email: string }

/** 20270304T093000Z */
function utc(at: Date): string {
  return at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')
}

/**
 * Text values escape backslashes, semicolons, commas and line breaks (RFC 5545 3.3.11); a
 * bare line break would end the content line and corrupt the rest of the invitation. Other
 * control characters (tabs apart) are not allowed in text at all, so are dropped.
 */
function text(value: string): string {
  return (
    value
      .replace(/\\/g, '\\\\')
      .replace(/;/g, '\\;')
      .replace(/,/g, '\\,')
      .replace(/\r\n|\r|\n/g, '\\n')
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it removes
      .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
  )
}

/**
 * A parameter value (a person's name) is quoted so that commas, colons and semicolons in it
 * are safe; a quoted value cannot hold double quotes or control characters at all, so those
 * are replaced rather than escaped.
 */
function quoted(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it removes
  return `"${value.replace(/"/g, "'").replace(/[\u0000-\u001f\u007f]+/g, ' ')}"`
}

/**
 * Folds a content line at 75 octets (RFC 5545 3.1), continuing with a space, never splitting
 * a character's UTF-8 bytes, since some readers decode each physical line before unfolding.
 */
function fold(line: string): string {
  const parts: string[] = []
  let current = ''
  let octets = 0
  for (const char of line) {
    const size = Buffer.byteLength(char)
    // A continuation line's leading space is one of its 75 octets.
    const limit = parts.length === 0 ? 75 : 74
    if (octets + size > limit) {
      parts.push(current)
      current = ''
      octets = 0
    }
    current += char
    octets += size
  }
  parts.push(current)
  return parts.join('\r\n ')
}

/**
 * An invitation for a confirmation or cancellation email, one event per day of a session.
 * Outlook and Google match a later invitation to the earlier one by each event's UID, so a
 * change or cancellation must reuse the UIDs and raise the sequence. The stamp is taken from
 * `now` rather than the system clock so the same booking always gives the same text.
 */
export function calendarInvitation(input: {
  events: CalendarEvent[]
  organiser: Person
  attendee?: Person
  method?: 'REQUEST' | 'CANCEL'
  now: Date
}): string {
  const method = input.method ?? 'REQUEST'
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Cascade//Booking//EN',
    'CALSCALE:GREGORIAN',
    `METHOD:${method}`,
  ]
  for (const event of input.events) {
    lines.push(
      'BEGIN:VEVENT',
      `UID:${event.uid}`,
      `SEQUENCE:${event.sequence ?? 0}`,
      `DTSTAMP:${utc(input.now)}`,
      `DTSTART:${utc(event.startsAt)}`,
      `DTEND:${utc(event.endsAt)}`,
      `SUMMARY:${text(event.summary)}`,
      ...(event.description ? [`DESCRIPTION:${text(event.description)}`] : []),
      ...(event.location ? [`LOCATION:${text(event.location)}`] : []),
      ...(event.url ? [`URL:${event.url}`] : []),
      `ORGANIZER;CN=${quoted(input.organiser.name)}:mailto:${input.organiser.email}`,
      ...(input.attendee
        ? [
            `ATTENDEE;CN=${quoted(input.attendee.name)};ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED:mailto:${input.attendee.email}`,
          ]
        : []),
      `STATUS:${method === 'CANCEL' ? 'CANCELLED' : 'CONFIRMED'}`,
      'END:VEVENT',
    )
  }
  lines.push('END:VCALENDAR')
  return `${lines.map(fold).join('\r\n')}\r\n`
}
