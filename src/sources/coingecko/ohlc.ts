import { floorToGrid, type Timeframe, timeframeMs } from '../../core/time.js';
import type { Candle } from '../../core/types.js';

/**
 * Turns CoinGecko OHLC rows (`[closeTime, o, h, l, c]`, no volume) into candles of `timeframe`: each row opens one
 * step before its close time (the step read from the rows' spacing), and rows are merged when the timeframe is a
 * multiple of the step. Incomplete groups are dropped, so a merged candle always covers its whole period.
 */
export function candlesFromOhlc(rows: readonly number[][], timeframe: Timeframe): Candle[] {
  if (rows.length < 2) return [];
  const tf = timeframeMs(timeframe);
  let step = Number.POSITIVE_INFINITY;
  for (let i = 1; i < rows.length; i++) step = Math.min(step, rows[i][0] - rows[i - 1][0]);
  if (!(step > 0) || tf % step !== 0) return [];
  const per = tf / step;
  const groups = new Map<number, Candle & { n: number }>();
  for (const [close, open, high, low, last] of rows) {
    const ts = floorToGrid(close - step, tf);
    const g = groups.get(ts);
    if (!g) groups.set(ts, { ts, open, high, low, close: last, volume: 0, n: 1 });
    else {
      g.high = Math.max(g.high, high);
      g.low = Math.min(g.low, low);
      g.close = last;
      g.n++;
    }
  }
  return [...groups.values()].filter((g) => g.n === per).map(({ n: _n, ...c }) => c).sort((a, b) => a.ts - b.ts);
}

/** The smallest `days` whose OHLC step divides the timeframe (30 min for 1–2 days, 4 h up to 30 days). */
export function ohlcDaysFor(timeframe: Timeframe): number | undefined {
  const tf = timeframeMs(timeframe);
  if (tf % (30 * 60_000) === 0 && tf < 4 * 3_600_000) return 1;
  if (tf % (4 * 3_600_000) === 0) return 30;
  return undefined;
}

/**
 * Candles from price points (`market_chart/range`): open = first point in the period, close = last, high/low =
 * extremes; volume 0 (CoinGecko's volumes are rolling 24h sums, not per-candle). A point stamped at a period's
 * close time belongs to the period it closes.
 */
export function candlesFromPrices(points: readonly number[][], timeframe: Timeframe): Candle[] {
  const tf = timeframeMs(timeframe);
  const out: Candle[] = [];
  for (const [t, price] of points) {
    const ts = floorToGrid(t - 1, tf);
    const last = out[out.length - 1];
    if (last && last.ts === ts) {
      last.high = Math.max(last.high, price);
      last.low = Math.min(last.low, price);
      last.close = price;
    } else if (!last || ts > last.ts) out.push({ ts, open: price, high: price, low: price, close: price, volume: 0 });
  }
  return out;
}
