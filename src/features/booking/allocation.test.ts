import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { AgencySector } from '#features/directory/agency.ts'
import { agencySectors } from '#features/directory/agency.ts'
import type { Candidate, Decision } from './allocation.ts'
import { allocate, draw, rankWaiting } from './allocation.ts'

const person = (
  id: string,
  agencyId: string,
  sector: AgencySector,
  extra: Partial<Candidate> = {},
): Candidate => ({
  id,
  agencyId,
  agencyName: `Agency ${agencyId}`,
  sector,
  required: false,
  missedEarlier: false,
  doneBefore: false,
  otherDate: false,
  ...extra,
})

const allocatedIds = (decisions: Decision[]) =>
  decisions.filter((d) => d.outcome === 'allocated').map((d) => d.id)

describe('allocating places, by example', () => {
  it('gives the first places to sectors, then agencies, with reasons an admin can read', () => {
    const decisions = allocate({
      candidates: [
        person('p1', 'police', 'police'),
        person('p2', 'police', 'police'),
        person('h1', 'hospital', 'health'),
        person('h2', 'surgery', 'health'),
        person('s1', 'school', 'education'),
      ],
      places: 4,
      seed: 1,
    })
    const allocated = decisions.filter((d) => d.outcome === 'allocated')
    expect(allocated).toHaveLength(4)
    expect(
      allocated
        .slice(0, 3)
        .map((d) => d.reason.replace(/^place \d of 4: /, ''))
        .sort(),
    ).toEqual([
      'first applicant from education',
      'first applicant from health',
      'first applicant from the police',
    ])
    expect(allocated[3]?.reason).toMatch(/^place 4 of 4: first applicant from Agency (hospital|surgery)$/)
    const [waiting] = decisions.filter((d) => d.outcome === 'waiting')
    expect(waiting?.reason).toBe('waiting list 1: Agency police already has 1 place')
  })

  it('puts priority before the draw, and says which priority decided', () => {
    const decisions = allocate({
      candidates: [
        person('a', 'police', 'police', { doneBefore: true }),
        person('b', 'police', 'police', { required: true, doneBefore: true }),
        person('c', 'police', 'police', { missedEarlier: true }),
        person('d', 'police', 'police'),
      ],
      places: 3,
      seed: 99,
    })
    expect(decisions.map((d) => [d.id, d.reason])).toEqual([
      ['b', 'place 1 of 3: first applicant from the police'],
      ['c', 'place 2 of 3: not given a place at an earlier shortlisting of this course'],
      ['d', 'place 3 of 3: has not done this course before'],
      ['a', 'waiting list 1: Agency police already has 3 places'],
    ])
  })

  it('draws lots from the seed, never from the order people applied in', () => {
    const people = Array.from({ length: 30 }, (_, i) => person(`id-${i}`, 'police', 'police'))
    const first = allocatedIds(allocate({ candidates: people, places: 5, seed: 7 }))
    expect(allocatedIds(allocate({ candidates: [...people].reverse(), places: 5, seed: 7 }))).toEqual(first)
    expect(allocatedIds(allocate({ candidates: people, places: 5, seed: 8 }))).not.toEqual(first)
    expect(allocate({ candidates: people, places: 5, seed: 7 }).at(4)?.reason).toBe(
      'place 5 of 5: drawn by lot (seed 7)',
    )
  })

  it('fills places left over with those who would take another date', () => {
    const decisions = allocate({
      candidates: [
        person('own', 'police', 'police'),
        person('other', 'school', 'education', { otherDate: true }),
      ],
      places: 2,
      seed: 1,
    })
    expect(decisions.map((d) => [d.id, d.outcome, d.reason])).toEqual([
      ['own', 'allocated', 'place 1 of 2: first applicant from the police'],
      ['other', 'allocated', 'place 2 of 2: another date they applied for was full'],
    ])
  })

  it('with no places puts everyone on the waiting list, and with no one decides nothing', () => {
    expect(allocate({ candidates: [person('a', 'x', 'police')], places: 0, seed: 1 })).toMatchObject([
      { id: 'a', outcome: 'waiting', position: 1 },
    ])
    expect(allocate({ candidates: [], places: 10, seed: 1 })).toEqual([])
  })

  it('offers a freed place to whoever brings a new sector before another of the same agency', () => {
    const order = rankWaiting({
      waiting: [
        person('again', 'police', 'police', { required: true }),
        person('new', 'school', 'education'),
      ],
      holders: [{ agencyId: 'police', sector: 'police' }],
      seed: 3,
    })
    expect(order.map((d) => d.id)).toEqual(['new', 'again'])
  })
})

// Random applicant sets: a few sectors, agencies each in one sector, random priorities.
const applicants = fc
  .record({
    sectors: fc.integer({ min: 1, max: 6 }),
    agencies: fc.integer({ min: 1, max: 10 }),
    people: fc.array(
      fc.record({
        agency: fc.nat(),
        required: fc.boolean(),
        missedEarlier: fc.boolean(),
        doneBefore: fc.boolean(),
      }),
      { maxLength: 40 },
    ),
  })
  .map(({ sectors, agencies, people }) =>
    people.map((p, i) => {
      const agency = p.agency % agencies
      return person(`c${i}`, `a${agency}`, agencySectors[agency % sectors] as AgencySector, {
        required: p.required,
        missedEarlier: p.missedEarlier,
        doneBefore: p.doneBefore,
      })
    }),
  )

