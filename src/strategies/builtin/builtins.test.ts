import { describe, expect, it } from 'vitest';
import { readCsvCandles } from '../../../test/helpers/real-market.js';
import type { MacroObservation } from '../../core/types.js';
import { rsi } from '../../indicators/index.js';
import { columnsFromCandles } from '../../storage/repos/candles.js';
import { StrategyRunner } from '../runner.js';
import { meanReversion } from './mean_reversion.js';
import { smaCross } from './sma_cross.js';
import { vixCorrelation } from './vix_correlation.js';

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

describe('vix_correlation', () => {
  it("goes LONG on a VIX spike seen on a Saturday through Friday's carried value, with the original's sizing", () => {
    const start = Date.parse('2024-01-02T00:00:00Z');
    const n = 250; // the last bar is Saturday 2024-09-07
    const closes = Array.from({ length: n }, (_, i) => (i < n - 9 ? 100 + (i % 2) : 100 * 0.985 ** (i - (n - 10))));
    const candles = columnsFromCandles(closes.map((c, i) => ({ ts: start + i * D, open: c, high: c, low: c, close: c, volume: 1 })));
    // weekday VIX only, around 18; Wed 2024-09-04 19, Thu 22, Fri 25
    const spike: Record<string, number> = { '2024-09-04': 19, '2024-09-05': 22, '2024-09-06': 25 };
    const vix: MacroObservation[] = [];
    for (let t = start - 40 * D; t < start + n * D; t += D) {
      const day = new Date(t).getUTCDay();
      if (day === 0 || day === 6) continue;
      const iso = new Date(t).toISOString().slice(0, 10);
      vix.push({ series: 'VIXCLS', date: t, value: spike[iso] ?? 18 + 0.5 * Math.sin(t / D) });
    }
    expect(new Date(candles.ts[n - 1]).getUTCDay()).toBe(6);
    const runner = new StrategyRunner(vixCorrelation, {}, { candles: new Map([['BTC/USDT', candles]]), macro: new Map([['VIXCLS', vix]]) }, { symbols: ['BTC/USDT'] });
    const [s] = runner.onBar('BTC/USDT', n - 1);

    // the VIX known at each bar's close (the next 00:00): the latest observation dated on or before the bar's day
    const known = (i: number) => vix.filter((o) => o.date <= candles.ts[i]).at(-1)!.value as number;
    const last10 = Array.from({ length: 10 }, (_, k) => known(n - 10 + k));
    const mean = last10.reduce((a, b) => a + b) / 10;
    const sd = Math.sqrt(last10.reduce((a, b) => a + (b - mean) ** 2, 0) / 9);
    const v = known(n - 1);
    const z = (v - mean) / sd;
    const roc = v / known(n - 4) - 1;
    expect([v, known(n - 4)]).toEqual([25, 19]);
    const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
    const confidence = clamp(0.5 * (Math.min(Math.abs(z) / 1.5, 1) + Math.min(1, Math.abs(roc / 0.1))), 0.5, 1) * clamp(25 / v, 0.6, 1);
    const rets = Array.from({ length: 14 }, (_, k) => closes[n - 14 + k] / closes[n - 15 + k] - 1);
    const rm = rets.reduce((a, b) => a + b) / 14;
    const vol14 = Math.sqrt(rets.reduce((a, b) => a + (b - rm) ** 2, 0) / 13);
    const ru = clamp(3 * vol14, 0.03, 0.12);
    const price = closes[n - 1];
    expect(s).toMatchObject({ side: 'LONG', price, meta: { reason: 'vix_spike_up', vix: 25 } });
    expect(s.confidence).toBeCloseTo(confidence, 12);
    expect(s.size).toBeCloseTo(0.02 * clamp(25 / v, 0.5, 1) * clamp(0.02 / vol14, 0.5, 1), 12);
    expect(s.stopLoss).toBeCloseTo(price * (1 - ru), 9);
    expect(s.takeProfit).toBeCloseTo(price * (1 + 2 * ru), 9);
  });
});
