import { describe, expect, it } from 'vitest';
import { book, position, riskConfig, signal } from '../../test/helpers/risk.js';
import { portfolioHeat, stopDistance } from './heat.js';
import { decide } from './orchestrator.js';

describe('portfolio heat', () => {
  it('sums value x distance to stop over positions, as a share of equity', () => {
    // LONG 2,000 of BTC at 100 with stop 95: 100 at risk. SHORT 1,000 of ETH at 50 with stop 55: 100 at risk.
    const p = book(10_000, [position('BTC/USDT', 'LONG', 2000, 100, 95), position('ETH/USDT', 'SHORT', 1000, 50, 55)]);
    expect(portfolioHeat(p, 1)).toBeCloseTo(0.02, 12);
  });
  it('counts a position without a stop at noStopDistance of its value (default: all of it)', () => {
    const p = book(10_000, [position('BTC/USDT', 'LONG', 500, 100, null)]);
    expect(portfolioHeat(p, 1)).toBeCloseTo(0.05, 12);
    expect(portfolioHeat(p, 0.2)).toBeCloseTo(0.01, 12);
  });
  it('counts a stop already through the price as nothing more at risk', () => {
    expect(stopDistance('LONG', 100, 101, 1)).toBe(0);
    expect(stopDistance('SHORT', 100, 99, 1)).toBe(0);
    expect(stopDistance('SHORT', 100, 104, 1)).toBeCloseTo(0.04, 12);
  });
  it('stops new entries once the book is at the heat limit', () => {
    // Open heat 9.8% (two positions without stops worth 4.9% each): a new entry with its stop 4% away fits up to
    // (10% - 9.8%) / 4% = 5% of equity. With open heat at 10% even the 0.5% minimum does not fit.
    const risk = riskConfig({ maxPerSector: 1, maxPerAsset: 0.15 });
    const near = book(10_000, [position('SOL/USDT', 'LONG', 490, 10), position('ADA/USDT', 'LONG', 490, 1)]);
    const ok = decide(signal('LONG', { size: 0.08 }), near, { atr: 2 }, risk);
    expect(ok.approved).toBe(true);
    expect(ok.size).toBeCloseTo(0.05, 9);
    const full = book(10_000, [position('SOL/USDT', 'LONG', 500, 10), position('ADA/USDT', 'LONG', 500, 1)]);
    const no = decide(signal('LONG'), full, { atr: 2 }, risk);
    expect(no.approved).toBe(false);
    expect(no.breaches.map((b) => b.limit)).toEqual(['max_heat']);
    expect(no.breaches[0].value).toBeCloseTo(0.1 + 0.005 * 0.04, 12);
  });
});
