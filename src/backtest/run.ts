/**
 * One backtest from data in memory to its result document: the strategy's bars are resampled from the base bars,
 * the StrategyRunner decides on them, the loop fills on the base bars, analytics turn the outcome into the document.
 * Pure: no storage, no wall clock; the same request gives the same document, id included.
 */
import { createHash } from 'node:crypto';
import type { VirtualClock } from '../core/clock.js';
import { InputError } from '../core/errors.js';
import { type Timeframe, TIMEFRAMES } from '../core/time.js';
import type { CandleColumns, MacroObservation } from '../core/types.js';
import { type Assumptions, type BacktestDocument, buildDocument, runId, sortedParams } from '../analytics/document.js';
import { computeMetrics, type Metrics } from '../analytics/metrics.js';
import { costModel } from '../execution/costs.js';
import type { RiskConfig } from '../risk/index.js';
import type { AnyStrategy } from '../strategies/contract.js';
import { resampleCandles } from '../strategies/resample.js';
import { StrategyRunner } from '../strategies/runner.js';
import { Backtest, type BacktestOutcome } from './engine.js';
import { backtestRiskGate } from './risk-gate.js';

export interface BacktestRequest {
  strategy: AnyStrategy;
  /** 'builtin' or the strategy file; with `sourceHash`, part of the run id. */
  origin?: string;
  sourceHash?: string;
  params?: Record<string, unknown>;
  /** Symbols to decide on (default: the strategy's universe present in the data, else every loaded symbol). */
  symbols?: readonly string[];
  /** Candles at the base timeframe per symbol, oldest first, including warm-up history before `from`. */
  base: ReadonlyMap<string, CandleColumns>;
  baseTimeframe: Timeframe;
  macro?: ReadonlyMap<string, readonly MacroObservation[]>;
  from?: number;
  to?: number;
  cash: number;
  feeBps: number;
  slippageBps: number;
  impact?: number;
  sizeOverride?: number | null;
  /** null = --no-risk. */
  risk: RiskConfig | null;
  clock?: VirtualClock;
  onProgress?: (done: number, total: number) => void;
  /** Which loop runs it (see BacktestSettings.loop); both give the same document. */
  loop?: 'auto' | 'general';
}

export interface BacktestResult {
  document: BacktestDocument;
  outcome: BacktestOutcome;
}

/** Base candles with ts <= to (what a run up to `to` may see). */
function upTo(c: CandleColumns, to: number): CandleColumns {
  let n = c.length;
  while (n > 0 && c.ts[n - 1] > to) n--;
  if (n === c.length) return c;
  return { length: n, ts: c.ts.subarray(0, n), open: c.open.subarray(0, n), high: c.high.subarray(0, n), low: c.low.subarray(0, n), close: c.close.subarray(0, n), volume: c.volume.subarray(0, n) };
}

/** A fingerprint of the data a run could see. */
function dataHash(base: ReadonlyMap<string, CandleColumns>, macro: ReadonlyMap<string, readonly MacroObservation[]>, to: number): string {
  const h = createHash('sha256');
  for (const sym of [...base.keys()].sort()) {
    const c = upTo(base.get(sym) as CandleColumns, to);
    h.update(sym);
    for (const col of [c.ts, c.open, c.high, c.low, c.close, c.volume]) h.update(new Uint8Array(col.buffer, col.byteOffset, c.length * 8));
  }
  for (const s of [...macro.keys()].sort()) h.update(s).update(JSON.stringify((macro.get(s) ?? []).filter((o) => o.date <= to)));
  return h.digest('hex');
}

export function validateRequest(r: BacktestRequest): void {
  if (!(r.cash > 0)) throw new InputError('E_BACKTEST_CASH', `--cash must be a positive amount, got ${r.cash}`);
  if (r.sizeOverride !== undefined && r.sizeOverride !== null && !(r.sizeOverride > 0 && r.sizeOverride <= 1)) {
    throw new InputError('E_BACKTEST_SIZE', `--size must be a fraction of equity in (0, 1], got ${r.sizeOverride}`);
  }
  for (const [flag, v] of [['--fee-bps', r.feeBps], ['--slippage-bps', r.slippageBps], ['--impact', r.impact ?? 0]] as const) {
    if (!(v >= 0) || !Number.isFinite(v)) throw new InputError('E_BACKTEST_COSTS', `${flag} must be a number >= 0, got ${v}`);
  }
  if (r.from !== undefined && r.to !== undefined && r.from > r.to) throw new InputError('E_BACKTEST_RANGE', `--from is after --to`);
  if (TIMEFRAMES[r.strategy.timeframe] < TIMEFRAMES[r.baseTimeframe]) {
    throw new InputError('E_BACKTEST_TIMEFRAME', `strategy ${r.strategy.name} decides on ${r.strategy.timeframe} bars, finer than the ${r.baseTimeframe} candles given; use --timeframe ${r.strategy.timeframe} or finer`);
  }
}

