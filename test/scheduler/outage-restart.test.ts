import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/log.js';
import { DAY_MS, HOUR_MS } from '../../src/core/time.js';
import { simulate } from '../../src/scheduler/simulate.js';
import { realCandles } from '../fakes/data.js';
import { startHarness } from './harness.js';

// A week on the virtual clock with a smaller schedule than the default (the fake servers answer a request in about
// 10 ms of real time): BTC and ETH hourly, two FRED series, one daily and one weekly.
const start = Date.parse('2025-06-02T00:00:00Z'); // a Monday
const week = start + 7 * DAY_MS;
const downFrom = start + DAY_MS + 10 * HOUR_MS;
const downTo = downFrom + 6 * HOUR_MS;
const restartAt = week + 12 * HOUR_MS;
const end = restartAt + 3 * HOUR_MS;

describe('a simulated week with Binance down for 6 hours, then 12 hours of process downtime', async () => {
  const h = await startHarness(start - HOUR_MS, {
    tiers: {
      highFrequency: { interval: '1h', symbols: ['BTC/USDT'], timeframe: '1h', derive: [] },
      hourly: { interval: '1h', symbols: ['ETH/USDT'], timeframe: '1h' },
      macro: { series: ['VIXCLS', 'DTWEXBGS'] },
    },
    // the breaker's reset timer runs on wall time, which a simulated week hardly spends
    sources: { breaker: { resetTimeoutMs: 100 } },
  });
  afterAll(() => h.close());
  void h.clock.sleep(downFrom - h.clock.now()).then(() => h.binance.setDown(true));
  void h.clock.sleep(downTo - h.clock.now()).then(() => h.binance.setDown(false));

  const first = await simulate({ config: h.config, store: h.store, log: silentLogger, clock: h.clock, start, until: week });
  const requestsBefore = { binance: h.binance.requests.length, fred: h.fred.requests.length };
  h.clock.set(restartAt); // the process was down for 12 hours
  const second = await simulate({ config: h.config, store: h.store, log: silentLogger, clock: h.clock, until: end });
  const catchUp = {
    binance: h.binance.requests.slice(requestsBefore.binance),
    fred: h.fred.requests.slice(requestsBefore.fred),
  };

  it('kept collecting during the outage through the CoinGecko fallback', () => {
    expect(h.binance.requests.some((r) => r.status === 503)).toBe(true);
    expect(first.calls.coingecko).toBeGreaterThan(0);
  });

  it('stored every Binance candle of the whole span once: no gap, no duplicate, the source’s own values', async () => {
    for (const symbol of ['BTC/USDT', 'ETH/USDT']) {
      const stored = await h.store.candles.read({ symbol, timeframe: '1h', source: 'binance', from: start, to: end - 2 * HOUR_MS });
      const real = realCandles(symbol.replace('/', ''), '1h').filter((c) => c.ts >= start && c.ts <= end - 2 * HOUR_MS);
      expect(real.length).toBe((end - 2 * HOUR_MS - start) / HOUR_MS + 1);
      expect(Array.from(stored.ts)).toEqual(real.map((c) => c.ts));
      expect(Array.from(stored.close)).toEqual(real.map((c) => c.close));
    }
    expect(second.gaps.every((g) => g.gaps === 0)).toBe(true);
  });

  it('caught up after the downtime with one klines request per item, not one per missed hour', () => {
    const klines = catchUp.binance.filter((r) => r.path.endsWith('/klines'));
    const first = new Map<string, number>();
    for (const r of klines) first.set(r.query.symbol, (first.get(r.query.symbol) ?? 0) + 1);
    // restart at 12:00: each item ran once at start (the 12-hour catch-up), then at the 13:00 and 14:00 slots
    expect(Object.fromEntries(first)).toEqual({ BTCUSDT: 3, ETHUSDT: 3 });
    const catchUpCall = klines.find((r) => r.query.symbol === 'BTCUSDT');
    // the first process stopped at midnight, just before the 23:00 candle's slot (00:00:10): the catch-up starts there
    expect(Number(catchUpCall?.query.startTime)).toBe(week - HOUR_MS);
    // FRED: at most one request per series since the restart
    expect(catchUp.fred.length).toBeLessThanOrEqual(2);
  });
});
