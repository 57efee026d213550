import { afterEach, describe, expect, it } from 'vitest';
import { buildConfig } from '../config/index.js';
import { SystemClock } from '../core/clock.js';
import { GiveUpError } from '../core/errors.js';
import { silentLogger } from '../core/log.js';
import { HOUR_MS } from '../core/time.js';
import type { Candle } from '../core/types.js';
import { openStore, type Store } from '../storage/store.js';
import { fetchCandleRange } from './candle-range.js';
import type { Sources } from './open.js';

const T0 = Date.parse('2024-03-01T00:00:00Z');
const at = (h: number): Candle => ({ ts: T0 + h * HOUR_MS, open: 100, high: 101, low: 99, close: 100 + (h % 2) / 10, volume: 5 });
const hours = (from: number, to: number, skip: number[] = []) => Array.from({ length: to - from + 1 }, (_, i) => from + i).filter((h) => !skip.includes(h));

type Klines = (since: number, until: number) => Promise<Candle[]>;

/** fetchCandleRange over a scripted Binance (klines only), with what it was asked and what it answered. */
async function scripted(klines: Klines) {
  const store = await openStore('sqlite::memory:');
  const asked: [number, number][] = [];
  const sources = {
    binance: {
      klineRows: async (_symbol: string, _tf: string, since: number, opts: { until?: number }) => {
        asked.push([(since - T0) / HOUR_MS, ((opts.until ?? since) - T0) / HOUR_MS]);
        // as Binance sends them: open time, then prices and volume as decimal strings
        return (await klines(since, opts.until ?? since)).map((c) => [c.ts, ...[c.open, c.high, c.low, c.close, c.volume].map((v) => v.toFixed(8))]);
      },
    },
  } as unknown as Sources;
  const config = buildConfig({ sources: { gapRetries: 1, binance: { klinesPerPage: 10 } } });
  const run = () => fetchCandleRange({ config, store, sources, clock: new SystemClock(), log: silentLogger }, 'binance', 'BTC/USDT', '1h', T0, T0 + 19 * HOUR_MS);
  const storedHours = async () => Array.from((await store.candles.read({ symbol: 'BTC/USDT', timeframe: '1h', source: 'binance' })).ts, (ts) => (ts - T0) / HOUR_MS);
  return { store, asked, run, storedHours };
}

describe('fetchCandleRange hole repairs (beside the following pages)', () => {
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });

  it('fails the call when a repair fails, and asks nothing once the call has returned', async () => {
    const s = await scripted(async (since, until) => {
      const h = (since - T0) / HOUR_MS;
      if (h === 5 && until === since) throw new GiveUpError('E_TEST', 'the repair of hour 5 failed');
      // the first page leaves hour 5 out
      return hours(h, Math.min(h + 9, 19), [5]).map(at);
    });
    store = s.store;
    await expect(s.run()).rejects.toThrow('the repair of hour 5 failed');
    const asked = s.asked.length;
    await new Promise((r) => setTimeout(r, 50));
    expect(s.asked.length).toBe(asked);
    expect(await s.storedHours()).toEqual(hours(0, 19, [5]));
  });

  it('lets a running repair finish before a failing page fails the call', async () => {
    let repaired = false;
    const s = await scripted(async (since, until) => {
      const h = (since - T0) / HOUR_MS;
      if (h === 5 && until === since) {
        await new Promise((r) => setTimeout(r, 100));
        repaired = true;
        return [at(5)];
      }
      if (h >= 10) throw new GiveUpError('E_TEST', 'the second page failed');
      return hours(h, h + 9, [5]).map(at);
    });
    store = s.store;
    await expect(s.run()).rejects.toThrow('the second page failed');
    expect(repaired).toBe(true);
    expect(await s.storedHours()).toEqual(hours(0, 9));
  });

  it('repairs holes and remembers what stays missing as an exchange gap, as when repairs held up the pages', async () => {
    // hour 3 comes when asked again; hours 12-13 never come
    const s = await scripted(async (since, until) => {
      const h = (since - T0) / HOUR_MS;
      const u = (until - T0) / HOUR_MS;
      if (h === 3 && u === 3) return [at(3)];
      return hours(h, Math.min(u, h + 9), [3, 12, 13]).map(at);
    });
    store = s.store;
    const report = await s.run();
    expect(await s.storedHours()).toEqual(hours(0, 19, [12, 13]));
    expect(report.exchangeGaps).toEqual([[T0 + 12 * HOUR_MS, T0 + 13 * HOUR_MS]]);
    expect(report.stored).toBe(18);
  });
});
