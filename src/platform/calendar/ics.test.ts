import { describe, expect, it } from 'vitest'
import { calendarInvitation } from './ics.ts'

/** Unfolds an iCalendar text into its content lines, as a calendar program reads it. */
const unfold = (ics: string) => ics.replace(/\r\n /g, '').split('\r\n').filter(Boolean)

const base = {
  organiser: { name: 'Norfolk Safeguarding Children Partnership', email: 'training@example.org' },
  attendee: { name: 'Pat Practitioner', email: 'pat@example.org' },
  now: new Date('2026-11-24T10:00:00Z'),
}

describe('a calendar invitation', () => {
  it('has one event a day, in UTC, stamped by the clock', () => {
    const ics = calendarInvitation({
      ...base,
      events: [
        {
          uid: 's-1@cascade',
          summary: 'Neglect',
          startsAt: new Date('2027-03-04T09:30:00Z'),
          endsAt: new Date('2027-03-04T12:30:00Z'),
        },
        {
          uid: 's-2@cascade',
          summary: 'Neglect',
          startsAt: new Date('2027-03-11T09:30:00Z'),
          endsAt: new Date('2027-03-11T12:30:00Z'),
        },
      ],
    })
    const lines = unfold(ics)
    expect(lines[0]).toBe('BEGIN:VCALENDAR')
    expect(lines).toContain('METHOD:REQUEST')
    expect(lines.filter((l) => l === 'BEGIN:VEVENT')).toHaveLength(2)
    expect(lines).toContain('DTSTART:20270311T093000Z')
    expect(lines).toContain('DTSTAMP:20261124T100000Z')
    expect(lines).toContain(
      'ORGANIZER;CN="Norfolk Safeguarding Children Partnership":mailto:training@example.org',
    )
    expect(lines).toContain(
      'ATTENDEE;CN="Pat Practitioner";ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED:mailto:pat@example.org',
    )
    expect(ics.endsWith('END:VCALENDAR\r\n')).toBe(true)
  })

  it('escapes text and folds long lines at 75 octets without splitting a character', () => {
    const description = `Bring your ID; parking, if needed, is at the back.\nCafé open — ☕ ${'é'.repeat(80)} 🧒`
    const ics = calendarInvitation({
      ...base,
      method: 'CANCEL',
      events: [{ uid: 'x@cascade', summary: 'A, B; C', description, startsAt: base.now, endsAt: base.now }],
    })
    for (const line of ics.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75)
    const lines = unfold(ics)
    expect(lines).toContain('SUMMARY:A\\, B\\; C')
    expect(lines).toContain('STATUS:CANCELLED')
    const unescaped = lines
      .find((l) => l.startsWith('DESCRIPTION:'))
      ?.slice('DESCRIPTION:'.length)
      .replace(/\\n/g, '\n')
      .replace(/\\([,;\\])/g, '$1')
    expect(unescaped).toBe(description)
  })
})
