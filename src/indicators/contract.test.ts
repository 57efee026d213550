/**
 * The contract every kernel keeps, checked on real BTC/ETH 1h data:
 * - warm-up: exactly the documented number of leading values are NaN, the next one is a number;
 * - no look-ahead: the kernel on a prefix equals the kernel on the full series over that prefix (random cuts);
 * - streaming: recomputing on growing prefixes (feeding one bar at a time) gives the same last value as the batch;
 * - a NaN input gives NaN at that bar and does not poison the series: values are numbers again after one warm-up.
 */
import { describe, expect, it } from 'vitest';
import { loadCsvCandles } from '../../test/helpers/real-candles.js';
import * as ind from './index.js';

interface Inputs {
  close: Float64Array;
  high: Float64Array;
  low: Float64Array;
  other: Float64Array;
}

interface Case {
  name: string;
  warmup: number;
  run: (x: Inputs) => Float64Array[];
}

const cases: Case[] = [
  { name: 'sma(20)', warmup: 19, run: (x) => [ind.sma(x.close, 20)] },
  { name: 'ema(12)', warmup: 11, run: (x) => [ind.ema(x.close, 12)] },
  { name: 'rsi(14)', warmup: 14, run: (x) => [ind.rsi(x.close, 14)] },
  {
    name: 'macd(12,26,9)',
    warmup: 33,
    run: (x) => {
      const m = ind.macd(x.close);
      return [m.signal, m.histogram];
    },
  },
  { name: 'macd line', warmup: 25, run: (x) => [ind.macd(x.close).macd] },
  {
    name: 'bollinger(20,2)',
    warmup: 19,
    run: (x) => {
      const b = ind.bollinger(x.close);
      return [b.middle, b.upper, b.lower];
    },
  },
  { name: 'atr(14)', warmup: 14, run: (x) => [ind.atr(x.high, x.low, x.close, 14)] },
  { name: 'rollingStd(30)', warmup: 29, run: (x) => [ind.rollingStd(x.close, 30)] },
  { name: 'rollingStd(30, ddof 1)', warmup: 29, run: (x) => [ind.rollingStd(x.close, 30, 1)] },
  { name: 'rollingMax(24)', warmup: 23, run: (x) => [ind.rollingMax(x.high, 24)] },
  { name: 'rollingMin(24)', warmup: 23, run: (x) => [ind.rollingMin(x.low, 24)] },
  { name: 'rollingCorrelation(48)', warmup: 47, run: (x) => [ind.rollingCorrelation(x.close, x.other, 48)] },
  { name: 'zscore(50)', warmup: 49, run: (x) => [ind.zscore(x.close, 50)] },
  { name: 'percentileRank(100)', warmup: 99, run: (x) => [ind.percentileRank(x.close, 100)] },
  { name: 'drawdownFromHigh(336)', warmup: 335, run: (x) => [ind.drawdownFromHigh(x.close, 336)] },
  {
    name: 'olsBeta(72)',
    warmup: 71,
    run: (x) => {
      const r = ind.olsBeta(x.other, x.close, 72);
      return [r.alpha, r.beta, r.residual];
    },
  },
  { name: 'logReturns', warmup: 1, run: (x) => [ind.logReturns(x.close)] },
  { name: 'pctChange(24)', warmup: 24, run: (x) => [ind.pctChange(x.close, 24)] },
];

const N = 3000;
const btc = loadCsvCandles('candles/binance/BTCUSDT_1h.csv');
const eth = loadCsvCandles('candles/binance/ETHUSDT_1h.csv');
const full: Inputs = {
  close: btc.close.slice(0, N),
  high: btc.high.slice(0, N),
  low: btc.low.slice(0, N),
  other: eth.close.slice(0, N),
};

function prefix(x: Inputs, k: number): Inputs {
  return { close: x.close.subarray(0, k), high: x.high.subarray(0, k), low: x.low.subarray(0, k), other: x.other.subarray(0, k) };
}

/** Deterministic cut points (a small LCG) so a failure can be reproduced. */
function cuts(count: number, seed: number): number[] {
  let s = seed;
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    out.push(1 + (s % (N - 1)));
  }
  return out;
}

describe.each(cases)('indicator contract: $name', ({ warmup, run }) => {
  const batch = run(full);

  it('has exactly its warm-up of NaN values, then numbers', () => {
    for (const out of batch) {
      expect(out.length).toBe(N);
      expect(out.subarray(0, warmup).every(Number.isNaN)).toBe(true);
      expect(Number.isFinite(out[warmup])).toBe(true);
    }
  });

  it('does not look ahead: a prefix gives the same values as the full series over it', () => {
    for (const k of cuts(12, 42)) {
      const part = run(prefix(full, k));
      part.forEach((out, j) => {
        expect(out.length).toBe(k);
        for (let i = 0; i < k; i++) if (!Object.is(out[i], batch[j][i])) expect({ cut: k, i, v: out[i] }).toEqual({ cut: k, i, v: batch[j][i] });
      });
    }
  });

  it('equals the streaming result: feeding one bar at a time gives the batch value at every step', () => {
    // Runs of consecutive bars (the first full windows, and across the kernels' periodic exact recompute: bar 1024
    // for sma, period − 1 + 1024 for the moment kernels) plus random ones.
    const steps = [...Array.from({ length: 40 }, (_, i) => 10 + i), ...Array.from({ length: 100 }, (_, i) => 1000 + i), ...cuts(20, 7)];
    for (const t of steps) {
      const last = run(prefix(full, t + 1));
      last.forEach((out, j) => {
        expect(Object.is(out[t], batch[j][t]), `bar ${t}`).toBe(true);
      });
    }
  });

  it('recovers from a NaN input: NaN at that bar, numbers again after one warm-up', () => {
    const at = 1500;
    const holed: Inputs = { close: full.close.slice(), high: full.high.slice(), low: full.low.slice(), other: full.other.slice() };
    holed.close[at] = Number.NaN;
    holed.high[at] = Number.NaN;
    holed.low[at] = Number.NaN;
    holed.other[at] = Number.NaN;
    for (const out of run(holed)) {
      expect(Number.isNaN(out[at])).toBe(true);
      expect(out.subarray(at + warmup + 1).every(Number.isFinite)).toBe(true);
    }
  });
});
