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
  let i = 0;
  // Two loops: the warm-up (seeding the averages) and the steady state, so the hot loop has no seed branch.
  // A NaN close (or none before it) makes the change NaN; prev then stays the last finite close.
  for (; i < n && changes < period; i++) {
    const c = close[i];
    const d = c - prev;
    out[i] = Number.NaN;
    if (Number.isNaN(d)) {
      if (!Number.isNaN(c)) prev = c;
      continue;
    }
    prev = c;
    gain += Math.max(d, 0);
    loss += Math.max(-d, 0);
    changes++;
    if (changes === period) {
      gain /= period;
      loss /= period;
      out[i] = loss === 0 ? 100 : 100 - 100 / (1 + gain / loss);
    }
  }
  for (; i < n; i++) {
    const c = close[i];
    const d = c - prev;
    if (Number.isNaN(d)) {
      out[i] = Number.NaN;
      if (!Number.isNaN(c)) prev = c;
      continue;
    }
    prev = c;
    gain = gain * keep + Math.max(d, 0) / period;
    loss = loss * keep + Math.max(-d, 0) / period;
    out[i] = loss === 0 ? 100 : 100 - 100 / (1 + gain / loss);
  }
  return out;
}
