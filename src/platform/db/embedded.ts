import { existsSync, mkdirSync, unlinkSync } from 'node:fs'
import { connect } from 'node:net'
import { join, resolve } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import type { ConnectionTarget } from './database.ts'
import { EmbeddedServer } from './embedded-server.ts'

/** How many `pg` connections the embedded server admits; PGlite still runs one transaction at a time. */
const MAX_CONNECTIONS = 64
const SOCKET_PORT = 5432

export type EmbeddedDatabase = {
  target: ConnectionTarget
  /** True when this process opened PGlite; false when it reached another process's server. */
  owned: boolean
  /** The whole database as a tarball (in-memory databases only), to start others from. */
  dump?: () => Promise<Blob>
  close(): Promise<void>
}

function socketReachable(path: string): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(path)
    socket.once('connect', () => {
      socket.destroy()
      done(true)
    })
    socket.once('error', () => done(false))
  })
}

/**
 * Opens the embedded PostgreSQL (PGlite) kept in `dataDir` and serves it on a Unix socket in
 * that folder, so the ordinary `pg` driver, pg-boss and the `cascade` command line all reach
 * it the same way. PGlite admits one process: when another process (a running server)
 * already serves the folder, this returns that server's socket instead of opening it twice.
 * `dataDir: null` makes a throwaway in-memory database on a loopback port, for tests,
 * optionally started from another's dump (much faster than creating one).
 */
export async function openEmbedded(
  dataDir: string | null,
  options: { from?: Blob } = {},
): Promise<EmbeddedDatabase> {
  if (dataDir === null) {
    const db = await PGlite.create(options.from ? { loadDataDir: options.from } : {})
    const server = new EmbeddedServer({
      db,
      listen: { host: '127.0.0.1', port: 0 },
      maxConnections: MAX_CONNECTIONS,
    })
    const port = await server.start()
    return {
      target: { host: '127.0.0.1', port, user: 'postgres', database: 'postgres' },
      owned: true,
      dump: () => db.dumpDataDir('none'),
      close: async () => {
        await server.stop()
        await db.close()
      },
    }
  }

  const folder = resolve(dataDir)
  mkdirSync(folder, { recursive: true })
  const socketPath = join(folder, `.s.PGSQL.${SOCKET_PORT}`)
  const target: ConnectionTarget = { host: folder, port: SOCKET_PORT, user: 'postgres', database: 'postgres' }
  if (socketPath.length > 100) {
    throw new Error(`CASCADE_DATA_DIR is too long a path for a Unix socket (${folder}); choose a shorter one`)
  }
  if (existsSync(socketPath)) {
    if (await socketReachable(socketPath)) return { target, owned: false, close: async () => {} }
    // A socket left by a process that stopped without cleaning up.
    unlinkSync(socketPath)
  }

  const db = await PGlite.create(join(folder, 'pgdata'))
  const server = new EmbeddedServer({ db, listen: { path: socketPath }, maxConnections: MAX_CONNECTIONS })
  await server.start()
  return {
    target,
    owned: true,
    close: async () => {
      await server.stop()
      await db.close()
      if (existsSync(socketPath)) unlinkSync(socketPath)
    },
  }
}
