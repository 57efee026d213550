/**
 * Determinism and look-ahead, on real data: a multi-asset, multi-timeframe run with macro and risk on gives the
 * same bytes twice; a strategy cannot read the bar after the current one; a period's result does not depend on
 * data after it.
 */
import { describe, expect, it } from 'vitest';
import { serializeDocument } from '../src/analytics/document.js';
import { type BacktestRequest, runBacktest } from '../src/backtest/run.js';
import { buildConfig } from '../src/config/load.js';
import type { CandleColumns, MacroObservation } from '../src/core/types.js';
import { smaCross, vixCorrelation } from '../src/strategies/builtin/index.js';
import { defineStrategy } from '../src/strategies/define.js';
import { loadCsvCandles } from './helpers/real-candles.js';
import { readFredCsv } from './helpers/real-market.js';

const H = 3_600_000;
const btc = loadCsvCandles('candles/binance/BTCUSDT_1h.csv');
const eth = loadCsvCandles('candles/binance/ETHUSDT_1h.csv');
const vix = readFredCsv('VIXCLS');
const risk = buildConfig({}).risk;

function cut(c: CandleColumns, to: number): CandleColumns {
  let n = 0;
  while (n < c.length && c.ts[n] <= to) n++;
  return { length: n, ts: c.ts.slice(0, n), open: c.open.slice(0, n), high: c.high.slice(0, n), low: c.low.slice(0, n), close: c.close.slice(0, n), volume: c.volume.slice(0, n) };
}

function request(over: Partial<BacktestRequest> = {}): BacktestRequest {
  return {
    strategy: vixCorrelation,
    base: new Map([['BTC/USDT', btc], ['ETH/USDT', eth]]),
    baseTimeframe: '1h',
    macro: new Map([['VIXCLS', vix]]),
    from: Date.UTC(2022, 3, 1),
    cash: 10_000,
    feeBps: 10,
    slippageBps: 5,
    risk,
    ...over,
  };
}

describe('determinism', () => {
  it('the same inputs give byte-identical documents (multi-asset, 1d strategy on 1h fills, macro, risk on)', () => {
    const a = runBacktest(request()).document;
    const b = runBacktest(request()).document;
    expect(a.symbols).toEqual(['BTC/USDT', 'ETH/USDT']);
    expect(a.assumptions).toMatchObject({ risk: true, strategy_timeframe: '1d', base_timeframe: '1h' });
    expect(a.counts.signals).toBeGreaterThan(0);
    expect(serializeDocument(a)).toBe(serializeDocument(b));
    expect(a.id).toMatch(/^bt_[0-9a-f]{16}$/);
  });

  it('a different input gives a different id', () => {
    expect(runBacktest(request({ feeBps: 11 })).document.id).not.toBe(runBacktest(request()).document.id);
  });
});

describe('look-ahead', () => {
  it('a strategy that reads the next bar gets nothing', () => {
    const seen: { now: number; closeTs: number; next: number; nextTs: number; otherNext: number; otherClose: number }[] = [];
    const peeker = defineStrategy({
      name: 'peeker',
      description: 'tries to read the future',
      timeframe: '1h',
      params: {},
      warmupBars: () => 1,
      onBar: ({ bar, now, asset }) => {
        const other = asset('ETH/USDT');
        seen.push({ now, closeTs: bar.ts() + H, next: bar.close(-1), nextTs: bar.ts(-1), otherNext: other?.close(-1) ?? Number.NaN, otherClose: other?.close() ?? Number.NaN });
        return null;
      },
    });
    const to = Date.UTC(2022, 0, 10);
    runBacktest(request({ strategy: peeker, symbols: ['BTC/USDT'], from: undefined, to, risk: null }));
    expect(seen.length).toBeGreaterThan(200);
    for (const s of seen) {
      expect(s.now).toBe(s.closeTs);
      expect([s.next, s.nextTs, s.otherNext]).toEqual([Number.NaN, Number.NaN, Number.NaN]);
    }
    // the other asset's view is as of the same close: its current bar is the one that closed at `now`
    const at = seen[100];
    const i = Array.from(eth.ts).indexOf(at.now - H);
    expect(at.otherClose).toBe(eth.close[i]);
  });

  it('results for a period are the same whether or not later data exists', () => {
    const to = Date.UTC(2023, 5, 30, 23);
    const macroCut: MacroObservation[] = vix.filter((o) => o.date <= to);
    for (const strategy of [vixCorrelation, smaCross]) {
      const full = runBacktest(request({ strategy, to }));
      const short = runBacktest(request({ strategy, to, base: new Map([['BTC/USDT', cut(btc, to)], ['ETH/USDT', cut(eth, to)]]), macro: new Map([['VIXCLS', macroCut]]) }));
      expect(full.document.to).toBe(to + H);
      expect(full.document.trades.length).toBeGreaterThan(0);
      expect(serializeDocument(short.document)).toBe(serializeDocument(full.document));
    }
  });
});
