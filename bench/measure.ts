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
