import type { AgencySector } from '#features/directory/agency.ts'

/**
 * Allocating a session's places for a multi-agency mix (Norfolk 12c). Pure and deterministic:
 * the same candidates, places and seed always give the same decisions, whatever order the
 * candidates come in. The aims, each only after the one before is met as well as it can be:
 *
 * 1. as many different sectors as possible;
 * 2. then as many different agencies as possible;
 * 3. then the most places any one agency gets as few as possible;
 * 4. then priority: the course is required by their tier, they missed a place at an earlier
 *    shortlisting of the course, they have not done it before;
 * 5. then a draw from a recorded seed. Never the time of applying.
 */

export type Candidate = {
  /** The application's id. */
  id: string
  agencyId: string
  agencyName: string
  sector: AgencySector
  required: boolean
  missedEarlier: boolean
  doneBefore: boolean
  /** Applied for another date of the course and would take this one: only for places left over. */
  otherDate: boolean
}

/** Someone already holding a place on the session. */
export type Holder = { agencyId: string; sector: AgencySector }

export type Decision = { id: string; outcome: 'allocated' | 'waiting'; position: number; reason: string }

const sectorWords: Record<AgencySector, string> = {
  children_services: 'children’s services',
  adult_social_care: 'adult social care',
  health: 'health',
  police: 'the police',
  education: 'education',
  early_years: 'early years',
  probation: 'probation',
  housing: 'housing',
  voluntary: 'the voluntary sector',
  faith: 'a faith group',
  sport: 'sport',
  other: 'a sector of its own',
}

