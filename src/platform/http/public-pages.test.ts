import * as zlib from 'node:zlib'
import Fastify from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compressPages } from './compression.ts'
import { publicPages, segmentsOf } from './public-pages.ts'
import './types.ts'

const page = `<!doctype html><title>Courses</title>${'<p>A course for practitioners</p>'.repeat(200)}`
const app = Fastify()
// Whether each answer came to the compression step already compressed (from the kept page).
const arrivedCompressed: boolean[] = []

beforeAll(async () => {
  app.decorateRequest('auth', null)
  await app.register(publicPages, { seconds: 10 })
  app.addHook('onSend', (_request, reply, payload, done) => {
    arrivedCompressed.push(reply.hasHeader('content-encoding'))
    done(null, payload)
  })
  compressPages(app)
  app.get('/courses', { config: { publicPage: true } }, (request, reply) => {
    request.server.keptPages.keep(request.url, segmentsOf(page))
    return reply.type('text/html; charset=utf-8').send(page)
  })
  await app.ready()
})
afterAll(() => app.close())

const visit = (accepts?: string) =>
  app.inject({ method: 'GET', url: '/courses', headers: accepts ? { 'accept-encoding': accepts } : {} })

describe('a kept public page without a form', () => {
  it('goes to each browser compressed as it accepts, from a copy compressed once', async () => {
    const first = await visit('br')
    expect(zlib.brotliDecompressSync(first.rawPayload).toString()).toBe(page)
    for (const [accepts, encoding, decode] of [
      ['gzip, deflate, br', 'br', zlib.brotliDecompressSync],
      ['gzip', 'gzip', zlib.gunzipSync],
    ] as const) {
      arrivedCompressed.length = 0
      for (let visitor = 0; visitor < 3; visitor++) {
        const answer = await visit(accepts)
        expect(answer.headers['content-encoding'], accepts).toBe(encoding)
        expect(answer.headers['content-type']).toMatch(/^text\/html/)
        expect(answer.headers.vary).toBe('accept-encoding')
        expect(decode(answer.rawPayload).toString()).toBe(page)
      }
      expect(arrivedCompressed, accepts).toEqual([true, true, true])
    }
    const plain = await visit()
    expect(plain.headers['content-encoding']).toBeUndefined()
    expect(plain.headers.vary).toBe('accept-encoding')
    expect(plain.body).toBe(page)
  })
})
