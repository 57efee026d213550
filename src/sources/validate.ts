/**
 * Validation and cleaning before anything is stored (SPEC §4). Pure functions: they say what to keep and why the
 * rest was rejected; `reportRejected` counts and logs the reasons.
 */
import type { Logger } from '../core/log.js';
import { metrics } from '../core/metrics.js';
import { DAY_MS, isOnGrid, isoTime, type Timeframe, timeframeMs } from '../core/time.js';
import type { Candle, MacroObservation } from '../core/types.js';
import { findGaps, type Gap } from '../storage/gaps.js';

export type RejectReason =
  | 'not_finite'
  | 'non_positive_price'
  | 'negative_volume'
  | 'high_below_body'
  | 'low_above_body'
  | 'off_grid'
  | 'future'
  | 'open_candle'
  | 'duplicate'
  | 'outlier';

export interface Rejected<T = Candle> {
  item: T;
  reason: RejectReason;
}

export interface CandleRules {
  timeframe: Timeframe;
  /** The Clock's now: candles not yet closed at this time are not stored. */
  now: number;
  /** Robust deviations (MAD × 1.4826) from the neighbours' median beyond which a close is an outlier. */
  outlierMads: number;
  /** Neighbours on each side used for the outlier test. */
  outlierNeighbours: number;
  /** Smallest deviation scale, as a share of the neighbours' median, so quiet markets do not flag normal moves. */
  outlierFloor: number;
}

export interface CleanCandles {
  candles: Candle[];
  rejected: Rejected[];
  /** Missing grid points between the kept candles (and the context before them). */
  gaps: Gap[];
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Why a single candle cannot be stored, or undefined when it can. */
export function candleFault(c: Candle, rules: CandleRules): RejectReason | undefined {
  const step = timeframeMs(rules.timeframe);
  if (![c.ts, c.open, c.high, c.low, c.close, c.volume].every(Number.isFinite)) return 'not_finite';
  if (c.open <= 0 || c.high <= 0 || c.low <= 0 || c.close <= 0) return 'non_positive_price';
  if (c.volume < 0) return 'negative_volume';
  if (c.high < Math.max(c.open, c.close)) return 'high_below_body';
  if (c.low > Math.min(c.open, c.close)) return 'low_above_body';
  if (!isOnGrid(c.ts, step)) return 'off_grid';
  if (c.ts > rules.now) return 'future';
  if (c.ts + step > rules.now) return 'open_candle';
  return undefined;
}

/**
 * Indexes (into `closes`, at or after `firstNew`) of closes more than `mads` robust deviations from the median of
 * their neighbours. The deviation scale is MAD × 1.4826, but never below `floor` × median: in a very quiet hour the
 * MAD shrinks to nothing and an ordinary 1% move would otherwise look like a bad print.
 */
export function outlierIndexes(closes: readonly number[], firstNew: number, mads: number, neighbours: number, floor = 0): number[] {
  const out: number[] = [];
  for (let i = firstNew; i < closes.length; i++) {
    const around: number[] = [];
    for (let j = Math.max(0, i - neighbours); j <= Math.min(closes.length - 1, i + neighbours); j++) if (j !== i) around.push(closes[j]);
    if (around.length < 4) continue;
    const med = median(around);
    const scale = Math.max(median(around.map((v) => Math.abs(v - med))) * 1.4826, floor * Math.abs(med));
    if (scale > 0 && Math.abs(closes[i] - med) > mads * scale) out.push(i);
  }
  return out;
}

/**
 * Sorts, removes duplicates (the last copy of a timestamp wins: it is the freshest), rejects inconsistent, off-grid,
 * future, still-open and outlying candles, and finds the gaps left. `context` is already-stored candles just before
 * the new ones: outliers and gaps are judged with them, but they are never returned or rejected.
 */
export function cleanCandles(input: readonly Candle[], rules: CandleRules, context: readonly Candle[] = []): CleanCandles {
  const rejected: Rejected[] = [];
  const byTs = new Map<number, Candle>();
  for (const c of input) {
    const prev = byTs.get(c.ts);
    if (prev) rejected.push({ item: prev, reason: 'duplicate' });
    byTs.set(c.ts, c);
  }
  const sound: Candle[] = [];
  for (const c of [...byTs.values()].sort((a, b) => a.ts - b.ts)) {
    const fault = candleFault(c, rules);
    if (fault) rejected.push({ item: c, reason: fault });
    else sound.push(c);
  }
  const ctx = context.filter((c) => sound.length === 0 || c.ts < sound[0].ts);
  const closes = [...ctx.map((c) => c.close), ...sound.map((c) => c.close)];
  const outliers = new Set(outlierIndexes(closes, ctx.length, rules.outlierMads, rules.outlierNeighbours, rules.outlierFloor).map((i) => i - ctx.length));
  const candles: Candle[] = [];
  sound.forEach((c, i) => {
    if (outliers.has(i)) rejected.push({ item: c, reason: 'outlier' });
    else candles.push(c);
  });
  const lastContext = ctx.length ? [ctx[ctx.length - 1].ts] : [];
  const gaps = findGaps([...lastContext, ...candles.map((c) => c.ts)], timeframeMs(rules.timeframe));
  return { candles, rejected, gaps };
}

/** Macro observations: one per day at 00:00 UTC, none in the future, values finite or null (missing). */
export function cleanMacro(input: readonly MacroObservation[], now: number): { observations: MacroObservation[]; rejected: Rejected<MacroObservation>[] } {
  const rejected: Rejected<MacroObservation>[] = [];
  const byDate = new Map<number, MacroObservation>();
  for (const o of input) {
    let reason: RejectReason | undefined;
    if (!Number.isFinite(o.date) || (o.value !== null && !Number.isFinite(o.value))) reason = 'not_finite';
    else if (!isOnGrid(o.date, DAY_MS)) reason = 'off_grid';
    else if (o.date > now) reason = 'future';
    else if (byDate.has(o.date)) reason = 'duplicate';
    if (reason) rejected.push({ item: o, reason });
    else byDate.set(o.date, o);
  }
  return { observations: [...byDate.values()].sort((a, b) => a.date - b.date), rejected };
}

/** Counts rejected points per reason (metrics.rowsRejected) and logs each with its reason. */
export function reportRejected(rejected: readonly Rejected<Candle | MacroObservation>[], log: Logger, what: string): void {
  for (const r of rejected) {
    metrics.rowsRejected.inc({ reason: r.reason });
    const at = 'ts' in r.item ? r.item.ts : r.item.date;
    // The still-open candle is expected on every poll: not worth a warning.
    const level = r.reason === 'open_candle' ? 'debug' : 'warn';
    log[level]({ item: what, reason: r.reason, at: isoTime(at) }, `rejected a data point of ${what}: ${r.reason}`);
  }
}
