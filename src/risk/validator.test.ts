import { describe, expect, it } from 'vitest';
import { book, position, riskConfig, signal } from '../../test/helpers/risk.js';
import { decide } from './orchestrator.js';
import { type EntryContext, sizeBreaches } from './validator.js';
import type { LimitBreach } from './types.js';

const risk = riskConfig();
const atr = { atr: 2 }; // price 100: stop 96, 4% away
const limitsOf = (d: { breaches: LimitBreach[] }) => d.breaches.map((b) => b.limit);

describe('max drawdown halt', () => {
  it('allows entries at exactly 20% below the peak and warns past 16%', () => {
    const d = decide(signal('LONG'), book(8000, [], { peakEquity: 10_000, dayStartEquity: 8000 }), atr, risk);
    expect(d.approved).toBe(true);
    expect(d.warnings.join('\n')).toMatch(/^max_drawdown: drawdown 20.00%/m);
  });
  it('blocks entries beyond 20% below the peak, with the numbers', () => {
    const d = decide(signal('SHORT'), book(7999, [], { peakEquity: 10_000, dayStartEquity: 7999 }), atr, risk);
    expect(d.approved).toBe(false);
    expect(d.size).toBe(0);
    expect(limitsOf(d)).toEqual(['max_drawdown']);
    expect(d.breaches[0].value).toBeCloseTo(0.2001, 12);
    expect(d.reasons[0]).toMatch(/drawdown 20.01% \(equity 7999.00, peak 10000.00\) is beyond the 20.00% limit/);
  });
  it('never blocks an exit', () => {
    const p = book(5000, [position('BTC/USDT', 'LONG', 1000, 100, 96)], { peakEquity: 10_000, dayStartEquity: 8000 });
    const d = decide(signal('CLOSE'), p, atr, risk);
    expect(d.approved).toBe(true);
    expect(d.size).toBeCloseTo(0.2, 12);
    expect(d.quantity).toBeCloseTo(10, 12);
  });
  it('does not warn below 80% of the limit (15.9% drawdown)', () => {
    const d = decide(signal('LONG'), book(8410, [], { peakEquity: 10_000, dayStartEquity: 8410 }), atr, risk);
    expect(d.warnings).toEqual([]);
  });
});

