import { isoTime } from '../core/time.js';
import { generateSampleMarket, SAMPLE_SOURCE, type SampleMarket } from '../sources/sample/market.js';
import type { Store } from '../storage/store.js';

export interface MarketStageResult {
  label: string;
  seed: number;
  from: string;
  to: string;
  candles: { symbol: string; timeframe: '1h'; source: string; count: number; first_close: number; last_close: number }[];
  macro: { series: string; count: number; missing: number }[];
}

/** Builds the seeded sample market and stores it under the source `sample` (idempotent upserts). */
export async function runMarketStage(store: Store, seed: number): Promise<{ market: SampleMarket; result: MarketStageResult }> {
  const market = generateSampleMarket({ seed });
  const candles: MarketStageResult['candles'] = [];
  for (const [symbol, cols] of market.candles) {
    await store.candles.upsert({ source: SAMPLE_SOURCE, symbol, timeframe: '1h' }, cols);
    candles.push({ symbol, timeframe: '1h', source: SAMPLE_SOURCE, count: cols.length, first_close: cols.close[0], last_close: cols.close[cols.length - 1] });
  }
  const macro: MarketStageResult['macro'] = [];
  for (const [series, obs] of market.macro) {
    await store.macro.upsert(obs, SAMPLE_SOURCE);
    macro.push({ series, count: obs.length, missing: obs.filter((o) => o.value === null).length });
  }
  return { market, result: { label: market.label, seed, from: isoTime(market.start), to: isoTime(market.end), candles, macro } };
}
