import { rollingMax } from './rolling-extremes.js';
import { checkPeriod } from './validate.js';

/**
 * Drawdown from the rolling high: (max of the trailing `period` closes − close) / that max, ≥ 0 (0 at a new
 * high). Warm-up and NaN policy are those of rollingMax. NaN where the high is not positive.
 */
export function drawdownFromHigh(close: Float64Array, period: number): Float64Array {
  checkPeriod('drawdownFromHigh', 'period', period);
  const out = rollingMax(close, period);
  for (let i = 0; i < out.length; i++) {
    const hi = out[i];
    out[i] = hi > 0 ? (hi - close[i]) / hi : Number.NaN;
  }
  return out;
}
