import { rollingMoments } from './moments.js';
import { checkPeriod } from './validate.js';

/**
 * (x − mean) / population std over the trailing `period` values, the current one included. 0 where the window
 * is constant (x equals the mean; the ratio would be 0/0). Warm-up: period−1 NaN values.
 * NaN policy: NaN while a NaN input is in the window, then recovers.
 */
export function zscore(src: Float64Array, period: number): Float64Array {
  checkPeriod('zscore', 'period', period);
  const { mean, m2 } = rollingMoments(src, period);
  const out = m2;
  for (let i = 0; i < out.length; i++) {
    const mu = mean[i];
    const variance = m2[i] / period;
    // A constant window can leave rounding dust in the variance, far below the mean's own rounding; treat it as
    // zero. The bound is relative only: series of tiny magnitude (1e-8 and less) have genuinely tiny variances.
    if (Number.isNaN(variance)) out[i] = Number.NaN;
    else out[i] = variance > 1e-24 * mu * mu ? (src[i] - mu) / Math.sqrt(variance) : 0;
  }
  return out;
}