/** The random draw: a 32-bit hash of the seed and the application's id (FNV-1a, then mixed). */
export function draw(seed: number, id: string): number {
  let h = 0x811c9dc5 ^ (seed >>> 0)
  h = Math.imul(h, 0x01000193)
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  // A final avalanche, so ids that differ in one character land far apart.
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

type Ranked = Candidate & { lot: number }

/** Aims 4 and 5: negative when `a` ranks before `b`. */
function byRank(a: Ranked, b: Ranked): number {
  return (
    Number(b.required) - Number(a.required) ||
    Number(b.missedEarlier) - Number(a.missedEarlier) ||
    Number(a.doneBefore) - Number(b.doneBefore) ||
    a.lot - b.lot ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  )
}

/** Who holds places so far: by sector and by agency, and the most any agency has. */
class Tally {
  readonly sectors = new Set<AgencySector>()
  readonly agencies = new Map<string, number>()
  most = 0
  constructor(holders: readonly Holder[]) {
    for (const h of holders) this.add(h)
  }
  add(h: Holder): void {
    this.sectors.add(h.sector)
    const n = (this.agencies.get(h.agencyId) ?? 0) + 1
    this.agencies.set(h.agencyId, n)
    if (n > this.most) this.most = n
  }
  of(agencyId: string): number {
    return this.agencies.get(agencyId) ?? 0
  }
}

/** Why someone came before those left waiting, in the first aim that tells them apart. */
function priorityWords(c: Ranked, runnerUp: Ranked | undefined, seed: number): string {
  if (!runnerUp) return 'there were places for everyone who applied'
  if (c.required && !runnerUp.required) return 'the course is required for their tier'
  if (c.missedEarlier && !runnerUp.missedEarlier)
    return 'not given a place at an earlier shortlisting of this course'
  if (!c.doneBefore && runnerUp.doneBefore) return 'has not done this course before'
  return `drawn by lot (seed ${seed})`
}

/**
 * Fills up to `slots` places from `pool` in three passes: one for each sector not yet
 * represented, one for each agency not yet represented, then the rest in order of rank with
 * no agency above the smallest cap that still fills the places.
 */
function fill(pool: Ranked[], slots: number, tally: Tally): { chosen: Ranked[]; why: Map<string, string> } {
  const chosen: Ranked[] = []
  const why = new Map<string, string>()
  const taken = new Set<string>()
  const take = (c: Ranked, reason: string) => {
    chosen.push(c)
    taken.add(c.id)
    why.set(c.id, reason)
    tally.add(c)
  }
  for (const c of pool) {
    if (chosen.length >= slots) break
    if (!tally.sectors.has(c.sector)) take(c, `first applicant from ${sectorWords[c.sector]}`)
  }
  for (const c of pool) {
    if (chosen.length >= slots) break
    if (!taken.has(c.id) && tally.of(c.agencyId) === 0) take(c, `first applicant from ${c.agencyName}`)
  }
  const available = new Map<string, number>()
  for (const c of pool) if (!taken.has(c.id)) available.set(c.agencyId, (available.get(c.agencyId) ?? 0) + 1)
  const left = Math.min(slots - chosen.length, pool.length - chosen.length)
  if (left <= 0) return { chosen, why }
  // The smallest cap on any agency's places that still fills what is left.
  let cap = Math.max(tally.most, 1)
  const fits = (m: number) => {
    let room = 0
    for (const [agency, n] of available) room += Math.min(n, Math.max(0, m - tally.of(agency)))
    return room >= left
  }
  while (!fits(cap)) cap++
  for (const c of pool) {
    if (chosen.length >= slots) break
    if (!taken.has(c.id) && tally.of(c.agencyId) < cap) take(c, '')
  }
  return { chosen, why }
}

/**
 * Orders those without a place by who would best serve the aims if one place came free: a
 * new sector, then a new agency, then an agency that would not go above the most any holds,
 * then rank. Agencies' queues are kept in rank order so each step looks only at their heads.
 */
function orderWaiting(waiting: Ranked[], tally: Tally): Ranked[] {
  const queues = new Map<string, Ranked[]>()
  for (const c of waiting) {
    const queue = queues.get(c.agencyId)
    if (queue) queue.push(c)
    else queues.set(c.agencyId, [c])
  }
  const heads = new Map<string, number>()
  const order: Ranked[] = []
  const better = (a: Ranked, b: Ranked) => {
    const key = (c: Ranked) => [
      tally.sectors.has(c.sector) ? 1 : 0,
      tally.of(c.agencyId) > 0 ? 1 : 0,
      tally.of(c.agencyId) + 1 > tally.most ? 1 : 0,
    ]
    const [ka, kb] = [key(a), key(b)]
    for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return (ka[i] ?? 0) < (kb[i] ?? 0)
    return byRank(a, b) < 0
  }
  while (order.length < waiting.length) {
    let best: Ranked | undefined
    for (const [agency, queue] of queues) {
      const head = queue[heads.get(agency) ?? 0]
      if (head && (!best || better(head, best))) best = head
    }
    if (!best) break
    heads.set(best.agencyId, (heads.get(best.agencyId) ?? 0) + 1)
    order.push(best)
    tally.add(best)
  }
  return order
}

function waitingWords(c: Ranked, places: Map<string, number>): string {
  const n = places.get(c.agencyId) ?? 0
  if (n > 0) return `${c.agencyName} already has ${n} ${n === 1 ? 'place' : 'places'}`
  return 'places went to sectors and agencies first, then by priority and the draw'
}

function ranked(candidates: readonly Candidate[], seed: number): Ranked[] {
  return candidates.map((c) => ({ ...c, lot: draw(seed, c.id) })).sort(byRank)
}

/** Allocates a session's places by the aims, with a plain reason for every decision. */
export function allocate(input: {
  candidates: readonly Candidate[]
  places: number
  seed: number
  holders?: readonly Holder[]
}): Decision[] {
  const places = Math.max(0, Math.floor(input.places))
  const all = ranked(input.candidates, input.seed)
  const own = all.filter((c) => !c.otherDate)
  const others = all.filter((c) => c.otherDate)
  const tally = new Tally(input.holders ?? [])
  const first = fill(own, places, tally)
  const second = fill(others, places - first.chosen.length, tally)
  const allocated = [...first.chosen, ...second.chosen]
  const allocatedIds = new Set(allocated.map((c) => c.id))
  const waitingOwn = own.filter((c) => !allocatedIds.has(c.id))
  const waitingOthers = others.filter((c) => !allocatedIds.has(c.id))
  const runnerUp = waitingOwn[0]

  const decisions: Decision[] = allocated.map((c, i) => {
    const phase = first.why.get(c.id) ?? second.why.get(c.id)
    const words = c.otherDate
      ? 'another date they applied for was full'
      : phase || priorityWords(c, runnerUp, input.seed)
    return {
      id: c.id,
      outcome: 'allocated',
      position: i + 1,
      reason: `place ${i + 1} of ${places}: ${words}`,
    }
  })
  const agencyPlaces = new Map(tally.agencies)
  const listed = [...orderWaiting(waitingOwn, tally), ...orderWaiting(waitingOthers, tally)]
  listed.forEach((c, i) => {
    decisions.push({
      id: c.id,
      outcome: 'waiting',
      position: i + 1,
      reason: `waiting list ${i + 1}: ${waitingWords(c, agencyPlaces)}`,
    })
  })
  return decisions
}

/** Re-orders a waiting list against who holds places now, when one comes free. */
export function rankWaiting(input: {
  waiting: readonly Candidate[]
  holders: readonly Holder[]
  seed: number
}): Decision[] {
  const tally = new Tally(input.holders)
  const places = new Map(tally.agencies)
  const all = ranked(input.waiting, input.seed)
  const order = [
    ...orderWaiting(
      all.filter((c) => !c.otherDate),
      tally,
    ),
    ...orderWaiting(
      all.filter((c) => c.otherDate),
      tally,
    ),
  ]
  return order.map((c, i) => ({
    id: c.id,
    outcome: 'waiting',
    position: i + 1,
    reason: `waiting list ${i + 1}: ${waitingWords(c, places)}`,
  }))
}
