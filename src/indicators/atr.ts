import { checkPeriod, checkSameLength, nanArray } from './validate.js';

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
  const out = nanArray(n);
  let prev = Number.NaN;
  let seen = 0;
  let value = 0;
  const keep = period - 1;
  for (let i = 0; i < n; i++) {
    const h = high[i];
    const l = low[i];
    const c = close[i];
    if (Number.isNaN(h) || Number.isNaN(l) || Number.isNaN(c)) continue;
    if (Number.isNaN(prev)) {
      prev = c;
      continue;
    }
    let tr = h - l;
    const up = h > prev ? h - prev : prev - h;
    const dn = l > prev ? l - prev : prev - l;
    if (up > tr) tr = up;
    if (dn > tr) tr = dn;
    prev = c;
    if (seen < period) {
      value += tr;
      seen++;
      if (seen < period) continue;
      value /= period;
    } else {
      value = (value * keep + tr) / period;
    }
    out[i] = value;
  }
  return out;
}