function measure(chosen: Candidate[]) {
  const perAgency = new Map<string, number>()
  for (const c of chosen) perAgency.set(c.agencyId, (perAgency.get(c.agencyId) ?? 0) + 1)
  return {
    sectors: new Set(chosen.map((c) => c.sector)).size,
    agencies: perAgency.size,
    most: Math.max(0, ...perAgency.values()),
  }
}

/** The fewest places any one agency must get to fill `places` from these people: water-filling. */
function smallestMost(people: Candidate[], places: number): number {
  const sizes = new Map<string, number>()
  for (const c of people) sizes.set(c.agencyId, (sizes.get(c.agencyId) ?? 0) + 1)
  const want = Math.min(places, people.length)
  for (let m = 0; ; m++) {
    let room = 0
    for (const n of sizes.values()) room += Math.min(n, m)
    if (room >= want) return m
  }
}

const rankKey = (c: Candidate, seed: number) =>
  [c.required ? 0 : 1, c.missedEarlier ? 0 : 1, c.doneBefore ? 1 : 0, draw(seed, c.id), c.id] as const

function compareKeys(a: readonly (number | string)[], b: readonly (number | string)[]): number {
  for (let i = 0; i < a.length; i++) {
    const [x, y] = [a[i] as number | string, b[i] as number | string]
    if (x < y) return -1
    if (x > y) return 1
  }
  return 0
}

/** Every subset of size k, for the brute force. */
function* subsets<T>(items: T[], k: number, start = 0, picked: T[] = []): Generator<T[]> {
  if (picked.length === k) {
    yield picked
    return
  }
  for (let i = start; i <= items.length - (k - picked.length); i++)
    yield* subsets(items, k, i + 1, [...picked, items[i] as T])
}

describe('allocating places, for any applicants', () => {
  it('meets the first three aims as well as they can be met', () => {
    fc.assert(
      fc.property(applicants, fc.integer({ min: 0, max: 25 }), fc.nat(), (people, places, seed) => {
        const decisions = allocate({ candidates: people, places, seed })
        const byId = new Map(people.map((c) => [c.id, c]))
        const chosen = allocatedIds(decisions).map((id) => byId.get(id) as Candidate)
        const p = Math.min(places, people.length)
        const got = measure(chosen)
        expect(chosen).toHaveLength(p)
        expect(got.sectors).toBe(Math.min(p, new Set(people.map((c) => c.sector)).size))
        expect(got.agencies).toBe(Math.min(p, new Set(people.map((c) => c.agencyId)).size))
        expect(got.most).toBe(smallestMost(people, p))
        // Everyone decided once; places and waiting positions numbered from 1.
        expect(decisions.map((d) => d.id).sort()).toEqual(people.map((c) => c.id).sort())
        for (const outcome of ['allocated', 'waiting'] as const)
          expect(decisions.filter((d) => d.outcome === outcome).map((d) => d.position)).toEqual(
            decisions.filter((d) => d.outcome === outcome).map((_, i) => i + 1),
          )
      }),
      { numRuns: 300 },
    )
  })

  it('is the same for the same applicants and seed, whatever order they come in', () => {
    fc.assert(
      fc.property(
        applicants,
        fc.integer({ min: 0, max: 25 }),
        fc.nat(),
        fc.nat(),
        (people, places, seed, turn) => {
          const shuffled = people.map((_, i) => people[(i + turn) % people.length] as Candidate)
          expect(allocate({ candidates: shuffled, places, seed })).toEqual(
            allocate({ candidates: people, places, seed }),
          )
        },
      ),
      { numRuns: 200 },
    )
  })

  it('is the best of all allocations by priority and draw, once the first three aims are met (brute force)', () => {
    fc.assert(
      fc.property(
        applicants.map((people) => people.slice(0, 10)),
        fc.integer({ min: 1, max: 5 }),
        fc.nat(),
        (people, places, seed) => {
          const p = Math.min(places, people.length)
          const score = (chosen: Candidate[]) => {
            const m = measure(chosen)
            return [-m.sectors, -m.agencies, m.most] as const
          }
          const ranks = (chosen: Candidate[]) => chosen.map((c) => rankKey(c, seed)).sort(compareKeys)
          let best: Candidate[] | undefined
          for (const set of subsets(people, p)) {
            if (!best) {
              best = set
              continue
            }
            const byAims = compareKeys(score(set), score(best))
            if (byAims < 0) best = set
            else if (byAims === 0) {
              const [a, b] = [ranks(set), ranks(best)]
              const order = a.map((key, i) => compareKeys(key, b[i] as typeof key)).find((c) => c !== 0) ?? 0
              if (order < 0) best = set
            }
          }
          const chosen = allocatedIds(allocate({ candidates: people, places, seed })).sort()
          expect(chosen).toEqual((best ?? []).map((c) => c.id).sort())
        },
      ),
      { numRuns: 150 },
    )
  })

  it('lists first on the waiting list whoever would be offered a freed place', () => {
    fc.assert(
      fc.property(applicants, fc.integer({ min: 0, max: 10 }), fc.nat(), (people, places, seed) => {
        const decisions = allocate({ candidates: people, places, seed })
        const waitingIds = decisions.filter((d) => d.outcome === 'waiting').map((d) => d.id)
        if (!waitingIds.length) return
        const byId = new Map(people.map((c) => [c.id, c]))
        const holders = allocatedIds(decisions).map((id) => byId.get(id) as Candidate)
        const ranked = rankWaiting({
          waiting: waitingIds.map((id) => byId.get(id) as Candidate),
          holders,
          seed,
        })
        expect(ranked.map((d) => d.id)).toEqual(waitingIds)
      }),
      { numRuns: 200 },
    )
  })
})
