/**
 * Backtest benchmarks (issue 6), each figure with a baseline measured in the same run:
 * 1. sma_cross-style single asset over 1,000,000 bars: evaluateBacktest (the optimizer's path: the real sma_cross
 *    through the StrategyRunner, the loop, the simulator, the metrics) against a bare Float64Array loop that gives
 *    the same result — the SMAs as running sums, the cross rule, next-open fills with slippage and fees, equity at
 *    every close, and the metrics' running parts (peak and deepest drawdown, equity at each midnight for the daily
 *    returns and Sharpe, Σ equity, wins and losses) — checked to agree before it is timed. Targets: >= 5,000,000
 *    bars/s and at most 3x the bare loop's time. For reference, the same against the bare loop without the metrics
 *    (writing the equity curve instead), and the loop and simulator alone (a decider on precomputed crossings)
 *    against a bare loop on precomputed SMAs.
 * 2. 10 assets x 2 years of 1h bars with every built-in strategy, risk on (baseline: the same with --no-risk).
 * 3. An optimize sweep of 10,000-bar backtests on 2 workers (baseline: 1 worker), whole optimize() calls of 190 and
 *    2,000 combinations, and the 190 on worker threads already started. Target >= 1,000 backtests/s.
 * Data is a seeded random walk, so every run measures the same work.
 */
import { evaluateBacktest, type BacktestRequest } from '../src/backtest/run.js';
import { Backtest, type BarDecider } from '../src/backtest/engine.js';
import { optimize } from '../src/backtest/optimize.js';
import { combinations as combinationsOf, parseGrid } from '../src/backtest/grid.js';
import { buildConfig } from '../src/config/load.js';
import { DEFAULT_SYMBOLS } from '../src/config/schema.js';
import type { CandleColumns, MacroObservation, Signal } from '../src/core/types.js';
import { costModel } from '../src/execution/costs.js';
import { sma } from '../src/indicators/index.js';
import { BUILTIN_STRATEGIES, smaCross } from '../src/strategies/builtin/index.js';
import { BacktestPool } from '../src/backtest/pool.js';
import { type BenchResult, bestCpuOf, bestOf } from './harness.js';

const H = 3_600_000;
const D = 86_400_000;
const T0 = Date.UTC(2020, 0, 1);

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seeded geometric random walk of n hourly bars. */
export function randomWalk(n: number, seed: number, start = 100): CandleColumns {
  const r = rng(seed);
  const c = { length: n, ts: new Float64Array(n), open: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n), close: new Float64Array(n), volume: new Float64Array(n) };
  let p = start;
  for (let i = 0; i < n; i++) {
    const o = p;
    p = o * Math.exp((r() - 0.5) * 0.02);
    c.ts[i] = T0 + i * H;
    c.open[i] = o;
    c.close[i] = p;
    c.high[i] = Math.max(o, p) * (1 + r() * 0.004);
    c.low[i] = Math.min(o, p) * (1 - r() * 0.004);
    c.volume[i] = 100 + r() * 1_000;
  }
  return c;
}

const FEE = 0.001;
const SLIP = 0.0005;

/**
 * The bare loop as the strategy runs it: the two SMAs as running sums in the loop (sma_cross computes them in its
 * precompute; a baseline fed precomputed SMAs would leave that work out of it), the same cross rule, next-open
 * fills, slippage, fees and equity per bar, on plain arrays.
 */
