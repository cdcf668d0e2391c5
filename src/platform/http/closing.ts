import { once } from 'node:events'
import type { ServerResponse } from 'node:http'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

/**
 * Lets every response in progress finish when the app closes (a SIGTERM, see server.ts),
 * before any connection is closed. Node's `server.close()` destroys each connection it counts
 * as idle, and it counts one whose response has been handed over whole as idle even while
 * the client is still reading it, so a large download was cut short; and a kept-alive
 * connection whose response finished after the close began stayed open until its keep-alive
 * timeout. Fastify's `preClose` runs before `server.close()`, with new requests already
 * answered 503, so waiting there for the responses to be flushed avoids both. A response
 * that never finishes is ended by the server's grace period.
 */
export const closingGracefully = fp(async (app: FastifyInstance) => {
  const inProgress = new Set<ServerResponse>()
  // One listener for every response, rather than a closure made for each.
  function finished(this: ServerResponse) {
    inProgress.delete(this)
  }
  // Only requests on a real connection: one made with `inject` has none to close.
  app.server.on('request', (_request, response: ServerResponse) => {
    inProgress.add(response)
    // 'close' follows 'finish', which comes once the last byte is handed to the connection,
    // and comes once.
    response.on('close', finished)
  })
  app.addHook('preClose', async () => {
    await Promise.all([...inProgress].map((response) => once(response, 'close')))
  })
})
