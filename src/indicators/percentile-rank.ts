import { checkPeriod } from './validate.js';

/**
 * Percentile rank 0..100 of the current value within the trailing `period` values (itself included): the share
 * of the window's values that are <= the current one, × 100. A sorted copy of the window is kept (binary search
 * + memmove), O(n·log p) comparisons. Warm-up: period−1 NaN values. NaN policy: NaN while a NaN input is in the
 * window, then recovers.
 */
export function percentileRank(src: Float64Array, period: number): Float64Array {
  checkPeriod('percentileRank', 'period', period);
  const n = src.length;
  const out = new Float64Array(n);
  const sorted = new Float64Array(period);
  let size = 0;
  let lastNaN = -1;
  for (let i = 0; i < n; i++) {
    if (i >= period) {
      const old = src[i - period];
      if (!Number.isNaN(old)) {
        const at = lowerBound(sorted, size, old);
        sorted.copyWithin(at, at + 1, size);
        size--;
      }
    }
    const x = src[i];
    out[i] = Number.NaN;
    if (Number.isNaN(x)) {
      lastNaN = i;
    } else {
      const at = upperBound(sorted, size, x);
      sorted.copyWithin(at + 1, at, size);
      sorted[at] = x;
      size++;
      if (i + 1 >= period && lastNaN <= i - period) out[i] = (upperBound(sorted, size, x) / period) * 100;
    }
  }
  return out;
}

/** First index whose value is >= x. */
function lowerBound(a: Float64Array, size: number, x: number): number {
  let lo = 0;
  let hi = size;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose value is > x (= how many values are <= x). */
function upperBound(a: Float64Array, size: number, x: number): number {
  let lo = 0;
  let hi = size;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
