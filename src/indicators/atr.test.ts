import { ATR } from 'technicalindicators';
import { ATR as TsATR } from 'trading-signals';
import { describe, expect, it } from 'vitest';
import { alignRight, expectSeriesClose, loadCsvCandles } from '../../test/helpers/real-candles.js';
import { atr } from './atr.js';

describe('atr', () => {
  const { high, low, close } = loadCsvCandles();

  it('equals technicalindicators (true range from the second bar, SMA seed) from the first value', () => {
    for (const period of [7, 14]) {
      const ti = ATR.calculate({ period, high: Array.from(high), low: Array.from(low), close: Array.from(close), format: (v: number) => v } as never);
      const ours = atr(high, low, close, period);
      expectSeriesClose(ours, alignRight(ti, close.length), period);
      expect(Number.isNaN(ours[period - 1])).toBe(true);
    }
  });

  it('equals trading-signals once its different seed (high − low of the first bar) has decayed', () => {
    const ts = new TsATR(14);
    const streamed = new Float64Array(close.length).fill(Number.NaN);
    close.forEach((c, i) => {
      streamed[i] = ts.add({ high: high[i], low: low[i], close: c }) ?? Number.NaN;
    });
    // (13/14)^n < 1e-12 after ~380 bars.
    expectSeriesClose(atr(high, low, close, 14), streamed, 400);
  });

  it('computes a small case by hand, with gaps in the true range', () => {
    // bars (h,l,c): (10,8,9) (11,9,10) (13,10,12) (12,7,8); TR from bar 1: max(2,2,0)=2, max(3,3,0)=3, max(5,0,5)=5.
    // period 2: seed (2+3)/2 = 2.5 at bar 2; then (2.5·1 + 5)/2 = 3.75.
    const out = atr(Float64Array.from([10, 11, 13, 12]), Float64Array.from([8, 9, 10, 7]), Float64Array.from([9, 10, 12, 8]), 2);
    expect(Array.from(out)).toEqual([Number.NaN, Number.NaN, 2.5, 3.75]);
  });
});
