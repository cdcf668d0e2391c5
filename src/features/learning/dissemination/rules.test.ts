import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { chaseStage, headcountWarning, inAudience, reachOf, statusOf } from './rules.ts'

describe('who a product is for', () => {
  const police = { sector: 'police', workforce: 'both' } as const
  const school = { sector: 'education', workforce: 'children' } as const
  const care = { sector: 'adult_social_care', workforce: 'adults' } as const

  it('takes every agency when the audience names nothing', () => {
    for (const agency of [police, school, care]) expect(inAudience(agency, {})).toBe(true)
    expect(inAudience(care, { sectors: [], workforce: null, tiers: [] })).toBe(true)
  })

  it('takes only the sectors named', () => {
    expect(inAudience(school, { sectors: ['education', 'health'] })).toBe(true)
    expect(inAudience(police, { sectors: ['education', 'health'] })).toBe(false)
  })

  it('takes agencies working with the audience’s workforce, or with both', () => {
    expect(inAudience(school, { workforce: 'children' })).toBe(true)
    expect(inAudience(care, { workforce: 'children' })).toBe(false)
    expect(inAudience(police, { workforce: 'adults' })).toBe(true)
    expect(inAudience(care, { workforce: 'both' })).toBe(true)
  })
})

describe('an agency’s status for a product', () => {
  it('is not sent until it is sent, and not acknowledged once sent with nothing recorded', () => {
    expect(statusOf({ sent: false, acknowledgements: 0, disseminations: 0 })).toEqual({
      status: 'not_sent',
      reason: 'Not sent to the agency',
    })
    expect(statusOf({ sent: true, acknowledgements: 0, disseminations: 0 }).status).toBe('not_acknowledged')
  })

  it('is acknowledged by an acknowledgement, and disseminated by a record of how', () => {
    expect(statusOf({ sent: true, acknowledgements: 1, disseminations: 0 }).status).toBe('acknowledged')
    const done = statusOf({ sent: true, acknowledgements: 1, disseminations: 2 })
    expect(done).toEqual({ status: 'disseminated', reason: 'The agency recorded 2 disseminations' })
  })

  it('counts what an agency recorded even when it was not sent through the service', () => {
    expect(statusOf({ sent: false, acknowledgements: 0, disseminations: 1 }).status).toBe('disseminated')
  })
})

describe('an agency’s reach', () => {
  it('adds the records up and shows them as a share of the headcount', () => {
    expect(reachOf({ staffReached: [20, 30], confirmedPeople: 0, headcount: 200 })).toEqual({
      staffReached: 50,
      counted: 50,
      percent: 25,
      aboveHeadcount: false,
    })
  })

  it('caps the share at the whole headcount, and says the records went above it', () => {
    expect(reachOf({ staffReached: [150, 100], confirmedPeople: 0, headcount: 200 })).toMatchObject({
      staffReached: 250,
      percent: 100,
      aboveHeadcount: true,
    })
  })

  it('counts confirmations when more people confirmed than the records say, never both', () => {
    expect(reachOf({ staffReached: [5], confirmedPeople: 8, headcount: 10 })).toMatchObject({
      counted: 8,
      percent: 80,
    })
    expect(reachOf({ staffReached: [9], confirmedPeople: 8, headcount: 10 }).counted).toBe(9)
  })

  it('has no share without a headcount', () => {
    expect(reachOf({ staffReached: [3], confirmedPeople: 0, headcount: 0 }).percent).toBeNull()
  })

  it('is always between 0 and 100 per cent', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat(5000)),
        fc.nat(5000),
        fc.integer({ min: 1, max: 10_000 }),
        (staffReached, confirmedPeople, headcount) => {
          const reach = reachOf({ staffReached, confirmedPeople, headcount })
          return reach.percent !== null && reach.percent >= 0 && reach.percent <= 100
        },
      ),
    )
  })
})

describe('the headcount warning', () => {
  it('says nothing up to the headcount', () => {
    expect(headcountWarning({ earlier: 40, adding: 60, headcount: 100, agencyName: 'Police' })).toBeNull()
  })

  it('names the total and the headcount when a record goes above it', () => {
    expect(headcountWarning({ earlier: 40, adding: 61, headcount: 100, agencyName: 'Police' })).toBe(
      '61 staff reached, with 40 recorded before, is more than Police’s headcount of 100',
    )
    expect(headcountWarning({ earlier: 0, adding: 1200, headcount: 1000, agencyName: 'Police' })).toBe(
      '1,200 staff reached is more than Police’s headcount of 1,000',
    )
  })
})

describe('chasing an agency that has not answered', () => {
  const sent = { firstSentOn: '2026-11-01', days: 21, answered: false }

  it('waits for the reminder days, reminds after them, and lists the agency after a second period', () => {
    expect(chaseStage({ ...sent, today: '2026-11-21' })).toBe('waiting')
    expect(chaseStage({ ...sent, today: '2026-11-22' })).toBe('remind')
    expect(chaseStage({ ...sent, today: '2026-12-12' })).toBe('remind')
    expect(chaseStage({ ...sent, today: '2026-12-13' })).toBe('overdue')
  })

  it('never chases an agency that answered', () => {
    expect(chaseStage({ ...sent, answered: true, today: '2027-06-01' })).toBe('waiting')
  })
})
