/**
 * Read-only queries for the monitoring server over tables whose owners (backtests, paper trading, API-call
 * accounting, deliveries) write through their own repositories. Nothing here writes.
 */
import type { Timeframe } from '../../core/time.js';
import type { Backend } from '../backend.js';
import type { BacktestRunsTable, PaperPositionsTable } from '../schema.js';
import { candlesFromColumns } from './candles.js';
import type { Candle } from '../../core/types.js';
import type { CandleRepo } from './candles.js';

export interface Page<T> {
  items: T[];
  total: number;
}

export interface PageWindow {
  limit: number;
  offset: number;
}

export interface BacktestRunRow {
  id: string;
  created_at: number;
  strategy: string;
  params: Record<string, unknown>;
  symbols: string[];
  timeframe: string;
  from: number | null;
  to: number | null;
  status: string;
  metrics: Record<string, unknown> | null;
  error: string | null;
}

export interface PaperAccountRow {
  cash: number;
  initial_cash: number;
  realized_pnl: number;
  fees: number;
  updated_at: number;
}

/** An open paper position as stored. */
export type PaperPositionRow = PaperPositionsTable;

export interface SourceActivity {
  source: string;
  lastSuccess: number | null;
  lastError: { ts: number; status: number; endpoint: string; error: string | null } | null;
}

export interface ChannelActivity {
  channel: string;
  lastTs: number;
  status: string;
  attempts: number;
  lastError: string | null;
  lastSent: number | null;
}

