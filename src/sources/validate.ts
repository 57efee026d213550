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

/** Moves the k-th smallest of a[0..n) to a[k], smaller ones before it (Hoare's quickselect, in place). */
function selectKth(a: Float64Array, n: number, k: number): void {
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}

/** Median of the first n values of buf (reordered in place: buf is scratch space). */
function medianOf(buf: Float64Array, n: number): number {
  const m = n >> 1;
  selectKth(buf, n, m);
  if (n % 2) return buf[m];
  let below = buf[0];
  for (let i = 1; i < m; i++) if (buf[i] > below) below = buf[i];
  return (below + buf[m]) / 2;
}

/** Why a single candle cannot be stored, or undefined when it can. */
export function candleFault(c: Candle, rules: CandleRules): RejectReason | undefined {
  const step = timeframeMs(rules.timeframe);
  const f = Number.isFinite;
  if (!(f(c.ts) && f(c.open) && f(c.high) && f(c.low) && f(c.close) && f(c.volume))) return 'not_finite';
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
 * Indexes (into `closes`, from `judgeFrom` on and only where `judge[i]` when given) of closes more than `mads` robust
 * deviations from the median of their neighbours (`neighbours` on each side; closes must be finite). The deviation
 * scale is MAD × 1.4826, but never below `floor` × median: in a very quiet hour the MAD shrinks to nothing and an
 * ordinary 1% move would otherwise look like a bad print.
 */
export function outlierIndexes(closes: ArrayLike<number>, mads: number, neighbours: number, floor = 0, judge?: readonly boolean[], judgeFrom = 0): number[] {
  const out: number[] = [];
  const len = closes.length;
  // The neighbours of close i, kept sorted as i moves on (two values leave and two come per step), so the median is
  // read off the middle; this runs on every page of every backfill.
  const w = new Float64Array(2 * neighbours);
  const deviations = new Float64Array(2 * neighbours);
  let m = 0;
  const firstAtLeast = (v: number) => {
    let lo = 0;
    let hi = m;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (w[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const insert = (v: number) => {
    let k = m++;
    for (; k > 0 && w[k - 1] > v; k--) w[k] = w[k - 1];
    w[k] = v;
  };
  const remove = (v: number) => {
    m--;
    for (let k = firstAtLeast(v); k < m; k++) w[k] = w[k + 1];
  };
  // `old` leaves and `v` takes its place, moved along to where it sorts (few moves: neighbours are close in value).
  const replace = (old: number, v: number) => {
    let k = firstAtLeast(old);
    if (v >= old) for (; k + 1 < m && w[k + 1] < v; k++) w[k] = w[k + 1];
    else for (; k > 0 && w[k - 1] > v; k--) w[k] = w[k - 1];
    w[k] = v;
  };
  if (judgeFrom >= len) return out;
  for (let j = Math.max(0, judgeFrom - neighbours); j <= Math.min(len - 1, judgeFrom + neighbours); j++) if (j !== judgeFrom) insert(closes[j]);
  for (let i = judgeFrom; i < len; i++) {
    if (i > judgeFrom) {
      // close i leaves the window and close i - 1 comes back; then the far ends move on
      replace(closes[i], closes[i - 1]);
      const leaving = i - 1 - neighbours;
      const coming = i + neighbours;
      if (leaving >= 0 && coming < len) replace(closes[leaving], closes[coming]);
      else if (leaving >= 0) remove(closes[leaving]);
      else if (coming < len) insert(closes[coming]);
    }
    if ((judge && !judge[i]) || m < 4) continue;
    const c = closes[i];
    const h = m >> 1;
    const med = m % 2 ? w[h] : (w[h - 1] + w[h]) / 2;
    // The scale is at least floor × |median|: a close within mads × that of the median needs no MAD (most do not).
    if (!(Math.abs(c - med) > mads * (floor * Math.abs(med)))) continue;
    for (let k = 0; k < m; k++) deviations[k] = Math.abs(w[k] - med);
    const scale = Math.max(medianOf(deviations, m) * 1.4826, floor * Math.abs(med));
    if (scale > 0 && Math.abs(c - med) > mads * scale) out.push(i);
  }
  return out;
}

/**
 * Sorts, removes duplicates (the last copy of a timestamp wins: it is the freshest), rejects inconsistent, off-grid,
 * future, still-open and outlying candles, and finds the gaps left. `context` is already-stored candles around the
 * new ones (before them, or on both sides of a hole being filled): outliers are judged with them, and gaps from the
 * last one before the new candles, but they are never returned or rejected.
 */
export function cleanCandles(input: readonly Candle[], rules: CandleRules, context: readonly Candle[] = []): CleanCandles {
  const rejected: Rejected[] = [];
  // A page from a source is almost always in order without repeats: then there is nothing to sort or merge.
  let ascending = true;
  for (let i = 1; i < input.length && ascending; i++) ascending = input[i].ts > input[i - 1].ts;
  let unique: readonly Candle[] = input;
  if (!ascending) {
    const byTs = new Map<number, Candle>();
    let ordered = true;
    for (let i = 0; i < input.length; i++) {
      const c = input[i];
      const prev = byTs.get(c.ts);
      if (prev) rejected.push({ item: prev, reason: 'duplicate' });
      byTs.set(c.ts, c);
      if (i > 0 && c.ts <= input[i - 1].ts) ordered = false;
    }
    const values = [...byTs.values()];
    if (!ordered) values.sort((a, b) => a.ts - b.ts);
    unique = values;
  }
  const sound: Candle[] = [];
  for (const c of unique) {
    const fault = candleFault(c, rules);
    if (fault) rejected.push({ item: c, reason: fault });
    else sound.push(c);
  }
  // Outliers are judged on context and new candles merged in time order; only the new ones can be rejected.
  let series: readonly Candle[];
  let judge: boolean[] | undefined;
  let judgeFrom = 0;
  if (context.length === 0 || (sound.length > 0 && context[context.length - 1].ts < sound[0].ts)) {
    // the context comes before the new candles: judge from the first new one
    series = context.length ? [...context, ...sound] : sound;
    judgeFrom = context.length;
  } else {
    const fresh = new Set(sound.map((c) => c.ts));
    const merged = [...context.filter((c) => !fresh.has(c.ts)).map((c) => ({ c, isNew: false })), ...sound.map((c) => ({ c, isNew: true }))].sort((a, b) => a.c.ts - b.c.ts);
    series = merged.map((m) => m.c);
    judge = merged.map((m) => m.isNew);
  }
  const closes = new Float64Array(series.length);
  for (let i = 0; i < series.length; i++) closes[i] = series[i].close;
  const flagged = outlierIndexes(closes, rules.outlierMads, rules.outlierNeighbours, rules.outlierFloor, judge, judgeFrom);
  let candles = sound;
  if (flagged.length) {
    const outliers = new Set(flagged.map((i) => series[i]));
    candles = [];
    for (const c of sound) {
      if (outliers.has(c)) rejected.push({ item: c, reason: 'outlier' });
      else candles.push(c);
    }
  }
  const before = sound.length ? context.filter((c) => c.ts < sound[0].ts) : [];
  const lastContext = before.length ? [before[before.length - 1].ts] : [];
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
