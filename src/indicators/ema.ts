import { checkPeriod } from './validate.js';

/**
 * Exponential moving average, alpha = 2/(period+1), seeded with the simple average of the first `period`
 * finite values (the classic TA-Lib / technicalindicators seed; trading-signals seeds with the first price).
 * Warm-up: NaN until `period` finite values have been seen (index period−1 on clean data).
 * NaN policy: a NaN input gives NaN at that bar and leaves the average untouched; the next finite value
 * continues from it.
 */
export function ema(src: Float64Array, period: number): Float64Array {
  checkPeriod('ema', 'period', period);
  const out = new Float64Array(src.length);
  emaInto(src, period, out);
  return out;
}

/** The EMA recursion writing every slot of `out` (NaN during warm-up); shared with MACD. */
export function emaInto(src: Float64Array, period: number, out: Float64Array): void {
  const n = src.length;
  const alpha = 2 / (period + 1);
  let seen = 0;
  let value = 0;
  let i = 0;
  // Two loops: the seed (average of the first `period` finite values), then the recursion.
  for (; i < n && seen < period; i++) {
    const x = src[i];
    out[i] = Number.NaN;
    if (Number.isNaN(x)) continue;
    value += x;
    seen++;
    if (seen === period) {
      value /= period;
      out[i] = value;
    }
  }
  for (; i < n; i++) {
    const x = src[i];
    if (Number.isNaN(x)) {
      out[i] = Number.NaN;
    } else {
      value += alpha * (x - value);
      out[i] = value;
    }
  }
}
