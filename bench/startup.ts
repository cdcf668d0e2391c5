import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import Fastify from 'fastify'
import { median } from './measure.ts'
import type { Figure } from './run.ts'

const RUNS = 3

async function timeUntilReady(dataDir: string, port: number): Promise<number> {
  const started = performance.now()
  const server = spawn(process.execPath, ['src/server.ts'], {
    env: {
      ...process.env,
      NODE_ENV: 'development',
      CASCADE_DATA_DIR: dataDir,
      PORT: String(port),
      LOG_LEVEL: 'warn',
    },
    stdio: 'ignore',
  })
  try {
    for (;;) {
      try {
        if ((await fetch(`http://127.0.0.1:${port}/health/ready`)).ok) return performance.now() - started
      } catch {
        // not listening yet
      }
      if (performance.now() - started > 60_000) throw new Error('the server did not become ready')
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  } finally {
    server.kill('SIGTERM')
    await new Promise((resolve) => server.once('exit', resolve))
  }
}

/** The floor: opening the same embedded database and listening with a bare Fastify, in this process. */
async function baselineOpen(dataDir: string): Promise<number> {
  const started = performance.now()
  const db = await PGlite.create(join(dataDir, 'pgdata'))
  await db.query('SELECT 1')
  const app = Fastify()
  app.get('/', () => 'ok')
  await app.listen({ port: 0, host: '127.0.0.1' })
  const took = performance.now() - started
  await app.close()
  await db.close()
  return took
}

/** Start-up to ready on an existing embedded database (issue target: under 3 seconds). */
export async function startup(): Promise<Figure[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cascade-bench-'))
  try {
    const port = 3900
    await timeUntilReady(dataDir, port) // the first run creates, migrates and seeds
    const runs: number[] = []
    for (let i = 0; i < RUNS; i++) runs.push(await timeUntilReady(dataDir, port))
    const baselines: number[] = []
    for (let i = 0; i < RUNS; i++) baselines.push(await baselineOpen(dataDir))
    const value = Math.round(median(runs))
    const baseline = Math.round(median(baselines))
    return [
      {
        name: 'start-up to ready, embedded database, after the first run',
        value,
        unit: 'ms',
        target: 2000,
        baseline,
        ratio: Math.round((value / baseline) * 100) / 100,
      },
    ]
  } finally {
    rmSync(dataDir, { recursive: true, force: true })
  }
}
