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
  let i = 0;
  // Two loops: the warm-up (seeding the average) and the steady state, so the hot loop has no seed branch.
  // A NaN anywhere (bar or previous close) makes the true range NaN: one test covers all four.
  for (; i < n && seen < period; i++) {
    const h = high[i];
    const l = low[i];
    const c = close[i];
    const tr = Math.max(h - l, Math.abs(h - prev), Math.abs(l - prev));
    out[i] = Number.NaN;
    if (!Number.isNaN(tr)) {
      prev = c;
      value += tr;
      seen++;
      if (seen === period) {
        value /= period;
        out[i] = value;
      }
    } else if (!Number.isNaN(h + l + c)) {
      prev = c;
    }
  }
  for (; i < n; i++) {
    const h = high[i];
    const l = low[i];
    const c = close[i];
    const tr = Math.max(h - l, Math.abs(h - prev), Math.abs(l - prev));
    if (!Number.isNaN(tr)) {
      prev = c;
      value = (value * keep + tr) / period;
      out[i] = value;
    } else {
      out[i] = Number.NaN;
      if (!Number.isNaN(h + l + c)) prev = c;
    }
  }
  return out;
}
