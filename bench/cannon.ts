import autocannon from 'autocannon'

export type Load = {
  /** Requests a second, on average over the run. */
  rate: number
  p99: number
  errors: number
  non2xx: number
  requests: number
}

/**
 * Fires requests at a listening server for a while with autocannon, in a worker thread so the
 * server keeps this process's event loop to itself.
 */
export async function cannon(options: autocannon.Options): Promise<Load> {
  const result = await autocannon({ workers: 1, ...options })
  return {
    rate: Math.round(result.requests.average),
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    requests: result.requests.total,
  }
}
