import { RSI } from 'technicalindicators';
import { RSI as TsRSI } from 'trading-signals';
import { describe, expect, it } from 'vitest';
import { alignRight, expectSeriesClose, loadCsvCandles } from '../../test/helpers/real-candles.js';
import { rsi } from './rsi.js';

describe('rsi', () => {
  const { close } = loadCsvCandles();

  it('equals trading-signals (Wilder, SMA-seeded) from the first value on real BTC 1h closes', () => {
    for (const period of [6, 14, 21]) {
      const ts = new TsRSI(period);
      const streamed = Float64Array.from(close, (c) => ts.add(c) ?? Number.NaN);
      expectSeriesClose(rsi(close, period), streamed, period);
      expect(Number.isNaN(rsi(close, period)[period - 1])).toBe(true);
    }
  });

  it('equals technicalindicators, which rounds RSI to 2 decimals, within that rounding', () => {
    const ti = alignRight(RSI.calculate({ period: 14, values: Array.from(close) }), close.length);
    expectSeriesClose(rsi(close, 14), ti, 14, 0.005 + 1e-9);
  });

  it('computes a small case by hand', () => {
    // closes 1,2,3,2,3 period 2: changes +1,+1,−1,+1. Seed gain (1+1)/2 = 1, loss 0 → 100.
    // next: gain 1·½ + 0 = 0.5, loss 0 + 1·½ = 0.5 → RS 1 → 50. next: gain 0.25+0.5 = 0.75, loss 0.25 → RS 3 → 75.
    const out = rsi(Float64Array.from([1, 2, 3, 2, 3]), 2);
    expect(Array.from(out)).toEqual([Number.NaN, Number.NaN, 100, 50, 75]);
  });

  it('bridges a NaN close: NaN at that bar only, next change measured from the last finite close', () => {
    const withGap = rsi(Float64Array.from([1, 2, 3, Number.NaN, 2, 3]), 2);
    const without = rsi(Float64Array.from([1, 2, 3, 2, 3]), 2);
    expect(Array.from(withGap)).toEqual([Number.NaN, Number.NaN, 100, Number.NaN, without[3], without[4]]);
  });
});
