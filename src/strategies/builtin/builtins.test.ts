import { describe, expect, it } from 'vitest';
import { readCsvCandles } from '../../../test/helpers/real-market.js';
import type { MacroObservation } from '../../core/types.js';
import { rsi } from '../../indicators/index.js';
import { columnsFromCandles } from '../../storage/repos/candles.js';
import { StrategyRunner } from '../runner.js';
import { meanReversion } from './mean_reversion.js';
import { smaCross } from './sma_cross.js';

const H = 3_600_000;
const D = 86_400_000;

describe('sma_cross', () => {
  it('matches an independent loop over real BTC 1h bars (SPEC §7 rule, position by its own signals)', () => {
    const c = columnsFromCandles(readCsvCandles('BTCUSDT_1h.csv').slice(0, 4000));
    const runner = new StrategyRunner(smaCross, {}, { candles: new Map([['BTC/USDT', c]]), macro: new Map() });
    const got = runner.run().map((s) => [s.ts, s.side, s.price, s.size, s.stopLoss]);

    const mean = (i: number, n: number) => {
      let s = 0;
      for (let k = i - n + 1; k <= i; k++) s += c.close[k];
      return s / n;
    };
    const want: unknown[] = [];
    let long = false;
    for (let i = 30; i < c.length; i++) {
      const [f0, s0, f1, s1] = [mean(i, 10), mean(i, 30), mean(i - 1, 10), mean(i - 1, 30)];
      if (!long && f0 > s0 && f1 <= s1) {
        want.push([c.ts[i] + H, 'LONG', c.close[i], 1, null]);
        long = true;
      } else if (long && f0 < s0 && f1 >= s1) {
        want.push([c.ts[i] + H, 'CLOSE', c.close[i], 1, null]);
        long = false;
      }
    }
    expect(want.length).toBeGreaterThan(50);
    expect(got).toEqual(want);
  });
});

describe('mean_reversion', () => {
  it('buys a >7% dip from the 14-day high while VIX > 20, with the documented confidence, size, stop and target', () => {
    const start = Date.parse('2024-01-01T00:00:00Z');
    const n = 200;
    // a calm wave, then a slide of 2% a day over the last 6 days
    const closes = Array.from({ length: n }, (_, i) => (i < n - 6 ? 100 + (i % 2) : 100 * 0.98 ** (i - (n - 7))));
    const candles = columnsFromCandles(closes.map((c, i) => ({ ts: start + i * D, open: c, high: c, low: c, close: c, volume: 1 })));
    // VIX 12..21 in a cycle, 30 from the day before the last bar (usable at its close)
    const vix: MacroObservation[] = Array.from({ length: n }, (_, i) => ({ series: 'VIXCLS', date: start + i * D, value: i >= n - 2 ? 30 : 12 + (i % 10) }));
    const runner = new StrategyRunner(meanReversion, {}, { candles: new Map([['BTC/USDT', candles]]), macro: new Map([['VIXCLS', vix]]) }, { symbols: ['BTC/USDT'] });
    const [s] = runner.onBar('BTC/USDT', n - 1);
    const price = closes[n - 1];
    const dd = (101 - price) / 101; // the 14-day high is a 101 of the wave
    expect(dd).toBeGreaterThan(0.07);
    const r = rsi(candles.close, 14)[n - 1];
    // VIX 30 is the highest of the 180-day window: percentile 100
    const confidence = (Math.min((30 - 20) / 10, 1) + Math.min((dd - 0.07) / 0.1, 1) + 1 + Math.max((30 - r) / 30, 0.1)) / 4;
    expect(s.side).toBe('LONG');
    expect(s.confidence).toBeCloseTo(confidence, 12);
    expect(s.strength).toBe(confidence > 0.7 ? 'STRONG' : confidence > 0.5 ? 'MODERATE' : 'WEAK');
    expect(s.size).toBeCloseTo(Math.min(0.05, 0.025 * Math.min(1, Math.max(0.5, 25 / 30)) * (0.5 + 0.5 * confidence)), 12);
    expect(s.stopLoss).toBeCloseTo(price * (1 - (0.03 + 0.5 * dd)), 9);
    expect(s.takeProfit).toBeCloseTo(price * (1 + 0.6 * dd), 9);
    // two bars earlier the dip is already over 7%, but the VIX known then (dated day 196: 12 + 6 = 18) is below 20
    expect(runner.onBar('BTC/USDT', n - 3)).toEqual([]);
  });
});