function bareLoopWithSmas(c: CandleColumns, fastN: number, slowN: number, equity: Float64Array): { final: number; trades: number } {
  const { open, close } = c;
  let cash = 10_000;
  let qty = 0;
  let order = 0;
  let trades = 0;
  let sumFast = 0;
  let sumSlow = 0;
  let prevFast = 0;
  let prevSlow = 0;
  for (let i = 0; i < c.length; i++) {
    if (order === 1) {
      const p = open[i] * (1 + SLIP);
      qty = cash / (p * (1 + FEE));
      cash -= p * qty * (1 + FEE);
      if (cash < 0) cash = 0;
    } else if (order === -1) {
      const p = open[i] * (1 - SLIP);
      cash += p * qty * (1 - FEE);
      qty = 0;
      trades++;
    }
    order = 0;
    const x = close[i];
    equity[i] = cash + qty * x;
    sumFast += x;
    sumSlow += x;
    if (i >= fastN) sumFast -= close[i - fastN];
    if (i >= slowN) sumSlow -= close[i - slowN];
    const f = sumFast / fastN;
    const s = sumSlow / slowN;
    // from bar slowN on both averages exist at this bar and the one before (sma_cross's warm-up)
    if (i >= slowN) {
      if (qty === 0 && f > s && prevFast <= prevSlow) order = 1;
      else if (qty > 0 && f < s && prevFast >= prevSlow) order = -1;
    }
    prevFast = f;
    prevSlow = s;
  }
  return { final: cash + qty * close[c.length - 1], trades };
}

interface BareResult {
  final: number;
  trades: number;
  maxDrawdown: number;
  sharpe: number;
  wins: number;
  grossProfit: number;
  grossLoss: number;
  eqSum: number;
}

/**
 * The bare loop that gives what evaluateBacktest gives: bareLoopWithSmas's SMAs, cross rule, fills and equity, plus
 * the metrics' running parts as plain locals — the peak and the deepest fall from it, the equity as of each 00:00 UTC
 * (the last close at or before it; the run starts with the cash at the first open) and the daily returns into
 * `returns`, Σ equity, and each trade's net P&L into wins and losses — then Sharpe from the daily returns.
 */
function bareLoopWithMetrics(c: CandleColumns, fastN: number, slowN: number, returns: Float64Array): BareResult {
  const { ts, open, close } = c;
  let cash = 10_000;
  let qty = 0;
  let cost = 0;
  let order = 0;
  let trades = 0;
  let wins = 0;
  let grossProfit = 0;
  let grossLoss = 0;
  let sumFast = 0;
  let sumSlow = 0;
  let prevFast = 0;
  let prevSlow = 0;
  let peak = cash;
  let maxDrawdown = 0;
  let eqSum = cash;
  let lastEq = cash;
  let day = Math.ceil(ts[0] / D) * D;
  let days = 0;
  let prevDaily = 0;
  let nRet = 0;
  for (let i = 0; i < c.length; i++) {
    if (order === 1) {
      const p = open[i] * (1 + SLIP);
      qty = cash / (p * (1 + FEE));
      cost = p * qty * (1 + FEE);
      cash -= cost;
      if (cash < 0) cash = 0;
    } else if (order === -1) {
      const p = open[i] * (1 - SLIP);
      const proceeds = p * qty * (1 - FEE);
      cash += proceeds;
      const pnl = proceeds - cost;
      if (pnl > 0) {
        wins++;
        grossProfit += pnl;
      } else if (pnl < 0) grossLoss -= pnl;
      qty = 0;
      trades++;
    }
    order = 0;
    const x = close[i];
    const e = cash + qty * x;
    const t = ts[i] + H;
    while (day < t) {
      if (days++ > 0) returns[nRet++] = lastEq / prevDaily - 1;
      prevDaily = lastEq;
      day += D;
    }
    eqSum += e;
    if (e > peak) peak = e;
    const fall = 1 - e / peak;
    if (fall > maxDrawdown) maxDrawdown = fall;
    lastEq = e;
    sumFast += x;
    sumSlow += x;
    if (i >= fastN) sumFast -= close[i - fastN];
    if (i >= slowN) sumSlow -= close[i - slowN];
    const f = sumFast / fastN;
    const s = sumSlow / slowN;
    if (i >= slowN) {
      if (qty === 0 && f > s && prevFast <= prevSlow) order = 1;
      else if (qty > 0 && f < s && prevFast >= prevSlow) order = -1;
    }
    prevFast = f;
    prevSlow = s;
  }
  const end = ts[c.length - 1] + H;
  while (day <= end) {
    if (days++ > 0) returns[nRet++] = lastEq / prevDaily - 1;
    prevDaily = lastEq;
    day += D;
  }
  let mean = 0;
  for (let k = 0; k < nRet; k++) mean += returns[k];
  mean /= nRet;
  let v = 0;
  for (let k = 0; k < nRet; k++) v += (returns[k] - mean) * (returns[k] - mean);
  const sharpe = (mean / Math.sqrt(v / (nRet - 1))) * Math.sqrt(365);
  return { final: lastEq, trades, maxDrawdown, sharpe, wins, grossProfit, grossLoss, eqSum };
}

