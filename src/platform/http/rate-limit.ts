import type { Config } from '#src/config.ts'

/**
 * The limit on forms and lookups anyone may use without signing in (signing in, registering,
 * registering interest, checking a certificate): the same as signing in, per client a minute.
 */
export function openToAnyoneLimit(config: Pick<Config, 'signInAttemptsPerMinute'>) {
  return { max: config.signInAttemptsPerMinute, timeWindow: '1 minute' }
}
