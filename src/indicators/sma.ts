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
  for (let i = 0; i < n; i++) {
    const x = src[i];
    if (!Number.isNaN(x)) sum += x;
    else nans++;
    if (i >= period) {
      const old = src[i - period];
      if (!Number.isNaN(old)) sum -= old;
      else nans--;
    }
    if (i + 1 >= period && nans === 0) {
      if ((i & (RECOMPUTE - 1)) === 0) {
        sum = 0;
        for (let j = i - period + 1; j <= i; j++) sum += src[j];
      }
      out[i] = sum / period;
    } else {
      out[i] = Number.NaN;
    }
  }
  return out;
}
