import { describe, expect, it } from 'vitest';
import { buildConfig } from '../config/index.js';
import type { Signal } from '../core/types.js';
import { aggregateOverTime, aggregateSignals, aggregationOptions } from './aggregate.js';

const sig = (strategy: string, side: Signal['side'], confidence: number, extra: Partial<Signal> = {}): Signal => ({
  ts: 1_000,
  strategy,
  symbol: 'BTC/USDT',
  side,
  confidence,
  strength: 'MODERATE',
  price: 100,
  size: 0.02,
  stopLoss: null,
  takeProfit: null,
  ...extra,
});

const opts = aggregationOptions(buildConfig({}));

describe('aggregation', () => {
  it('weights each vote by the registry name (defaults 0.30 / 0.25) and averages size, stop and target', () => {
    const [a] = aggregateSignals(
      [
        sig('vix_correlation', 'LONG', 0.8, { size: 0.02, stopLoss: 95, takeProfit: 110 }),
        sig('mean_reversion', 'LONG', 0.6, { size: 0.04, stopLoss: 90, takeProfit: 120 }),
      ],
      opts,
    );
    // votes 0.3·0.8 = 0.24 and 0.25·0.6 = 0.15; confidence (0.24+0.15)/(0.3+0.25)
    expect(a.side).toBe('LONG');
    expect(a.confidence).toBeCloseTo(0.39 / 0.55, 12);
    expect(a.size).toBeCloseTo((0.24 * 0.02 + 0.15 * 0.04) / 0.39, 12);
    expect(a.stopLoss).toBeCloseTo((0.24 * 95 + 0.15 * 90) / 0.39, 12);
    expect(a.takeProfit).toBeCloseTo((0.24 * 110 + 0.15 * 120) / 0.39, 12);
    expect(a.meta.strategies_combined).toEqual(['vix_correlation', 'mean_reversion']);
    expect(a.meta.strategy_weights).toEqual({ vix_correlation: 0.3, mean_reversion: 0.25 });
    expect(a.meta.conflict.conflicting).toBe(false);
  });

  it('nets opposing votes and records the conflict', () => {
    const all = aggregationOptions(buildConfig({ aggregation: { minConfidence: 0 } }));
    const [a] = aggregateSignals([sig('vix_correlation', 'LONG', 0.8), sig('volatility', 'SHORT', 0.6), sig('multi_bucket', 'SHORT', 0.5)], all);
    // long 0.24, short 0.25·0.6 + 0.2·0.5 = 0.25 → SHORT by 0.01 over total weight 0.75
    expect(a.side).toBe('SHORT');
    expect(a.confidence).toBeCloseTo(0.01 / 0.75, 12);
    expect(a.meta.conflict).toMatchObject({ conflicting: true, opposed: ['vix_correlation'] });
    expect(a.meta.conflict.long).toBeCloseTo(0.24, 12);
    expect(a.meta.conflict.short).toBeCloseTo(0.25, 12);
  });

  it('emits nothing at or below minConfidence, and nothing from zero-weight strategies alone', () => {
    expect(aggregateSignals([sig('vix_correlation', 'LONG', 0.5), sig('mean_reversion', 'SHORT', 0.55)], opts)).toEqual([]);
    expect(aggregateSignals([sig('ripple', 'LONG', 0.9)], opts)).toEqual([]);
  });

  it('follows configured weights, so every strategy counts (the original dropped all but one)', () => {
    const signals = [sig('ripple', 'LONG', 0.9), sig('sma_cross', 'SHORT', 1)];
    const cfg = buildConfig({ strategies: { ripple: { weight: 0.5 }, sma_cross: { weight: 0.2 } } });
    const [a] = aggregateSignals(signals, aggregationOptions(cfg));
    expect(a.side).toBe('LONG');
    expect(a.confidence).toBeCloseTo((0.45 - 0.2) / 0.7, 12);
  });

  it('clamps the size to [minSize, maxSize] and lets CLOSE votes win when they outweigh the net', () => {
    const [big] = aggregateSignals([sig('volatility', 'LONG', 0.9, { size: 1 })], opts);
    expect(big.size).toBe(0.05);
    const [tiny] = aggregateSignals([sig('volatility', 'LONG', 0.9, { size: 0.0001 })], opts);
    expect(tiny.size).toBe(0.005);
    const [close] = aggregateSignals([sig('volatility', 'CLOSE', 0.9), sig('vix_correlation', 'LONG', 0.4)], opts);
    expect(close.side).toBe('CLOSE');
    expect(close.confidence).toBeCloseTo(0.225 / 0.55, 12);
  });

  it('aggregates a period per symbol and moment', () => {
    const out = aggregateOverTime(
      [sig('volatility', 'LONG', 0.9, { ts: 2_000 }), sig('volatility', 'SHORT', 0.9, { ts: 1_000 }), sig('volatility', 'LONG', 0.9, { ts: 1_000, symbol: 'ETH/USDT' })],
      opts,
    );
    expect(out.map((a) => [a.ts, a.symbol, a.side])).toEqual([
      [1_000, 'BTC/USDT', 'SHORT'],
      [1_000, 'ETH/USDT', 'LONG'],
      [2_000, 'BTC/USDT', 'LONG'],
    ]);
  });
});
