import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, connect as tcpConnect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'

// `npm start` on a fresh embedded database, as most people first run Cascade, met by requests,
// health checks and a command-line call from the moment it accepts connections, while its jobs
// start. This is about the embedded database, so it runs in the embedded suite alone.
const run = promisify(execFile)

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

type Answer = { path: string; status: number | 'failed'; error?: string }

async function ask(base: string, path: string): Promise<Answer> {
  try {
    const response = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(20_000) })
    await response.arrayBuffer()
    return { path, status: response.status }
  } catch (error) {
    return { path, status: 'failed', error: error instanceof Error ? error.message : String(error) }
  }
}

const dataDir = mkdtempSync(join(tmpdir(), 'cascade-start-'))
let server: ChildProcess | undefined
afterAll(async () => {
  if (server && server.exitCode === null) {
    server.kill('SIGKILL')
    await new Promise((resolve) => server?.once('exit', resolve))
  }
  rmSync(dataDir, { recursive: true, force: true })
})

describe.skipIf(Boolean(process.env.DATABASE_URL))('starting the service on the embedded database', () => {
  it('serves concurrent requests, health checks and the command line from its first moment', {
    timeout: 240_000,
  }, async () => {
    const port = await freePort()
    const base = `http://127.0.0.1:${port}`
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'development',
      PORT: String(port),
      HOST: '127.0.0.1',
      CASCADE_DATA_DIR: dataDir,
      CASCADE_CLOCK: '2026-11-02T10:00:00Z',
      PUBLIC_URL: base,
      LOG_LEVEL: 'info',
    }
    delete env.DATABASE_URL
    let log = ''
    server = spawn(process.execPath, ['src/server.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    server.stdout?.on('data', (chunk) => {
      log += chunk
    })
    server.stderr?.on('data', (chunk) => {
      log += chunk
    })
    const exited = new Promise<number | null>((resolve) => server?.once('exit', (code) => resolve(code)))

    const deadline = Date.now() + 120_000
    while (!(await accepting(port))) {
      if (server.exitCode !== null || Date.now() > deadline)
        throw new Error(`The service did not listen:\n${log}`)
      await new Promise((resolve) => setTimeout(resolve, 10))
    }

    // From the first moment: waves of pages and health checks, and the command line reaching
    // the same embedded database through the server's socket, until the service says it is ready.
    const answers: Answer[] = []
    const cli = run(process.execPath, ['bin/cascade.js', 'migrate'], { env, timeout: 60_000 }).then(
      () => 'ok',
      (error: Error) => error.message,
    )
    let ready = false
    while (!ready) {
      if (Date.now() > deadline) throw new Error(`The service did not become ready:\n${log}`)
      const wave = await Promise.all([
        ...Array.from({ length: 4 }, () => ask(base, '/health/ready')),
        ...Array.from({ length: 4 }, () => ask(base, '/p/norfolk/courses')),
        ask(base, '/api/v1/openapi.json'),
        ask(base, '/health/live'),
      ])
      answers.push(...wave)
      ready = wave.some((answer) => answer.path === '/health/ready' && answer.status === 200)
    }
    // Once ready: many at once, as a load balancer's first users would send them.
    answers.push(
      ...(await Promise.all(
        Array.from({ length: 24 }, (_, i) => ask(base, i % 2 ? '/health/ready' : '/p/norfolk/courses')),
      )),
    )
    expect(await cli).toBe('ok')

    const refused = answers.filter(
      (answer) => answer.status !== 200 && !(answer.path === '/health/ready' && answer.status === 503),
    )
    expect(refused).toEqual([])
    expect(answers.filter((answer) => answer.path === '/p/norfolk/courses').length).toBeGreaterThan(12)
    expect(server.exitCode).toBeNull()
    expect(log).not.toMatch(/could not start|prepared statement|portal|job queue error|unhandled error/i)

    server.kill('SIGTERM')
    expect(await exited).toBe(0)
  })
})
