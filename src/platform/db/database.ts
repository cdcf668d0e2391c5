import { AsyncLocalStorage } from 'node:async_hooks'
import pg from 'pg'
import type { Clock } from '../clock.ts'

// Dates stay as 'YYYY-MM-DD' strings: a calendar date has no time zone to shift it.
pg.types.setTypeParser(1082, (value) => value)
// Counts and sums come back as bigint; every figure Cascade keeps fits a JavaScript number.
pg.types.setTypeParser(20, (value) => Number(value))

/** The role every application query runs as: neither superuser nor table owner, so row-level security binds it. */
export const APPLICATION_ROLE = 'cascade_app'

export type ConnectionTarget = pg.ClientConfig

export type Row = Record<string, unknown>

/** One transaction's handle. Every query Cascade runs goes through one of these. */
export type Sql = {
  query<R = Row>(text: string, values?: readonly unknown[]): Promise<R[]>
  /** The only row; throws when there is none. */
  one<R = Row>(text: string, values?: readonly unknown[]): Promise<R>
  maybeOne<R = Row>(text: string, values?: readonly unknown[]): Promise<R | undefined>
  /** Names what the user is doing, for the audit events this transaction writes (e.g. 'policy.update'). */
  auditAs(action: string): Promise<void>
  /**
   * A statement whose result the transaction need not wait for (writing the emails a change
   * sends): it is sent now and goes with the COMMIT, and the transaction commits only if it
   * succeeds.
   */
  later(text: string, values: readonly unknown[]): void
  /**
   * Sends the COMMIT now, in the same write as the statements just sent, rather than once the
   * transaction's work returns: for its last statements, when nothing after them depends on
   * what they answer (a new application with its emails). The transaction still fails, and
   * commits nothing, if one of them fails; work that fails after it no longer undoes them. A
   * statement sent after it is refused.
   */
  commitNow(): void
}

export type TenantScope = {
  partnershipId: string
  userId: string | null
  requestId?: string
  /** Who acted when there is no user: 'cli', 'job:…', 'demo-seed'. */
  actor?: string
  /**
   * What the transaction does, when it is known before it starts: named with the scope it
   * costs no round trip of its own (as Sql.auditAs does).
   */
  action?: string
  /**
   * Every statement of the transaction keeps one plan, whatever its values: for work whose
   * statements find rows by ids given as arrays (`= ANY($1)`, `unnest($1)`). PostgreSQL costs
   * a kept plan for an array as if it held ten elements, judges it dearer than a plan made for
   * the one or two given, and so plans such a statement afresh every time, often for longer
   * than it runs. Set with the scope, so it costs no statement of its own.
   */
  keepPlans?: boolean
}

export type AnonymousScope = {
  userId?: string | null
  requestId?: string
  actor?: string
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value)
}

function literal(value: string | null | undefined, pattern: RegExp): string {
  if (value === null || value === undefined) return "''"
  if (!pattern.test(value)) throw new Error('Refusing to put an unexpected value into a scope setting')
  return `'${value}'`
}

const SAFE_LABEL = /^[A-Za-z0-9:._@-]{1,120}$/

// Which transaction, if any, the current async call chain is inside.
const insideTransaction = new AsyncLocalStorage<true>()

/**
 * Names for the statements a PostgreSQL server keeps prepared on each connection, by their
 * text. Cascade's statements are written in its code, so there are a few hundred; the cap
 * keeps a statement built from varying text (a list of placeholders) from growing it for ever.
 */
const statementNames = new Map<string, string | null>()
const MOST_STATEMENTS = 2_000

/**
 * A statement whose filters are optional (`$2::uuid IS NULL OR …`) is planned for its values
 * every time: the one plan PostgreSQL keeps for a prepared statement after five runs must
 * serve every combination, and for the catalogue's reads seven times as much. Other
 * statements are best written so that PostgreSQL keeps one plan: where it judges that plan
 * dearer than planning afresh for the values, it plans every run, which on a busy path costs
 * more than the statement (see evaluation's stageForms).
 */
const OPTIONAL_FILTER = /\$\d+(::[a-z_[\]]+)?\s+IS\s+(NOT\s+)?NULL/i

function statementName(text: string): string | undefined {
  // A statement's name, or null when it is planned every time, is worked out once per text:
  // the test for optional filters costs more than the lookup.
  const known = statementNames.get(text)
  if (known !== undefined) return known ?? undefined
  if (statementNames.size >= MOST_STATEMENTS) return undefined
  const name = OPTIONAL_FILTER.test(text) ? null : `cascade_${statementNames.size}`
  statementNames.set(text, name)
  return name ?? undefined
}

