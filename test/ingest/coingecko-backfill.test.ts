import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR_MS } from '../../src/core/time.js';
import { fetchCandleRange } from '../../src/sources/candle-range.js';
import { realCandles } from '../fakes/data.js';
import { storeTargets } from '../helpers/env.js';
import { type Fakes, fakeConfig, ingestHarness, startFakes } from './harness.js';

describe.each(storeTargets())('backfill from CoinGecko price history ($name)', (target) => {
  let fakes: Fakes;
  beforeAll(async () => {
    fakes = await startFakes();
  });
  afterAll(() => fakes.close());

  it('builds hourly candles from market_chart/range in chunks, each hour closing at its real price', async () => {
    const h = await ingestHarness(target.url(), fakeConfig(fakes, { sources: { coingecko: { chunkDays: 3 } } }));
    const from = Date.parse('2024-05-01T00:00:00Z');
    const to = from + 10 * 24 * HOUR_MS - HOUR_MS;
    try {
      const r = await fetchCandleRange({ ...h.deps, patient: true }, 'coingecko', 'BTC/USDT', '1h', from, to);
      const got = await h.store.candles.read({ symbol: 'BTC/USDT', timeframe: '1h', source: 'coingecko' });
      const real = realCandles('BTCUSDT', '1h').filter((c) => c.ts >= from && c.ts <= to);
      expect(got.length).toBe(240);
      expect(Array.from(got.ts)).toEqual(real.map((c) => c.ts));
      expect(Array.from(got.close)).toEqual(real.map((c) => c.close));
      expect(r.pages).toBeGreaterThanOrEqual(4); // 10 days in chunks of under 3
      const asked = fakes.coingecko.requestsTo('/market_chart/range');
      expect(asked.every((q) => Number(q.query.to) - Number(q.query.from) <= 3 * 86_400)).toBe(true);
      expect(asked.every((q) => q.headers['x-cg-demo-api-key'] !== undefined)).toBe(true);
    } finally {
      await h.close();
    }
  });
});