function assumptionsOf(req: BacktestRequest): Assumptions {
  return {
    fee_bps: req.feeBps,
    slippage_bps: req.slippageBps,
    fill: 'next_open',
    cash: req.cash,
    impact: req.impact ?? 0,
    risk: req.risk !== null,
    size_override: req.sizeOverride ?? null,
    base_timeframe: req.baseTimeframe,
    strategy_timeframe: req.strategy.timeframe,
    brackets: 'stop_first',
    shorts: 'margin_free',
    open_positions: 'marked_at_close',
  };
}

/** The symbols a request decides on. */
export function decidedSymbols(req: BacktestRequest): string[] {
  if (req.symbols) return [...req.symbols];
  const own = req.strategy.symbols.filter((s) => req.base.has(s));
  return own.length ? own : [...req.base.keys()];
}

/** The run id (known before the run, so a run can be recorded as started), its assumptions and resolved params. */
export function backtestIdentity(req: BacktestRequest): { id: string; assumptions: Assumptions; params: Record<string, number | boolean | string> } {
  const assumptions = assumptionsOf(req);
  const params = sortedParams(req.strategy.resolveParams(req.params ?? {}));
  const id = runId(
    { strategy: req.strategy.name, origin: req.origin ?? 'builtin', source: req.sourceHash ?? null, params, symbols: decidedSymbols(req), from: req.from ?? null, to: req.to ?? null, assumptions, risk: req.risk },
    dataHash(req.base, req.macro ?? new Map(), req.to ?? Number.POSITIVE_INFINITY),
  );
  return { id, assumptions, params };
}

/** Runs the loop for a request: the outcome and the symbols decided on. */
function simulate(req: BacktestRequest, curve: boolean): { outcome: BacktestOutcome; symbols: readonly string[] } {
  validateRequest(req);
  const macro = req.macro ?? new Map();
  const baseMs = TIMEFRAMES[req.baseTimeframe];
  const tf = req.strategy.timeframe;
  const stratCandles = new Map<string, CandleColumns>();
  for (const [sym, c] of req.base) stratCandles.set(sym, tf === req.baseTimeframe ? c : resampleCandles(c, tf, { from: req.baseTimeframe }));
  const wanted = decidedSymbols(req);
  for (const s of wanted) if (!req.base.has(s)) throw new InputError('E_BACKTEST_SYMBOL', `no ${req.baseTimeframe} candles for ${s}; import or backfill them first`);

  const bt = new Backtest({
    base: req.base,
    baseMs,
    from: req.from,
    to: req.to,
    cash: req.cash,
    costs: costModel({ feeBps: req.feeBps, slippageBps: req.slippageBps, impact: req.impact ?? 0 }),
    sizeOverride: req.sizeOverride ?? null,
    risk: req.risk ? backtestRiskGate(req.strategy.name, req.risk, req.base, req.baseTimeframe) : null,
    clock: req.clock,
    onProgress: req.onProgress,
    loop: req.loop,
    curve,
  });
  const runner = new StrategyRunner(req.strategy, req.params, { candles: stratCandles, macro }, { symbols: wanted, position: bt.positionOf, source: req.origin === 'builtin' ? undefined : req.origin });
  const outcome = bt.run(runner);
  if (outcome.steps === 0) throw new InputError('E_BACKTEST_EMPTY', `no ${req.baseTimeframe} candles of ${[...req.base.keys()].join(', ')} in the period asked for`);
  return { outcome, symbols: runner.symbols };
}

function metricInputs(outcome: BacktestOutcome) {
  return {
    fees: outcome.sim.fees,
    tradedNotional: outcome.sim.tradedNotional,
    exposure: outcome.steps > 0 ? outcome.stepsInMarket / outcome.steps : 0,
  };
}

/**
 * Metrics only, without the document (the optimizer's path: no hashing, no curve arrays — the loop summarizes the
 * equity curve as it makes it, and the metrics are computed from that summary, as for a document).
 */
export function evaluateBacktest(req: BacktestRequest): Metrics {
  const { outcome } = simulate(req, false);
  return computeMetrics({ ...metricInputs(outcome), curve: outcome.stats, trades: outcome.sim.tradePnls(), initialCash: req.cash });
}

export function runBacktest(req: BacktestRequest): BacktestResult {
  const { id, assumptions, params } = backtestIdentity(req);
  const { outcome, symbols } = simulate(req, true);
  const to = Number.isFinite(outcome.to) ? outcome.to : (req.to ?? 0);
  const sim = outcome.sim;
  const document = buildDocument({
    id,
    strategy: req.strategy.name,
    params,
    symbols: [...symbols],
    timeframe: req.baseTimeframe,
    from: Number.isFinite(outcome.from) ? outcome.from : (req.from ?? 0),
    to,
    assumptions,
    ...metricInputs(outcome),
    curve: { ts: outcome.curveTs, equity: outcome.curveEquity, length: outcome.curveTs.length },
    summary: outcome.stats,
    closed: sim.trades,
    open: sim.openTrades(to),
    signals: outcome.signals,
    rejections: outcome.rejections,
    unfilled: outcome.unfilled,
    notes: sim.notes,
  });
  return { document, outcome };
}
