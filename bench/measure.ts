import { readFileSync } from 'node:fs'

/** The middle value: steadier than the mean on a shared, noisy machine. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN
}

/** Times `fn` `rounds` times after one warm-up, and gives the median in milliseconds. */
export async function medianTime(rounds: number, fn: () => Promise<unknown>): Promise<number> {
  await fn()
  const times: number[] = []
  for (let round = 0; round < rounds; round++) {
    const started = performance.now()
    await fn()
    times.push(performance.now() - started)
  }
  return Math.round(median(times) * 10) / 10
}

/** The 99th percentile of times in milliseconds, to a tenth. */
export function p99(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b)
  return Math.round((sorted[Math.ceil(sorted.length * 0.99) - 1] ?? Number.NaN) * 10) / 10
}

/** Each of `count` runs of `fn`, in milliseconds, after one warm-up. */
export async function timesOf(count: number, fn: () => Promise<unknown>): Promise<number[]> {
  await fn()
  const times: number[] = []
  for (let i = 0; i < count; i++) {
    const started = performance.now()
    await fn()
    times.push(performance.now() - started)
  }
  return times
}

/**
 * CPU time every process on the machine has used so far, in milliseconds (Linux): beside a
 * process's own, it shows what the database and the load's clients took.
 */
export function machineCpu(): number {
  try {
    const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0]?.trim().split(/\s+/) ?? []
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0] = ticks.map(Number)
    return (user + nice + system + irq + softirq) * 10
  } catch {
    return Number.NaN
  }
}