/** The socket under a `pg` client, to gather what is written to it. */
function socketOf(client: pg.PoolClient): { cork(): void; uncork(): void } {
  return (client as unknown as { connection: { stream: { cork(): void; uncork(): void } } }).connection.stream
}

/**
 * Sends a statement on the client, in order after those sent before it. On a PostgreSQL
 * server the client pipelines: statements issued together (before the process next waits
 * for anything) are written to the socket in one go and answered in order, so reads that do
 * not depend on each other cost one round trip between them, and a transaction's first
 * statement goes with its BEGIN. A write to a socket is costly on virtual machines: on some,
 * the greater part of a busy server's time. The embedded database answers one statement at a
 * time, so there each waits for the one before.
 */
function sender(client: pg.PoolClient, pipeline: boolean) {
  if (pipeline) {
    const socket = socketOf(client)
    let gathering = false
    return (config: pg.QueryConfig | string, values?: unknown[]) => {
      if (!gathering) {
        gathering = true
        socket.cork()
        process.nextTick(() => {
          gathering = false
          socket.uncork()
        })
      }
      return client.query(config as pg.QueryConfig, values)
    }
  }
  let previous: Promise<unknown> = Promise.resolve()
  return (config: pg.QueryConfig | string, values?: unknown[]) => {
    const sent = previous.then(() => client.query(config as pg.QueryConfig, values))
    previous = sent.catch(() => {})
    return sent
  }
}

/**
 * A connection taken from the pool for a piece of work. While it is out, the pool no longer
 * listens for its errors, so a server that ended it between statements (restarted, failed
 * over, or told by an administrator to end it) raised an 'error' no one heard, and that ended
 * the process with every request it was answering. The error is kept here instead, the work
 * learns of it from its next statement, and the connection goes back to be thrown away rather
 * than lent again.
 */
async function checkOut(pool: pg.Pool) {
  const client = await pool.connect()
  let broken: Error | undefined
  const onError = (error: Error) => {
    broken ??= error
  }
  client.on('error', onError)
  return {
    client,
    /** Marks the connection unfit to lend again (its state is unknown). */
    discard(error: unknown) {
      broken ??= error instanceof Error ? error : new Error(String(error))
    },
    giveBack() {
      client.off('error', onError)
      client.release(broken)
    },
  }
}

/**
 * The value of a read sent along with others (`Promise.allSettled`), or its failure: the
 * reads are judged in the order the caller takes them, as if made one after another.
 */
export function readOf<T>(read: PromiseSettledResult<T>): T {
  if (read.status === 'rejected') throw read.reason
  return read.value
}

/** What a transaction's Sql has sent: how many statements, and whether its COMMIT has gone. */
type Sent = { count: number; ended: boolean }

function wrap(
  send: ReturnType<typeof sender>,
  prepare: boolean,
  pending: Promise<unknown>[] = [],
  state: Sent = { count: 0, ended: false },
  commit: () => void = () => {
    throw new Error('A single statement has no transaction to commit')
  },
): Sql {
  // A prepared statement is parsed and planned once per connection rather than on every run:
  // on the busiest paths that is most of the database's work.
  const query = async <R>(text: string, values?: readonly unknown[]) => {
    if (state.ended) throw new Error('A statement was sent after its transaction’s COMMIT')
    state.count++
    const name = prepare && values ? statementName(text) : undefined
    const result = name
      ? await send({ name, text, values: values as unknown[] })
      : await send(text, values as unknown[] | undefined)
    return result.rows as R[]
  }
  return {
    query,
    async one<R>(text: string, values?: readonly unknown[]) {
      const rows = await query<R>(text, values)
      if (rows.length !== 1) throw new Error(`Expected one row, got ${rows.length}`)
      return rows[0] as R
    },
    async maybeOne<R>(text: string, values?: readonly unknown[]) {
      const rows = await query<R>(text, values)
      return rows[0]
    },
    async auditAs(action: string) {
      await query("SELECT set_config('cascade.action', $1, true)", [action])
    },
    later(text: string, values: readonly unknown[]) {
      const written = query(text, values)
      // Its failure is the transaction's, reported when it ends.
      written.catch(() => {})
      pending.push(written)
    },
    commitNow: commit,
  }
}

