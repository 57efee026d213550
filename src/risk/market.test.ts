import { describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS } from '../core/time.js';
import type { CandleColumns } from '../core/types.js';
import { marketStateAt, returnCorrelation } from './market.js';

function columns(rows: [ts: number, o: number, h: number, l: number, c: number, v: number][]): CandleColumns {
  const col = (k: number) => Float64Array.from(rows.map((r) => r[k]));
  return { length: rows.length, ts: col(0), open: col(1), high: col(2), low: col(3), close: col(4), volume: col(5) };
}

const daily = columns([
  [0, 10, 11, 9, 10, 100],
  [DAY_MS, 10, 12, 10, 11, 200],
  [2 * DAY_MS, 11, 11.5, 10.5, 11, 300],
  [3 * DAY_MS, 11.5, 13, 11.5, 12, 400],
]);

describe('marketStateAt', () => {
  it('measures ATR as the mean true range, counting gaps from the previous close', () => {
    // TR: bar 1 max(2, 2, 0) = 2; bar 2 max(1, 0.5, 0.5) = 1; bar 3 max(1.5, |13 - 11| = 2, 0.5) = 2.
    const m = marketStateAt(daily, 3, { timeframe: '1d', atrPeriod: 3, volatilityDays: 3, volumeDays: 2 });
    expect(m.price).toBe(12);
    expect(m.atr).toBeCloseTo(5 / 3, 12);
  });
  it('annualizes the sample deviation of log returns', () => {
    const r = [Math.log(11 / 10), 0, Math.log(12 / 11)];
    const mean = (r[0] + r[1] + r[2]) / 3;
    const sd = Math.sqrt(r.reduce((a, x) => a + (x - mean) ** 2, 0) / 2);
    const m = marketStateAt(daily, 3, { timeframe: '1d', atrPeriod: 3, volatilityDays: 3, volumeDays: 2 });
    expect(m.volatility).toBeCloseTo(sd * Math.sqrt(365), 12);
  });
  it('gives the average traded value per day in quote currency', () => {
    const m = marketStateAt(daily, 3, { timeframe: '1d', atrPeriod: 3, volatilityDays: 3, volumeDays: 2 });
    expect(m.avgDailyVolume).toBeCloseTo((11 * 300 + 12 * 400) / 2, 9);
    const hourly = columns([
      [0, 1, 1, 1, 2, 5],
      [HOUR_MS, 1, 1, 1, 4, 5],
    ]);
    // Two hours trading 10 and 20 per hour: 15 per hour = 360 per day.
    expect(marketStateAt(hourly, 1, { timeframe: '1h', volumeDays: 1 }).avgDailyVolume).toBeCloseTo(360, 9);
  });
  it('leaves out ATR when there are not enough bars, and reads nothing after the bar', () => {
    const m = marketStateAt(daily, 1, { timeframe: '1d', atrPeriod: 3 });
    expect(m.atr).toBeUndefined();
    expect(m.avgDailyVolume).toBeCloseTo((10 * 100 + 11 * 200) / 2, 9);
  });
});

describe('returnCorrelation', () => {
  const n = 60;
  const price = (i: number) => 100 * Math.exp(0.02 * Math.sin(i * 1.7) + 0.01 * Math.cos(i * 0.3));
  const a = columns(Array.from({ length: n }, (_, i) => [i * HOUR_MS, 0, 0, 0, price(i), 0] as [number, number, number, number, number, number]));
  it('is 1 for a series whose log returns are twice the other, -1 for the inverse', () => {
    const sq = columns(Array.from({ length: n }, (_, i) => [i * HOUR_MS, 0, 0, 0, price(i) ** 2, 0] as [number, number, number, number, number, number]));
    const inv = columns(Array.from({ length: n }, (_, i) => [i * HOUR_MS, 0, 0, 0, 1 / price(i), 0] as [number, number, number, number, number, number]));
    expect(returnCorrelation(a, n - 1, sq, n - 1, 30)).toBeCloseTo(1, 12);
    expect(returnCorrelation(a, n - 1, inv, n - 1, 30)).toBeCloseTo(-1, 12);
  });
  it('matches bars by time when one series misses a bar', () => {
    const rows = Array.from({ length: n }, (_, i) => [i * HOUR_MS, 0, 0, 0, price(i) ** 3, 0] as [number, number, number, number, number, number]);
    rows.splice(50, 1);
    const gappy = columns(rows);
    expect(returnCorrelation(a, n - 1, gappy, gappy.length - 1, 30)).toBeCloseTo(1, 12);
    expect(returnCorrelation(gappy, gappy.length - 1, a, n - 1, 30)).toBeCloseTo(1, 12);
  });
  it('is NaN with fewer than three return pairs', () => {
    expect(returnCorrelation(a, 2, a, 2, 30)).toBeNaN();
  });
});
