import { checkPeriod, nanArray } from './validate.js';

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
  const out = nanArray(n);
  // Indices of candidates, values monotonic from head to tail; a circular buffer of `period` slots.
  const dq = new Int32Array(period);
  let head = 0;
  let size = 0;
  let lastNaN = -1;
  for (let i = 0; i < n; i++) {
    const x = src[i];
    if (size > 0 && dq[head] <= i - period) {
      head = head + 1 === period ? 0 : head + 1;
      size--;
    }
    if (Number.isNaN(x)) {
      lastNaN = i;
    } else {
      while (size > 0) {
        let tail = head + size - 1;
        if (tail >= period) tail -= period;
        const v = src[dq[tail]];
        if (max ? v <= x : v >= x) size--;
        else break;
      }
      let slot = head + size;
      if (slot >= period) slot -= period;
      dq[slot] = i;
      size++;
    }
    if (i + 1 >= period && lastNaN <= i - period) out[i] = src[dq[head]];
  }
  return out;
}
