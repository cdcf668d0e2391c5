import * as zlib from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { TestApp } from '#test/support/app.ts'
import { testApp } from '#test/support/app.ts'

// Counted, to see how often a kept page is compressed.
vi.mock('node:zlib', async (original) => {
  const real = await original<typeof import('node:zlib')>()
  return { ...real, brotliCompressSync: vi.fn(real.brotliCompressSync), gzipSync: vi.fn(real.gzipSync) }
})

let t: TestApp
beforeAll(async () => {
  t = await testApp({ env: { PUBLIC_PAGE_SECONDS: '10' } })
})
afterAll(() => t?.close())

const visit = (accepts?: string) =>
  t.app.inject({
    method: 'GET',
    url: '/p/norfolk/courses',
    headers: accepts ? { 'accept-encoding': accepts } : {},
  })

describe('a kept public page without a form', () => {
  it('goes to each browser compressed as it accepts, compressed once for everyone', async () => {
    const plain = await visit()
    expect(plain.statusCode).toBe(200)
    expect(plain.headers['content-encoding']).toBeUndefined()
    expect(plain.body).not.toContain('name="_csrf"')
    for (const [accepts, encoding, decode, compress] of [
      ['gzip, deflate, br', 'br', zlib.brotliDecompressSync, zlib.brotliCompressSync],
      ['gzip', 'gzip', zlib.gunzipSync, zlib.gzipSync],
    ] as const) {
      vi.mocked(compress).mockClear()
      for (let visitor = 0; visitor < 3; visitor++) {
        const answer = await visit(accepts)
        expect(answer.headers['content-encoding'], accepts).toBe(encoding)
        expect(answer.headers['content-type']).toMatch(/^text\/html/)
        expect(answer.headers.vary).toBe(plain.headers.vary)
        expect(decode(answer.rawPayload).toString()).toBe(plain.body)
      }
      expect(vi.mocked(compress), accepts).toHaveBeenCalledTimes(1)
    }
    expect((await visit()).headers['content-encoding']).toBeUndefined()
  })
})
