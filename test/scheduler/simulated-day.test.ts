import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/log.js';
import { DAY_MS, HOUR_MS } from '../../src/core/time.js';
import { scheduleItems } from '../../src/scheduler/items.js';
import { formatSimulation } from '../../src/scheduler/report.js';
import { DEFAULT_WARMUP_MS, simulate } from '../../src/scheduler/simulate.js';
import { startHarness } from './harness.js';

const ORIGINAL_PER_DAY = 2 * 96 + 8 * 24 + 9; // 393, the original's claim for this schedule

async function simulatedDay(startIso: string) {
  const start = Date.parse(startIso);
  const h = await startHarness(start - DEFAULT_WARMUP_MS);
  afterAll(() => h.close());
  const report = await simulate({ config: h.config, store: h.store, log: silentLogger, clock: h.clock, start, until: start + DAY_MS });
  console.log(formatSimulation(report));
  const items = scheduleItems(h.config, { signals: false });
  return { h, report, items };
}

describe('a simulated day of the default schedule against the fake servers', () => {
  describe('Monday 2025-05-12 (BTC and ETH 15m data at the fake)', async () => {
    const { report, items } = await simulatedDay('2025-05-12T00:00:00Z');

    it('spends no more than the original 393 calls: every 15m and hourly slot once, FRED after its release', () => {
      // hand count: BTC, ETH 96 slots each; 8 assets 24 each; Monday: 7 daily series + the 2 weekly (H.10) ones
      expect(report.calls).toEqual({ binance: 2 * 96 + 8 * 24, coingecko: 0, fred: 9 });
      expect(report.totalCalls).toBeLessThanOrEqual(ORIGINAL_PER_DAY);
    });

    it('leaves no gap and stores every 15m candle within its 15-minute tier interval', () => {
      for (const g of report.gaps) expect(g, g.item).toMatchObject({ gaps: 0, missing: 0 });
      for (const id of ['candles:binance:BTC/USDT:15m', 'candles:binance:ETH/USDT:15m']) {
        // every candle that closed inside the day; the 23:45 one closes at midnight, when the next day begins
        expect(report.gaps.find((g) => g.item === id)?.stored).toBe(95);
        expect(report.lag[id].maxMs).toBeLessThanOrEqual(15 * 60_000);
      }
      for (const item of items.filter((i) => i.kind === 'macro')) expect(report.lag[item.id].maxMs, item.id).toBeLessThanOrEqual(DAY_MS);
    });
  });

  describe('Wednesday 2022-06-15 (altcoin 1h data at the fake)', async () => {
    const { report, items } = await simulatedDay('2022-06-15T00:00:00Z');

    it('asks FRED only for the seven daily series on a Wednesday', () => {
      expect(report.calls).toEqual({ binance: 2 * 96 + 8 * 24, coingecko: 0, fred: 7 });
      expect(report.totalCalls).toBe(ORIGINAL_PER_DAY - 2);
    });

    it('stores every hourly candle within the hour, with no gap', () => {
      for (const item of items.filter((i) => i.tier === 'hourly')) {
        expect(report.gaps.find((g) => g.item === item.id), item.id).toMatchObject({ gaps: 0, missing: 0, stored: 23 });
        expect(report.lag[item.id].maxMs, item.id).toBeLessThanOrEqual(HOUR_MS);
      }
    });
  });
});