/**
 * The database, reachable only through scopes. A tenant scope is a transaction running as
 * the application role with the partnership set, so row-level security returns that
 * partnership's rows and nothing else; forgetting the partnership returns nothing at all.
 * The scope settings go in with BEGIN in one round trip, and are transaction-local because
 * the embedded database shares one session between all its connections.
 */
const UNIQUE_VIOLATION = '23505'

/** True when a write failed on a unique index: the record would have duplicated another. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === UNIQUE_VIOLATION
}

export class Database {
  readonly pool: pg.Pool
  private readonly ownerPool: pg.Pool
  private readonly clock: Clock
  private readonly server: boolean

  constructor(options: {
    target: ConnectionTarget
    ownerTarget?: ConnectionTarget
    poolSize: number
    clock: Clock
    /**
     * A PostgreSQL server: statements are kept prepared on each connection, and pipelined (see
     * `sender`). Not for the embedded database, which shares one session between its
     * connections (a second connection preparing the same name would collide with the first)
     * and answers one statement at a time.
     */
    server?: boolean
  }) {
    this.clock = options.clock
    this.server = options.server ?? false
    // JIT compiling is off for the service's connections: its reports' plans look costly but
    // run in milliseconds, and compiling them took over a second of a year's report on the
    // large partnership, for nothing.
    const server = this.server
      ? { pipeline: true, options: [options.target.options, '-c jit=off'].filter(Boolean).join(' ') }
      : {}
    this.pool = new pg.Pool({
      ...options.target,
      max: options.poolSize,
      idleTimeoutMillis: 30_000,
      ...server,
    })
    this.ownerPool = options.ownerTarget
      ? new pg.Pool({ ...options.ownerTarget, max: 4, idleTimeoutMillis: 30_000, ...server })
      : this.pool
    // An idle client that errors (the server went away) must not crash the process.
    this.pool.on('error', () => {})
    this.ownerPool.on('error', () => {})
  }

  /** Runs `fn` in one transaction scoped to a partnership. */
  tenant<T>(scope: TenantScope, fn: (sql: Sql) => Promise<T>): Promise<T> {
    return this.scoped(scope, fn, false)
  }

  /**
   * A read scoped as `tenant`, whose statements are all sent at once (one, or several with
   * `Promise.all`): its BEGIN, its statements and its COMMIT go to the server in one write,
   * where a transaction otherwise takes another for its COMMIT. Reading commits nothing, so
   * nothing waits on the COMMIT; a statement sent after it is refused, never run outside the
   * transaction.
   */
  read<T>(scope: TenantScope, fn: (sql: Sql) => Promise<T>): Promise<T> {
    return this.scoped(scope, fn, true)
  }

  private scoped<T>(scope: TenantScope, fn: (sql: Sql) => Promise<T>, sentAtOnce: boolean): Promise<T> {
    if (!isUuid(scope.partnershipId)) throw new Error('A tenant scope needs a partnership id')
    return this.run(
      this.pool,
      this.preamble(
        scope.partnershipId,
        scope.userId,
        scope.requestId,
        scope.actor,
        scope.action,
        scope.keepPlans,
      ),
      fn,
      sentAtOnce,
    )
  }

  /** Runs `fn` as the application role with no partnership: only global tables (and the user's own memberships) are visible. */
  anonymous<T>(scope: AnonymousScope, fn: (sql: Sql) => Promise<T>): Promise<T> {
    return this.run(this.pool, this.preamble(null, scope.userId ?? null, scope.requestId, scope.actor), fn)
  }

  /**
   * Runs `fn` as the owner, above row-level security. Only platform machinery uses this:
   * migrations, the job queue, the mail sender, creating partnerships from the command line.
   */
  platform<T>(fn: (sql: Sql) => Promise<T>): Promise<T> {
    const now = this.clock.now().toISOString()
    return this.run(this.ownerPool, `BEGIN; SELECT set_config('cascade.now', '${now}', true)`, fn)
  }

  /**
   * One statement as the owner, in a transaction of its own: on a PostgreSQL server a single
   * round trip, for the lookups that start every request. It sets no clock; a function it
   * calls that writes must set one itself. The embedded database shares one session between
   * its connections, so there a statement outside a transaction could run between another's
   * messages: it goes in a transaction like everything else.
   */
  async platformStatement<R = Row>(text: string, values: readonly unknown[]): Promise<R[]> {
    if (!this.server) return this.platform((sql) => sql.query<R>(text, values))
    if (insideTransaction.getStore())
      throw new Error('A statement was run inside a transaction: pass the transaction’s Sql along')
    const out = await checkOut(this.ownerPool)
    try {
      return await wrap(sender(out.client, true), true).query<R>(text, values)
    } finally {
      out.giveBack()
    }
  }

  /**
   * Refreshes the planner's statistics for tables just loaded in bulk, so the next search
   * plans for 100,000 rows rather than none. PostgreSQL's autovacuum would get there within
   * minutes; the embedded database has none.
   */
  async refreshStatistics(tables: readonly string[]): Promise<void> {
    for (const table of tables) {
      if (!/^[a-z_]+$/.test(table)) throw new Error(`Not a table name: ${table}`)
      // Outside a transaction, as VACUUM must be: it also marks pages all-visible, so a count
      // can read the index alone.
      await this.ownerPool.query(`VACUUM (ANALYZE) ${table}`)
    }
  }

  get ownerConnection(): pg.Pool {
    return this.ownerPool
  }

  private preamble(
    partnershipId: string | null,
    userId: string | null,
    requestId?: string,
    actor?: string,
    action?: string,
    keepPlans = false,
  ): string {
    const now = this.clock.now().toISOString()
    const plans = keepPlans ? `,\n        set_config('plan_cache_mode', 'force_generic_plan', true)` : ''
    return [
      'BEGIN',
      `SET LOCAL ROLE ${APPLICATION_ROLE}`,
      `SELECT set_config('cascade.partnership_id', ${literal(partnershipId, UUID)}, true),
        set_config('cascade.user_id', ${literal(userId, UUID)}, true),
        set_config('cascade.request_id', ${literal(requestId, SAFE_LABEL)}, true),
        set_config('cascade.actor', ${literal(actor, SAFE_LABEL)}, true),
        set_config('cascade.action', ${literal(action, SAFE_LABEL)}, true),
        set_config('cascade.now', '${now}', true)${plans}`,
    ].join(';\n')
  }

  private async run<T>(
    pool: pg.Pool,
    begin: string,
    fn: (sql: Sql) => Promise<T>,
    sentAtOnce = false,
  ): Promise<T> {
    // The embedded database runs one transaction at a time: a second one opened while the
    // first waits for it would wait forever. Refuse it everywhere, so it fails in tests at once.
    if (insideTransaction.getStore()) {
      throw new Error(
        'A transaction was opened inside another: read what it needs before, or pass its Sql along',
      )
    }
    return insideTransaction.run(true, () => this.transaction(pool, begin, fn, sentAtOnce))
  }

  private async transaction<T>(
    pool: pg.Pool,
    begin: string,
    fn: (sql: Sql) => Promise<T>,
    sentAtOnce: boolean,
  ): Promise<T> {
    const out = await checkOut(pool)
    const send = sender(out.client, this.server)
    try {
      // Not awaited: the first statement of `fn` follows BEGIN on the wire. Were BEGIN itself
      // refused, that statement would have run alone; BEGIN cannot fail once it parses, and
      // it is written here, so a mistake in it fails every transaction at once. A failure
      // after it (setting the role, say) leaves the transaction aborted, so everything
      // that follows fails too and nothing is committed.
      const began = send(begin)
      began.catch(() => {})
      const pending: Promise<unknown>[] = []
      const sent: Sent = { count: 0, ended: false }
      let committing: Promise<unknown> | undefined
      const commit = () => {
        if (committing) return committing
        sent.ended = true
        committing = send('COMMIT')
        committing.catch(() => {})
        return committing
      }
      const running = fn(wrap(send, this.server, pending, sent, commit))
      // A read that sent every statement at once has its COMMIT follow them in the same write,
      // as does work that asked for it (`commitNow`); otherwise COMMIT goes when the work is
      // done, with any statements left for later. Were one of those to fail, the transaction
      // is already aborted and COMMIT ends it without writing anything.
      if (sentAtOnce && sent.count > 0) commit()
      const result = await running
      await began
      const committed = commit()
      await Promise.all(pending)
      await committed
      return result
    } catch (error) {
      // A connection that cannot roll back is in no state to be lent again.
      await send('ROLLBACK').catch(out.discard)
      throw error
    } finally {
      out.giveBack()
    }
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1')
  }

  async close(): Promise<void> {
    await this.pool.end()
    if (this.ownerPool !== this.pool) await this.ownerPool.end()
  }
}

/** Turns a postgres:// URL into a `pg` connection target. */
export function targetFromUrl(url: string): ConnectionTarget {
  return { connectionString: url }
}
