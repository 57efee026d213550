import { getCorrelation } from 'trading-signals';
import { describe, expect, it } from 'vitest';
import { expectSeriesClose, loadCsvCandles } from '../../test/helpers/real-candles.js';
import { logReturns } from './returns.js';
import { rollingCorrelation } from './rolling-correlation.js';

describe('rollingCorrelation', () => {
  const btc = loadCsvCandles('candles/binance/BTCUSDT_1h.csv');
  const eth = loadCsvCandles('candles/binance/ETHUSDT_1h.csv');

  it('equals trading-signals getCorrelation over each window, on BTC/ETH closes and on returns', () => {
    const rb = logReturns(btc.close);
    const re = logReturns(eth.close);
    for (const [a, b, period, from] of [
      [btc.close, eth.close, 24, 23],
      [rb, re, 72, 72],
    ] as const) {
      const ours = rollingCorrelation(a, b, period);
      const peer = new Float64Array(a.length).fill(Number.NaN);
      for (let i = from; i < a.length; i++) {
        peer[i] = getCorrelation(Array.from(a.subarray(i - period + 1, i + 1)), Array.from(b.subarray(i - period + 1, i + 1)));
      }
      expectSeriesClose(ours, peer, from);
    }
  });

  it('is 1 / −1 for exactly linear pairs and NaN for a constant side (hand cases)', () => {
    const a = Float64Array.from([1, 2, 3, 4]);
    expect(rollingCorrelation(a, Float64Array.from([3, 5, 7, 9]), 3)[3]).toBeCloseTo(1, 14);
    expect(rollingCorrelation(a, Float64Array.from([9, 7, 5, 3]), 3)[3]).toBeCloseTo(-1, 14);
    expect(Number.isNaN(rollingCorrelation(a, Float64Array.from([2, 2, 2, 2]), 3)[3])).toBe(true);
  });
});
