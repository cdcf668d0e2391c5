import { z } from 'zod'

/** The development secret: the process refuses to start in production while it is in use. */
export const DEVELOPMENT_SECRET = 'development-only-secret-change-me-0123456789'

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((value) => value === 'true' || value === '1' || value === 'yes')

const postgresUrl = z
  .string()
  .regex(/^postgres(ql)?:\/\//, { message: 'must be a postgres:// or postgresql:// URL' })

const environmentSchema = z
  .object({
    NODE_ENV: z
      .enum(['development', 'test', 'production'], { message: 'must be development, test or production' })
      .default('development'),
    PORT: z.coerce.number({ message: 'must be a port number' }).int().min(0).max(65535).default(3000),
    HOST: z.string().min(1).default('127.0.0.1'),
    PUBLIC_URL: z.url({ message: 'must be a URL, like https://cascade.example.org' }).optional(),
    DATABASE_URL: postgresUrl.optional(),
    DATABASE_MIGRATION_URL: postgresUrl.optional(),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
    CASCADE_DATA_DIR: z.string().min(1).default('var'),
    SESSION_SECRET: z
      .string()
      .min(32, { message: 'must be at least 32 characters' })
      .default(DEVELOPMENT_SECRET),
    DATA_ENCRYPTION_KEY: z.string().min(32, { message: 'must be at least 32 characters' }).optional(),
    SESSION_IDLE_MINUTES: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .default(30),
    SESSION_MAX_HOURS: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 7)
      .default(12),
    SIGN_IN_ATTEMPTS_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(10),
    PUBLIC_PAGE_SECONDS: z.coerce
      .number({ message: 'must be a number of seconds' })
      .int()
      .min(0)
      .max(300)
      .optional(),
    CASCADE_DEMO: booleanFlag.optional(),
    CASCADE_CLOCK: z.iso
      .datetime({ offset: true, message: 'must be an ISO instant, like 2026-04-01T09:00:00Z' })
      .optional(),
    CASCADE_JOBS: z.enum(['inline', 'off'], { message: 'must be inline or off' }).default('inline'),
    SMTP_URL: z
      .string()
      .regex(/^smtps?:\/\//, { message: 'must be an smtp:// or smtps:// URL' })
      .optional(),
    MAIL_FROM: z.string().min(3).default('Cascade <no-reply@cascade.example.org>'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
    METRICS_TOKEN: z.string().min(32, { message: 'must be at least 32 characters' }).optional(),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV !== 'production') return
    if (env.SESSION_SECRET === DEVELOPMENT_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['SESSION_SECRET'],
        message: 'must be set to your own secret in production',
      })
    }
    if (!env.DATA_ENCRYPTION_KEY) {
      ctx.addIssue({ code: 'custom', path: ['DATA_ENCRYPTION_KEY'], message: 'is required in production' })
    }
    if (env.CASCADE_DEMO === true) {
      ctx.addIssue({
        code: 'custom',
        path: ['CASCADE_DEMO'],
        message: 'demo data is not allowed in production',
      })
    }
    if (env.CASCADE_CLOCK) {
      ctx.addIssue({
        code: 'custom',
        path: ['CASCADE_CLOCK'],
        message: 'a fixed clock is not allowed in production',
      })
    }
    if (!env.PUBLIC_URL) {
      ctx.addIssue({ code: 'custom', path: ['PUBLIC_URL'], message: 'is required in production' })
    }
  })

export type Config = Readonly<{
  environment: 'development' | 'test' | 'production'
  production: boolean
  port: number
  host: string
  publicUrl: string
  database: Readonly<{ url?: string; migrationUrl?: string; poolSize: number }>
  dataDir: string
  sessionSecret: string
  /** Encrypts secrets kept at rest (see platform/auth/encryption.ts); outside production, the session secret. */
  dataEncryptionKey: string
  sessionIdleMinutes: number
  sessionMaxHours: number
  /** Sign-in attempts allowed a minute from one address, and against one account from any, before 429. */
  signInAttemptsPerMinute: number
  /** How long a public page (the catalogue) is kept for other visitors; 0 renders each one. */
  publicPageSeconds: number
  demo: boolean
  fixedClock?: string
  jobs: 'inline' | 'off'
  smtpUrl?: string
  mailFrom: string
  logLevel: string
  /** The Bearer token a Prometheus scrape of /metrics sends; without one, /metrics is open in development only. */
  metricsToken?: string
}>

/** Thrown when the environment is wrong; its message names every bad variable. */
export class ConfigError extends Error {
  override name = 'ConfigError'
}

/**
 * Reads the environment once. Every bad or missing variable is named in one message so an
 * operator fixes them all at once rather than one restart at a time.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  )
  const parsed = environmentSchema.safeParse(present)
  if (!parsed.success) {
    const lines = parsed.error.issues.map(
      (issue) => `  ${issue.path.join('.') || 'environment'}: ${issue.message}`,
    )
    throw new ConfigError(`Cascade cannot start; fix these environment variables:\n${lines.join('\n')}`)
  }
  const e = parsed.data
  const production = e.NODE_ENV === 'production'
  return Object.freeze({
    environment: e.NODE_ENV,
    production,
    port: e.PORT,
    host: e.HOST,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    database: Object.freeze({
      url: e.DATABASE_URL,
      migrationUrl: e.DATABASE_MIGRATION_URL,
      poolSize: e.DATABASE_POOL_SIZE,
    }),
    dataDir: e.CASCADE_DATA_DIR,
    sessionSecret: e.SESSION_SECRET,
    dataEncryptionKey: e.DATA_ENCRYPTION_KEY ?? e.SESSION_SECRET,
    sessionIdleMinutes: e.SESSION_IDLE_MINUTES,
    sessionMaxHours: e.SESSION_MAX_HOURS,
    signInAttemptsPerMinute: e.SIGN_IN_ATTEMPTS_PER_MINUTE,
    // Tests render every page, so a change they make shows at once.
    publicPageSeconds: e.PUBLIC_PAGE_SECONDS ?? (e.NODE_ENV === 'test' ? 0 : 10),
    demo: e.CASCADE_DEMO ?? !production,
    fixedClock: e.CASCADE_CLOCK,
    jobs: e.CASCADE_JOBS,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    logLevel: e.LOG_LEVEL ?? (e.NODE_ENV === 'test' ? 'silent' : 'info'),
    metricsToken: e.METRICS_TOKEN,
  })
}
