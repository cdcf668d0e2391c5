import Fastify from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { loadConfig } from '#src/config.ts'
import type { Database } from '../db/database.ts'
import { createReadiness } from '../readiness.ts'
import { operations } from './operations.ts'

const TOKEN = 'metrics-token-for-tests-0123456789abcdef'
const production = {
  NODE_ENV: 'production',
  SESSION_SECRET: 'a-real-secret-that-is-long-enough-0123456789',
  DATA_ENCRYPTION_KEY: 'another-real-secret-that-is-long-enough-0123456789',
  PUBLIC_URL: 'https://cascade.example.org',
}

let app: ReturnType<typeof Fastify> | undefined
afterEach(() => app?.close())

/** The operations routes alone, as configured by the environment given. */
async function operationsFor(env: Record<string, string>, readiness = createReadiness()) {
  const config = loadConfig(env)
  app = Fastify()
  const db = { ping: async () => {} } as unknown as Database
  await operations(app, {
    db,
    readiness,
    metricsToken: config.metricsToken,
    environment: config.environment,
  })
  return (headers: Record<string, string> = {}) => app?.inject({ method: 'GET', url: '/metrics', headers })
}

describe('the metrics', () => {
  it('are not there in production or tests when no token is configured', async () => {
    for (const env of [production, { NODE_ENV: 'test' }]) {
      const metrics = await operationsFor(env)
      expect((await metrics())?.statusCode).toBe(404)
      expect((await metrics({ authorization: 'Bearer anything' }))?.statusCode).toBe(404)
      await app?.close()
    }
  })

  it('are open in development when no token is configured', async () => {
    const metrics = await operationsFor({ NODE_ENV: 'development' })
    const response = await metrics()
    expect(response?.statusCode).toBe(200)
    expect(response?.body).toMatch(/cascade_http_request_duration_seconds/)
  })

  it('need the configured token as a Bearer token, in every environment', async () => {
    for (const env of [production, { NODE_ENV: 'development' }]) {
      const metrics = await operationsFor({ ...env, METRICS_TOKEN: TOKEN })
      const refusedHeaders: Record<string, string>[] = [
        {},
        { authorization: 'Bearer wrong' },
        { authorization: `Bearer ${TOKEN}x` },
        { authorization: `Basic ${TOKEN}` },
      ]
      for (const headers of refusedHeaders) {
        const refused = await metrics(headers)
        expect(refused?.statusCode, JSON.stringify(headers)).toBe(401)
        expect(refused?.headers['www-authenticate']).toBe('Bearer')
        expect(refused?.body).not.toMatch(/cascade_/)
      }
      const response = await metrics({ authorization: `Bearer ${TOKEN}` })
      expect(response?.statusCode).toBe(200)
      expect(response?.body).toMatch(/cascade_http_request_duration_seconds/)
      await app?.close()
    }
  })
})

describe('readiness', () => {
  it('is refused, saying what it waits for, until the job queue has started', async () => {
    const readiness = createReadiness()
    readiness.waitFor('the job queue to start')
    await operationsFor({ NODE_ENV: 'test' }, readiness)
    const waiting = await app?.inject({ method: 'GET', url: '/health/ready' })
    expect(waiting?.statusCode).toBe(503)
    expect(waiting?.json()).toEqual({ status: 'starting', waitingFor: 'the job queue to start' })
    readiness.markReady()
    const ready = await app?.inject({ method: 'GET', url: '/health/ready' })
    expect(ready?.statusCode).toBe(200)
  })
})