/** The bare loop on precomputed SMAs: same cross rule, next-open fills, slippage, fees and equity per bar. */
function bareLoop(c: CandleColumns, fast: Float64Array, slow: Float64Array, equity: Float64Array): number {
  let cash = 10_000;
  let qty = 0;
  let order = 0;
  for (let i = 0; i < c.length; i++) {
    if (order === 1) {
      const p = c.open[i] * (1 + SLIP);
      qty = cash / (p * (1 + FEE));
      cash -= p * qty * (1 + FEE);
      if (cash < 0) cash = 0;
    } else if (order === -1) {
      const p = c.open[i] * (1 - SLIP);
      cash += p * qty * (1 - FEE);
      qty = 0;
    }
    order = 0;
    equity[i] = cash + qty * c.close[i];
    if (i > 0) {
      if (qty === 0 && fast[i] > slow[i] && fast[i - 1] <= slow[i - 1]) order = 1;
      else if (qty > 0 && fast[i] < slow[i] && fast[i - 1] >= slow[i - 1]) order = -1;
    }
  }
  return cash + qty * c.close[c.length - 1];
}

/** The loop driven by precomputed SMAs (no strategy runner): what the loop and simulator cost on their own. */
function precomputedDecider(c: CandleColumns, fast: Float64Array, slow: Float64Array, cross: Float64Array, held: () => boolean): BarDecider {
  const none: Signal[] = [];
  const long: Signal[] = [{ ts: 0, strategy: 'x', symbol: 'X', side: 'LONG', confidence: 1, strength: 'STRONG', price: 0, size: 1, stopLoss: null, takeProfit: null }];
  const close: Signal[] = [{ ...long[0], side: 'CLOSE' }];
  return {
    symbols: ['X'],
    barMs: H,
    bars: () => c,
    firstIndex: () => 1,
    activeBars: () => cross,
    onBar(_s, i) {
      const up = fast[i] > slow[i] && fast[i - 1] <= slow[i - 1];
      const down = fast[i] < slow[i] && fast[i - 1] >= slow[i - 1];
      if (!held() && up) return long;
      if (held() && down) return close;
      return none;
    },
  };
}

/** The bars where precomputed SMAs cross (either way), 1 there, else 0: the decider's active bars. */
function crossings(fast: Float64Array, slow: Float64Array): Float64Array {
  const out = new Float64Array(fast.length);
  for (let i = 1; i < fast.length; i++) {
    if ((fast[i] > slow[i] && fast[i - 1] <= slow[i - 1]) || (fast[i] < slow[i] && fast[i - 1] >= slow[i - 1])) out[i] = 1;
  }
  return out;
}

