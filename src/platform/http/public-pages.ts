import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Encoding } from './assets.ts'
import { chooseEncoding } from './assets.ts'
import { compressPage, SMALLEST, variesByEncoding } from './compression.ts'

/**
 * The mark that stands in kept content for what differs in each response: the visitor's CSRF
 * token. Letters and digits only, so escaping leaves it as it is.
 */
export const CSRF_MARK = 'cascadecsrfmark7q4x'

/** Where the visitor's token goes in a kept page. */
export const TOKEN = Symbol('token')

/**
 * A page as bytes with the places for the visitor's token between them: nothing is searched,
 * copied into a string or encoded again for each visitor.
 */
export type Segments = (Buffer | typeof TOKEN)[]

/** A public page's own content, without the layout, and what the layout needs of it. */
export type PageContent = { segments: Segments; title: string; backLink?: string; columns?: string }

export function segmentsOf(html: string): Segments {
  return html.split(CSRF_MARK).flatMap((part, i) => {
    const bytes = Buffer.from(part, 'utf8')
    return i ? [TOKEN, bytes] : [bytes]
  })
}

/** The same segments with neighbouring bytes joined: a page kept for many is joined once. */
export function joined(segments: Segments): Segments {
  const out: Segments = []
  let run: Buffer[] = []
  const flush = () => {
    if (run.length) out.push(run.length === 1 ? (run[0] as Buffer) : Buffer.concat(run))
    run = []
  }
  for (const segment of segments) {
    if (segment === TOKEN) {
      flush()
      out.push(TOKEN)
    } else run.push(segment)
  }
  flush()
  return out
}

/** Sends a page made of segments with this visitor's token in its places. */
export function sendSegments(request: FastifyRequest, reply: FastifyReply, segments: Segments) {
  reply.type('text/html; charset=utf-8')
  if (segments.length === 1 && segments[0] !== TOKEN) return reply.send(segments[0])
  const token = Buffer.from(request.csrfToken)
  return reply.send(Buffer.concat(segments.map((s) => (s === TOKEN ? token : s))))
}

/** A page kept whole, and its bytes compressed for each encoding a visitor has asked for. */
type KeptPage = { segments: Segments; encoded: Partial<Record<Encoding, Buffer>> }

/**
 * Sends a kept page. One without a form in it is the same bytes for every visitor, so it is
 * compressed once for each encoding rather than for each visitor: on the morning a programme
 * opens, compressing the catalogue for every browser cost twice what serving it did.
 */
function sendKept(request: FastifyRequest, reply: FastifyReply, kept: KeptPage) {
  const [whole] = kept.segments
  const encoding =
    kept.segments.length === 1 && whole instanceof Buffer && whole.length >= SMALLEST
      ? chooseEncoding(request.headers['accept-encoding'])
      : null
  if (!encoding || !(whole instanceof Buffer)) return sendSegments(request, reply, kept.segments)
  kept.encoded[encoding] ??= compressPage(whole, encoding)
  variesByEncoding(reply)
  reply.type('text/html; charset=utf-8').header('content-encoding', encoding)
  return reply.send(kept.encoded[encoding])
}

/** A map that forgets its oldest entry past a size, however many distinct addresses arrive. */
function bounded<V>(most: number) {
  const entries = new Map<string, { value: V; until: number }>()
  return {
    get(key: string): V | undefined {
      const kept = entries.get(key)
      return kept && kept.until > performance.now() ? kept.value : undefined
    },
    set(key: string, value: V, ms: number) {
      if (!ms) return
      if (entries.size >= most) entries.delete(entries.keys().next().value as string)
      entries.set(key, { value, until: performance.now() + ms })
    },
    clear: () => entries.clear(),
  }
}

/**
 * Keeps public pages (the catalogue and its courses) for a few seconds, so the morning a
 * programme opens, thousands of visitors cost one database read and one render per page
 * rather than one each. Only for routes that ask (`config.publicPage`) and successful GETs.
 * Two things are kept: a visitor who is not signed in gets the whole page as it was sent to
 * the last one; a signed-in user gets the page's content, kept, inside a layout made for them
 * (their name and navigation).
 *
 * What a change costs is the lifetime: an admin's change made through this process clears
 * everything kept at once, and other processes show it within `seconds`. The lifetime is
 * measured on the process's own timer, not the one clock: it is how long a copy is fresh,
 * not a rule of the domain, and a fixed demonstration clock must not keep a page for ever.
 */
export const publicPages = fp(async (app: FastifyInstance, options: { seconds: number; most?: number }) => {
  const most = options.most ?? 500
  const pages = bounded<KeptPage>(most)
  const contents = bounded<PageContent>(most)
  // Content being made: when it goes stale on a busy morning, the visitors who ask at that
  // moment wait for the one read and render rather than each making their own.
  const making = new Map<string, Promise<PageContent>>()
  const ms = options.seconds * 1000

  app.decorateRequest('keepPage', false)

  // Hooks on every request take a callback: no promise to make and wait for. A kept page is
  // sent as soon as the visitor is known (this is registered after signing in and the form
  // token), before the body and validation hooks a GET of a public page has no use for.
  app.addHook('onRequest', (request, reply, done) => {
    if (!ms || request.method !== 'GET' || request.auth || !request.routeOptions.config.publicPage)
      return done()
    const kept = pages.get(request.url)
    if (kept) return sendKept(request, reply, kept)
    request.keepPage = true
    done()
  })

  // An admin's change (a course, a session) may show on a public page: start afresh. Others'
  // changes (applying, cancelling, taking a register) do not, and are many on a busy morning.
  app.addHook('onResponse', (request, reply, done) => {
    const byAdmin = request.auth?.roles.includes('admin')
    if (byAdmin && request.method !== 'GET' && request.method !== 'HEAD' && reply.statusCode < 400) {
      pages.clear()
      contents.clear()
    }
    done()
  })

  app.decorate('keptPages', {
    keep(url: string, segments: Segments) {
      pages.set(url, { segments, encoded: {} }, ms)
    },

    /** The page's content as kept, or made now (and kept, unless making it failed). */
    async content(url: string, make: () => Promise<PageContent>): Promise<PageContent> {
      const kept = contents.get(url)
      if (kept) return kept
      const already = making.get(url)
      if (already) return already
      const made = make()
      if (!ms) return made
      making.set(url, made)
      try {
        const content = await made
        contents.set(url, content, ms)
        return content
      } finally {
        making.delete(url)
      }
    },
  })
})
