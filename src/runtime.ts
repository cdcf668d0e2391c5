import type { Config } from './config.ts'
import { hasDemoData, seedDemo } from './demo/seed.ts'
import { defineAccountJobs } from './features/account/jobs.ts'
import { defineBookingJobs } from './features/booking/jobs.ts'
import { defineEvaluationJobs } from './features/evaluation/jobs.ts'
import { defineInterestJobs } from './features/interest/jobs.ts'
import type { Clock } from './platform/clock.ts'
import { fixedClock, systemClock } from './platform/clock.ts'
import type { Connection } from './platform/db/connect.ts'
import { connectDatabase } from './platform/db/connect.ts'
import { migrate } from './platform/db/migrate.ts'
import type { Jobs } from './platform/jobs.ts'
import { createJobs } from './platform/jobs.ts'
import { defineMailJobs } from './platform/mail/jobs.ts'
import { createMailSender, createTransport } from './platform/mail/sender.ts'
import type { Services } from './services.ts'
import { createServices } from './services.ts'

export type Runtime = {
  connection: Connection
  services: Services
  jobs: Jobs
  clock: Clock
  /** Starts the job queue; a web process does this once it is listening, so it is ready sooner. */
  startJobs(): Promise<void>
  stop(): Promise<void>
}

type Log = { info(message: string): void; warn(message: string): void; error(message: string | object): void }

export function clockFor(config: Config): Clock {
  return config.fixedClock ? fixedClock(config.fixedClock) : systemClock
}

/**
 * Everything a process needs: the database (migrated), demo data in demo mode, the job queue
 * and the services. A web process and a worker differ only in whether they work jobs.
 */
export async function startRuntime(config: Config, options: { work: boolean; log: Log }): Promise<Runtime> {
  const clock = clockFor(config)
  const connection = await connectDatabase(config, clock)
  const { db } = connection
  try {
    await migrate(db)
    if (config.demo) {
      const { created } = await seedDemo(db)
      if (created.length) options.log.info(`Loaded demo data for ${created.join(', ')}`)
    } else if (config.production && (await hasDemoData(db))) {
      throw new Error(
        'This database holds demo partnerships, whose passwords are published: production will not start on it',
      )
    }
  } catch (error) {
    await connection.close()
    throw error
  }

  const jobs = createJobs({ db, embedded: connection.embedded !== null, log: options.log })
  const sender = createMailSender({
    db,
    clock,
    transport: createTransport(config.smtpUrl),
    from: config.mailFrom,
  })
  const mail = defineMailJobs(jobs, sender)
  const services = createServices({ config, db, clock, mailQueued: () => mail.sendNow() })
  defineAccountJobs(jobs, services.accounts)
  defineInterestJobs(jobs, services.interest)
  defineBookingJobs(jobs, services.partnerships, services.booking)
  defineEvaluationJobs(jobs, services.partnerships, services.evaluationCycle, services.telephone)

  return {
    connection,
    services,
    jobs,
    clock,
    startJobs: () => jobs.start({ work: options.work }),
    async stop() {
      await jobs.stop()
      await connection.close()
    },
  }
}
