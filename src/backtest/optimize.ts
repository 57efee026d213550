/**
 * `mts optimize`: a parameter grid evaluated over worker threads, ranked by an objective, optionally with
 * walk-forward folds (each fold optimizes on an in-sample window and tests the winner on the next window).
 * Reproducible: the result document has no timing in it and the ranking breaks ties by grid order.
 */
import { InputError } from '../core/errors.js';
import { TIMEFRAMES } from '../core/time.js';
import type { Metrics } from '../analytics/metrics.js';
import { type Grid, type GridValue, type Objective, combinations, objectiveOf, rank } from './grid.js';
import { BacktestPool, type EvalJob, type EvalResult, type Evaluator } from './pool.js';
import { type BacktestRequest, decidedSymbols, validateRequest } from './run.js';

export interface OptimizeOptions {
  request: BacktestRequest;
  /** The strategy as the workers resolve it: a registry name or a file path. */
  strategyRef: string;
  grid: Grid;
  objective: Objective;
  workers: number;
  walkForward?: number;
  onProgress?: (done: number, total: number) => void;
  /**
   * Whether the calling thread evaluates tasks too, as one of the `workers` (default true): it works while the
   * worker threads start, so a small sweep does not wait for them. False: `workers` worker threads do everything.
   */
  callingThread?: boolean;
  /** Where tasks are evaluated (default: `workers` threads in this process). */
  evaluator?: (job: EvalJob, size: number) => Evaluator | Promise<Evaluator>;
}

export interface RankedResult {
  rank: number;
  params: Record<string, GridValue>;
  objective: number | null;
  metrics: Metrics | null;
  error: string | null;
}

export interface FoldResult {
  fold: number;
  in_sample: { from: number; to: number; best_params: Record<string, GridValue> | null; objective: number | null };
  out_of_sample: { from: number; to: number; objective: number | null; metrics: Metrics | null; error: string | null };
}

export interface OptimizeDocument {
  schema: 'mts.optimize/v1';
  strategy: string;
  objective: Objective;
  grid: Record<string, GridValue[]>;
  symbols: string[];
  timeframe: string;
  from: number;
  to: number;
  assumptions: { fee_bps: number; slippage_bps: number; fill: 'next_open'; cash: number; risk: boolean; size_override: number | null };
  combinations: number;
  results: RankedResult[];
  walk_forward: FoldResult[];
}

function jobOf(o: OptimizeOptions): EvalJob {
  const r = o.request;
  return {
    strategy: o.strategyRef,
    origin: r.origin ?? 'builtin',
    symbols: decidedSymbols(r),
    base: [...r.base.entries()],
    baseTimeframe: r.baseTimeframe,
    macro: [...(r.macro ?? new Map()).entries()].map(([k, v]) => [k, [...v]]),
    from: r.from,
    to: r.to,
    cash: r.cash,
    feeBps: r.feeBps,
    slippageBps: r.slippageBps,
    impact: r.impact ?? 0,
    sizeOverride: r.sizeOverride ?? null,
    risk: r.risk,
  };
}

function ranked(combos: Record<string, GridValue>[], results: EvalResult[], objective: Objective): RankedResult[] {
  const scored = results.map((r, index) => ({ index, value: r.metrics ? objectiveOf(r.metrics, objective) : null, r }));
  return rank(scored).map((s, i) => ({ rank: i + 1, params: combos[s.index], objective: s.value, metrics: s.r.metrics ?? null, error: s.r.error ?? null }));
}

/** The traded period: [from, to] as asked, else the data's own first and last bar of the decided symbols. */
function period(r: BacktestRequest): { from: number; to: number } {
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const s of decidedSymbols(r)) {
    const c = r.base.get(s);
    if (!c || c.length === 0) continue;
    first = Math.min(first, c.ts[0]);
    last = Math.max(last, c.ts[c.length - 1]);
  }
  return { from: r.from ?? first, to: r.to ?? last };
}

/** k + 1 consecutive windows on the base-bar grid; fold i trains on window i − 1 and tests on window i. */
export function walkForwardWindows(from: number, to: number, barMs: number, k: number): { from: number; to: number }[] {
  const bars = Math.floor((to - from) / barMs) + 1;
  if (bars < 2 * (k + 1)) throw new InputError('E_WALK_FORWARD', `--walk-forward ${k}: ${bars} bars are too few for ${k + 1} windows`);
  const out: { from: number; to: number }[] = [];
  for (let j = 0; j <= k; j++) {
    const a = from + Math.floor((j * bars) / (k + 1)) * barMs;
    const b = from + (Math.floor(((j + 1) * bars) / (k + 1)) - 1) * barMs;
    out.push({ from: a, to: b });
  }
  return out;
}

export async function optimize(o: OptimizeOptions): Promise<OptimizeDocument> {
  validateRequest(o.request);
  const r = o.request;
  const combos = combinations(o.grid);
  const { from, to } = period(r);
  const k = o.walkForward ?? 0;
  if (!Number.isInteger(k) || k < 0) throw new InputError('E_WALK_FORWARD', `--walk-forward must be a whole number of folds, got ${k}`);
  const windows = k > 0 ? walkForwardWindows(from, to, TIMEFRAMES[r.baseTimeframe], k) : [];
  const total = combos.length * (1 + k) + k;
  let before = 0;
  const progress = (done: number) => o.onProgress?.(before + done, total);
  const size = Math.min(o.workers, combos.length);
  const pool = o.evaluator ? await o.evaluator(jobOf(o), size) : new BacktestPool(jobOf(o), size, { local: o.callingThread === false ? undefined : r.strategy });
  try {
    const all = await pool.run(combos.map((params, id) => ({ id, params })), progress);
    before += combos.length;
    const folds: FoldResult[] = [];
    for (let i = 1; i <= k; i++) {
      const is = windows[i - 1];
      const oos = windows[i];
      const inSample = ranked(combos, await pool.run(combos.map((params, id) => ({ id, params, from: is.from, to: is.to })), progress), o.objective);
      before += combos.length;
      const best = inSample[0].objective === null ? null : inSample[0].params;
      let test: EvalResult = { id: 0, error: 'no parameter set had a value for the objective in sample' };
      if (best) test = (await pool.run([{ id: 0, params: best, from: oos.from, to: oos.to }], progress))[0];
      before += 1;
      folds.push({
        fold: i,
        in_sample: { from: is.from, to: is.to, best_params: best, objective: best ? inSample[0].objective : null },
        out_of_sample: { from: oos.from, to: oos.to, objective: test.metrics ? objectiveOf(test.metrics, o.objective) : null, metrics: test.metrics ?? null, error: test.error ?? null },
      });
    }
    return {
      schema: 'mts.optimize/v1',
      strategy: r.strategy.name,
      objective: o.objective,
      grid: Object.fromEntries(o.grid),
      symbols: decidedSymbols(r),
      timeframe: r.baseTimeframe,
      from,
      to,
      assumptions: { fee_bps: r.feeBps, slippage_bps: r.slippageBps, fill: 'next_open', cash: r.cash, risk: r.risk !== null, size_override: r.sizeOverride ?? null },
      combinations: combos.length,
      results: ranked(combos, all, o.objective),
      walk_forward: folds,
    };
  } finally {
    await pool.close();
  }
}
