import type { Config } from './config.ts'
import { hasDemoData, seedDemo } from './demo/seed.ts'
import { defineAccountJobs } from './features/account/jobs.ts'
import { defineChasingJobs } from './features/actions/chasing.ts'
import { defineCaseAuditJobs } from './features/audits/case-audits/jobs.ts'
import { defineAuditCycleJobs } from './features/audits/cycles/jobs.ts'
import { defineBookingJobs } from './features/booking/jobs.ts'
import { defineEvaluationJobs, EVALUATION_JOB } from './features/evaluation/jobs.ts'
import { defineInterestJobs } from './features/interest/jobs.ts'
import { defineKnowledgeAuditJobs } from './features/knowledge-audits/jobs.ts'
import { defineDisseminationJobs } from './features/learning/dissemination/chasing.ts'
import { defineNewsletterJobs } from './features/learning/newsletters/jobs.ts'
import { definePathwayJobs } from './features/pathways/reminders/jobs.ts'
import { defineRetentionJobs } from './features/privacy/retention/jobs.ts'
import { defineCpdJobs } from './features/quality/cpd/jobs.ts'
import { defineQaRoundJobs } from './features/quality/rounds/jobs.ts'
import { defineDigestJobs } from './features/reports/digest/jobs.ts'
import type { Clock } from './platform/clock.ts'
import { fixedClock, systemClock } from './platform/clock.ts'
import type { Connection } from './platform/db/connect.ts'
import { connectDatabase } from './platform/db/connect.ts'
import { migrate } from './platform/db/migrate.ts'
import { defineStatisticsJobs, STATISTICS_JOB } from './platform/db/statistics.ts'
import type { Jobs } from './platform/jobs.ts'
import { createJobs } from './platform/jobs.ts'
import { defineMailJobs } from './platform/mail/jobs.ts'
import { createMailSender, createTransport } from './platform/mail/sender.ts'
import { createReadiness } from './platform/readiness.ts'
import type { Services } from './services.ts'
import { createServices } from './services.ts'

export type Runtime = {
  connection: Connection
  services: Services
  jobs: Jobs
  clock: Clock
  /**
   * Starts the job queue; a web process does this once it is listening, so it answers health
   * checks sooner, and says it is ready only when the queue runs. A queue that fails to start
   * is tried again, with the failure logged, until it starts or the process stops.
   */
  startJobs(): Promise<void>
  stop(): Promise<void>
}

type Log = { info(message: string): void; warn(message: string): void; error(message: string | object): void }

/** Runs one step of starting up; a failure says which step it was. */
async function step<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (error) {
    throw new Error(`${what}: ${error instanceof Error ? error.message : String(error)}`, { cause: error })
  }
}

export function clockFor(config: Config): Clock {
  return config.fixedClock ? fixedClock(config.fixedClock) : systemClock
}

/**
 * Everything a process needs: the database (migrated), demo data in demo mode, the job queue
 * and the services. A web process and a worker differ only in whether they work jobs.
 */
export async function startRuntime(config: Config, options: { work: boolean; log: Log }): Promise<Runtime> {
  const clock = clockFor(config)
  const connection = await step('opening the database', () => connectDatabase(config, clock))
  const { db } = connection
  try {
    await step('migrating the database', () => migrate(db))
    if (config.demo) {
      const { created } = await step('loading the demo data', () => seedDemo(db))
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
  const readiness = createReadiness()
  readiness.waitFor('the job queue to start')
  const services = createServices({
    config,
    db,
    clock,
    readiness,
    mailQueued: () => mail.sendNow(),
    // The evaluation pass finds what is due from the data, so running it early sends only what
    // the completed register made due; should the queue refuse, the quarter-hour pass sends it.
    registerCompleted: () => {
      jobs
        .send(EVALUATION_JOB)
        .catch((error: unknown) =>
          options.log.warn(
            `The evaluation pass was not queued: ${error instanceof Error ? error.message : error}`,
          ),
        )
    },
  })
  defineStatisticsJobs(jobs, db)
  defineAccountJobs(jobs, services.accounts, services.secondFactors)
  defineInterestJobs(jobs, services.interest)
  defineNewsletterJobs(jobs, services.newsletters)
  defineBookingJobs(jobs, services.partnerships, services.booking)
  defineEvaluationJobs(jobs, services.partnerships, services.evaluationCycle, services.telephone)
  defineChasingJobs(jobs, services.partnerships, services.actionChasing)
  defineDisseminationJobs(jobs, services.partnerships, services.disseminationChasing)
  defineKnowledgeAuditJobs(jobs, services.partnerships, services.knowledgeAudits)
  defineQaRoundJobs(jobs, services.partnerships, services.qaRounds)
  defineCpdJobs(jobs, services.partnerships, services.trainerCpd)
  definePathwayJobs(jobs, services.partnerships, services.pathwayReminders)
  defineDigestJobs(jobs, services.partnerships, services.agencyDigestMail)
  defineAuditCycleJobs(jobs, services.partnerships, services.auditCycles)
  defineCaseAuditJobs(jobs, services.partnerships, services.caseAudits)
  defineRetentionJobs(jobs, services.partnerships, services.retention)

  let stopping = false
  return {
    connection,
    services,
    jobs,
    clock,
    async startJobs() {
      for (let attempt = 1; !stopping; attempt++) {
        try {
          await jobs.start({ work: options.work })
          readiness.markReady()
          // A database restored or loaded since it was last analysed is planned well from the
          // start; were this not sent, the schedule would do it within five minutes.
          if (options.work)
            await jobs
              .send(STATISTICS_JOB)
              .catch((error: unknown) =>
                options.log.warn(
                  `The first statistics run was not queued: ${error instanceof Error ? error.message : error}`,
                ),
              )
          return
        } catch (error) {
          const pause = Math.min(30, 2 ** (attempt - 1))
          options.log.error({
            message: `The job queue could not start (attempt ${attempt}); trying again in ${pause} s`,
            error: error instanceof Error ? error.message : String(error),
          })
          await new Promise((resolve) => setTimeout(resolve, pause * 1000).unref())
        }
      }
    },
    async stop() {
      stopping = true
      await jobs.stop()
      await connection.close()
    },
  }
}
