/**
 * The six built-ins on the real market of ../shared/data (10 assets at 1h, 2022-01 .. 2022-10, with VIXCLS,
 * DTWEXBGS and DGS10): each produces signals, each changes the aggregate when its weight changes, and none can
 * see data after the moment it decides at.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConfig } from '../src/config/index.js';
import { BUILTIN_STRATEGY_NAMES } from '../src/config/schema.js';
import type { Signal } from '../src/core/types.js';
import { aggregateOverTime, aggregationOptions } from '../src/signals/aggregate.js';
import { generateSignals } from '../src/signals/generate.js';
import { openStore, type Store } from '../src/storage/store.js';
import { StrategyRegistry } from '../src/strategies/registry.js';
import { tempDir } from './helpers/env.js';
import { loadRealMarket, realCandles } from './helpers/real-market.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;
const iso = (s: string) => Date.parse(s);
const END = iso('2022-10-10T00:00:00Z');
const RANGE = { hourlyFrom: iso('2022-01-01T00:00:00Z'), dailyFrom: iso('2021-01-01T00:00:00Z') };
// every built-in enabled with the same weight, so ripple and sma_cross (0 by default) vote too
const config = buildConfig({ strategies: Object.fromEntries(BUILTIN_STRATEGY_NAMES.map((n) => [n, { enabled: true, weight: 0.2 }])) });
const registry = new StrategyRegistry();

let full: Store;
let period: Signal[];

beforeAll(async () => {
  full = await openStore(`sqlite:${path.join(tempDir(), 'full.db')}`);
  await loadRealMarket(full, { ...RANGE, to: END });
  const r = await generateSignals({ store: full, config, at: END, since: iso('2022-03-01T00:00:00Z'), strategies: registry.list(), persist: false });
  expect(r.failures).toEqual([]);
  period = r.signals;
});

afterAll(async () => {
  await full?.close();
});

describe('built-in strategies on real data', () => {
  it.each(BUILTIN_STRATEGY_NAMES)('%s produces well-formed signals at real prices', (name) => {
    const mine = period.filter((s) => s.strategy === name);
    expect(mine.length).toBeGreaterThan(0);
    const s = mine[Math.floor(mine.length / 2)];
    const tf = registry.get(name).strategy.timeframe as '1h' | '1d';
    const barMs = tf === '1d' ? DAY : HOUR;
    const [bar] = realCandles(s.symbol, tf === '1d' ? '1h' : tf, s.ts - HOUR, s.ts - HOUR);
    expect(s.price).toBe(bar.close); // the close of the bar ending at ts (for daily bars: the day's last hour)
    expect(s.ts % barMs).toBe(0);
    for (const x of mine) {
      expect(x.confidence).toBeGreaterThanOrEqual(0);
      expect(x.confidence).toBeLessThanOrEqual(1);
      expect(['WEAK', 'MODERATE', 'STRONG']).toContain(x.strength);
      if (x.side === 'LONG' && x.stopLoss !== null) expect(x.stopLoss).toBeLessThan(x.price);
      if (x.side === 'SHORT' && x.stopLoss !== null) expect(x.stopLoss).toBeGreaterThan(x.price);
    }
  });

  it.each(BUILTIN_STRATEGY_NAMES)('changing the weight of %s changes the aggregate', (name) => {
    const agg = (w: number) => {
      const cfg = buildConfig({ strategies: { ...config.strategies, [name]: { enabled: true, weight: w } } });
      return aggregateOverTime(period, aggregationOptions(cfg));
    };
    const base = agg(0.2);
    expect(base.some((a) => a.meta.strategies_combined.includes(name))).toBe(true);
    expect(agg(0)).not.toEqual(base);
    expect(agg(0.6)).not.toEqual(base);
  });
});

describe('no look-ahead', () => {
  // a weekday afternoon: the day's daily bar and the day's VIX are not known yet
  const at = iso('2022-07-15T13:00:00Z');
  const since = at - 45 * DAY;
  let truncated: Store;

  beforeAll(async () => {
    truncated = await openStore(`sqlite:${path.join(tempDir(), 'upto.db')}`);
    // only what existed at `at`: hourly bars closed by then, daily bars closed by then, macro published by then
    await loadRealMarket(truncated, { ...RANGE, to: at - HOUR, dailyTo: at - DAY, macroTo: at - DAY });
  });

  afterAll(async () => {
    await truncated?.close();
  });

  it.each(BUILTIN_STRATEGY_NAMES)('%s: signals as of t are the same whether or not later data is stored', async (name) => {
    const strategies = [registry.get(name)];
    const withFuture = await generateSignals({ store: full, config, at, since, strategies, persist: false });
    const without = await generateSignals({ store: truncated, config, at, since, strategies, persist: false });
    expect(withFuture.failures).toEqual([]);
    expect(withFuture.signals.length).toBeGreaterThan(0);
    expect(withFuture.signals.every((s) => s.ts <= at)).toBe(true);
    expect(without.signals).toEqual(withFuture.signals);
  });
});
