import { checkPeriod } from './validate.js';

/**
 * Highest value of the trailing `period` values (monotonic deque, O(n)).
 * Warm-up: period−1 NaN values. NaN policy: NaN while a NaN input is in the window, then recovers.
 */
export function rollingMax(src: Float64Array, period: number): Float64Array {
  checkPeriod('rollingMax', 'period', period);
  return extreme(src, period, true);
}

/** Lowest value of the trailing `period` values; same warm-up and NaN policy as rollingMax. */
export function rollingMin(src: Float64Array, period: number): Float64Array {
  checkPeriod('rollingMin', 'period', period);
  return extreme(src, period, false);
}

function extreme(src: Float64Array, period: number, max: boolean): Float64Array {
  const n = src.length;
  const out = new Float64Array(n);
  // Indices of candidates, values monotonic from head to tail. One slot per bar (each index is pushed at most
  // once), so head and tail only move forward: no wrap-around arithmetic in the loop.
  const dq = new Int32Array(n);
  let head = 0;
  let tail = 0;
  let lastNaN = -1;
  const sign = max ? 1 : -1;
  for (let i = 0; i < n; i++) {
    const x = src[i];
    if (tail > head && dq[head] <= i - period) head++;
    if (Number.isNaN(x)) {
      lastNaN = i;
    } else {
      const sx = sign * x;
      while (tail > head && sign * src[dq[tail - 1]] <= sx) tail--;
      dq[tail++] = i;
    }
    out[i] = i + 1 >= period && lastNaN <= i - period ? src[dq[head]] : Number.NaN;
  }
  return out;
}
