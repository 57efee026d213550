import { checkPeriod, checkSameLength } from './validate.js';

/**
 * Average True Range with Wilder's smoothing. The true range of a bar needs the previous close:
 * max(high − low, |high − prevClose|, |low − prevClose|), so the first bar has none (TA-Lib and
 * technicalindicators convention; trading-signals uses high − low for it). The first ATR is the average of the
 * first `period` true ranges, at index `period` on clean data; then ATR = (ATR·(period−1) + TR)/period.
 * NaN policy: a bar with a NaN high, low or close gives NaN and is skipped; the next true range is measured
 * from the last finite close.
 */
export function atr(high: Float64Array, low: Float64Array, close: Float64Array, period = 14): Float64Array {
  checkPeriod('atr', 'period', period);
  checkSameLength('atr', high, low, close);
  const n = close.length;
  const out = new Float64Array(n);
  let prev = Number.NaN;
  let seen = 0;
  let value = 0;
  const keep = period - 1;
  for (let i = 0; i < n; i++) {
    const h = high[i];
    const l = low[i];
    const c = close[i];
    // One test for the three: a sum is NaN when any term is.
    const barOk = !Number.isNaN(h + l + c);
    if (!barOk || Number.isNaN(prev)) {
      // No true range: a NaN in the bar, or the first complete bar (no previous close yet).
      out[i] = Number.NaN;
      if (barOk) prev = c;
      continue;
    }
    // Math.max/abs compile to branch-free code; price direction is a coin flip for a branch predictor.
    const tr = Math.max(h - l, Math.abs(h - prev), Math.abs(l - prev));
    prev = c;
    if (seen < period) {
      value += tr;
      seen++;
      if (seen < period) {
        out[i] = Number.NaN;
        continue;
      }
      value /= period;
    } else {
      value = (value * keep + tr) / period;
    }
    out[i] = value;
  }
  return out;
}
