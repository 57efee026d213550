import { describe, expect, it } from 'vitest';
import { expectSeriesClose, loadCsvCandles } from '../../test/helpers/real-candles.js';
import { percentileRank } from './percentile-rank.js';

describe('percentileRank', () => {
  it('computes hand cases: ranks, ties and a NaN leaving the window', () => {
    // window 4: [1,3,2,2] current 2 → values <= 2: 1,2,2 → 75; [3,2,2,5] current 5 → 100; [2,2,5,0] current 0 → 25.
    const out = percentileRank(Float64Array.from([1, 3, 2, 2, 5, 0]), 4);
    expect(Array.from(out)).toEqual([Number.NaN, Number.NaN, Number.NaN, 75, 100, 25]);
    const gap = percentileRank(Float64Array.from([Number.NaN, 1, 2, 3]), 2);
    expect(Array.from(gap)).toEqual([Number.NaN, Number.NaN, 100, 100]);
  });

  it('equals a direct count over each window on real BTC 1h volumes (many ties)', () => {
    // No peer library has a rolling percentile rank; the reference counts the window directly.
    const { volume } = loadCsvCandles();
    const v = Float64Array.from(volume, (x) => Math.round(x / 100)); // coarse volumes to force ties
    const period = 240;
    const ref = new Float64Array(v.length).fill(Number.NaN);
    for (let i = period - 1; i < v.length; i++) {
      let le = 0;
      for (let j = i - period + 1; j <= i; j++) if (v[j] <= v[i]) le++;
      ref[i] = (le / period) * 100;
    }
    expectSeriesClose(percentileRank(v, period), ref, period - 1, 0);
  });
});
