import { Highest, Lowest } from 'technicalindicators';
import { describe, expect, it } from 'vitest';
import { alignRight, expectSeriesClose, loadCsvCandles } from '../../test/helpers/real-candles.js';
import { rollingMax, rollingMin } from './rolling-extremes.js';

describe('rollingMax / rollingMin', () => {
  const { high, low } = loadCsvCandles();

  it('equal technicalindicators Highest/Lowest exactly on real BTC 1h highs and lows', () => {
    for (const period of [3, 24, 336]) {
      expectSeriesClose(rollingMax(high, period), alignRight(Highest.calculate({ period, values: Array.from(high) }), high.length), period - 1, 0);
      expectSeriesClose(rollingMin(low, period), alignRight(Lowest.calculate({ period, values: Array.from(low) }), low.length), period - 1, 0);
    }
  });

  it('handles ties, a falling series and a NaN leaving the window (hand case)', () => {
    const x = Float64Array.from([5, 5, 4, 3, Number.NaN, 2, 8, 1]);
    expect(Array.from(rollingMax(x, 2))).toEqual([Number.NaN, 5, 5, 4, Number.NaN, Number.NaN, 8, 8]);
    expect(Array.from(rollingMin(x, 2))).toEqual([Number.NaN, 5, 4, 3, Number.NaN, Number.NaN, 2, 1]);
  });
});
