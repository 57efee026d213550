import { describe, expect, it } from 'vitest';
import { book, position, riskConfig, signal } from '../../test/helpers/risk.js';
import { alertRisk, createRiskManager, decide } from './orchestrator.js';

describe('createRiskManager', () => {
  it('sizes by half-Kelly once a strategy has kellyMinTrades closed trades, per strategy', () => {
    const rm = createRiskManager(riskConfig({ sizing: { method: 'half_kelly' } })); // kellyMinTrades 30, kellyCap 0.1
    const s = signal('LONG', { confidence: 0.5, strategy: 'trend' });
    const market = { atr: 1 };
    // 29 trades: still fixed fraction, 2% x 0.5.
    for (let i = 0; i < 29; i++) rm.recordTrade('trend', i % 5 < 3 ? 0.02 : -0.01);
    expect(rm.decide(s, book(10_000), market).size).toBeCloseTo(0.01, 12);
    // The 30th: 18 wins of 2%, 12 losses of 1% -> W 0.6, R 2, Kelly 0.4, half 0.2, capped 0.1, x 0.5 = 5%.
    rm.recordTrade('trend', -0.01);
    expect(rm.stats('trend')).toEqual({ trades: 30, wins: 18, grossWin: expect.closeTo(0.36, 12), grossLoss: expect.closeTo(0.12, 12) });
    expect(rm.decide(s, book(10_000), market).size).toBeCloseTo(0.05, 12);
    expect(rm.decide({ ...s, strategy: 'other' }, book(10_000), market).size).toBeCloseTo(0.01, 12);
  });
});

describe('decide', () => {
  it('gives an approved entry its quantity, bracket and level', () => {
    const d = decide(signal('SHORT', { confidence: 0.75, price: 2000 }), book(50_000), { price: 2500, atr: 25 }, riskConfig());
    // 2% x 0.75 = 1.5% of 50,000 = 750 at the market price 2,500 = 0.3 units; stop 2 x 25 above, target 1.5 x 50 below.
    expect(d).toMatchObject({ approved: true, stopLoss: 2550, takeProfit: 2425, level: 'LOW', reasons: [], breaches: [] });
    expect(d.size).toBeCloseTo(0.015, 12);
    expect(d.quantity).toBeCloseTo(0.3, 12);
  });
  it('exits the whole holding in the symbol, across strategies, whatever the book looks like', () => {
    const p = book(1000, [position('ETH/USDT', 'LONG', 300, 10), position('ETH/USDT', 'LONG', 100, 10), position('BTC/USDT', 'SHORT', 200, 100)], {
      peakEquity: 5000,
      dayStartEquity: 2000,
    });
    const d = decide(signal('CLOSE', { symbol: 'ETH/USDT' }), p, {}, riskConfig());
    expect(d).toMatchObject({ approved: true, reasons: [], stopLoss: null, takeProfit: null });
    expect(d.size).toBeCloseTo(0.4, 12);
    expect(d.quantity).toBeCloseTo(40, 12);
    expect(d.warnings).toEqual([]); // beyond the limits: halted, not near them
  });
});

describe('alertRisk', () => {
  it("is the alert's risk object: level, approved and the reasons", () => {
    const p = book(7000, [], { peakEquity: 10_000, dayStartEquity: 7000 });
    const r = alertRisk(decide(signal('LONG'), p, { atr: 2 }, riskConfig()));
    // Judged at the 2% it would have taken, stop 4% away: 0.3 x 0.02 + 0.25 x 0.0008 + 0.25 x 0.3 = 0.0812, MEDIUM.
    expect(r).toMatchObject({ approved: false, level: 'MEDIUM' });
    expect(r.score).toBeCloseTo(0.0812, 12);
    expect(r.reasons).toHaveLength(1);
    expect(r.reasons[0]).toMatch(/^max_drawdown: drawdown 30.00%/);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });
});
