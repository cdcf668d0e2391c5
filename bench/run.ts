import { mkdirSync, writeFileSync } from 'node:fs'
import { actionTracker } from './action-tracker.ts'
import { auditResults } from './audit-results.ts'
import { cataloguePage } from './catalogue.ts'
import { certificates } from './certificates.ts'
import { impactView } from './impact.ts'
import { importPeople } from './import.ts'
import { largePartnership } from './large.ts'
import { libraryPage } from './library.ts'
import { mixedLoad } from './load.ts'
import { shortlistingDatabase } from './shortlisting-db.ts'
import { startup } from './startup.ts'

export type Figure = {
  name: string
  value: number
  unit: string
  target: number
  baseline: number
  ratio: number
  /** For a rate (a throughput), the target is a floor rather than a ceiling. */
  higherIsBetter?: true
  /** A target set for PostgreSQL: on the embedded database the figure is shown, not judged. */
  postgresOnly?: true
}

const onPostgres = Boolean(process.env.DATABASE_URL)

function met(f: Figure): 'yes' | 'NO' | 'n/a' {
  if (f.postgresOnly && !onPostgres) return 'n/a'
  return (f.higherIsBetter ? f.value >= f.target : f.value <= f.target) ? 'yes' : 'NO'
}

/**
 * Runs every benchmark and writes var/bench/latest.json. Each figure is measured beside a
 * baseline taken in the same run on the same machine, so a slow or busy machine shows up in
 * both rather than as a false regression.
 */
async function main() {
  // BENCH_ONLY=catalogue,large runs only those benchmarks, by the names below.
  const only = process.env.BENCH_ONLY?.split(',').map((name) => name.trim())
  const benchmarks: [string, () => Promise<Figure[]>][] = [
    ['startup', startup],
    ['import', importPeople],
    ['catalogue', cataloguePage],
    ['library', libraryPage],
    ['shortlisting', shortlistingDatabase],
    ['certificates', certificates],
    ['impact', impactView],
    ['large', largePartnership],
    ['tracker', actionTracker],
    ['audits', auditResults],
    ['load', mixedLoad],
  ]
  const unknown = only?.filter((name) => !benchmarks.some(([known]) => known === name)) ?? []
  if (unknown.length) throw new Error(`BENCH_ONLY names no benchmark: ${unknown.join(', ')}`)
  const figures: Figure[] = []
  for (const [name, measure] of benchmarks)
    if (!only || only.includes(name)) figures.push(...(await measure()))
  mkdirSync('var/bench', { recursive: true })
  writeFileSync('var/bench/latest.json', `${JSON.stringify(figures, null, 2)}\n`)
  console.table(
    figures.map((f) => ({
      benchmark: f.name,
      value: `${f.value} ${f.unit}`,
      target: `${f.target} ${f.unit}`,
      baseline: `${f.baseline} ${f.unit}`,
      'value / baseline': f.ratio,
      met: met(f),
    })),
  )
  if (figures.some((f) => met(f) === 'NO')) process.exitCode = 1
}

await main()
