import { rollingMoments } from './moments.js';
import { checkPeriod } from './validate.js';

export interface BollingerResult {
  middle: Float64Array;
  upper: Float64Array;
  lower: Float64Array;
}

/**
 * Bollinger bands: middle = SMA(period), upper/lower = middle ± k · population standard deviation of the window.
 * Warm-up: period−1 NaN values. NaN policy: NaN while a NaN input is in the window, then recovers.
 */
export function bollinger(close: Float64Array, period = 20, k = 2): BollingerResult {
  checkPeriod('bollinger', 'period', period);
  const { mean, m2 } = rollingMoments(close, period);
  const n = close.length;
  // m2 becomes `upper`, a fresh array `lower`; the mean is the middle band itself.
  const lower = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const band = k * Math.sqrt(m2[i] / period);
    const mid = mean[i];
    m2[i] = mid + band;
    lower[i] = mid - band;
  }
  return { middle: mean, upper: m2, lower };
}
