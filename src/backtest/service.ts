/**
 * Backtests against the Store: load the data a run needs (warm-up included, nothing after `to`), run it, and keep
 * the run's record honest — `running` while it runs, `finished` only once the document, trades and equity are all
 * written in one transaction, `failed` with the error otherwise.
 */
import { InputError } from '../core/errors.js';
import { type Timeframe, TIMEFRAMES } from '../core/time.js';
import type { CandleColumns, MacroObservation } from '../core/types.js';
import { serializeDocument } from '../analytics/document.js';
import { MarketLoader } from '../signals/market.js';
import type { Store } from '../storage/store.js';
import type { AnyStrategy } from '../strategies/contract.js';
import { type BacktestRequest, type BacktestResult, backtestIdentity, decidedSymbols, runBacktest } from './run.js';

export interface LoadOptions {
  strategy: AnyStrategy;
  params?: Record<string, unknown>;
  /** Symbols to decide on; the strategy's own universe is loaded too when it reads other assets. */
  symbols: readonly string[];
  baseTimeframe: Timeframe;
  from?: number;
  to?: number;
  /** The present moment (nothing closing after it is read). */
  now: number;
}

export interface MarketSlice {
  base: Map<string, CandleColumns>;
  macro: Map<string, MacroObservation[]>;
}

export async function loadBacktestData(store: Store, o: LoadOptions): Promise<MarketSlice> {
  const baseMs = TIMEFRAMES[o.baseTimeframe];
  const stratMs = TIMEFRAMES[o.strategy.timeframe];
  const warmup = o.strategy.warmupBars(o.strategy.resolveParams(o.params ?? {}), o.strategy.timeframe);
  // 10% more history than the warm-up asks for (plus a bar of slack), so exchange gaps do not cut into it
  const loadFrom = o.from === undefined ? 0 : o.from - Math.ceil(warmup * 1.1 + 2) * stratMs;
  const at = o.to === undefined ? o.now : Math.min(o.now, o.to + baseMs);
  const loader = new MarketLoader(store, at);
  const base = new Map<string, CandleColumns>();
  for (const symbol of new Set([...o.symbols, ...o.strategy.symbols])) {
    const c = await loader.candles(symbol, o.baseTimeframe, loadFrom);
    if (c.length > 0) base.set(symbol, c);
    else if (o.symbols.includes(symbol)) {
      throw new InputError('E_BACKTEST_NO_DATA', `no ${o.baseTimeframe} candles stored for ${symbol}; run mts import or mts backfill first`);
    }
  }
  const macro = new Map<string, MacroObservation[]>();
  for (const series of o.strategy.macro) macro.set(series, await loader.macro(series, loadFrom));
  return { base, macro };
}

/** Runs a backtest and records it; a failure is recorded as failed (with the error) and rethrown. */
export async function runAndStore(store: Store, req: BacktestRequest, now: number): Promise<BacktestResult> {
  const { id, params } = backtestIdentity(req);
  await store.backtests.start(
    { id, strategy: req.strategy.name, params, symbols: decidedSymbols(req), timeframe: req.baseTimeframe, from: req.from ?? null, to: req.to ?? null },
    now,
  );
  try {
    const result = runBacktest(req);
    const doc = result.document;
    await store.backtests.finish(id, {
      metrics: doc.metrics,
      document: serializeDocument(doc),
      trades: doc.trades,
      equity: doc.equity,
    });
    return result;
  } catch (err) {
    await store.backtests.fail(id, err instanceof Error ? err.message : String(err));
    throw err;
  }
}