export async function singleAsset(): Promise<BenchResult[]> {
  const n = 1_000_000;
  const c = randomWalk(n, 1);
  const fast = sma(c.close, 10);
  const slow = sma(c.close, 30);
  const cross = crossings(fast, slow);
  const eq = new Float64Array(n);
  const rets = new Float64Array(Math.ceil(n / 24) + 2);
  const costs = costModel({ feeBps: 10, slippageBps: 5 });
  // CPU time (the machine is shared; load stretches wall time): same measure for the baseline and the figures.
  // Every side is warmed up alike on a short walk first (compiled from a cold start, a loop can stay in code twice as
  // slow for every run) and timed the same number of runs, so that neither a slow baseline nor a cold figure skews
  // the ratios. (CPU time counts the optimising compiler's and the GC's threads too.)
  const w = randomWalk(2_000, 2);
  const [wFast, wSlow] = [sma(w.close, 10), sma(w.close, 30)];
  const wCross = crossings(wFast, wSlow);
  const loopRun = (cols: CandleColumns, f: Float64Array, s: Float64Array, x: Float64Array) => {
    const bt = new Backtest({ base: new Map([['X', cols]]), baseMs: H, cash: 10_000, costs, sizeOverride: 1, curve: false });
    bt.run(precomputedDecider(cols, f, s, x, () => bt.positionOf('X') !== null));
  };
  const request = (cols: CandleColumns): BacktestRequest => ({ strategy: smaCross, base: new Map([['BTC/USDT', cols]]), baseTimeframe: '1h', cash: 10_000, feeBps: 10, slippageBps: 5, sizeOverride: 1, risk: null });
  const wReq = request(w);
  for (let k = 0; k < 200; k++) {
    bareLoop(w, wFast, wSlow, eq);
    bareLoopWithSmas(w, 10, 30, eq);
    bareLoopWithMetrics(w, 10, 30, rets);
    loopRun(w, wFast, wSlow, wCross);
    evaluateBacktest(wReq);
  }
  // the bare loop gives the run's result (or it would not be doing the same work)
  const req = request(c);
  const m = evaluateBacktest(req);
  const b = bareLoopWithMetrics(c, 10, 30, rets);
  const close = (x: number, y: number | null) => y !== null && Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(y));
  const agree = b.trades === m.trades && close(b.final, m.final_equity) && close(b.maxDrawdown, m.max_drawdown) && close(b.sharpe, m.sharpe) && close(b.wins / b.trades, m.win_rate) && close(b.grossProfit / b.grossLoss, m.profit_factor);
  if (!agree) throw new Error(`bench backtest: the bare loop and evaluateBacktest disagree: ${JSON.stringify({ bare: b, metrics: m })}`);
  // Interleaved rounds: each round times every side once, so a slow phase of the host lands on all of them alike
  // (timed one after the other, 11 runs each, a baseline measured in a slow phase flattered the ratios).
  const sides = [() => bareLoop(c, fast, slow, eq), () => bareLoopWithSmas(c, 10, 30, eq), () => bareLoopWithMetrics(c, 10, 30, rets), () => loopRun(c, fast, slow, cross), () => evaluateBacktest(req)];
  const best = sides.map(() => Number.POSITIVE_INFINITY);
  for (let round = 0; round < 11; round++) {
    for (let k = 0; k < sides.length; k++) best[k] = Math.min(best[k], await bestCpuOf(1, sides[k]));
  }
  const [bare, bareSmas, bareMetrics, loop, full] = best;
  return [
    { name: 'sma_cross evaluateBacktest, 1M bars (CPU)', figure: n / (full / 1000), unit: 'bars/s', baselineName: 'bare Float64Array loop, same result (SMAs, fills, equity, metrics)', baseline: n / (bareMetrics / 1000), ratio: bareMetrics / full, target: '>= 5M bars/s, time <= 3x bare (ratio >= 0.33)' },
    { name: 'sma_cross evaluateBacktest, 1M bars (CPU), for reference', figure: n / (full / 1000), unit: 'bars/s', baselineName: 'bare loop without the metrics (SMAs, fills, equity curve)', baseline: n / (bareSmas / 1000), ratio: bareSmas / full },
    { name: 'loop + simulator (decider on precomputed crossings), 1M bars (CPU)', figure: n / (loop / 1000), unit: 'bars/s', baselineName: 'bare loop on precomputed SMAs', baseline: n / (bare / 1000), ratio: bare / loop },
  ];
}

