import { checkPeriod } from './validate.js';

/**
 * ln(close[i] / close[i−1]); the first value is NaN. NaN policy: a NaN close makes its own return and the next
 * one NaN, nothing more. Non-positive prices give NaN (the log is undefined).
 */
export function logReturns(close: Float64Array): Float64Array {
  const n = close.length;
  const out = new Float64Array(n);
  if (n > 0) out[0] = Number.NaN;
  for (let i = 1; i < n; i++) {
    const a = close[i - 1];
    const b = close[i];
    out[i] = a > 0 && b > 0 ? Math.log(b / a) : Number.NaN;
  }
  return out;
}

/**
 * src[i] / src[i−lag] − 1; the first `lag` values are NaN. NaN policy: a NaN value affects the two bars that
 * read it, nothing more. A zero base gives NaN, not Infinity.
 */
export function pctChange(src: Float64Array, lag = 1): Float64Array {
  checkPeriod('pctChange', 'lag', lag);
  const n = src.length;
  const out = new Float64Array(n);
  out.fill(Number.NaN, 0, Math.min(lag, n));
  // The plain ratio first, with a running sum that is finite unless some ratio is not: a per-bar test in this
  // loop would cost as much as the loop itself.
  let acc = 0;
  for (let i = lag; i < n; i++) {
    const r = src[i] / src[i - lag] - 1;
    out[i] = r;
    acc += r;
  }
  // Only a zero base gives ±Infinity (or NaN for 0/0); a change from zero is undefined. (A NaN input gives NaN
  // already.) A sum that overflowed from finite ratios just finds nothing to fix here.
  if (!Number.isFinite(acc)) {
    for (let i = lag; i < n; i++) if (!Number.isFinite(out[i])) out[i] = Number.NaN;
  }
  return out;
}
