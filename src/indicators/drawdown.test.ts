import { Highest } from 'technicalindicators';
import { describe, expect, it } from 'vitest';
import { alignRight, expectSeriesClose, loadCsvCandles } from '../../test/helpers/real-candles.js';
import { drawdownFromHigh } from './drawdown.js';

describe('drawdownFromHigh', () => {
  it('computes a hand case', () => {
    // period 3: highs 10,10,10,8 over windows; (10−8)/10 = 0.2, (10−5)/10 = 0.5, (8−8)/8 = 0.
    const out = drawdownFromHigh(Float64Array.from([10, 8, 5, 8]), 3);
    expect(Array.from(out)).toEqual([Number.NaN, Number.NaN, 0.5, 0]);
    expect(drawdownFromHigh(Float64Array.from([10, 8, 5, 8]), 2)[1]).toBeCloseTo(0.2, 15);
  });

  it('equals (Highest − close)/Highest from technicalindicators on real BTC 1h closes, never negative', () => {
    const { close } = loadCsvCandles();
    const period = 14 * 24;
    const hi = alignRight(Highest.calculate({ period, values: Array.from(close) }), close.length);
    const ref = Float64Array.from(hi, (h, i) => (h - close[i]) / h);
    const ours = drawdownFromHigh(close, period);
    expectSeriesClose(ours, ref, period - 1, 0);
    expect(ours.subarray(period - 1).every((d) => d >= 0)).toBe(true);
  });
});
