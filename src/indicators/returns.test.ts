import { ROC } from 'technicalindicators';
import { describe, expect, it } from 'vitest';
import { alignRight, expectSeriesClose, loadCsvCandles } from '../../test/helpers/real-candles.js';
import { logReturns, pctChange } from './returns.js';

describe('logReturns / pctChange', () => {
  it('pctChange equals technicalindicators ROC / 100 on real BTC 1h closes', () => {
    const { close } = loadCsvCandles();
    for (const lag of [1, 24]) {
      const roc = ROC.calculate({ period: lag, values: Array.from(close), format: (v: number) => v } as never);
      const ref = alignRight(roc.map((r: number) => r / 100), close.length);
      expectSeriesClose(pctChange(close, lag), ref, lag);
    }
  });

  it('computes hand cases and confines a NaN to the bars that read it', () => {
    const x = Float64Array.from([100, 110, Number.NaN, 121, 133.1]);
    expect(Array.from(pctChange(x)).map((v) => (Number.isNaN(v) ? v : Number(v.toFixed(12))))).toEqual([Number.NaN, 0.1, Number.NaN, Number.NaN, 0.1]);
    const lr = logReturns(x);
    expect(lr[1]).toBeCloseTo(Math.log(1.1), 15);
    expect([lr[0], lr[2], lr[3]].every(Number.isNaN)).toBe(true);
    expect(lr[4]).toBeCloseTo(Math.log(1.1), 14);
    expect(Number.isNaN(pctChange(Float64Array.from([0, 1]))[1])).toBe(true);
  });
});
