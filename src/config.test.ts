import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from './config.ts'

const productionBasics = {
  NODE_ENV: 'production',
  SESSION_SECRET: 'a-real-secret-that-is-long-enough-0123456789',
  DATA_ENCRYPTION_KEY: 'another-real-secret-that-is-long-enough-0123456789',
  PUBLIC_URL: 'https://cascade.example.org',
  DATABASE_URL: 'postgres://cascade@db/cascade',
}

describe('configuration', () => {
  it('has working defaults for development: the embedded database under var/ and port 3000', () => {
    const config = loadConfig({})
    expect(config).toMatchObject({ environment: 'development', port: 3000, dataDir: 'var', demo: true })
    expect(config.database.url).toBeUndefined()
  })

  it('names every bad variable in one message', () => {
    expect(() =>
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', CASCADE_CLOCK: 'yesterday' }),
    ).toThrow(ConfigError)
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', CASCADE_CLOCK: 'yesterday' })
    } catch (error) {
      const message = (error as Error).message
      expect(message).toMatch(/PORT: must be a port number/)
      expect(message).toMatch(/DATABASE_URL: must be a postgres/)
      expect(message).toMatch(/CASCADE_CLOCK: must be an ISO instant/)
    }
  })

  it('refuses to start in production with the development secret', () => {
    expect(() => loadConfig({ ...productionBasics, SESSION_SECRET: undefined })).toThrow(
      /SESSION_SECRET: must be set/,
    )
  })

  it('requires its own data encryption key in production, and defaults to the session secret elsewhere', () => {
    expect(() => loadConfig({ ...productionBasics, DATA_ENCRYPTION_KEY: undefined })).toThrow(
      /DATA_ENCRYPTION_KEY: is required in production/,
    )
    expect(
      loadConfig({ SESSION_SECRET: 'a-development-secret-long-enough-0123456789' }).dataEncryptionKey,
    ).toBe('a-development-secret-long-enough-0123456789')
  })

  it('refuses demo data and a fixed clock in production', () => {
    expect(() => loadConfig({ ...productionBasics, CASCADE_DEMO: 'true' })).toThrow(
      /CASCADE_DEMO: demo data is not allowed/,
    )
    expect(() => loadConfig({ ...productionBasics, CASCADE_CLOCK: '2026-04-01T09:00:00Z' })).toThrow(
      /CASCADE_CLOCK/,
    )
  })

  it('reads the token that opens the metrics, refusing a short one', () => {
    const token = 'metrics-token-for-tests-0123456789abcdef'
    expect(loadConfig({ METRICS_TOKEN: token }).metricsToken).toBe(token)
    expect(loadConfig({}).metricsToken).toBeUndefined()
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(
      /METRICS_TOKEN: must be at least 32 characters/,
    )
  })

  it('starts in production without demo data when the secret and address are set', () => {
    expect(loadConfig(productionBasics)).toMatchObject({ production: true, demo: false })
  })
})
