import type { Server, Socket } from 'node:net'
import { createServer } from 'node:net'
import type { PGlite } from '@electric-sql/pglite'

/**
 * Serves one PGlite session to many `pg` connections (the web process's pool, pg-boss, the
 * `cascade` command line of another process) over the PostgreSQL wire protocol.
 *
 * PGlite is a single backend: every connection shares its one session, so two connections'
 * messages must never interleave inside one another's statements. A connection therefore
 * holds the turn from its first message until the backend is idle again, which is when
 * PGlite's answer ends with ReadyForQuery and the status `I` (no transaction open). An
 * extended-protocol statement (Parse, Bind, Execute, Sync) outside a transaction keeps the
 * turn through all its messages, and a transaction keeps it until COMMIT or ROLLBACK; others
 * wait their turn in the order they asked.
 *
 * What can go wrong is contained to the connection it happened on: a connection that goes
 * away holding the turn has its statement ended and its transaction rolled back, one that
 * holds the turn idle for too long is ended as PostgreSQL's idle-in-transaction timeout
 * would, and an error thrown by PGlite itself is answered to that connection, which is then
 * closed, while the others carry on.
 */
export type EmbeddedServerOptions = {
  db: PGlite
  /** A Unix socket path, or a loopback host and port (0 for any free one). */
  listen: { path: string } | { host: string; port: number }
  maxConnections?: number
  /** How long a connection may hold the turn without sending anything before it is ended. */
  idleHoldingTurnMs?: number
}

const SSL_REQUEST = 80877103
const GSSENC_REQUEST = 80877104
const CANCEL_REQUEST = 80877102
const PROTOCOL_3 = 196608
const TERMINATE = 0x58 // 'X'
const READY_FOR_QUERY = 0x5a // 'Z'
const IDLE = 0x49 // 'I'
const SYNC = Buffer.from([0x53, 0, 0, 0, 4])

/** A simple Query message for `text`. */
function queryMessage(text: string): Buffer {
  const body = Buffer.from(`${text}\0`, 'utf8')
  const message = Buffer.alloc(5 + body.length)
  message[0] = 0x51 // 'Q'
  message.writeInt32BE(4 + body.length, 1)
  body.copy(message, 5)
  return message
}

/** A backend ErrorResponse, for what the server itself must refuse or report. */
export function errorResponse(code: string, message: string, severity = 'ERROR'): Buffer {
  const fields = Buffer.from(`S${severity}\0V${severity}\0C${code}\0M${message}\0\0`, 'utf8')
  const out = Buffer.alloc(5 + fields.length)
  out[0] = 0x45 // 'E'
  out.writeInt32BE(4 + fields.length, 1)
  fields.copy(out, 5)
  return out
}

/**
 * True when a backend answer ends with ReadyForQuery saying the session is idle: the point
 * at which another connection may have the backend.
 */
export function endsIdle(output: Buffer): boolean {
  let at = 0
  let lastType = -1
  let lastStart = 0
  while (at + 5 <= output.length) {
    lastType = output[at] as number
    lastStart = at
    at += 1 + output.readInt32BE(at + 1)
  }
  return lastType === READY_FOR_QUERY && at === output.length && output[lastStart + 5] === IDLE
}

/** A FIFO turn on the backend, handed to one connection at a time. */
class Turn {
  private holder: Connection | null = null
  private readonly waiting: { connection: Connection; granted: () => void }[] = []

  isHeldBy(connection: Connection): boolean {
    return this.holder === connection
  }

  take(connection: Connection): Promise<void> {
    if (this.holder === connection) return Promise.resolve()
    if (!this.holder) {
      this.holder = connection
      return Promise.resolve()
    }
    return new Promise((granted) => this.waiting.push({ connection, granted }))
  }

  give(connection: Connection): void {
    if (this.holder !== connection) return
    const next = this.waiting.shift()
    this.holder = next?.connection ?? null
    next?.granted()
  }

