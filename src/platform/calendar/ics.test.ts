import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type CalendarEvent, calendarInvitation } from './ics.ts'

type Property = { name: string; params: string; value: string }
type Component = { name: string; properties: Property[]; children: Component[] }

/**
 * Reads an invitation back as a calendar program does: unfold, split each content line at
 * the first colon outside a quoted parameter, and nest BEGIN/END into components.
 */
function parse(ics: string): Component {
  const lines = ics.replace(/\r\n[ \t]/g, '').split('\r\n')
  expect(lines.pop()).toBe('')
  const root: Component = { name: '', properties: [], children: [] }
  const stack = [root]
  for (const line of lines) {
    let quoted = false
    let colon = -1
    for (let i = 0; i < line.length && colon < 0; i++) {
      if (line[i] === '"') quoted = !quoted
      else if (line[i] === ':' && !quoted) colon = i
    }
    const head = line.slice(0, colon)
    const value = line.slice(colon + 1)
    const semicolon = head.indexOf(';')
    const name = semicolon < 0 ? head : head.slice(0, semicolon)
    const params = semicolon < 0 ? '' : head.slice(semicolon + 1)
    const current = stack.at(-1) as Component
    if (name === 'BEGIN') {
      const child = { name: value, properties: [], children: [] }
      current.children.push(child)
      stack.push(child)
    } else if (name === 'END') {
      expect(stack.pop()?.name).toBe(value)
    } else {
      current.properties.push({ name, params, value })
    }
  }
  expect(stack).toHaveLength(1)
  return root.children[0] as Component
}

const property = (component: Component | undefined, name: string) =>
  component?.properties.find((p) => p.name === name)

const value = (component: Component | undefined, name: string) => property(component, name)?.value

/** Undoes RFC 5545 text escaping. */
const plainText = (text: string | undefined) =>
  text?.replace(/\\([\\;,nN])/g, (_, c: string) => (c === 'n' || c === 'N' ? '\n' : c))

const organiser = { name: 'Norfolk Safeguarding Children Partnership', email: 'training@example.org' }
const attendee = { name: 'Pat Practitioner', email: 'pat@example.org' }
const now = new Date('2026-11-24T10:00:00Z')

const day = (n: number, overrides: Partial<CalendarEvent> = {}): CalendarEvent => ({
  uid: `session-42-${n}@cascade`,
  summary: 'Neglect: recognising and responding',
  startsAt: new Date(`2027-03-0${3 + n}T09:30:00Z`),
  endsAt: new Date(`2027-03-0${3 + n}T12:30:00Z`),
  ...overrides,
})