describe('daily loss halt', () => {
  it('blocks entries once equity is more than 5% below the 00:00 UTC equity', () => {
    const d = decide(signal('LONG'), book(9499, [], { peakEquity: 10_000, dayStartEquity: 10_000 }), atr, risk);
    expect(limitsOf(d)).toEqual(['daily_loss']);
    expect(d.breaches[0].value).toBeCloseTo(0.0501, 12);
  });
  it("stays on for the rest of the day once the day's low went beyond 5%, even after a recovery", () => {
    const p = book(9900, [], { peakEquity: 10_000, dayStartEquity: 10_000 });
    const d = decide(signal('LONG'), { ...p, dayLowEquity: 9400 }, atr, risk);
    expect(limitsOf(d)).toEqual(['daily_loss']);
    expect(d.breaches[0].value).toBeCloseTo(0.06, 12);
    expect(d.reasons[0]).toMatch(/today's loss reached 6.00% \(equity low 9400.00, at 00:00 UTC 10000.00\)/);
  });
  it('allows them at exactly 5% and warns past 4%', () => {
    const d = decide(signal('LONG'), book(9500, [], { peakEquity: 10_000, dayStartEquity: 10_000 }), atr, risk);
    expect(d.approved).toBe(true);
    expect(d.warnings.some((w) => w.startsWith('daily_loss: '))).toBe(true);
  });
});

describe('per-trade risk', () => {
  it('shrinks the size so that size x stop distance <= 2%: stop 30% away -> 6.67%', () => {
    const d = decide(signal('LONG', { size: 0.1, stopLoss: 70 }), book(10_000), atr, risk);
    expect(d.approved).toBe(true);
    expect(d.size).toBeCloseTo(0.02 / 0.3, 12);
    expect(d.takeProfit).toBeCloseTo(145, 12);
  });
  it('rejects when even the minimum position risks too much (no stop: the whole position)', () => {
    const d = decide(signal('LONG'), book(10_000), {}, riskConfig({ riskPerTrade: 0.004 }));
    expect(limitsOf(d)).toEqual(['risk_per_trade']);
    expect(d.breaches[0]).toMatchObject({ value: 0.005, bound: 0.004 });
  });
});

describe('max position', () => {
  it('sizes never exceed it', () => {
    const d = decide(signal('LONG', { size: 0.6 }), book(10_000), atr, risk);
    expect(d.size).toBeCloseTo(0.1, 12);
  });
  it('the validator names it when a size is above it', () => {
    const ctx: EntryContext = {
      symbol: 'BTC/USDT',
      book: { heat: 0, asset: 0, sector: 'L1', sectorExposure: 0, maxCorrelation: Number.NEGATIVE_INFINITY, correlatedWith: null },
      distance: 0.04,
      rewardRisk: 1.5,
      signalTarget: false,
      liquidityCap: Number.POSITIVE_INFINITY,
    };
    const out: LimitBreach[] = [];
    sizeBreaches(0.12, ctx, risk, out);
    expect(out.map((b) => b.limit)).toEqual(['max_position']);
    expect(out[0].message).toBe('max_position: size 12.00% is above the 10.00% limit');
  });
});

describe('max per asset', () => {
  it('fits the entry into what is left: 15% - 12% held = 3%', () => {
    const p = book(10_000, [position('BTC/USDT', 'LONG', 1200, 100, 96)]);
    const d = decide(signal('LONG', { size: 0.05 }), p, atr, risk);
    expect(d.approved).toBe(true);
    expect(d.size).toBeCloseTo(0.03, 12);
  });
  it('rejects when not even 0.5% fits: 14.8% + 0.5% = 15.3%', () => {
    const p = book(10_000, [position('BTC/USDT', 'LONG', 1480, 100, 96)]);
    const d = decide(signal('LONG'), p, atr, risk);
    expect(limitsOf(d)).toEqual(['max_per_asset']);
    expect(d.breaches[0].value).toBeCloseTo(0.153, 12);
  });
  it('treats an entry against an opposite position as a reversal (the old one closes first)', () => {
    const p = book(10_000, [position('BTC/USDT', 'SHORT', 1480, 100, 104)]);
    expect(decide(signal('LONG'), p, atr, risk).approved).toBe(true);
  });
});

describe('max per sector', () => {
  const l1 = () => book(10_000, [position('ETH/USDT', 'LONG', 1000, 100, 96), position('SOL/USDT', 'LONG', 1000, 10, 9.6), position('ADA/USDT', 'SHORT', 980, 1, 1.04)]);
  it('counts L1 gross (29.8% held): BTC 0.5% more would be 30.3%', () => {
    const d = decide(signal('LONG'), l1(), atr, riskConfig({ maxHeat: 0.2 }));
    expect(limitsOf(d)).toEqual(['max_per_sector']);
    expect(d.breaches[0].value).toBeCloseTo(0.303, 12);
    expect(d.reasons[0]).toMatch(/sector L1 would be 30.30%/);
  });
  it('lets config.risk.sectors move an asset out of the sector', () => {
    const d = decide(signal('LONG'), l1(), atr, riskConfig({ maxHeat: 0.2, sectors: { BTC: 'store_of_value' } }));
    expect(d.approved).toBe(true);
  });
  it('does not count other sectors', () => {
    expect(decide(signal('LONG', { symbol: 'LINK/USDT' }), l1(), atr, riskConfig({ maxHeat: 0.2 })).approved).toBe(true);
  });
});

describe('max correlation', () => {
  const held = () => book(10_000, [position('ETH/USDT', 'LONG', 500, 100, 96)]);
  it('rejects a same-direction entry correlated above 0.8 with a held position', () => {
    const d = decide(signal('LONG'), held(), { atr: 2, correlations: { 'ETH/USDT': 0.85 } }, risk);
    expect(limitsOf(d)).toEqual(['max_correlation']);
    expect(d.reasons[0]).toMatch(/held ETH\/USDT at 0.850, above the 0.8 limit/);
  });
  it('allows the opposite direction (a hedge) and exactly 0.8 (with a warning)', () => {
    expect(decide(signal('SHORT'), held(), { atr: 2, correlations: { 'ETH/USDT': 0.85 } }, risk).approved).toBe(true);
    const at = decide(signal('LONG'), held(), { atr: 2, correlations: { 'ETH/USDT': 0.8 } }, risk);
    expect(at.approved).toBe(true);
    expect(at.warnings.some((w) => w.startsWith('max_correlation: '))).toBe(true);
  });
});

describe('minimum reward/risk', () => {
  it("rejects a signal's target at 1.2 x the risk", () => {
    const d = decide(signal('LONG', { stopLoss: 95, takeProfit: 106 }), book(10_000), atr, risk);
    expect(limitsOf(d)).toEqual(['min_reward_risk']);
    expect(d.breaches[0].value).toBeCloseTo(1.2, 12);
  });
  it('accepts 1.5 and warns below 1.5 / 0.8 = 1.875', () => {
    const d = decide(signal('SHORT', { stopLoss: 104, takeProfit: 94 }), book(10_000), atr, risk);
    expect(d.approved).toBe(true);
    expect(d.warnings.some((w) => w.startsWith('min_reward_risk: '))).toBe(true);
  });
});

describe('bad inputs', () => {
  it('rejects an entry with no usable price, naming the input', () => {
    const d = decide(signal('LONG', { price: Number.NaN }), book(10_000), {}, risk);
    expect(limitsOf(d)).toEqual(['invalid_input']);
  });
  it('rejects entries with no equity left', () => {
    const d = decide(signal('LONG'), book(0, [], { peakEquity: 10_000, dayStartEquity: 100 }), atr, risk);
    expect(d.approved).toBe(false);
    expect(limitsOf(d)).toContain('max_drawdown');
  });
});

describe('warnings at 80% of a limit', () => {
  const named = (ws: string[]) => ws.map((w) => w.split(':')[0]).sort();
  it('on the asset, the sector and the heat the entry would reach', () => {
    // BTC 12% (stop 4% away: 0.48% heat), ETH 11% (stop 70% away: 7.7% heat). New BTC 2%, stop 4% away:
    // BTC 14% >= 12% of 15%; L1 25% >= 24% of 30%; heat 8.26% >= 8% of 10%.
    const p = book(10_000, [position('BTC/USDT', 'LONG', 1200, 100, 96), position('ETH/USDT', 'LONG', 1100, 100, 30)]);
    const d = decide(signal('LONG', { size: 0.02 }), p, atr, risk);
    expect(d.approved).toBe(true);
    expect(named(d.warnings)).toEqual(['max_heat', 'max_per_asset', 'max_per_sector']);
  });
  it('on the position size, the risk per trade and the liquidity', () => {
    // 8.5% with the stop 20% away: 8.5% >= 8% of 10%; 1.7% at risk >= 1.6% of 2%; a 10% liquidity cap
    // (1% of 100,000 on 10,000 equity) is 85% used.
    const d = decide(signal('LONG', { size: 0.085, stopLoss: 80 }), book(10_000), { avgDailyVolume: 100_000 }, riskConfig({ maxHeat: 0.2 }));
    expect(d.approved).toBe(true);
    expect(named(d.warnings)).toEqual(['liquidity', 'max_position', 'risk_per_trade']);
  });
});
