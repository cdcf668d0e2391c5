import http from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { steppingClock } from '#platform/clock.ts'
import { buildApp } from '#src/app.ts'
import { loadConfig } from '#src/config.ts'
import { createServices } from '#src/services.ts'
import type { TestDatabase } from '#test/support/database.ts'
import { freshDatabase } from '#test/support/database.ts'

// Larger than the sockets on either side can hold, so the server is still writing it.
const LARGE = 32 * 1024 * 1024

let database: TestDatabase
beforeAll(async () => {
  database = await freshDatabase(steppingClock('2026-11-24T10:00:00Z'))
})
afterAll(() => database?.close())

/**
 * The whole app listening on a free port, with two routes a test controls: a large download,
 * and a response that is held open until the test lets it finish.
 */
async function listening() {
  const config = loadConfig({ NODE_ENV: 'test' })
  const services = createServices({ config, db: database.db, clock: steppingClock('2026-11-24T10:00:00Z') })
  const app = await buildApp(services)
  let release = () => {}
  const held = new Promise<void>((resolve) => {
    release = resolve
  })
  let arrive = () => {}
  const arrived = new Promise<void>((resolve) => {
    arrive = resolve
  })
  app.get('/test/large.csv', { config: { access: 'public' } }, (_request, reply) =>
    reply.type('text/csv').send(Buffer.alloc(LARGE, 'a')),
  )
  app.get('/test/held', { config: { access: 'public' } }, async () => {
    arrive()
    await held
    return { status: 'done' }
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  const agent = new http.Agent({ keepAlive: true })
  const get = (path: string) =>
    new Promise<http.IncomingMessage>((resolve, reject) =>
      http.get({ host: '127.0.0.1', port, path, agent }, resolve).once('error', reject),
    )
  /** Resolves once the app has begun to close: a new request is refused or answered 503. */
  const closingBegun = async () => {
    for (;;) {
      const status = await new Promise<number>((resolve) =>
        http
          .get({ host: '127.0.0.1', port, path: '/health/live', agent: false }, (response) => {
            response.resume()
            resolve(response.statusCode ?? 0)
          })
          .once('error', () => resolve(0)),
      )
      if (status !== 200) return
      await new Promise((resolve) => setImmediate(resolve))
    }
  }
  return { app, get, release, arrived, closingBegun, agent }
}

/** Reads the rest of a response; what arrived and whether it arrived whole. */
function readAll(response: http.IncomingMessage, already: number) {
  return new Promise<{ bytes: number; complete: boolean }>((resolve) => {
    let bytes = already
    response.on('data', (chunk: Buffer) => {
      bytes += chunk.length
    })
    response.once('error', () => {})
    response.once('close', () => resolve({ bytes, complete: response.complete }))
    response.resume()
  })
}

describe('closing the app', () => {
  it('lets a large download the client is still reading finish before the connections close', async () => {
    const { app, get, closingBegun, agent } = await listening()
    const response = await get('/test/large.csv')
    expect(response.statusCode).toBe(200)
    const first = await new Promise<Buffer>((resolve) => response.once('data', resolve))
    response.pause()

    const closed = app.close()
    await closingBegun()
    expect(await readAll(response, first.length)).toEqual({ bytes: LARGE, complete: true })
    await closed
    agent.destroy()
  })

  it('finishes a response in progress on a kept-alive connection, then closes that connection', async () => {
    const { app, get, release, arrived, closingBegun, agent } = await listening()
    const responding = get('/test/held')
    await arrived
    const closed = app.close()
    await closingBegun()
    release()
    const response = await responding
    expect(response.statusCode).toBe(200)
    const body = await new Promise<string>((resolve) => {
      let text = ''
      response.setEncoding('utf8')
      response.on('data', (chunk: string) => {
        text += chunk
      })
      response.once('end', () => resolve(text))
    })
    expect(JSON.parse(body)).toEqual({ status: 'done' })
    // Without the connection being closed once its response is done, this waits for the
    // keep-alive timeout (72 seconds), past the test's own.
    await closed
    agent.destroy()
  })
})
