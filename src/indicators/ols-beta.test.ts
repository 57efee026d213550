import { getCorrelation, getStandardDeviation } from 'trading-signals';
import { describe, expect, it } from 'vitest';
import { expectSeriesClose, loadCsvCandles } from '../../test/helpers/real-candles.js';
import { olsBeta } from './ols-beta.js';
import { logReturns } from './returns.js';

describe('olsBeta', () => {
  it('recovers an exact line and its residual (hand case)', () => {
    // y = 2 + 3x on the window; the last point is off the line by +1 → the fit moves, computed by hand:
    // x = [0,1,2], y = [2,5,9]: x̄ = 1, ȳ = 16/3, Sxy = (−1)(2−16/3) + 0 + (1)(9−16/3) = 7, Sxx = 2 → beta 3.5,
    // alpha = 16/3 − 3.5 = 11/6, residual at x=2: 9 − 11/6 − 7 = 1/6.
    const line = olsBeta(Float64Array.from([2, 5, 8]), Float64Array.from([0, 1, 2]), 3);
    expect(line.beta[2]).toBeCloseTo(3, 14);
    expect(line.alpha[2]).toBeCloseTo(2, 14);
    expect(line.residual[2]).toBeCloseTo(0, 14);
    const off = olsBeta(Float64Array.from([2, 5, 9]), Float64Array.from([0, 1, 2]), 3);
    expect(off.beta[2]).toBeCloseTo(3.5, 14);
    expect(off.alpha[2]).toBeCloseTo(11 / 6, 14);
    expect(off.residual[2]).toBeCloseTo(1 / 6, 14);
  });

  it('beta = corr · sd(y)/sd(x) from trading-signals, on ETH returns regressed on BTC returns', () => {
    const y = logReturns(loadCsvCandles('candles/binance/ETHUSDT_1h.csv').close);
    const x = logReturns(loadCsvCandles('candles/binance/BTCUSDT_1h.csv').close);
    const period = 168;
    const ours = olsBeta(y, x, period);
    const beta = new Float64Array(y.length).fill(Number.NaN);
    const alpha = new Float64Array(y.length).fill(Number.NaN);
    for (let i = period; i < y.length; i += 7) {
      const wy = Array.from(y.subarray(i - period + 1, i + 1));
      const wx = Array.from(x.subarray(i - period + 1, i + 1));
      const b = (getCorrelation(wy, wx) * getStandardDeviation(wy)) / getStandardDeviation(wx);
      beta[i] = b;
      alpha[i] = wy.reduce((s, v) => s + v, 0) / period - (b * wx.reduce((s, v) => s + v, 0)) / period;
    }
    const every7 = (a: Float64Array) => a.filter((_, i) => i >= period && (i - period) % 7 === 0);
    expectSeriesClose(every7(ours.beta), every7(beta), 0);
    expectSeriesClose(every7(ours.alpha), every7(alpha), 0);
  });
});
