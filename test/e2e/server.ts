import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'

let server: ChildProcess | undefined
let dataDir: string | undefined

async function waitUntilReady(url: string, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${url}/health/ready`)
      if (response.ok) return
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  throw new Error('The server did not become ready in time')
}

/** Starts the real service, as `npm start` does, on a fresh embedded database for the browser suite. */
export default async function setup(project: TestProject) {
  dataDir = mkdtempSync(join(tmpdir(), 'cascade-e2e-'))
  const port = 3400 + (process.pid % 500)
  const baseUrl = `http://127.0.0.1:${port}`
  server = spawn(process.execPath, ['src/server.ts'], {
    env: {
      ...process.env,
      NODE_ENV: 'development',
      PORT: String(port),
      HOST: '127.0.0.1',
      CASCADE_DATA_DIR: dataDir,
      PUBLIC_URL: baseUrl,
      LOG_LEVEL: 'warn',
      SIGN_IN_ATTEMPTS_PER_MINUTE: '1000',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  await waitUntilReady(baseUrl, Date.now() + 90_000)
  project.provide('baseUrl', baseUrl)
  project.provide('dataDir', dataDir)
  return async () => {
    server?.kill('SIGTERM')
    await new Promise((resolve) => server?.once('exit', resolve))
    if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string
    dataDir: string
  }
}
