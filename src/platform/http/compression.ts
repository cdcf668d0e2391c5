import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import type { FastifyInstance, FastifyReply } from 'fastify'
import type { Encoding } from './assets.ts'
import { chooseEncoding } from './assets.ts'

/** Below this a page is sent as it is: compressing it would save less than it costs. */
export const SMALLEST = 1024

/** A page compressed at a quick setting: pages are made for a request, not once like assets. */
export function compressPage(payload: string | Buffer, encoding: Encoding): Buffer {
  return encoding === 'br'
    ? brotliCompressSync(payload, { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } })
    : gzipSync(payload, { level: 6 })
}

/** Says that the answer differs with the encodings the client accepts. */
export function variesByEncoding(reply: FastifyReply): void {
  const vary = reply.getHeader('vary')
  reply.header('vary', vary ? `${vary}, accept-encoding` : 'accept-encoding')
}

/**
 * Pages (HTML) go compressed to a client that accepts Brotli or gzip, at a quick setting:
 * a page is made for each request, unlike the assets, which are compressed once. A public
 * page kept for everyone comes already compressed (public-pages.ts), and is left as it is.
 */
export function compressPages(app: FastifyInstance) {
  app.addHook('onSend', (request, reply, payload, done) => {
    const html = String(reply.getHeader('content-type') ?? '').startsWith('text/html')
    if (!html || reply.hasHeader('content-encoding') || reply.statusCode === 204 || reply.statusCode === 304)
      return done(null, payload)
    if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return done(null, payload)
    if (Buffer.byteLength(payload) < SMALLEST) return done(null, payload)
    variesByEncoding(reply)
    const encoding = chooseEncoding(request.headers['accept-encoding'])
    if (!encoding) return done(null, payload)
    const compressed = compressPage(payload, encoding)
    reply.removeHeader('content-length')
    reply.header('content-encoding', encoding)
    done(null, compressed)
  })
}
