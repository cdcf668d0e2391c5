import { ConfigError, loadConfig } from './config.ts'
import { startRuntime } from './runtime.ts'

/** Process entry for a worker: runs background and scheduled jobs, serves no pages. */
export async function runWorker() {
  const config = loadConfig()
  const log = {
    info: (message: string) => console.log(message),
    warn: (message: string) => console.warn(message),
    error: (message: string | object) => console.error(message),
  }
  const runtime = await startRuntime(config, { work: true, log })
  let stopping = false
  const stop = async () => {
    if (stopping) return
    stopping = true
    setTimeout(() => process.exit(1), 25_000).unref()
    await runtime.stop()
    process.exit(0)
  }
  // Before the job queue starts, which may take several tries: a stop meanwhile is graceful too.
  process.on('SIGTERM', () => void stop())
  process.on('SIGINT', () => void stop())
  await runtime.startJobs()
  if (!stopping) log.info('Cascade worker is running jobs')
}

if (import.meta.main) {
  runWorker().catch((error) => {
    console.error(
      error instanceof ConfigError
        ? error.message
        : `Cascade worker could not start: ${error instanceof Error ? error.message : error}`,
    )
    process.exit(1)
  })
}
