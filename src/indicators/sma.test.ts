import { SMA } from 'technicalindicators';
import { SMA as TsSMA } from 'trading-signals';
import { describe, expect, it } from 'vitest';
import { alignRight, expectSeriesClose, loadCsvCandles } from '../../test/helpers/real-candles.js';
import { sma } from './sma.js';

describe('sma', () => {
  const { close } = loadCsvCandles();

  it('equals technicalindicators and trading-signals on real BTC 1h closes', () => {
    for (const period of [10, 30, 200]) {
      const ours = sma(close, period);
      const ti = alignRight(SMA.calculate({ period, values: Array.from(close), format: (v: number) => v } as never), close.length);
      expectSeriesClose(ours, ti, period - 1);
      const ts = new TsSMA(period);
      const streamed = new Float64Array(close.length).fill(Number.NaN);
      close.forEach((c, i) => {
        const r = ts.add(c);
        if (r !== null) streamed[i] = r;
      });
      expectSeriesClose(ours, streamed, period - 1);
    }
  });

  it('computes a small case by hand and recovers after a NaN leaves the window', () => {
    const out = sma(Float64Array.from([1, 2, 3, Number.NaN, 5, 6, 7, 8]), 3);
    // (1+2+3)/3 = 2; windows holding the NaN are NaN; (5+6+7)/3 = 6; (6+7+8)/3 = 7.
    expect(Array.from(out)).toEqual([Number.NaN, Number.NaN, 2, Number.NaN, Number.NaN, Number.NaN, 6, 7]);
  });

  it('rejects a non-integer period with a clear error', () => {
    expect(() => sma(new Float64Array(3), 2.5)).toThrow(/sma: period must be an integer >= 1, got 2.5/);
  });
});