async function allStrategies(): Promise<BenchResult[]> {
  const n = 2 * 365 * 24;
  const base = new Map<string, CandleColumns>(DEFAULT_SYMBOLS.map((s, i) => [s, randomWalk(n, 100 + i, 10 + i * 7)]));
  const r = rng(7);
  const vix: MacroObservation[] = [];
  for (let d = 0; d < n / 24; d++) vix.push({ series: 'VIXCLS', date: T0 + d * D, value: 15 + r() * 20 });
  const dxy: MacroObservation[] = vix.map((o) => ({ series: 'DTWEXBGS', date: o.date, value: 100 + r() * 10 }));
  const macro = new Map([['VIXCLS', vix], ['DTWEXBGS', dxy]]);
  const risk = buildConfig({}).risk;
  const runAll = (withRisk: boolean) => {
    for (const strategy of BUILTIN_STRATEGIES) {
      evaluateBacktest({ strategy, base, baseTimeframe: '1h', macro, symbols: strategy.symbols.length ? undefined : DEFAULT_SYMBOLS, cash: 10_000, feeBps: 10, slippageBps: 5, risk: withRisk ? risk : null });
    }
  };
  const on = await bestCpuOf(2, () => runAll(true));
  const off = await bestCpuOf(2, () => runAll(false));
  const assetBars = n * DEFAULT_SYMBOLS.length * BUILTIN_STRATEGIES.length;
  return [
    { name: `10 assets x 2y 1h, all ${BUILTIN_STRATEGIES.length} built-ins, risk on (CPU)`, figure: assetBars / (on / 1000), unit: 'asset-bars/s', baselineName: 'same with --no-risk', baseline: assetBars / (off / 1000), ratio: off / on },
  ];
}

async function sweep(): Promise<BenchResult[]> {
  const request: BacktestRequest = { strategy: smaCross, base: new Map([['BTC/USDT', randomWalk(10_000, 3)]]), baseTimeframe: '1h', cash: 10_000, feeBps: 10, slippageBps: 5, sizeOverride: 1, risk: null };
  // `workers` counts the calling thread: 1 worker is this thread alone, 2 are this thread and one worker thread,
  // started in the background from a cached bundle of the worker when more than ~0.4 s of work is left (so not for
  // the 190: there the line shows that the second worker costs nothing; the 2,000 show the speed-up).
  const full = async (spec: string, runs: number) => {
    const grid = parseGrid(spec);
    const time = (workers: number) => bestOf(runs, () => optimize({ request, strategyRef: 'sma_cross', grid, objective: 'sharpe', workers }));
    const one = await time(1);
    const two = await time(2);
    return { count: combinationsOf(grid).length, one, two };
  };
  const small = await full('fast=5:50:5,slow=20:200:10', 3); // 190 combinations
  const large = await full('fast=1:50:1,slow=20:215:5', 2); // 2,000 combinations
  // The 190 combinations on worker threads already started and warmed (this thread idle): the evaluation alone.
  const job = { strategy: 'sma_cross', origin: 'builtin', symbols: ['BTC/USDT'], base: [...request.base.entries()], baseTimeframe: request.baseTimeframe, macro: [], cash: request.cash, feeBps: request.feeBps, slippageBps: request.slippageBps, impact: 0, sizeOverride: 1, risk: null };
  const tasks = combinationsOf(parseGrid('fast=5:50:5,slow=20:200:10')).map((params, id) => ({ id, params }));
  const steady = async (workers: number) => {
    const pool = new BacktestPool(job, workers);
    try {
      await pool.run(tasks); // started and warmed
      return await bestOf(3, () => pool.run(tasks));
    } finally {
      await pool.close();
    }
  };
  const warmOne = await steady(1);
  const warmTwo = await steady(2);
  const target = '>= 1,000 backtests/s on 2 cores';
  const row = (name: string, count: number, one: number, two: number): BenchResult => ({ name, figure: count / (two / 1000), unit: 'backtests/s', baselineName: '1 worker', baseline: count / (one / 1000), ratio: one / two, target });
  return [
    row(`optimize sweep, ${small.count} x 10,000-bar backtests, 2 workers`, small.count, small.one, small.two),
    row(`optimize sweep, ${large.count.toLocaleString('en')} x 10,000-bar backtests, 2 workers`, large.count, large.one, large.two),
    row('190-sweep on worker threads started, 2 threads', tasks.length, warmOne, warmTwo),
  ];
}

export default async function bench(): Promise<BenchResult[]> {
  return [...(await singleAsset()), ...(await allStrategies()), ...(await sweep())];
}
