import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { ConfigError } from '../core/errors.js';
import type { Backend, FastPath } from './backend.js';
import { MIGRATIONS } from './migrations/index.js';
import { Mutex } from './mutex.js';
import { openPostgres, postgresFastPath } from './postgres.js';
import { BacktestRepo } from './repos/backtests.js';
import { CandleRepo } from './repos/candles.js';
import { MacroRepo } from './repos/macro.js';
import { MarketRepo } from './repos/market.js';
import { OpsRepo } from './repos/ops.js';
import { SecurityRepo } from './repos/security.js';
import { PriceRepo } from './repos/prices.js';
import { PaperRepo } from './repos/paper.js';
import { SignalRepo } from './repos/signals.js';
import type { DB, Dialect } from './schema.js';
import { openSqlite } from './sqlite.js';

/**
 * The Store port: every module reads and writes through it, never through a driver. Two adapters (SQLite,
 * PostgreSQL) share the query layer (Kysely), the repositories and the migrations; each brings its own bulk paths.
 */
export class Store implements Backend {
  readonly candles: CandleRepo;
  readonly macro: MacroRepo;
  readonly market: MarketRepo;
  readonly signals: SignalRepo;
  readonly ops: OpsRepo;
  readonly security: SecurityRepo;
  readonly backtests: BacktestRepo;
  readonly prices: PriceRepo;
  readonly paper: PaperRepo;

  constructor(
    readonly dialect: Dialect,
    readonly db: Kysely<DB>,
    readonly fast: FastPath,
    private readonly lock: Mutex | undefined,
    private readonly closer: () => Promise<void>,
    /** The database location with any password masked, for messages. */
    readonly description: string,
    /** The SQLite file, when the adapter is SQLite on a file. */
    readonly file?: string,
    /** SQLite: the bulk paths without the lock, used inside a transaction (which already holds it). */
    private readonly unlockedFast?: FastPath,
  ) {
    this.candles = new CandleRepo(this);
    this.macro = new MacroRepo(this);
    this.market = new MarketRepo(this);
    this.signals = new SignalRepo(this);
    this.ops = new OpsRepo(this);
    this.security = new SecurityRepo(this);
    this.backtests = new BacktestRepo(this);
    this.prices = new PriceRepo(this);
    this.paper = new PaperRepo(this);
  }

  get inTransaction(): boolean {
    return this.db.isTransaction;
  }

  /** Runs fn in one database transaction; everything done through `tx` commits or rolls back together. */
  async transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
    if (this.db.isTransaction) return fn(this);
    const run = () =>
      this.db.transaction().execute(async (trx) => {
        const fast = this.dialect === 'postgres' ? postgresFastPath(trx) : (this.unlockedFast ?? this.fast);
        return fn(new Store(this.dialect, trx, fast, undefined, async () => {}, this.description, this.file));
      });
    return this.lock ? this.lock.run(run) : run();
  }

  /** Applies pending migrations; returns the names applied. */
  async migrate(): Promise<string[]> {
    await sql`CREATE TABLE IF NOT EXISTS mts_migrations (name text PRIMARY KEY, applied_at bigint NOT NULL)`.execute(this.db);
    const done = new Set((await sql<{ name: string }>`SELECT name FROM mts_migrations`.execute(this.db)).rows.map((r) => r.name));
    const applied: string[] = [];
    for (const m of MIGRATIONS) {
      if (done.has(m.name)) continue;
      await this.db.transaction().execute(async (trx) => {
        await m.up(trx, this.dialect);
        await sql`INSERT INTO mts_migrations (name, applied_at) VALUES (${m.name}, ${Date.now()})`.execute(trx);
      });
      applied.push(m.name);
    }
    return applied;
  }

  /** Checks the database answers and accepts a write. */
  async ping(): Promise<void> {
    await this.ops.setKv('health.ping', Date.now());
  }

  async close(): Promise<void> {
    await this.closer();
  }
}

function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

/** Opens the store named by a `sqlite:<path>` or `postgres://…` URL and applies migrations. */
export async function openStore(url: string, opts: { migrate?: boolean } = {}): Promise<Store> {
  let store: Store;
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length) || ':memory:';
    const h = openSqlite(file);
    const lock = new Mutex();
    // Bulk paths take the store lock so they never interleave with an open transaction from another task.
    const fast: FastPath = {
      upsertCandles: (id, cols) => lock.run(() => h.fast.upsertCandles(id, cols)),
      readCandles: (ids, from, to, limit) => h.fast.readCandles(ids, from, to, limit),
    };
    store = new Store('sqlite', h.db, fast, lock, () => h.db.destroy(), `sqlite:${file}`, file === ':memory:' ? undefined : file, h.fast);
  } else if (/^postgres(ql)?:\/\//.test(url)) {
    const h = await openPostgres(url);
    store = new Store('postgres', h.db, h.fast, undefined, () => h.db.destroy(), maskUrl(url));
  } else {
    throw new ConfigError('E_DB_URL', `dbUrl "${maskUrl(url)}": use sqlite:<path> or postgres://user@host:port/db`);
  }
  if (opts.migrate !== false) await store.migrate();
  return store;
}
