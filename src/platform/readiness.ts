/**
 * Whether the process can serve everything it offers. A web process listens before its job
 * queue has started, so that it answers health checks at once; until the queue is running it
 * says it is not ready, and a load balancer sends it nothing that needs the queue.
 */
export type Readiness = {
  readonly ready: boolean
  /** What the process still waits for, in words for an operator; null when ready. */
  readonly waitingFor: string | null
  waitFor(what: string): void
  markReady(): void
}

export function createReadiness(): Readiness {
  let waitingFor: string | null = null
  return {
    get ready() {
      return waitingFor === null
    },
    get waitingFor() {
      return waitingFor
    },
    waitFor(what) {
      waitingFor = what
    },
    markReady() {
      waitingFor = null
    },
  }
}