  /** A connection that went away stops waiting (and is let go, to find itself closed). */
  forget(connection: Connection): void {
    const index = this.waiting.findIndex((entry) => entry.connection === connection)
    if (index >= 0) this.waiting.splice(index, 1)[0]?.granted()
  }
}

type Backend = {
  /** Runs protocol messages on the one session and returns the whole answer. */
  run(messages: Buffer): Promise<Buffer>
  /** Ends an unfinished statement and any open transaction, so the next connection starts clean. */
  reset(): Promise<void>
}

function backendOf(db: PGlite): Backend {
  const run = (messages: Buffer) =>
    db.runExclusive(async () => {
      const chunks: Buffer[] = []
      await db.execProtocolRawStream(new Uint8Array(messages.buffer, messages.byteOffset, messages.length), {
        // PGlite reuses its buffer between calls: keep a copy.
        onRawData: (data) => chunks.push(Buffer.from(data)),
      })
      return Buffer.concat(chunks)
    })
  return {
    run,
    async reset() {
      // Sync ends an extended-protocol statement left half sent (and leaves the error state
      // that would otherwise swallow the next connection's messages); ROLLBACK ends a
      // transaction. Either may fail when PGlite itself has failed: nothing more can be done.
      try {
        await run(SYNC)
        if (db.isInTransaction()) await run(queryMessage('ROLLBACK'))
      } catch {}
    },
  }
}

class Connection {
  private buffer: Buffer = Buffer.alloc(0)
  private started = false
  private pumping = false
  private closed = false
  private idleTimer: NodeJS.Timeout | undefined
  private readonly socket: Socket
  private readonly turn: Turn
  private readonly backend: Backend
  private readonly idleHoldingTurnMs: number
  private readonly onClosed: (connection: Connection) => void

  constructor(
    socket: Socket,
    shared: { turn: Turn; backend: Backend; idleHoldingTurnMs: number },
    onClosed: (connection: Connection) => void,
  ) {
    this.socket = socket
    this.turn = shared.turn
    this.backend = shared.backend
    this.idleHoldingTurnMs = shared.idleHoldingTurnMs
    this.onClosed = onClosed
    socket.on('data', (data: Buffer) => {
      this.buffer = this.buffer.length ? Buffer.concat([this.buffer, data]) : data
      void this.pump()
    })
    socket.on('error', () => void this.close())
    socket.on('close', () => void this.close())
  }

  /** Handles every complete message received, in order, one batch at a time. */
  private async pump(): Promise<void> {
    if (this.pumping) return
    this.pumping = true
    try {
      while (!this.closed) {
        const batch = this.nextBatch()
        if (!batch) break
        if (batch === 'terminate') {
          await this.close()
          break
        }
        await this.execute(batch)
      }
    } finally {
      this.pumping = false
    }
  }

