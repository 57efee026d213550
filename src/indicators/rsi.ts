import { checkPeriod } from './validate.js';

/**
 * Relative Strength Index with Wilder's smoothing (alpha = 1/period), the average gain and loss seeded with the
 * simple average of the first `period` price changes. 100 when there is no loss in the averages.
 * Warm-up: the first `period` values are NaN (period changes need period+1 closes).
 * NaN policy: a NaN close gives NaN at that bar and is skipped; the next change is measured from the last
 * finite close, so the series continues.
 */
export function rsi(close: Float64Array, period = 14): Float64Array {
  checkPeriod('rsi', 'period', period);
  const n = close.length;
  const out = new Float64Array(n);
  let prev = Number.NaN;
  let changes = 0;
  let gain = 0;
  let loss = 0;
  const keep = (period - 1) / period;
  for (let i = 0; i < n; i++) {
    const c = close[i];
    if (Number.isNaN(c) || Number.isNaN(prev)) {
      // No change to measure: a NaN close, or the first finite one.
      out[i] = Number.NaN;
      if (!Number.isNaN(c)) prev = c;
      continue;
    }
    const d = c - prev;
    prev = c;
    const up = Math.max(d, 0);
    const down = Math.max(-d, 0);
    if (changes < period) {
      gain += up;
      loss += down;
      changes++;
      if (changes < period) {
        out[i] = Number.NaN;
        continue;
      }
      gain /= period;
      loss /= period;
    } else {
      gain = gain * keep + up / period;
      loss = loss * keep + down / period;
    }
    out[i] = loss === 0 ? 100 : 100 - 100 / (1 + gain / loss);
  }
  return out;
}
