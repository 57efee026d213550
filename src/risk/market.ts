/**
 * Builds the MarketState `decide` needs from candle columns, as of a bar (only bars up to `index` are read), so the
 * backtester, the paper trader and the signal pipeline measure the market the same way:
 * - price: the bar's close;
 * - atr: the simple mean of the last `atrPeriod` true ranges (TR = max(high - low, |high - prev close|,
 *   |low - prev close|));
 * - volatility: the standard deviation (n - 1) of log close-to-close returns over the last `volatilityDays`,
 *   annualized with sqrt(bars per 365 days);
 * - avgDailyVolume: the traded value (close x volume) over the last `volumeDays`, per day.
 * Each is left out when there are too few bars. Costs O(window) per call: meant per signal, not per bar.
 */
import { DAY_MS, type Timeframe, timeframeMs } from '../core/time.js';
import type { CandleColumns } from '../core/types.js';
import type { MarketState } from './types.js';

export interface MarketWindows {
  timeframe: Timeframe;
  atrPeriod?: number;
  volatilityDays?: number;
  volumeDays?: number;
}

export function marketStateAt(c: CandleColumns, index: number, w: MarketWindows): MarketState {
  const state: MarketState = { price: c.close[index] };
  const barsPerDay = DAY_MS / timeframeMs(w.timeframe);
  const atrPeriod = w.atrPeriod ?? 14;
  if (index >= atrPeriod) {
    let sum = 0;
    for (let i = index - atrPeriod + 1; i <= index; i++) {
      const prev = c.close[i - 1];
      sum += Math.max(c.high[i] - c.low[i], Math.abs(c.high[i] - prev), Math.abs(c.low[i] - prev));
    }
    state.atr = sum / atrPeriod;
  }
  const volBars = Math.min(index, Math.max(2, Math.round((w.volatilityDays ?? 30) * barsPerDay)));
  if (volBars >= 2) {
    let mean = 0;
    for (let i = index - volBars + 1; i <= index; i++) mean += Math.log(c.close[i] / c.close[i - 1]);
    mean /= volBars;
    let ss = 0;
    for (let i = index - volBars + 1; i <= index; i++) {
      const r = Math.log(c.close[i] / c.close[i - 1]) - mean;
      ss += r * r;
    }
    state.volatility = Math.sqrt(ss / (volBars - 1)) * Math.sqrt(365 * barsPerDay);
  }
  const volumeBars = Math.min(index + 1, Math.max(1, Math.round((w.volumeDays ?? 30) * barsPerDay)));
  let traded = 0;
  for (let i = index - volumeBars + 1; i <= index; i++) traded += c.close[i] * c.volume[i];
  state.avgDailyVolume = (traded / volumeBars) * barsPerDay;
  return state;
}

/** Log returns close to close per close series (element i: bar i − 1 → i), computed once per series, not per call. */
const logReturnsOf = new WeakMap<Float64Array, Float64Array>();

function closeToClose(close: Float64Array): Float64Array {
  let r = logReturnsOf.get(close);
  if (!r) {
    r = new Float64Array(close.length);
    r[0] = Number.NaN;
    for (let i = 1; i < close.length; i++) r[i] = Math.log(close[i] / close[i - 1]);
    logReturnsOf.set(close, r);
  }
  return r;
}

/**
 * Pearson correlation of log returns of two series over the last `bars` bars of `a` ending at ia (b ending at ib),
 * matched by timestamp (a bar missing from either series drops the returns that touch it). NaN with fewer than 3 pairs.
 */
export function returnCorrelation(a: CandleColumns, ia: number, b: CandleColumns, ib: number, bars: number): number {
  const ra = closeToClose(a.close);
  const rb = closeToClose(b.close);
  let i = ia;
  let j = ib;
  let n = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  // The window is the last `bars` bars of series a; b contributes the bars it shares with it.
  const from = a.ts[Math.max(1, ia - bars + 1)];
  while (i > 0 && j > 0 && a.ts[i] >= from && b.ts[j] >= from) {
    if (a.ts[i] > b.ts[j]) i--;
    else if (b.ts[j] > a.ts[i]) j--;
    else {
      if (a.ts[i - 1] === b.ts[j - 1]) {
        const x = ra[i];
        const y = rb[j];
        n++;
        sx += x;
        sy += y;
        sxx += x * x;
        syy += y * y;
        sxy += x * y;
      }
      i--;
      j--;
    }
  }
  if (n < 3) return Number.NaN;
  const cov = sxy - (sx * sy) / n;
  const vx = sxx - (sx * sx) / n;
  const vy = syy - (sy * sy) / n;
  return vx > 0 && vy > 0 ? cov / Math.sqrt(vx * vy) : Number.NaN;
}