describe('a calendar invitation', () => {
  it('is a version 2.0 Gregorian calendar from Cascade, a request by default', () => {
    const calendar = parse(calendarInvitation({ events: [day(1)], organiser, now }))
    expect(calendar.name).toBe('VCALENDAR')
    expect(value(calendar, 'VERSION')).toBe('2.0')
    expect(value(calendar, 'PRODID')).toBe('-//Cascade//Booking//EN')
    expect(value(calendar, 'CALSCALE')).toBe('GREGORIAN')
    expect(value(calendar, 'METHOD')).toBe('REQUEST')
    expect(value(calendar.children[0], 'STATUS')).toBe('CONFIRMED')
  })

  it('has one event for each day of a two-day session', () => {
    const calendar = parse(calendarInvitation({ events: [day(1), day(2)], organiser, attendee, now }))
    expect(calendar.children.map((c) => c.name)).toEqual(['VEVENT', 'VEVENT'])
    expect(calendar.children.map((c) => value(c, 'UID'))).toEqual([
      'session-42-1@cascade',
      'session-42-2@cascade',
    ])
    expect(calendar.children.map((c) => value(c, 'DTSTART'))).toEqual([
      '20270304T093000Z',
      '20270305T093000Z',
    ])
    expect(calendar.children.map((c) => value(c, 'DTEND'))).toEqual(['20270304T123000Z', '20270305T123000Z'])
  })

  it('gives times in UTC, whatever the season', () => {
    // 9:30am BST on Thursday 3 June 2027 is 8:30am UTC.
    const summer = day(1, {
      startsAt: new Date('2027-06-03T09:30:00+01:00'),
      endsAt: new Date('2027-06-03T16:00:00+01:00'),
    })
    const event = parse(calendarInvitation({ events: [summer], organiser, now })).children[0]
    expect(value(event, 'DTSTART')).toBe('20270603T083000Z')
    expect(value(event, 'DTEND')).toBe('20270603T150000Z')
  })

  it('is stamped with the time it is given, not the system clock', () => {
    const event = parse(calendarInvitation({ events: [day(1)], organiser, now })).children[0]
    expect(value(event, 'DTSTAMP')).toBe('20261124T100000Z')
  })

  it('carries the event’s details, sequence, organiser and accepted attendee', () => {
    const event = parse(
      calendarInvitation({
        events: [
          day(1, {
            sequence: 2,
            description: 'Bring your ID',
            location: 'County Hall',
            url: 'https://example.org/join/abc',
          }),
        ],
        organiser,
        attendee,
        now,
      }),
    ).children[0]
    expect(value(event, 'SEQUENCE')).toBe('2')
    expect(value(event, 'SUMMARY')).toBe('Neglect: recognising and responding')
    expect(value(event, 'DESCRIPTION')).toBe('Bring your ID')
    expect(value(event, 'LOCATION')).toBe('County Hall')
    expect(value(event, 'URL')).toBe('https://example.org/join/abc')
    expect(property(event, 'ORGANIZER')).toEqual({
      name: 'ORGANIZER',
      params: 'CN="Norfolk Safeguarding Children Partnership"',
      value: 'mailto:training@example.org',
    })
    const invited = property(event, 'ATTENDEE')
    expect(invited?.value).toBe('mailto:pat@example.org')
    expect(invited?.params.split(';').sort()).toEqual([
      'CN="Pat Practitioner"',
      'PARTSTAT=ACCEPTED',
      'ROLE=REQ-PARTICIPANT',
    ])
  })

  it('leaves out what it is not given', () => {
    const event = parse(calendarInvitation({ events: [day(1)], organiser, now })).children[0]
    expect(value(event, 'SEQUENCE')).toBe('0')
    for (const name of ['DESCRIPTION', 'LOCATION', 'URL', 'ATTENDEE']) {
      expect(property(event, name)).toBeUndefined()
    }
  })

  it('marks every event cancelled when it cancels', () => {
    const calendar = parse(calendarInvitation({ events: [day(1), day(2)], organiser, method: 'CANCEL', now }))
    expect(value(calendar, 'METHOD')).toBe('CANCEL')
    expect(calendar.children.map((c) => value(c, 'STATUS'))).toEqual(['CANCELLED', 'CANCELLED'])
  })

  it('escapes backslashes, semicolons, commas and line breaks in text', () => {
    const description = 'Room 2; first floor, by the lift\nBring C:\\ID\r\nand lunch\rplease'
    const ics = calendarInvitation({
      events: [day(1, { summary: 'A, B; C', description, location: 'Hall, Room 2' })],
      organiser,
      now,
    })
    const event = parse(ics).children[0]
    expect(value(event, 'SUMMARY')).toBe('A\\, B\\; C')
    expect(value(event, 'LOCATION')).toBe('Hall\\, Room 2')
    expect(value(event, 'DESCRIPTION')).toBe(
      'Room 2\\; first floor\\, by the lift\\nBring C:\\\\ID\\nand lunch\\nplease',
    )
    expect(plainText(value(event, 'DESCRIPTION'))).toBe(
      'Room 2; first floor, by the lift\nBring C:\\ID\nand lunch\nplease',
    )
  })

  it('keeps names with quotes or punctuation inside their quoted parameter', () => {
    const event = parse(
      calendarInvitation({
        events: [day(1)],
        organiser: { name: 'Safeguarding; Training: "Norfolk", UK', email: 'training@example.org' },
        now,
      }),
    ).children[0]
    expect(property(event, 'ORGANIZER')).toEqual({
      name: 'ORGANIZER',
      params: `CN="Safeguarding; Training: 'Norfolk', UK"`,
      value: 'mailto:training@example.org',
    })
  })

  it('ends every line with CRLF and never a bare line break', () => {
    const ics = calendarInvitation({ events: [day(1, { description: 'one\ntwo\rthree' })], organiser, now })
    expect(ics.endsWith('END:VCALENDAR\r\n')).toBe(true)
    expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/)
  })

  it('drops control characters text may not hold, but keeps tabs', () => {
    const event = parse(
      calendarInvitation({ events: [day(1, { description: 'bell\u0007\tand\u0000null' })], organiser, now }),
    ).children[0]
    expect(value(event, 'DESCRIPTION')).toBe('bell\tandnull')
  })

  it('folds a long description with emoji and accents at 75 octets, and unfolds it unchanged', () => {
    const description = `Café déjà vu — naïve façade, Zoë’s rôle. ${'é'.repeat(40)} 🧒🏽👩‍👧 ${'☕'.repeat(30)} ${'x'.repeat(200)} 🎉`
    const ics = calendarInvitation({ events: [day(1, { description })], organiser, attendee, now })
    const physical = ics.split('\r\n')
    expect(physical.some((line) => line.startsWith(' '))).toBe(true)
    for (const line of physical) {
      expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75)
      // A character split across lines would not survive encoding each line on its own.
      expect(Buffer.from(line).toString()).toBe(line)
    }
    expect(plainText(value(parse(ics).children[0], 'DESCRIPTION'))).toBe(description)
  })

  it('round-trips any text through folding and escaping', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (description) => {
        const ics = calendarInvitation({
          events: [day(1, { summary: description, description })],
          organiser,
          now,
        })
        for (const line of ics.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75)
        const event = parse(ics).children[0]
        const expected = description
          .replace(/\r\n|\r/g, '\n')
          // biome-ignore lint/suspicious/noControlCharactersInRegex: text may not hold them, so they are dropped
          .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
        expect(plainText(value(event, 'SUMMARY'))).toBe(expected)
        expect(plainText(value(event, 'DESCRIPTION'))).toBe(description ? expected : undefined)
      }),
      { numRuns: 200 },
    )
  })
})
