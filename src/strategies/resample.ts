/**
 * Turns stored candles (1h or finer) into a strategy's timeframe. Only complete bars are produced: a bar is
 * emitted once its period has ended and the data shows it (its last sub-bar is there, or later data exists, so a
 * hole inside it is a real exchange gap rather than data still to come). A bar is never built from a part of its
 * period that has not happened yet, so resampling cannot leak the future into a decision.
 */
import { InputError } from '../core/errors.js';
import { type Timeframe, TIMEFRAMES } from '../core/time.js';
import type { CandleColumns } from '../core/types.js';
import { emptyColumns } from '../storage/repos/candles.js';

export interface ResampleOptions {
  /** The timeframe of `source`. */
  from: Timeframe;
  /** Drop bars that close after this moment (default: no limit). */
  asOf?: number;
}

function sliceColumns(c: CandleColumns, n: number): CandleColumns {
  return { length: n, ts: c.ts.subarray(0, n), open: c.open.subarray(0, n), high: c.high.subarray(0, n), low: c.low.subarray(0, n), close: c.close.subarray(0, n), volume: c.volume.subarray(0, n) };
}

export function resampleCandles(source: CandleColumns, to: Timeframe, opts: ResampleOptions): CandleColumns {
  const step = TIMEFRAMES[opts.from];
  const target = TIMEFRAMES[to];
  if (target < step || target % step !== 0) {
    throw new InputError('E_RESAMPLE', `cannot resample ${opts.from} candles to ${to}: the target must be a whole multiple of the source`);
  }
  const asOf = opts.asOf ?? Number.POSITIVE_INFINITY;
  const n = source.length;
  if (target === step) {
    let k = n;
    while (k > 0 && source.ts[k - 1] + step > asOf) k--;
    return k === n ? source : sliceColumns(source, k);
  }
  const out = emptyColumns(Math.ceil(n / (target / step)) + 1);
  let m = 0;
  let i = 0;
  while (i < n) {
    const start = Math.floor(source.ts[i] / target) * target;
    const end = start + target;
    const o = source.open[i];
    let h = source.high[i];
    let l = source.low[i];
    let c = source.close[i];
    let v = source.volume[i];
    let j = i + 1;
    while (j < n && source.ts[j] < end) {
      if (source.high[j] > h) h = source.high[j];
      if (source.low[j] < l) l = source.low[j];
      c = source.close[j];
      v += source.volume[j];
      j++;
    }
    const lastClose = source.ts[j - 1] + step;
    const complete = end <= asOf && (lastClose === end || j < n);
    if (!complete) break;
    out.ts[m] = start;
    out.open[m] = o;
    out.high[m] = h;
    out.low[m] = l;
    out.close[m] = c;
    out.volume[m] = v;
    m++;
    i = j;
  }
  return sliceColumns(out, m);
}
