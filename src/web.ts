import { buildApp } from './app.ts'
import { ConfigError, loadConfig } from './config.ts'
import { startRuntime } from './runtime.ts'

/** The web service, started by `src/server.ts`: config, database, jobs, app, listen, and a graceful stop. */
async function main() {
  const config = loadConfig()
  const log = {
    info: (message: string) => console.log(message),
    warn: (message: string) => console.warn(message),
    error: (message: string | object) => console.error(message),
  }
  // A promise rejected where nothing awaits it is a fault to log, not a reason to stop serving.
  process.on('unhandledRejection', (error) =>
    log.error({ message: 'an unhandled error', error: error instanceof Error ? error.stack : String(error) }),
  )
  const runtime = await startRuntime(config, { work: config.jobs === 'inline', log })
  const app = await buildApp(runtime.services)
  await app.listen({ port: config.port, host: config.host })

  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    app.log.info({ signal }, 'stopping: finishing requests and jobs in progress')
    // A stop that hangs must not keep the process forever.
    setTimeout(() => process.exit(1), 25_000).unref()
    await app.close()
    await runtime.stop()
    process.exit(0)
  }
  // Before the job queue starts, which may take several tries: a stop meanwhile is graceful too.
  process.on('SIGTERM', () => void stop('SIGTERM'))
  process.on('SIGINT', () => void stop('SIGINT'))

  await runtime.startJobs()
  if (!stopping)
    app.log.info(
      // Time since the process started, imports included.
      { readyInMs: Math.round(performance.now()) },
      `Cascade is ready at ${config.publicUrl}`,
    )
}

main().catch((error) => {
  if (error instanceof ConfigError) console.error(error.message)
  else console.error('Cascade could not start:', error instanceof Error ? error.message : error)
  process.exit(1)
})
