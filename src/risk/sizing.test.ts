import { describe, expect, it } from 'vitest';
import { book, riskConfig, signal } from '../../test/helpers/risk.js';
import { decide } from './orchestrator.js';
import { desiredSize, halfKelly, kellyFraction, liquidityCap } from './sizing.js';

describe('fixed-fraction sizing', () => {
  it('is fixedFraction x confidence: 2% x 0.5 = 1% of equity', () => {
    const r = desiredSize(signal('LONG', { confidence: 0.5 }), {}, riskConfig());
    expect(r.size).toBeCloseTo(0.01, 12);
    expect(r.method).toBe('fixed');
  });
  it("takes the signal's own size as it is when it gives one", () => {
    const r = desiredSize(signal('LONG', { confidence: 0.5, size: 0.04 }), {}, riskConfig());
    expect(r.size).toBeCloseTo(0.04, 12);
    expect(r.method).toBe('signal');
  });
  it("ignores the signal's size when useSignalSize is off", () => {
    const r = desiredSize(signal('LONG', { confidence: 0.5, size: 0.04 }), {}, riskConfig({ sizing: { useSignalSize: false } }));
    expect(r.size).toBeCloseTo(0.01, 12);
  });
  it('clamps to [minPosition, maxPosition]', () => {
    expect(desiredSize(signal('LONG', { confidence: 0.1 }), {}, riskConfig()).size).toBeCloseTo(0.005, 12); // 0.2% -> 0.5%
    expect(desiredSize(signal('LONG', { size: 0.5 }), {}, riskConfig()).size).toBeCloseTo(0.1, 12);
  });
});

describe('half-Kelly sizing', () => {
  // 60 trades, 36 wins averaging 2, 24 losses averaging 1: W = 0.6, R = 2, Kelly = 0.6 - 0.4 / 2 = 0.4, half = 0.2.
  const stats = { trades: 60, wins: 36, grossWin: 72, grossLoss: 24 };
  it('computes Kelly = W - (1 - W) / R from closed trades', () => {
    expect(kellyFraction(stats)).toBeCloseTo(0.4, 12);
    expect(halfKelly(stats, 1)).toBeCloseTo(0.2, 12);
  });
  it('is capped at kellyCap', () => {
    expect(halfKelly(stats, 0.1)).toBeCloseTo(0.1, 12);
  });
  it('is scaled by confidence and clamped: 0.2 x 0.4 = 0.08', () => {
    const risk = riskConfig({ sizing: { method: 'half_kelly', kellyCap: 0.5 } });
    const r = desiredSize(signal('LONG', { confidence: 0.4 }), {}, risk, stats);
    expect(r.method).toBe('half_kelly');
    expect(r.size).toBeCloseTo(0.08, 12);
  });
  it('W = 0.5, R = 1.5: Kelly = 0.5 - 0.5 / 1.5 = 1/6, half = 1/12', () => {
    expect(halfKelly({ trades: 40, wins: 20, grossWin: 30, grossLoss: 20 }, 1)).toBeCloseTo(1 / 12, 12);
  });
  it('falls back to fixed fraction until kellyMinTrades closed trades', () => {
    const risk = riskConfig({ sizing: { method: 'half_kelly', kellyMinTrades: 61 } });
    const r = desiredSize(signal('LONG', { confidence: 0.5 }), {}, risk, stats);
    expect(r.method).toBe('fixed');
    expect(r.size).toBeCloseTo(0.01, 12);
    expect(desiredSize(signal('LONG', { confidence: 0.5 }), {}, risk).method).toBe('fixed');
  });
  it('gives a strategy without an edge the minimum position and says so', () => {
    const risk = riskConfig({ sizing: { method: 'half_kelly', kellyMinTrades: 10 } });
    // W = 0.3, R = 1: Kelly = 0.3 - 0.7 = -0.4.
    const r = desiredSize(signal('LONG'), {}, risk, { trades: 10, wins: 3, grossWin: 3, grossLoss: 7 });
    expect(r.size).toBeCloseTo(0.005, 12);
    expect(r.note).toMatch(/no edge/);
  });
});

describe('volatility-target sizing', () => {
  it('is volTarget / volatility x confidence: 0.2 / 2.0 x 0.8 = 0.08', () => {
    const r = desiredSize(signal('LONG', { confidence: 0.8 }), { volatility: 2 }, riskConfig({ sizing: { method: 'vol_target' } }));
    expect(r.method).toBe('vol_target');
    expect(r.size).toBeCloseTo(0.08, 12);
  });
  it('is capped at maxPosition when the asset is calm', () => {
    const r = desiredSize(signal('LONG'), { volatility: 0.5 }, riskConfig({ sizing: { method: 'vol_target' } }));
    expect(r.size).toBeCloseTo(0.1, 12);
  });
  it('falls back to fixed sizing without a volatility, with a warning', () => {
    const r = desiredSize(signal('LONG', { confidence: 0.5 }), {}, riskConfig({ sizing: { method: 'vol_target' } }));
    expect(r.size).toBeCloseTo(0.01, 12);
    expect(r.note).toMatch(/no volatility/);
  });
});

describe('liquidity cap', () => {
  it('allows at most maxShareOfVolume of the average daily volume: 1% of 500,000 on 100,000 equity = 5%', () => {
    expect(liquidityCap(100_000, { avgDailyVolume: 500_000 }, riskConfig())).toBeCloseTo(0.05, 12);
    expect(liquidityCap(100_000, {}, riskConfig())).toBe(Number.POSITIVE_INFINITY);
  });
  it('reduces the size in a decision (8% wanted, 5% allowed)', () => {
    const d = decide(signal('LONG', { size: 0.08 }), book(100_000), { atr: 1, avgDailyVolume: 500_000 }, riskConfig());
    expect(d.approved).toBe(true);
    expect(d.size).toBeCloseTo(0.05, 12);
    expect(d.quantity).toBeCloseTo(50, 9); // 5,000 at price 100
    expect(d.warnings.join('\n')).toMatch(/size reduced from 8.00% to 5.00%/);
  });
  it('rejects when even the minimum position is above it, naming liquidity', () => {
    // 1% of 20,000 = 200 = 0.2% of 100,000 < minPosition 0.5%.
    const d = decide(signal('LONG'), book(100_000), { atr: 1, avgDailyVolume: 20_000 }, riskConfig());
    expect(d.approved).toBe(false);
    expect(d.breaches.map((b) => b.limit)).toEqual(['liquidity']);
    expect(d.breaches[0].bound).toBeCloseTo(0.002, 12);
  });
});
