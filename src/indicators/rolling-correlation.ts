import { rollingCoMoments } from './moments.js';
import { checkPeriod, checkSameLength } from './validate.js';

/**
 * Pearson correlation of a and b over the trailing `period` bars. NaN where either series is constant over the
 * window (the correlation is undefined there). Warm-up: period−1 NaN values. NaN policy: a bar where either
 * input is NaN makes the output NaN until it has left the window.
 */
export function rollingCorrelation(a: Float64Array, b: Float64Array, period: number): Float64Array {
  checkPeriod('rollingCorrelation', 'period', period, 2);
  checkSameLength('rollingCorrelation', a, b);
  const { m2x, m2y, cxy } = rollingCoMoments(a, b, period);
  const out = cxy;
  for (let i = 0; i < out.length; i++) {
    const den = Math.sqrt(m2x[i] * m2y[i]);
    let r = den > 0 ? cxy[i] / den : Number.NaN;
    // Rounding can push |r| a hair past 1.
    if (r > 1) r = 1;
    else if (r < -1) r = -1;
    out[i] = r;
  }
  return out;
}
