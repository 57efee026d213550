import { afterAll, describe, expect, it } from 'vitest';
import { HOUR_MS } from '../core/time.js';
import type { CandleColumns } from '../core/types.js';
import { dropPgSchema, storeTargets } from '../../test/helpers/env.js';
import { openStore, type Store } from '../storage/store.js';
import { PriceBook } from './prices.js';

const T0 = Date.UTC(2024, 0, 1);
const KEY = { source: 'binance', symbol: 'BTC/USDT', timeframe: '1h' as const };

function candles(from: number, n: number, base: number) {
  return Array.from({ length: n }, (_, i) => {
    const p = base + i + ((i * 7) % 5);
    return { ts: from + i * HOUR_MS, open: p, high: p + 2, low: p - 2, close: p + 1, volume: 10 + i };
  });
}

const plain = (c: CandleColumns) => ({ ts: [...c.ts], open: [...c.open], high: [...c.high], low: [...c.low], close: [...c.close], volume: [...c.volume] });

describe.each(storeTargets())('paper price windows on $name', ({ url }) => {
  const urls: string[] = [];
  const stores: Store[] = [];
  afterAll(async () => {
    for (const s of stores) await s.close();
    for (const u of urls) await dropPgSchema(u);
  });

  it('a replay extends its windows bar by bar to exactly what a whole read gives, and reads whole after a reported change', async () => {
    const u = url();
    urls.push(u);
    const store = await openStore(u);
    stores.push(store);
    // 40 days of hourly candles, more than a window holds (31 days), with a gap of 5 hours
    await store.candles.upsert(KEY, candles(T0, 500, 100));
    await store.candles.upsert(KEY, candles(T0 + 505 * HOUR_MS, 455, 300));
    const replay = new PriceBook('1h', true);
    const whole = new PriceBook('1h');
    for (let h = 2; h < 960; h += h < 30 || h > 900 ? 1 : 7) {
      const now = T0 + h * HOUR_MS + 60_000;
      if (h === 700) {
        // an older candle inside the window is corrected and reported: the next window is read whole again
        await store.candles.upsert(KEY, [{ ts: T0 + 650 * HOUR_MS, open: 1, high: 2, low: 0.5, close: 1.5, volume: 1 }]);
        replay.invalidate('BTC/USDT', T0 + 650 * HOUR_MS);
        whole.invalidate('BTC/USDT', T0 + 650 * HOUR_MS);
      }
      const a = await replay.window(store, 'BTC/USDT', now);
      const b = await whole.window(store, 'BTC/USDT', now);
      expect(plain(a)).toEqual(plain(b));
      // the window ends at the last candle closed by now and holds at most 31 days + 1 bar
      if (b.length > 0) expect(b.ts[b.length - 1]).toBeLessThanOrEqual(now - HOUR_MS);
      expect(b.length).toBeLessThanOrEqual(31 * 24 + 1);
      replay.invalidate('BTC/USDT', T0 + h * HOUR_MS);
      whole.invalidate('BTC/USDT', T0 + h * HOUR_MS);
    }
    const last = await whole.window(store, 'BTC/USDT', T0 + 960 * HOUR_MS);
    expect(last.length).toBe(31 * 24 + 1);
    expect(last.close[last.length - 1]).toBe(300 + 454 + ((454 * 7) % 5) + 1);
  });
});
