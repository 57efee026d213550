/**
 * Signal generation for all six built-ins over 10 assets × 2 years of 1h bars (a seeded synthetic market with a
 * VIX-like and a dollar-index series; synthetic so the bench needs no data files), in 1h input bars per second:
 * per strategy (precompute with its look-ahead check, resampling for the daily ones, and the per-bar loop) and all
 * together, in memory and from a SQLite store. Baseline in the same run: a bare loop reading the same closes.
 */
import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildConfig } from '../src/config/index.js';
import { BUILTIN_STRATEGY_NAMES, DEFAULT_SYMBOLS } from '../src/config/schema.js';
import { DAY_MS, HOUR_MS } from '../src/core/time.js';
import type { CandleColumns, MacroObservation } from '../src/core/types.js';
import { generateSignals } from '../src/signals/generate.js';
import { emptyColumns } from '../src/storage/repos/candles.js';
import { openStore } from '../src/storage/store.js';
import { StrategyRegistry } from '../src/strategies/registry.js';
import { resampleCandles } from '../src/strategies/resample.js';
import { StrategyRunner } from '../src/strategies/runner.js';
import { type BenchResult, bestOf } from './harness.js';

const BARS = 2 * 365 * 24;
const START = Date.UTC(2023, 0, 1);

function rng(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

/** Correlated hourly random walks (a common factor plus noise) and a daily fear index that rises when they fall. */
function syntheticMarket() {
  const rnd = rng(7);
  const candles = new Map<string, CandleColumns>();
  const factor = new Float64Array(BARS);
  for (let i = 0; i < BARS; i++) factor[i] = (rnd() - 0.5) * 0.012;
  DEFAULT_SYMBOLS.forEach((symbol, k) => {
    const c = emptyColumns(BARS);
    let p = 100 * (k + 1);
    for (let i = 0; i < BARS; i++) {
      const open = p;
      p *= Math.exp(factor[i] + (rnd() - 0.5) * 0.01);
      c.ts[i] = START + i * HOUR_MS;
      c.open[i] = open;
      c.close[i] = p;
      c.high[i] = Math.max(open, p) * (1 + rnd() * 0.004);
      c.low[i] = Math.min(open, p) * (1 - rnd() * 0.004);
      c.volume[i] = 1000 * (0.5 + rnd()) * (rnd() < 0.02 ? 3 : 1);
    }
    candles.set(symbol, c);
  });
  const vix: MacroObservation[] = [];
  const dollar: MacroObservation[] = [];
  let v = 20;
  let d = 110;
  for (let day = -60; day < BARS / 24; day++) {
    const i = Math.max(0, day * 24);
    const move = i > 24 ? Math.log(candles.get('BTC/USDT')!.close[i] / candles.get('BTC/USDT')!.close[i - 24]) : 0;
    v = Math.max(9, v * Math.exp(-3 * move + (rnd() - 0.5) * 0.08) + (20 - v) * 0.05);
    d *= Math.exp((rnd() - 0.5) * 0.006);
    const weekend = new Date(START + day * DAY_MS).getUTCDay() % 6 === 0;
    vix.push({ series: 'VIXCLS', date: START + day * DAY_MS, value: weekend ? null : v });
    dollar.push({ series: 'DTWEXBGS', date: START + day * DAY_MS, value: weekend ? null : d });
  }
  return { candles, macro: new Map([['VIXCLS', vix], ['DTWEXBGS', dollar]]) };
}

export default async function bench(): Promise<BenchResult[]> {
  const market = syntheticMarket();
  const registry = new StrategyRegistry();
  const totalBars = BARS * DEFAULT_SYMBOLS.length;

  let sink = 0;
  const bareMs = await bestOf(5, () => {
    for (const c of market.candles.values()) for (let i = 0; i < c.length; i++) sink += c.close[i];
  });
  const baseline = totalBars / (bareMs / 1000);
  const row = (name: string, ms: number): BenchResult => {
    const figure = totalBars / (ms / 1000);
    return { name, figure, unit: '1h bars/s', baselineName: 'bare loop over the closes', baseline, ratio: figure / baseline };
  };

  const runOne = (name: string) => {
    const { strategy } = registry.get(name);
    const candles =
      strategy.timeframe === '1h' ? market.candles : new Map([...market.candles].map(([s, c]) => [s, resampleCandles(c, strategy.timeframe, { from: '1h' })]));
    const runner = new StrategyRunner(strategy, {}, { candles, macro: market.macro }, { symbols: strategy.symbols.length ? strategy.symbols : DEFAULT_SYMBOLS });
    sink += runner.run().length;
  };
  const rows: BenchResult[] = [];
  let allMs = 0;
  for (const name of BUILTIN_STRATEGY_NAMES) {
    const ms = await bestOf(3, () => runOne(name));
    allMs += ms;
    rows.push(row(`signals: ${name} (10 assets x 2y 1h, in memory)`, ms));
  }
  rows.push(row('signals: all six strategies (in memory)', allMs));

  const file = path.join(os.tmpdir(), `mts-bench-signals-${process.pid}.db`);
  const store = await openStore(`sqlite:${file}`);
  try {
    for (const [symbol, c] of market.candles) await store.candles.upsert({ source: 'sample', symbol, timeframe: '1h' }, c);
    for (const obs of market.macro.values()) await store.macro.upsert(obs);
    const config = buildConfig({ strategies: Object.fromEntries(BUILTIN_STRATEGY_NAMES.map((n) => [n, { enabled: true }])) });
    const at = START + BARS * HOUR_MS;
    const ms = await bestOf(2, async () => {
      const r = await generateSignals({ store, config, at, since: START, runDays: 0, strategies: registry.list(), persist: false });
      sink += r.signals.length;
    });
    rows.push(row('signals: generateSignals from SQLite, all six (load + run)', ms));
  } finally {
    await store.close();
    rmSync(file, { force: true });
    rmSync(`${file}-wal`, { force: true });
    rmSync(`${file}-shm`, { force: true });
  }
  if (sink === Number.NEGATIVE_INFINITY) process.stdout.write('');
  return rows;
}