const num = (v: unknown): number => Number(v);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function parseJson<T>(text: string | null, fallback: T): T {
  if (text === null) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

export class DashboardRepo {
  constructor(
    private readonly backend: Backend,
    private readonly candles: CandleRepo,
  ) {}

  /**
   * A page of candles of one symbol/timeframe, newest first unless `order` is asc. One stored series is paged in
   * SQL; several sources for the same market are merged by the candle repository's priority, then paged.
   */
  async candlePage(q: {
    symbol: string;
    timeframe: Timeframe;
    source?: string;
    from?: number;
    to?: number;
    order: 'asc' | 'desc';
  } & PageWindow): Promise<Page<Candle & { source?: string }>> {
    const db = this.backend.db;
    let sq = db.selectFrom('candle_series').select(['id', 'source']).where('symbol', '=', q.symbol).where('timeframe', '=', q.timeframe);
    if (q.source) sq = sq.where('source', '=', q.source);
    const series = await sq.execute();
    if (series.length === 0) return { items: [], total: 0 };
    if (series.length > 1) {
      const cols = await this.candles.read({ symbol: q.symbol, timeframe: q.timeframe, source: q.source, from: q.from, to: q.to });
      const all = candlesFromColumns(cols);
      if (q.order === 'desc') all.reverse();
      return { items: all.slice(q.offset, q.offset + q.limit), total: all.length };
    }
    let base = db.selectFrom('candles').where('series_id', '=', series[0].id);
    if (q.from !== undefined) base = base.where('ts', '>=', q.from);
    if (q.to !== undefined) base = base.where('ts', '<=', q.to);
    const total = num((await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst())?.n ?? 0);
    if (q.offset >= total) return { total, items: [] };
    // Find the page's time bounds through the (series_id, ts) index, then read it with the adapter's column path.
    const edge = async (skip: number) =>
      num((await base.select('ts').orderBy('ts', q.order).limit(1).offset(skip).executeTakeFirst())?.ts);
    const first = await edge(q.offset);
    const last = await edge(Math.min(q.offset + q.limit, total) - 1);
    const cols = await this.backend.fast.readCandles([series[0].id], Math.min(first, last), Math.max(first, last));
    const items = candlesFromColumns(cols);
    if (q.order === 'desc') items.reverse();
    return { total, items };
  }

  /** The newest candle open time of every stored series, one index probe per series. */
  async latestCandleTimes(): Promise<{ source: string; symbol: string; timeframe: string; last: number | null }[]> {
    const rows = await this.backend.db
      .selectFrom('candle_series as s')
      .select((eb) => [
        's.source',
        's.symbol',
        's.timeframe',
        eb.selectFrom('candles as c').select((e) => e.fn.max('c.ts').as('m')).whereRef('c.series_id', '=', 's.id').as('last'),
      ])
      .execute();
    return rows.map((r) => ({ source: r.source, symbol: r.symbol, timeframe: r.timeframe, last: numOrNull(r.last) }));
  }

  /** Macro observations, newest first, optionally of one series and a date range. */
  async macroPage(q: { series?: string; from?: number; to?: number } & PageWindow): Promise<Page<{ series: string; date: number; value: number | null; source: string }>> {
    let base = this.backend.db.selectFrom('macro_observations');
    if (q.series) base = base.where('series', '=', q.series);
    if (q.from !== undefined) base = base.where('date', '>=', q.from);
    if (q.to !== undefined) base = base.where('date', '<=', q.to);
    const total = num((await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst())?.n ?? 0);
    const rows = await base.selectAll().orderBy('date', 'desc').orderBy('series').limit(q.limit).offset(q.offset).execute();
    return { total, items: rows.map((r) => ({ series: r.series, date: num(r.date), value: numOrNull(r.value), source: r.source })) };
  }

  async backtestRuns(q: { strategy?: string; symbol?: string; timeframe?: string } & PageWindow): Promise<Page<BacktestRunRow>> {
    let base = this.backend.db.selectFrom('backtest_runs');
    if (q.strategy) base = base.where('strategy', '=', q.strategy);
    if (q.timeframe) base = base.where('timeframe', '=', q.timeframe);
    // symbols is a JSON array of strings; a quoted match finds the exact symbol.
    if (q.symbol) base = base.where('symbols', 'like', `%${JSON.stringify(q.symbol)}%`);
    const total = num((await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst())?.n ?? 0);
    const rows = await base
      .select(['id', 'created_at', 'strategy', 'params', 'symbols', 'timeframe', 'from_ts', 'to_ts', 'status', 'metrics', 'error'])
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .limit(q.limit)
      .offset(q.offset)
      .execute();
    return { total, items: rows.map(toRun) };
  }

  async backtestRun(id: string): Promise<BacktestRunRow | undefined> {
    const r = await this.backend.db
      .selectFrom('backtest_runs')
      .select(['id', 'created_at', 'strategy', 'params', 'symbols', 'timeframe', 'from_ts', 'to_ts', 'status', 'metrics', 'error'])
      .where('id', '=', id)
      .executeTakeFirst();
    return r ? toRun(r) : undefined;
  }

  async backtestTrades(runId: string, limit: number) {
    const rows = await this.backend.db.selectFrom('backtest_trades').selectAll().where('run_id', '=', runId).orderBy('seq').limit(limit).execute();
    return rows.map((r) => ({
      symbol: r.symbol,
      side: r.side,
      entry_ts: num(r.entry_ts),
      entry_price: num(r.entry_price),
      exit_ts: numOrNull(r.exit_ts),
      exit_price: numOrNull(r.exit_price),
      quantity: num(r.quantity),
      pnl: numOrNull(r.pnl),
      fees: num(r.fees),
      exit_reason: r.exit_reason,
    }));
  }

  async backtestTradeCount(runId: string): Promise<number> {
    const r = await this.backend.db.selectFrom('backtest_trades').select((eb) => eb.fn.countAll<number>().as('n')).where('run_id', '=', runId).executeTakeFirst();
    return num(r?.n ?? 0);
  }

  async backtestEquity(runId: string): Promise<[number, number][]> {
    const rows = await this.backend.db.selectFrom('backtest_equity').select(['ts', 'equity']).where('run_id', '=', runId).orderBy('ts').execute();
    return rows.map((r) => [num(r.ts), num(r.equity)]);
  }

  async paperAccount(): Promise<PaperAccountRow | undefined> {
    const r = await this.backend.db.selectFrom('paper_account').selectAll().orderBy('id').limit(1).executeTakeFirst();
    return r
      ? { cash: num(r.cash), initial_cash: num(r.initial_cash), realized_pnl: num(r.realized_pnl), fees: num(r.fees), updated_at: num(r.updated_at) }
      : undefined;
  }

  async paperPositions(q: { symbol?: string } & PageWindow): Promise<Page<PaperPositionRow>> {
    let base = this.backend.db.selectFrom('paper_positions');
    if (q.symbol) base = base.where('symbol', '=', q.symbol);
    const total = num((await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst())?.n ?? 0);
    const rows = await base.selectAll().orderBy('entry_ts', 'desc').orderBy('symbol').limit(q.limit).offset(q.offset).execute();
    return {
      total,
      items: rows.map((r) => ({
        symbol: r.symbol,
        side: r.side,
        quantity: num(r.quantity),
        avg_price: num(r.avg_price),
        entry_ts: num(r.entry_ts),
        stop_loss: numOrNull(r.stop_loss),
        take_profit: numOrNull(r.take_profit),
        strategy: r.strategy,
        alert_id: r.alert_id,
        fees: num(r.fees),
      })),
    };
  }

  /** Closed paper trades, newest exit first. */
  async paperTrades(q: { symbol?: string; from?: number; to?: number } & PageWindow) {
    let base = this.backend.db.selectFrom('paper_trades');
    if (q.symbol) base = base.where('symbol', '=', q.symbol);
    if (q.from !== undefined) base = base.where('exit_ts', '>=', q.from);
    if (q.to !== undefined) base = base.where('exit_ts', '<=', q.to);
    const total = num((await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst())?.n ?? 0);
    const rows = await base.selectAll().orderBy('exit_ts', 'desc').orderBy('id', 'desc').limit(q.limit).offset(q.offset).execute();
    return {
      total,
      items: rows.map((r) => ({
        id: num(r.id),
        symbol: r.symbol,
        side: r.side,
        entry_ts: num(r.entry_ts),
        entry_price: num(r.entry_price),
        exit_ts: num(r.exit_ts),
        exit_price: num(r.exit_price),
        quantity: num(r.quantity),
        pnl: num(r.pnl),
        fees: num(r.fees),
        exit_reason: r.exit_reason,
        alert_id: r.alert_id,
      })),
    };
  }

  /** The paper equity curve (the last `limit` snapshots, oldest first). */
  async paperEquity(limit: number): Promise<{ ts: number; equity: number; cash: number }[]> {
    const rows = await this.backend.db.selectFrom('paper_equity').selectAll().orderBy('ts', 'desc').limit(limit).execute();
    return rows.reverse().map((r) => ({ ts: num(r.ts), equity: num(r.equity), cash: num(r.cash) }));
  }

  /** Last successful call and last failed call per source, from the API-call accounting. */
  async sourceActivity(): Promise<SourceActivity[]> {
    const db = this.backend.db;
    const ok = await db
      .selectFrom('api_calls')
      .select((eb) => ['source', eb.fn.max('ts').as('ts')])
      .where('status', '>=', 200)
      .where('status', '<', 400)
      .groupBy('source')
      .execute();
    const failedTs = await db
      .selectFrom('api_calls')
      .select((eb) => ['source', eb.fn.max('ts').as('ts')])
      .where((eb) => eb.or([eb('status', '>=', 400), eb('status', '=', 0)]))
      .groupBy('source')
      .execute();
    const out = new Map<string, SourceActivity>();
    for (const r of ok) out.set(r.source, { source: r.source, lastSuccess: num(r.ts), lastError: null });
    for (const f of failedTs) {
      const row = await db
        .selectFrom('api_calls')
        .select(['ts', 'status', 'endpoint', 'error'])
        .where('source', '=', f.source)
        .where('ts', '=', num(f.ts))
        .where((eb) => eb.or([eb('status', '>=', 400), eb('status', '=', 0)]))
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      const entry = out.get(f.source) ?? { source: f.source, lastSuccess: null, lastError: null };
      if (row) entry.lastError = { ts: num(row.ts), status: num(row.status), endpoint: row.endpoint, error: row.error };
      out.set(f.source, entry);
    }
    return [...out.values()];
  }

  /** The most recent delivery per channel, and when that channel last delivered successfully. */
  async channelActivity(): Promise<ChannelActivity[]> {
    const db = this.backend.db;
    const channels = await db.selectFrom('deliveries').select('channel').distinct().execute();
    const out: ChannelActivity[] = [];
    for (const { channel } of channels) {
      const last = await db.selectFrom('deliveries').selectAll().where('channel', '=', channel).orderBy('ts', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
      const sent = await db
        .selectFrom('deliveries')
        .select((eb) => eb.fn.max('ts').as('ts'))
        .where('channel', '=', channel)
        .where('status', '=', 'sent')
        .executeTakeFirst();
      if (!last) continue;
      out.push({ channel, lastTs: num(last.ts), status: last.status, attempts: num(last.attempts), lastError: last.last_error, lastSent: numOrNull(sent?.ts) });
    }
    return out;
  }

  /** Latest scheduler activity: the newest updated_at over all items, and items currently failing. */
  async schedulerActivity(): Promise<{ lastUpdate: number | null; failing: { item: string; failures: number; lastError: string | null }[] }> {
    const db = this.backend.db;
    const last = await db.selectFrom('scheduler_state').select((eb) => eb.fn.max('updated_at').as('ts')).executeTakeFirst();
    const failing = await db.selectFrom('scheduler_state').select(['item', 'failures', 'last_error']).where('failures', '>', 0).orderBy('item').execute();
    return {
      lastUpdate: numOrNull(last?.ts),
      failing: failing.map((r) => ({ item: r.item, failures: num(r.failures), lastError: r.last_error })),
    };
  }

  /** Calls per source since a time (for the daily budget gauge). */
  async callsSince(since: number): Promise<Map<string, number>> {
    const rows = await this.backend.db
      .selectFrom('api_calls')
      .select((eb) => ['source', eb.fn.countAll<number>().as('n')])
      .where('ts', '>=', since)
      .groupBy('source')
      .execute();
    return new Map(rows.map((r) => [r.source, num(r.n)]));
  }
}

function toRun(r: Omit<BacktestRunsTable, 'document'>): BacktestRunRow {
  return {
    id: r.id,
    created_at: num(r.created_at),
    strategy: r.strategy,
    params: parseJson(r.params, {}),
    symbols: parseJson(r.symbols, []),
    timeframe: r.timeframe,
    from: numOrNull(r.from_ts),
    to: numOrNull(r.to_ts),
    status: r.status,
    metrics: parseJson(r.metrics, null),
    error: r.error,
  };
}
