import { describe, expect, it } from 'vitest';
import { book, position, riskConfig, signal } from '../../test/helpers/risk.js';
import { levelOf, riskScore } from './levels.js';
import { decide } from './orchestrator.js';

const risk = riskConfig();

describe('risk level', () => {
  it('weights the components 0.30 / 0.25 / 0.25 / 0.10 / 0.10', () => {
    // 0.3 x 0.1 + 0.25 x 0.04 + 0.25 x 0.1 + 0.1 x 0.02 + 0.1 x 0.5 = 0.03 + 0.01 + 0.025 + 0.002 + 0.05 = 0.117
    const score = riskScore({ position: 0.1, heat: 0.04, drawdown: 0.1, annualVolatility: 0.02 * Math.sqrt(365), correlation: 0.5 }, risk);
    expect(score).toBeCloseTo(0.117, 12);
  });
  it('clips each component to [0, 1] and ignores negative correlation', () => {
    expect(riskScore({ position: 3, heat: 0, drawdown: 0, annualVolatility: 0, correlation: -0.9 }, risk)).toBeCloseTo(0.3, 12);
  });
  it.each([
    [0, 'LOW'],
    [0.08, 'LOW'],
    [0.0800001, 'MEDIUM'],
    [0.12, 'MEDIUM'],
    [0.1200001, 'HIGH'],
    [0.18, 'HIGH'],
    [0.1800001, 'CRITICAL'],
    [1, 'CRITICAL'],
  ] as const)('score %f is %s', (score, level) => {
    expect(levelOf(score, risk)).toBe(level);
  });
  it('uses configured thresholds', () => {
    const r = riskConfig({ levelThresholds: { low: 0.01, medium: 0.02, high: 0.03 } });
    expect(levelOf(0.015, r)).toBe('MEDIUM');
    expect(levelOf(0.05, r)).toBe('CRITICAL');
  });
  it('a decision carries the level of the book after the trade', () => {
    // Equity 9,000, peak 10,000 (drawdown 10%). Hold ETH 10% of equity, stop 5% away (heat 0.5%), correlation 0.5.
    // New BTC 2% with the stop 4% away: position 0.02, heat 0.005 + 0.0008, drawdown 0.1, volatility 0, corr 0.5.
    const p = book(9000, [position('ETH/USDT', 'LONG', 900, 100, 95)], { peakEquity: 10_000, dayStartEquity: 9000 });
    const d = decide(signal('LONG', { size: 0.02 }), p, { atr: 2, correlations: { 'ETH/USDT': 0.5 } }, riskConfig({ maxCorrelation: 0.9 }));
    const expected = 0.3 * 0.02 + 0.25 * (0.005 + 0.02 * 0.04) + 0.25 * (1 - 9000 / 10_000) + 0.1 * 0.5;
    expect(d.score).toBeCloseTo(expected, 12);
    expect(d.level).toBe('MEDIUM'); // 0.08245
  });
});
