import { getZScore } from 'trading-signals';
import { describe, expect, it } from 'vitest';
import { expectSeriesClose, loadCsvCandles } from '../../test/helpers/real-candles.js';
import { zscore } from './zscore.js';

describe('zscore', () => {
  const { close } = loadCsvCandles();

  it('equals trading-signals getZScore of each trailing window on real BTC 1h closes', () => {
    // Every bar for the short windows; every 5th for the month-long one (the peer copies each window).
    for (const [period, stride] of [
      [10, 1],
      [30, 1],
      [720, 5],
    ]) {
      const peer = new Float64Array(close.length).fill(Number.NaN);
      for (let i = period - 1; i < close.length; i += stride) peer[i] = getZScore(Array.from(close.subarray(i - period + 1, i + 1)));
      // z is a ratio of a small difference to a small std: 1e-9 absolute on values of order 1.
      expectSeriesClose(zscore(close, period), peer, period - 1, 1e-9, stride);
    }
  });

  it('computes a hand case and gives 0 on a constant window', () => {
    // window [2,4,4,4,5,5,7,9]: mean 5, std 2 → z of 9 = 2.
    expect(zscore(Float64Array.from([2, 4, 4, 4, 5, 5, 7, 9]), 8)[7]).toBe(2);
    expect(Array.from(zscore(Float64Array.from([3, 3, 3]), 2))).toEqual([Number.NaN, 0, 0]);
    // A two-value window is ±1 std from its mean at any magnitude, tiny ones included.
    expect(zscore(Float64Array.from([1e-13, 3e-13]), 2)[1]).toBeCloseTo(1, 9);
    expect(zscore(Float64Array.from([3e-13, 1e-13]), 2)[1]).toBeCloseTo(-1, 9);
  });
});
