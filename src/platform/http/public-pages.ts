import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'

/**
 * The mark that stands in a kept page for what differs in each response: the visitor's CSRF
 * token. Letters and digits only, so escaping leaves it as it is.
 */
export const CSRF_MARK = 'cascadecsrfmark7q4x'

/** A public page's own content, rendered without the layout, and what the layout needs of it. */
export type PageContent = { html: string; title: string; backLink?: string; columns?: string }

/**
 * A kept page as bytes, cut where the visitor's token goes: a page with no form is sent as
 * it is, and none is searched or encoded again for each visitor.
 */
type KeptPage = { pieces: Buffer[]; until: number }
type KeptContent = { content: PageContent; until: number }

function cut(html: string): Buffer[] {
  return html.split(CSRF_MARK).map((part) => Buffer.from(part, 'utf8'))
}

/** A map that forgets its oldest entry past a size, however many distinct addresses arrive. */
function bounded<V>(most: number) {
  const entries = new Map<string, V>()
  return {
    entries,
    set(key: string, value: V) {
      if (entries.size >= most) entries.delete(entries.keys().next().value as string)
      entries.set(key, value)
    },
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
 * everything kept at once, and other processes show it within `seconds`. The lifetime is measured on the
 * process's own timer, not the one clock: it is how long a copy is fresh, not a rule of the
 * domain, and a fixed demonstration clock must not keep a page for ever.
 */
export const publicPages = fp(async (app: FastifyInstance, options: { seconds: number; most?: number }) => {
  const most = options.most ?? 500
  const pages = bounded<KeptPage>(most)
  const contents = bounded<KeptContent>(most)
  const ms = options.seconds * 1000

  app.decorateRequest('keepPage', false)

  // Hooks on every request take a callback: no promise to make and wait for.
  app.addHook('preHandler', (request, reply, done) => {
    if (!ms || request.method !== 'GET' || request.auth || !request.routeOptions.config.publicPage)
      return done()
    const kept = pages.entries.get(request.url)
    if (kept && kept.until > performance.now()) return sendPieces(request, reply, kept.pieces)
    request.keepPage = true
    done()
  })

  // An admin's change (a course, a session) may show on a public page: start afresh. Others'
  // changes (applying, cancelling, taking a register) do not, and are many on a busy morning.
  app.addHook('onResponse', (request, reply, done) => {
    const byAdmin = request.auth?.roles.includes('admin')
    if (byAdmin && request.method !== 'GET' && request.method !== 'HEAD' && reply.statusCode < 400) {
      pages.entries.clear()
      contents.entries.clear()
    }
    done()
  })

  app.decorate('keptPages', {
    keep(url: string, html: string) {
      if (ms) pages.set(url, { pieces: cut(html), until: performance.now() + ms })
    },

    /** The page's content as kept, or made now (and kept, unless made for a failure). */
    async content(url: string, make: () => Promise<PageContent>): Promise<PageContent> {
      const kept = contents.entries.get(url)
      if (kept && kept.until > performance.now()) return kept.content
      const content = await make()
      if (ms) contents.set(url, { content, until: performance.now() + ms })
      return content
    },
  })
})

function sendPieces(request: FastifyRequest, reply: FastifyReply, pieces: Buffer[]) {
  const [first, ...rest] = pieces
  const token = rest.length ? Buffer.from(request.csrfToken) : null
  const page = token ? Buffer.concat(pieces.flatMap((piece, i) => (i ? [token, piece] : [piece]))) : first
  return reply.type('text/html; charset=utf-8').send(page)
}

/** The page just rendered for keeping, sent to this visitor with their own token. */
export function sendKept(request: FastifyRequest, reply: FastifyReply, html: string) {
  return sendPieces(request, reply, cut(html))
}
