import { SD } from 'technicalindicators';
import { getStandardDeviation } from 'trading-signals';
import { describe, expect, it } from 'vitest';
import { alignRight, expectSeriesClose, loadCsvCandles } from '../../test/helpers/real-candles.js';
import { rollingStd } from './rolling-std.js';

describe('rollingStd', () => {
  const { close } = loadCsvCandles();

  it('equals trading-signals getStandardDeviation and technicalindicators SD (population) on real BTC 1h closes', () => {
    for (const [period, stride] of [
      [5, 1],
      [20, 1],
      [168, 3],
    ]) {
      const ours = rollingStd(close, period);
      const peer = new Float64Array(close.length).fill(Number.NaN);
      for (let i = period - 1; i < close.length; i += stride) peer[i] = getStandardDeviation(Array.from(close.subarray(i - period + 1, i + 1)));
      expectSeriesClose(ours, peer, period - 1, 1e-9, stride);
      const ti = alignRight(SD.calculate({ period, values: Array.from(close), format: (v: number) => v } as never), close.length);
      expectSeriesClose(ours, ti, period - 1);
    }
  });

  it('gives the sample std with ddof 1 (hand case) and recovers after a NaN', () => {
    // [2,4,4,4,5,5,7,9]: Σ(x−5)² = 32; population 32/8 = 4 → 2; sample 32/7.
    const x = Float64Array.from([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(rollingStd(x, 8)[7]).toBe(2);
    expect(rollingStd(x, 8, 1)[7]).toBeCloseTo(Math.sqrt(32 / 7), 14);
    const gap = rollingStd(Float64Array.from([1, Number.NaN, 1, 3, 5]), 2);
    expect(Array.from(gap)).toEqual([Number.NaN, Number.NaN, Number.NaN, 1, 1]);
  });
});
