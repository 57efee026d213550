import type { Backend } from '../backend.js';
import type { BacktestTradesTable } from '../schema.js';

/** A run's life: `running` from start, then `finished` (document, trades and equity all written) or `failed`. */
export type BacktestStatus = 'running' | 'finished' | 'failed';

export interface BacktestRunMeta {
  id: string;
  strategy: string;
  params: Record<string, unknown>;
  symbols: string[];
  timeframe: string;
  from: number | null;
  to: number | null;
}

/** A trade row as stored (the result document's trade, snake_case). */
export type StoredTrade = Omit<BacktestTradesTable, 'run_id' | 'seq'>;

/** What `finish` stores: the document's bytes plus the rows of its trades and equity curve. */
export interface FinishedRun {
  metrics: unknown;
  document: string;
  trades: readonly StoredTrade[];
  equity: readonly (readonly [number, number])[];
}

export interface BacktestRunRow extends BacktestRunMeta {
  createdAt: number;
  status: BacktestStatus;
  error: string | null;
  metrics: unknown;
}

type Transactional = Backend & { transaction<T>(fn: (tx: Backend) => Promise<T>): Promise<T> };

const BATCH = 500;

/** Backtest runs with their trades and equity. A run reads as finished only once all of it is written. */
export class BacktestRepo {
  constructor(private readonly backend: Transactional) {}

  /** Records a run as started (replacing an earlier run with the same id: ids are derived from the inputs). */
  async start(meta: BacktestRunMeta, now: number): Promise<void> {
    await this.backend.transaction(async (tx) => {
      await tx.db.deleteFrom('backtest_trades').where('run_id', '=', meta.id).execute();
      await tx.db.deleteFrom('backtest_equity').where('run_id', '=', meta.id).execute();
      await tx.db.deleteFrom('backtest_runs').where('id', '=', meta.id).execute();
      await tx.db
        .insertInto('backtest_runs')
        .values({
          id: meta.id,
          created_at: now,
          strategy: meta.strategy,
          params: JSON.stringify(meta.params),
          symbols: JSON.stringify(meta.symbols),
          timeframe: meta.timeframe,
          from_ts: meta.from,
          to_ts: meta.to,
          status: 'running',
          metrics: null,
          document: null,
          error: null,
        })
        .execute();
    });
  }

  /** Writes the trades, the equity and the document, and marks the run finished, in one transaction. */
  async finish(id: string, run: FinishedRun): Promise<void> {
    await this.backend.transaction(async (tx) => {
      for (let i = 0; i < run.trades.length; i += BATCH) {
        await tx.db
          .insertInto('backtest_trades')
          .values(run.trades.slice(i, i + BATCH).map((t, j) => ({ run_id: id, seq: i + j, ...t })))
          .execute();
      }
      for (let i = 0; i < run.equity.length; i += BATCH) {
        await tx.db
          .insertInto('backtest_equity')
          .values(run.equity.slice(i, i + BATCH).map(([ts, equity]) => ({ run_id: id, ts, equity })))
          .execute();
      }
      const r = await tx.db
        .updateTable('backtest_runs')
        .set({ status: 'finished', metrics: JSON.stringify(run.metrics), document: run.document, error: null })
        .where('id', '=', id)
        .where('status', '=', 'running')
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) throw new Error(`backtest run ${id} is not running; nothing stored as finished`);
    });
  }

  /** Marks a run failed with its error; any rows written for it are removed. */
  async fail(id: string, error: string): Promise<void> {
    await this.backend.transaction(async (tx) => {
      await tx.db.deleteFrom('backtest_trades').where('run_id', '=', id).execute();
      await tx.db.deleteFrom('backtest_equity').where('run_id', '=', id).execute();
      await tx.db.updateTable('backtest_runs').set({ status: 'failed', error, metrics: null, document: null }).where('id', '=', id).execute();
    });
  }

  async get(id: string): Promise<BacktestRunRow | undefined> {
    const r = await this.backend.db.selectFrom('backtest_runs').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toRow(r) : undefined;
  }

  /** The stored document (exact bytes) of a finished run. */
  async document(id: string): Promise<string | undefined> {
    const r = await this.backend.db.selectFrom('backtest_runs').select(['document', 'status']).where('id', '=', id).executeTakeFirst();
    return r && r.status === 'finished' && r.document !== null ? r.document : undefined;
  }

  async list(opts: { limit?: number; status?: BacktestStatus } = {}): Promise<BacktestRunRow[]> {
    let q = this.backend.db.selectFrom('backtest_runs').selectAll();
    if (opts.status) q = q.where('status', '=', opts.status);
    const rows = await q.orderBy('created_at', 'desc').orderBy('id').limit(opts.limit ?? 50).execute();
    return rows.map(toRow);
  }

  async trades(id: string): Promise<StoredTrade[]> {
    const rows = await this.backend.db.selectFrom('backtest_trades').selectAll().where('run_id', '=', id).orderBy('seq').execute();
    return rows.map((r) => ({
      symbol: r.symbol,
      side: r.side,
      entry_ts: Number(r.entry_ts),
      entry_price: r.entry_price,
      exit_ts: r.exit_ts === null ? null : Number(r.exit_ts),
      exit_price: r.exit_price,
      quantity: r.quantity,
      pnl: r.pnl,
      fees: r.fees,
      exit_reason: r.exit_reason,
    }));
  }

  async equity(id: string): Promise<[number, number][]> {
    const rows = await this.backend.db.selectFrom('backtest_equity').select(['ts', 'equity']).where('run_id', '=', id).orderBy('ts').execute();
    return rows.map((r) => [Number(r.ts), r.equity]);
  }
}

function toRow(r: { id: string; created_at: number; strategy: string; params: string; symbols: string; timeframe: string; from_ts: number | null; to_ts: number | null; status: string; metrics: string | null; error: string | null }): BacktestRunRow {
  return {
    id: r.id,
    createdAt: Number(r.created_at),
    strategy: r.strategy,
    params: JSON.parse(r.params),
    symbols: JSON.parse(r.symbols),
    timeframe: r.timeframe,
    from: r.from_ts === null ? null : Number(r.from_ts),
    to: r.to_ts === null ? null : Number(r.to_ts),
    status: r.status as BacktestStatus,
    error: r.error,
    metrics: r.metrics === null ? null : JSON.parse(r.metrics),
  };
}
