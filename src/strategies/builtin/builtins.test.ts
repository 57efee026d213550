import { describe, expect, it } from 'vitest';
import { readCsvCandles, readFredCsv, realCandles } from '../../../test/helpers/real-market.js';
import type { MacroObservation } from '../../core/types.js';
import { bollinger, macd, rsi } from '../../indicators/index.js';
import { columnsFromCandles } from '../../storage/repos/candles.js';
import { StrategyRunner } from '../runner.js';
import { meanReversion } from './mean_reversion.js';
import { smaCross } from './sma_cross.js';
import { vixCorrelation } from './vix_correlation.js';
import { ripple } from './ripple.js';
import { volatility } from './volatility.js';

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

describe('volatility', () => {
  it('follows the percentile regime rules, with the percentile recomputed naively from real BTC 1h bars', () => {
    const c = columnsFromCandles(readCsvCandles('BTCUSDT_1h.csv').slice(0, 2500));
    const runner = new StrategyRunner(volatility, {}, { candles: new Map([['BTC/USDT', c]]), macro: new Map() });
    const signals = runner.run();
    // annualized volatility of the last 24 hourly log returns (sample std), ranked within the last 720 values
    const vol = (i: number) => {
      const r = Array.from({ length: 24 }, (_, k) => Math.log(c.close[i - 23 + k] / c.close[i - 24 + k]));
      const m = r.reduce((a, b) => a + b) / 24;
      return Math.sqrt(r.reduce((a, b) => a + (b - m) ** 2, 0) / 23) * Math.sqrt(24 * 365);
    };
    const entries = signals.filter((s) => s.side !== 'CLOSE');
    expect(entries.length).toBeGreaterThan(5);
    for (const s of entries) {
      const i = (s.ts - 3_600_000 - c.ts[0]) / 3_600_000;
      const vols = Array.from({ length: 720 }, (_, k) => vol(i - 719 + k));
      const current = vols[719];
      const rank = (vols.filter((v) => v <= current).length / 720) * 100;
      const ratio = current / (vols.reduce((a, b) => a + b) / 720);
      const meta = s.meta as { percentile: number; volatility: number; ratio: number };
      expect(meta.volatility).toBeCloseTo(current, 9);
      expect(meta.percentile).toBeCloseTo(rank, 9);
      expect(meta.ratio).toBeCloseTo(ratio, 9);
      if (s.side === 'SHORT') {
        expect(rank).toBeGreaterThan(95);
        expect(s.confidence).toBeCloseTo(Math.min(0.8, 0.5 + 0.3 * Math.min(1, ratio / 3)), 12);
      } else {
        expect(rank).toBeGreaterThan(75);
        expect(rank).toBeLessThanOrEqual(95);
        expect(s.confidence).toBeCloseTo(Math.min(0.9, 0.6 + 0.3 * Math.min(1, ratio / 2)), 12);
      }
      expect(s.confidence).toBeGreaterThanOrEqual(0.6);
    }
  });
});

describe('ripple', () => {
  it('scores real XRP 1h bars by the documented rules, with real prices and strengths', () => {
    const from = Date.parse('2022-01-01T00:00:00Z');
    const to = Date.parse('2022-04-01T00:00:00Z');
    const xrp = columnsFromCandles(realCandles('XRP/USDT', '1h', from, to));
    const btc = columnsFromCandles(realCandles('BTC/USDT', '1h', from, to));
    const macro = new Map(['VIXCLS', 'DTWEXBGS'].map((s) => [s, readFredCsv(s)]));
    const runner = new StrategyRunner(ripple, {}, { candles: new Map([['XRP/USDT', xrp], ['BTC/USDT', btc]]), macro });
    const signals = runner.run();
    expect(signals.length).toBeGreaterThan(10);
    const m = macd(xrp.close, 12, 26, 9);
    const bb = bollinger(xrp.close, 20, 2);
    for (const s of signals) {
      const i = (s.ts - 3_600_000 - xrp.ts[0]) / 3_600_000;
      expect(xrp.ts[i] + 3_600_000).toBe(s.ts);
      const meta = s.meta as Record<string, number>;
      const up = m.macd[i] > m.signal[i] && m.macd[i - 1] <= m.signal[i - 1];
      const down = m.macd[i] < m.signal[i] && m.macd[i - 1] >= m.signal[i - 1];
      const r = meta.rsi;
      const vol = meta.volume_surge >= 2 ? 0.25 : meta.volume_surge >= 1.5 ? 0.15 : 0;
      const hour = new Date(s.ts).getUTCHours();
      const session = hour >= 22 || hour < 6 ? 1.2 : hour >= 13 && hour < 21 ? 1.1 : 1;
      const dollarWeak = meta.dollar_index < meta.dollar_average;
      const buy = ((r < 30 ? 0.25 : r < 40 ? 0.15 : 0) + (up ? 0.2 : 0) + (xrp.close[i] < bb.lower[i] ? 0.15 : 0) + vol + (meta.vix < 15 ? 0.15 : 0) + (dollarWeak ? 0.15 : 0) + (Math.abs(meta.btc_correlation) < 0.7 ? 0.15 : 0)) * session;
      const sell = ((r > 70 ? 0.3 : r > 60 ? 0.2 : 0) + (down ? 0.25 : 0) + (xrp.close[i] > bb.upper[i] ? 0.2 : 0) + vol + (meta.vix > 25 ? 0.15 : 0) + (meta.dollar_index > meta.dollar_average ? 0.15 : 0)) * session;
      expect(meta.buy_score).toBeCloseTo(buy, 12);
      expect(meta.sell_score).toBeCloseTo(sell, 12);
      if (s.side === 'LONG') expect(buy).toBeGreaterThanOrEqual(0.4);
      else expect(sell).toBeGreaterThanOrEqual(0.36);
      expect(s.price).toBe(xrp.close[i]);
      expect(s.confidence).toBeCloseTo(Math.min(1, s.side === 'LONG' ? buy : sell), 12);
      expect(s.strength).toBe(s.confidence > 0.75 ? 'STRONG' : s.confidence > 0.5 ? 'MODERATE' : 'WEAK');
      expect(s.size).toBeGreaterThan(0);
      expect(s.size).toBeLessThanOrEqual(0.08);
    }
  });
});