  /**
   * The next messages to run together: the startup packet alone, or every complete typed
   * message up to a Terminate. Requests answered without the backend (SSL, GSS encryption,
   * cancel) are answered here.
   */
  private nextBatch(): Buffer | 'terminate' | null {
    while (!this.started) {
      if (this.buffer.length < 8) return null
      const length = this.buffer.readInt32BE(0)
      if (length < 8 || length > 10_000) return 'terminate'
      if (this.buffer.length < length) return null
      const code = this.buffer.readInt32BE(4)
      const packet = this.buffer.subarray(0, length)
      this.buffer = this.buffer.subarray(length)
      if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
        // No encryption on a local socket: the client carries on in plain text.
        this.socket.write('N')
        continue
      }
      // PGlite has no backend process to signal; a cancel request has its own connection.
      if (code === CANCEL_REQUEST) return 'terminate'
      if (code !== PROTOCOL_3) return 'terminate'
      this.started = true
      return packet
    }
    let end = 0
    while (end + 5 <= this.buffer.length) {
      if (this.buffer[end] === TERMINATE) {
        if (end > 0) break
        return 'terminate'
      }
      const length = this.buffer.readInt32BE(end + 1)
      // A length that cannot be is a client that does not speak the protocol.
      if (length < 4) return end > 0 ? this.take(end) : 'terminate'
      const next = end + 1 + length
      if (next > this.buffer.length) break
      end = next
    }
    return end === 0 ? null : this.take(end)
  }

  /** The first `end` bytes received, taken from the buffer. */
  private take(end: number): Buffer {
    const batch = this.buffer.subarray(0, end)
    this.buffer = this.buffer.subarray(end)
    return batch
  }

  private async execute(batch: Buffer): Promise<void> {
    this.stopIdleTimer()
    await this.turn.take(this)
    if (this.closed) {
      this.turn.give(this)
      return
    }
    let answer: Buffer
    try {
      answer = await this.backend.run(batch)
    } catch (error) {
      // PGlite itself failed (not a statement's error, which it answers in the protocol):
      // tell this connection and close it, so the others carry on.
      const reason = error instanceof Error ? error.message : String(error)
      this.write(errorResponse('XX000', `The embedded database failed: ${reason}`, 'FATAL'))
      await this.close()
      return
    }
    this.write(answer)
    if (endsIdle(answer)) this.turn.give(this)
    else this.startIdleTimer()
  }

  private write(data: Buffer): void {
    if (data.length && !this.socket.destroyed && this.socket.writable) this.socket.write(data)
  }

  private startIdleTimer(): void {
    this.idleTimer = setTimeout(() => {
      this.write(
        errorResponse(
          '25P03',
          'terminating connection: it held the embedded database idle in a statement or transaction for too long',
          'FATAL',
        ),
      )
      void this.close()
    }, this.idleHoldingTurnMs)
    this.idleTimer.unref()
  }

  private stopIdleTimer(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer)
    this.idleTimer = undefined
  }

  /** Ends the connection; if it held the turn, leaves the backend clean and passes the turn on. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.stopIdleTimer()
    // End rather than destroy, so an error just written still reaches the client; a client
    // that never closes its side is let go after a moment.
    this.socket.end()
    setTimeout(() => this.socket.destroy(), 1000).unref()
    this.turn.forget(this)
    if (this.turn.isHeldBy(this)) {
      await this.backend.reset()
      this.turn.give(this)
    }
    this.onClosed(this)
  }
}

export class EmbeddedServer {
  private server: Server | null = null
  private readonly connections = new Set<Connection>()
  private readonly turn = new Turn()
  private readonly backend: Backend
  private readonly options: EmbeddedServerOptions

  constructor(options: EmbeddedServerOptions) {
    this.options = options
    this.backend = backendOf(options.db)
  }

  /** Listens; resolves with the port when listening on TCP. */
  async start(): Promise<number | undefined> {
    const maxConnections = this.options.maxConnections ?? 64
    const idle = this.options.idleHoldingTurnMs ?? 60_000
    const server = createServer((socket) => {
      if (this.connections.size >= maxConnections) {
        socket.end(errorResponse('53300', 'sorry, too many clients already', 'FATAL'))
        return
      }
      socket.setNoDelay(true)
      const connection = new Connection(
        socket,
        { turn: this.turn, backend: this.backend, idleHoldingTurnMs: idle },
        (closed) => this.connections.delete(closed),
      )
      this.connections.add(connection)
    })
    this.server = server
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      const listening = () => {
        server.off('error', reject)
        resolve()
      }
      if ('path' in this.options.listen) server.listen(this.options.listen.path, listening)
      else server.listen(this.options.listen.port, this.options.listen.host, listening)
    })
    const address = server.address()
    return typeof address === 'object' && address ? address.port : undefined
  }

  /** Stops listening and ends every connection, rolling back what any left open. */
  async stop(): Promise<void> {
    const server = this.server
    this.server = null
    if (!server) return
    const closing = new Promise<void>((resolve) => server.close(() => resolve()))
    await Promise.all([...this.connections].map((connection) => connection.close()))
    await closing
  }
}
