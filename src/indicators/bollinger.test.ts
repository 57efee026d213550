import { BollingerBands } from 'technicalindicators';
import { BollingerBands as TsBB } from 'trading-signals';
import { describe, expect, it } from 'vitest';
import { expectSeriesClose, loadCsvCandles } from '../../test/helpers/real-candles.js';
import { bollinger } from './bollinger.js';

describe('bollinger', () => {
  const { close } = loadCsvCandles();
  const n = close.length;

  it('equals trading-signals and technicalindicators (population std) on real BTC 1h closes', () => {
    for (const [period, k] of [
      [20, 2],
      [50, 2.5],
    ]) {
      const ours = bollinger(close, period, k);
      const ts = new TsBB(period, k);
      const up = new Float64Array(n).fill(Number.NaN);
      const mid = new Float64Array(n).fill(Number.NaN);
      const lo = new Float64Array(n).fill(Number.NaN);
      close.forEach((c, i) => {
        const r = ts.add(c);
        if (r) {
          up[i] = r.upper;
          mid[i] = r.middle;
          lo[i] = r.lower;
        }
      });
      expectSeriesClose(ours.upper, up, period - 1);
      expectSeriesClose(ours.middle, mid, period - 1);
      expectSeriesClose(ours.lower, lo, period - 1);
      const ti = BollingerBands.calculate({ period, stdDev: k, values: Array.from(close), format: (v: number) => v } as never);
      const tiUpper = new Float64Array(n).fill(Number.NaN);
      ti.forEach((r, j) => {
        tiUpper[n - ti.length + j] = r.upper;
      });
      expectSeriesClose(ours.upper, tiUpper, period - 1);
    }
  });

  it('computes a small case by hand', () => {
    // window [2,4,4,4,5,5,7,9]: mean 5, population variance 4, std 2 → bands 5 ± 2·2.
    const out = bollinger(Float64Array.from([2, 4, 4, 4, 5, 5, 7, 9]), 8, 2);
    expect([out.middle[7], out.upper[7], out.lower[7]]).toEqual([5, 9, 1]);
    expect(Number.isNaN(out.middle[6])).toBe(true);
  });
});
