import { RECOMPUTE } from './moments.js';
import { checkPeriod } from './validate.js';

/**
 * Simple moving average over the trailing `period` values (the current one included).
 * Warm-up: the first period−1 values are NaN. NaN policy: NaN while a NaN input is inside the window; the
 * average recovers once it has left. The running sum is recomputed exactly every RECOMPUTE bars so rounding
 * cannot drift over millions of bars.
 */
export function sma(src: Float64Array, period: number): Float64Array {
  checkPeriod('sma', 'period', period);
  const n = src.length;
  // Every slot is written in the loop (NaN during warm-up): no separate fill pass.
  const out = new Float64Array(n);
  let sum = 0;
  let nans = 0;
  let i = 0;
  // Two loops: filling the first window (no value leaves yet), then the steady state.
  for (; i < n && i < period; i++) {
    const x = src[i];
    if (Number.isNaN(x)) nans++;
    else sum += x;
    out[i] = i === period - 1 && nans === 0 ? sum / period : Number.NaN;
  }
  let slowUntil = 0; // bars before this index take the general path (a fast block failed there)
  while (i < n) {
    // Fast block up to the next scheduled recompute while the window is clean: the general path's two updates
    // without NaN bookkeeping, run optimistically. A NaN input leaves the sum NaN until the next recompute, so one
    // check at the end tells whether the block saw one; if so it is replayed by the general path. The arithmetic
    // is the same either way, so the results are bit-identical.
    if (nans === 0 && i >= slowUntil && (i & (RECOMPUTE - 1)) !== 0) {
      const next = (i | (RECOMPUTE - 1)) + 1;
      const end = next < n ? next : n;
      const sum0 = sum;
      for (let j = i; j < end; j++) {
        sum += src[j];
        sum -= src[j - period];
        out[j] = sum / period;
      }
      if (!Number.isNaN(sum)) {
        i = end;
        continue;
      }
      sum = sum0;
      slowUntil = end;
    }
    // General path: one bar with NaN bookkeeping and the scheduled recompute.
    const x = src[i];
    const old = src[i - period];
    if (Number.isNaN(x)) nans++;
    else sum += x;
    if (Number.isNaN(old)) nans--;
    else sum -= old;
    if (nans === 0) {
      if ((i & (RECOMPUTE - 1)) === 0) {
        sum = 0;
        for (let j = i - period + 1; j <= i; j++) sum += src[j];
      }
      out[i] = sum / period;
    } else {
      out[i] = Number.NaN;
    }
    i++;
  }
  return out;
}
