/**
 * Coarser candles built locally from a tier's own: e.g. BTC's 1h candles from its 15m ones, so the strategies that
 * read 1h get them without a second klines call per hour. An exchange's coarse candle is exactly the fold of its
 * fine ones (first open, highest high, lowest low, last close, summed volume); a coarse period is built only when
 * every fine candle of it is stored.
 */
import { floorToGrid, type Timeframe, TIMEFRAMES } from '../core/time.js';
import type { Candle, CandleColumns } from '../core/types.js';
import type { Store } from '../storage/store.js';

/** Folds fine candles (sorted by ts) into complete coarse ones. */
export function foldCandles(fine: CandleColumns, fineStep: number, coarseStep: number): Candle[] {
  const per = coarseStep / fineStep;
  const out: Candle[] = [];
  let i = 0;
  while (i < fine.length) {
    const start = floorToGrid(fine.ts[i], coarseStep);
    let j = i;
    while (j < fine.length && fine.ts[j] < start + coarseStep) j++;
    if (j - i === per && fine.ts[i] === start) {
      let high = -Infinity;
      let low = Infinity;
      let volume = 0;
      for (let k = i; k < j; k++) {
        high = Math.max(high, fine.high[k]);
        low = Math.min(low, fine.low[k]);
        volume += fine.volume[k];
      }
      out.push({ ts: start, open: fine.open[i], high, low, close: fine.close[j - 1], volume });
    }
    i = j;
  }
  return out;
}

/** Builds and stores the coarse candles of [from, until) for one series; returns how many were stored. */
export async function deriveCandles(store: Store, key: { source: string; symbol: string; timeframe: Timeframe }, coarse: Timeframe, from: number, until: number): Promise<number> {
  const fineStep = TIMEFRAMES[key.timeframe];
  const coarseStep = TIMEFRAMES[coarse];
  if (coarseStep <= fineStep || coarseStep % fineStep !== 0) return 0;
  const start = floorToGrid(from, coarseStep);
  const fine = await store.candles.read({ ...key, from: start, to: until - 1 });
  const candles = foldCandles(fine, fineStep, coarseStep);
  if (candles.length) await store.candles.upsert({ source: key.source, symbol: key.symbol, timeframe: coarse }, candles);
  return candles.length;
}
