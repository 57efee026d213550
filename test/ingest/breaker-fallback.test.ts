import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metrics } from '../../src/core/metrics.js';
import { collectItem } from '../../src/sources/collect.js';
import { shiftedCandles, shiftToNow } from '../fakes/data.js';
import { storeTargets } from '../helpers/env.js';
import { type Fakes, fakeConfig, ingestHarness, startFakes } from './harness.js';

const shift = shiftToNow();
const gauge = async (source: string) => (await metrics.circuitState.get()).values.find((v) => v.labels.source === source)?.value;

describe.each(storeTargets())('breaker and fallbacks ($name)', (target) => {
  let fakes: Fakes;
  beforeAll(async () => {
    fakes = await startFakes({ binance: { shiftMs: shift, weightPerWindow: 2400 }, coingecko: { shiftMs: shift } });
  });
  afterAll(() => fakes.close());

  it('serves candles from CoinGecko OHLC while Binance is down, and goes back to Binance when it recovers', async () => {
    const config = fakeConfig(fakes, { sources: { binance: { weightPerMinute: 2400 }, breaker: { resetTimeoutMs: 10_000 } } });
    const h = await ingestHarness(target.url(), config);
    const { binance } = h.sources.clients;
    try {
      fakes.binance.setDown(true);
      const btc = await collectItem({ kind: 'candles', source: 'binance', symbol: 'BTC/USDT', timeframe: '1h' }, h.deps);
      expect(btc).toMatchObject({ source: 'coingecko', fallback: true });
      expect(btc.stored).toBeGreaterThan(0);
      // the fallback stored the real hourly prices of the last day, under its own source name
      const stored = await h.store.candles.read({ symbol: 'BTC/USDT', timeframe: '1h', source: 'coingecko' });
      const real = shiftedCandles('BTCUSDT', '1h', shift).filter((c) => c.ts >= stored.ts[0] && c.ts <= stored.ts[stored.length - 1]);
      expect(stored.length).toBe(btc.stored);
      expect(Array.from(stored.ts)).toEqual(real.map((c) => c.ts));
      expect(Array.from(stored.close)).toEqual(real.map((c) => c.close));
      expect(Array.from(stored.high)).toEqual(real.map((c) => c.high));

      const eth = await collectItem({ kind: 'candles', source: 'binance', symbol: 'ETH/USDT', timeframe: '1h' }, h.deps);
      expect(eth).toMatchObject({ source: 'coingecko', fallback: true });
      expect(binance.breaker.state).toBe('open');
      expect(await gauge('binance')).toBe(2);
      const asked = fakes.binance.requests.length;
      await collectItem({ kind: 'candles', source: 'binance', symbol: 'ETH/USDT', timeframe: '1h' }, h.deps);
      expect(fakes.binance.requests.length).toBe(asked); // open: Binance is not even asked

      fakes.binance.setDown(false);
      await new Promise((r) => setTimeout(r, 10_100)); // after resetTimeoutMs the breaker lets a trial call through
      const back = await collectItem({ kind: 'candles', source: 'binance', symbol: 'BTC/USDT', timeframe: '1h' }, h.deps);
      expect(back).toMatchObject({ source: 'binance', fallback: false });
      expect(back.stored).toBeGreaterThan(900);
      expect(binance.breaker.state).toBe('closed');
      expect(await gauge('binance')).toBe(0);
    } finally {
      fakes.binance.setDown(false);
      await h.close();
    }
  });

  it('serves prices from the Binance ticker while CoinGecko is down', async () => {
    const h = await ingestHarness(target.url(), fakeConfig(fakes));
    try {
      fakes.coingecko.setDown(true);
      const r = await collectItem({ kind: 'prices', symbols: ['BTC/USDT', 'ETH/USDT'] }, h.deps);
      expect(r).toMatchObject({ source: 'binance', fallback: true, stored: 2 });
      const lastClosed = shiftedCandles('BTCUSDT', '1h', shift).filter((c) => c.ts <= Date.now()).at(-1);
      expect((await h.store.prices.latest('BTC/USDT'))?.price).toBe(lastClosed?.close);
      fakes.coingecko.setDown(false);
      const ok = await collectItem({ kind: 'prices', symbols: ['BTC/USDT', 'ETH/USDT'] }, h.deps);
      expect(ok).toMatchObject({ source: 'coingecko', fallback: false, stored: 2 });
    } finally {
      fakes.coingecko.setDown(false);
      await h.close();
    }
  });
});
