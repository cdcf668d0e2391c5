import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Candidate } from './draw.ts'
import { addMonths, audienceOf, drawFrom, eligibleOn, inAudience } from './draw.ts'

const person = (n: number, lastInvitedOn: string | null = null): Candidate => ({
  personId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  agencyId: 'agency',
  lastInvitedOn,
})

describe('the knowledge audit draw', () => {
  it('gives the same sample from the same seed and eligible people, in any order (property)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.nat(10_000), { maxLength: 60 }),
        fc.string({ minLength: 1 }),
        fc.nat(80),
        (numbers, seed, size) => {
          const people = numbers.map((n) => person(n))
          const first = drawFrom(seed, people, size)
          const again = drawFrom(seed, [...people].reverse(), size)
          expect(again.chosen).toEqual(first.chosen)
          expect(first.chosen.length).toBe(Math.min(size, people.length))
          expect(new Set(first.chosen.map((c) => c.personId)).size).toBe(first.chosen.length)
        },
      ),
    )
  })

  it('draws differently from another seed', () => {
    const people = Array.from({ length: 40 }, (_, i) => person(i))
    expect(drawFrom('one', people, 5).chosen).not.toEqual(drawFrom('two', people, 5).chosen)
  })

  it('takes everyone eligible when the sample is larger, and says so', () => {
    const draw = drawFrom('seed', [person(1), person(2), person(3)], 50)
    expect(draw.chosen).toHaveLength(3)
    expect(draw.tookAll).toBe(true)
    expect(draw.message).toBe(
      'The sample asked for 50 people, but only 3 people were eligible: all of them were invited.',
    )
    expect(drawFrom('seed', [person(1), person(2), person(3)], 2).tookAll).toBe(false)
  })

  it('leaves out anyone invited in the last 12 months, and no one invited earlier', () => {
    const { eligible, excluded } = eligibleOn(
      [person(1, '2026-05-24'), person(2, '2025-11-25'), person(3, '2025-11-24'), person(4, null)],
      '2026-11-24',
    )
    expect(excluded.map((c) => c.personId)).toEqual([person(1).personId, person(2).personId])
    expect(eligible.map((c) => c.personId)).toEqual([person(3).personId, person(4).personId])
  })

  it('counts months on the calendar, keeping to the end of a shorter month', () => {
    expect(addMonths('2026-11-24', -12)).toBe('2025-11-24')
    expect(addMonths('2027-08-31', 6)).toBe('2028-02-29')
    expect(addMonths('2026-05-31', 6)).toBe('2026-11-30')
  })
})

describe('the audience of the learning', () => {
  const police = { id: 'police', name: 'Police', sector: 'police', workforce: 'both' }
  const school = { id: 'school', name: 'School', sector: 'education', workforce: 'children' }
  const care = { id: 'care', name: 'Care', sector: 'adult_social_care', workforce: 'adults' }
  const agencies = [police, school, care]

  it('matches a product’s sectors and workforce to each agency’s', () => {
    expect(inAudience(school, { title: 'x', audience: { workforce: 'children', sectors: [] } })).toBe(true)
    expect(inAudience(care, { title: 'x', audience: { workforce: 'children', sectors: [] } })).toBe(false)
    expect(inAudience(police, { title: 'x', audience: { workforce: 'adults', sectors: ['police'] } })).toBe(
      true,
    )
    expect(inAudience(school, { title: 'x', audience: { sectors: ['police'] } })).toBe(false)
    expect(inAudience(care, { title: 'x', audience: {} })).toBe(true)
  })

  it('takes the agencies involved in a review, or every agency when it names none', () => {
    expect(audienceOf(agencies, [], [{ reference: 'CSPR-1', agencyIds: ['school'] }]).agencyIds).toEqual([
      'school',
    ])
    const all = audienceOf(agencies, [], [{ reference: 'CSPR-2', agencyIds: [] }])
    expect(all.agencyIds).toEqual(['police', 'school', 'care'])
    expect(all.reason).toContain('every agency')
  })

  it('joins the agencies of every product and review chosen', () => {
    const audience = audienceOf(
      agencies,
      [{ title: 'Briefing', audience: { workforce: 'adults', sectors: ['adult_social_care'] } }],
      [{ reference: 'CSPR-1', agencyIds: ['school'] }],
    )
    expect(audience.agencyIds).toEqual(['school', 'care'])
    expect(audience.reason).toBe(
      'Practitioners of the agencies in the audience of “Briefing” and of the agencies involved in CSPR-1.',
    )
  })
})
