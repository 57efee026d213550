import { rollingMoments } from './moments.js';
import { checkPeriod } from './validate.js';

/**
 * Standard deviation of the trailing `period` values; ddof 0 = population (Bollinger), 1 = sample (pandas).
 * Warm-up: period−1 NaN values. NaN policy: NaN while a NaN input is in the window, then recovers.
 */
export function rollingStd(src: Float64Array, period: number, ddof = 0): Float64Array {
  checkPeriod('rollingStd', 'period', period, ddof + 1);
  const { m2 } = rollingMoments(src, period);
  const div = period - ddof;
  for (let i = 0; i < m2.length; i++) m2[i] = Math.sqrt(m2[i] / div);
  return m2;
}
