import { describe, expect, it } from 'vitest';
import { readCsvCandles } from '../../test/helpers/real-market.js';
import { columnsFromCandles } from '../storage/repos/candles.js';
import { resampleCandles } from './resample.js';

const DAY = 86_400_000;
const hourly = columnsFromCandles(readCsvCandles('BTCUSDT_1h.csv').filter((c) => c.ts >= Date.parse('2023-03-01T00:00:00Z') && c.ts < Date.parse('2023-04-01T00:00:00Z')));

describe('resampleCandles', () => {
  it('builds each day from its 24 hours (hand sums over the real BTC 1h data)', () => {
    const daily = resampleCandles(hourly, '1d', { from: '1h' });
    expect(daily.length).toBe(31);
    for (let d = 0; d < daily.length; d++) {
      const start = Date.parse('2023-03-01T00:00:00Z') + d * DAY;
      let open = Number.NaN;
      let high = -Infinity;
      let low = Infinity;
      let close = Number.NaN;
      let volume = 0;
      let n = 0;
      for (let i = 0; i < hourly.length; i++) {
        if (hourly.ts[i] < start || hourly.ts[i] >= start + DAY) continue;
        if (n === 0) open = hourly.open[i];
        high = Math.max(high, hourly.high[i]);
        low = Math.min(low, hourly.low[i]);
        close = hourly.close[i];
        volume += hourly.volume[i];
        n++;
      }
      // 2023-03-24 13:00 is missing from the exchange data (a Binance outage)
      expect(n).toBe(d === 23 ? 23 : 24);
      expect([daily.ts[d], daily.open[d], daily.high[d], daily.low[d], daily.close[d]]).toEqual([start, open, high, low, close]);
      expect(daily.volume[d]).toBeCloseTo(volume, 6);
    }
  });

  it("agrees with Binance's own daily candles", () => {
    const daily = resampleCandles(hourly, '1d', { from: '1h' });
    const binance = readCsvCandles('BTCUSDT_1d.csv');
    for (let d = 0; d < daily.length; d++) {
      const b = binance.find((c) => c.ts === daily.ts[d])!;
      expect([daily.open[d], daily.high[d], daily.low[d], daily.close[d]]).toEqual([b.open, b.high, b.low, b.close]);
      expect(Math.abs(daily.volume[d] - b.volume) / b.volume).toBeLessThan(1e-6);
    }
  });

  it('emits only complete bars: the day still in progress is dropped, and nothing closing after asOf', () => {
    const partial = { ...hourly, length: hourly.length - 5 };
    const daily = resampleCandles(partial, '1d', { from: '1h' });
    expect(daily.length).toBe(30);
    const cut = Date.parse('2023-03-10T13:00:00Z');
    const asOf = resampleCandles(hourly, '1d', { from: '1h', asOf: cut });
    expect(asOf.length).toBe(9);
    expect(asOf.ts[8] + DAY).toBeLessThanOrEqual(cut);
    const fourHours = resampleCandles(hourly, '4h', { from: '1h', asOf: cut });
    expect(fourHours.ts[fourHours.length - 1] + 4 * 3_600_000).toBe(Date.parse('2023-03-10T12:00:00Z'));
  });

  it('keeps a day with an exchange gap inside once later data shows the day is over', () => {
    const gapDay = Date.parse('2023-03-24T00:00:00Z');
    expect(Array.from(hourly.ts).includes(gapDay + 13 * 3_600_000)).toBe(false);
    const daily = resampleCandles(hourly, '1d', { from: '1h' });
    expect(Array.from(daily.ts)).toContain(gapDay);
    // while the data ends inside the gap, the day is not known to be over
    const upToGap = { ...hourly, length: Array.from(hourly.ts).indexOf(gapDay + 12 * 3_600_000) + 1 };
    expect(Array.from(resampleCandles(upToGap, '1d', { from: '1h' }).ts)).not.toContain(gapDay);
  });

  it('rejects a target that is not a whole multiple of the source', () => {
    expect(() => resampleCandles(hourly, '15m', { from: '1h' })).toThrow(/cannot resample 1h candles to 15m/);
  });
});
