import { EMA } from 'technicalindicators';
import { EMA as TsEMA } from 'trading-signals';
import { describe, expect, it } from 'vitest';
import { alignRight, expectSeriesClose, loadCsvCandles } from '../../test/helpers/real-candles.js';
import { ema } from './ema.js';

describe('ema', () => {
  const { close } = loadCsvCandles();

  it('equals technicalindicators (same SMA seed) from the first value on real BTC 1h closes', () => {
    for (const period of [9, 12, 26, 50]) {
      const ti = alignRight(EMA.calculate({ period, values: Array.from(close), format: (v: number) => v } as never), close.length);
      expectSeriesClose(ema(close, period), ti, period - 1);
    }
  });

  it('equals trading-signals once its first-price seed has decayed', () => {
    // trading-signals seeds with the first price instead of the SMA; the seeds' difference shrinks by
    // (1 − 2/(p+1)) per bar, below 1e-12 of the price after ~40·p bars, from where the two agree to 1e-9.
    for (const period of [9, 26]) {
      const ts = new TsEMA(period);
      const streamed = Float64Array.from(close, (c) => ts.add(c) ?? Number.NaN);
      expectSeriesClose(ema(close, period), streamed, 40 * period);
    }
  });

  it('computes a small case by hand and skips a NaN input without poisoning the rest', () => {
    // period 3: alpha = 0.5, seed = (1+2+3)/3 = 2; then 2 + 0.5·(6−2) = 4; NaN stays NaN; 4 + 0.5·(8−4) = 6.
    const out = ema(Float64Array.from([1, 2, 3, 6, Number.NaN, 8]), 3);
    expect(Array.from(out)).toEqual([Number.NaN, Number.NaN, 2, 4, Number.NaN, 6]);
  });
});
