import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

/** Starts `node src/server.ts` on a fresh embedded database and a free port, as `npm start` does. */
async function startServer() {
  const dataDir = mkdtempSync(join(tmpdir(), 'cascade-stop-'))
  const child = spawn(process.execPath, ['src/server.ts'], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      PORT: '0',
      HOST: '127.0.0.1',
      CASCADE_DATA_DIR: dataDir,
      CASCADE_DEMO: 'false',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  // Ready once it says so: the signal handlers are in place by then.
  const port = await new Promise<number>((resolve, reject) => {
    let output = ''
    let found = 0
    child.stdout.on('data', (data: Buffer) => {
      output += data.toString()
      found ||= Number(/listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(output)?.[1] ?? 0)
      if (found && output.includes('Cascade is ready')) resolve(found)
    })
    child.once('exit', () => reject(new Error(`The server stopped before it was ready:\n${output}`)))
  })
  return {
    child,
    port,
    exited,
    cleanUp: () => rmSync(dataDir, { recursive: true, force: true }),
  }
}

/** Resolves once the server has begun to stop: a new request is refused or answered 503. */
async function stoppingBegun(port: number) {
  for (;;) {
    const status = await new Promise<string>((resolve) => {
      const socket = net.connect(port, '127.0.0.1')
      socket.once('error', () => resolve('refused'))
      socket.once('data', (data) => {
        resolve(data.toString().split(' ')[1] ?? '')
        socket.destroy()
      })
      socket.write('GET /health/live HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n')
    })
    if (status !== '200') return
    await new Promise((resolve) => setImmediate(resolve))
  }
}

describe('stopping the server', () => {
  it('answers a request in progress when SIGTERM arrives, then exits cleanly', {
    timeout: 120_000,
  }, async () => {
    const server = await startServer()
    try {
      const body = 'email=someone%40example.org&password=not-their-password'
      const socket = net.connect(server.port, '127.0.0.1')
      await new Promise((resolve) => socket.once('connect', resolve))
      let response = ''
      socket.on('data', (data: Buffer) => {
        response += data.toString()
      })
      const ended = new Promise((resolve) => socket.once('close', resolve))
      // A form the client waits to send until the server has the request (100 Continue), on
      // a connection the client means to keep.
      socket.write(
        'POST /sign-in HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\nExpect: 100-continue\r\n' +
          `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n`,
      )
      while (!response.includes('100 Continue\r\n\r\n'))
        await new Promise((resolve) => socket.once('data', resolve))
      response = ''

      server.child.kill('SIGTERM')
      await stoppingBegun(server.port)
      socket.write(body)
      await ended

      // The whole answer (the form's token is missing, so it is refused), then the server
      // closed the connection itself and exited by its own stop rather than the grace timer.
      const [head = '', page = ''] = response.split('\r\n\r\n')
      expect(head).toMatch(/^HTTP\/1\.1 403 /)
      expect(Buffer.byteLength(page)).toBe(Number(/content-length: (\d+)/i.exec(head)?.[1]))
      expect(page).toContain('</html>')
      expect(await server.exited).toBe(0)
    } finally {
      server.child.kill('SIGKILL')
      server.cleanUp()
    }
  })
})
