import { emaInto } from './ema.js';
import { checkPeriod } from './validate.js';

export interface MacdResult {
  /** EMA(fast) − EMA(slow); NaN until the slow EMA is seeded (index slow−1 on clean data). */
  macd: Float64Array;
  /** EMA(signal) of the MACD line, seeded with the average of its first `signal` values. */
  signal: Float64Array;
  histogram: Float64Array;
}

/**
 * MACD with SMA-seeded EMAs (as technicalindicators with SimpleMAOscillator/SimpleMASignal off).
 * NaN policy: that of `ema` — a NaN close gives NaN on all three lines at that bar only.
 */
export function macd(close: Float64Array, fast = 12, slow = 26, signal = 9): MacdResult {
  checkPeriod('macd', 'fast', fast);
  checkPeriod('macd', 'slow', slow);
  checkPeriod('macd', 'signal', signal);
  const n = close.length;
  const fastLine = new Float64Array(n);
  const line = new Float64Array(n);
  emaInto(close, fast, fastLine);
  emaInto(close, slow, line);
  for (let i = 0; i < n; i++) line[i] = fastLine[i] - line[i];
  const sig = new Float64Array(n);
  emaInto(line, signal, sig);
  // fastLine is no longer needed: reuse it for the histogram.
  const histogram = fastLine;
  for (let i = 0; i < n; i++) histogram[i] = line[i] - sig[i];
  return { macd: line, signal: sig, histogram };
}
