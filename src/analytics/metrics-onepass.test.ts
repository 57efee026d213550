/**
 * computeMetrics reads the equity curve in one pass (daily returns, drawdown with recovery, average equity). Pinned
 * here to the definitions written out the plain way (docs/backtest.md): equity as of each midnight, then the changes;
 * the running peak and deepest fall, then a second scan for the recovery; the mean equity. Exact equality: the same
 * arithmetic in the same order.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeMetrics, dailyEquity, dailyReturns, maxDrawdown } from './metrics.js';

const D = 86_400_000;
const H = 3_600_000;

function plainDrawdown(ts: number[], eq: number[]) {
  let peak = eq[0];
  let peakTs = ts[0];
  let worst = 0;
  let at: { peakTs: number; troughTs: number; peak: number } | null = null;
  for (let i = 0; i < eq.length; i++) {
    if (eq[i] > peak) {
      peak = eq[i];
      peakTs = ts[i];
    }
    const fall = peak > 0 ? 1 - eq[i] / peak : 0;
    if (fall > worst) {
      worst = fall;
      at = { peakTs, troughTs: ts[i], peak };
    }
  }
  if (!at) return { maxDrawdown: 0, peakTs: null, troughTs: null, recoveryTs: null, durationMs: 0 };
  let recoveryTs: number | null = null;
  for (let i = 0; i < eq.length; i++) {
    if (ts[i] > at.troughTs && eq[i] >= at.peak) {
      recoveryTs = ts[i];
      break;
    }
  }
  return { maxDrawdown: worst, peakTs: at.peakTs, troughTs: at.troughTs, recoveryTs, durationMs: (recoveryTs ?? ts[ts.length - 1]) - at.peakTs };
}

const curves = fc
  .record({
    start: fc.integer({ min: 0, max: 3 * D }),
    steps: fc.array(fc.record({ gap: fc.integer({ min: 1, max: 30 * H }), move: fc.oneof(fc.constant(0), fc.double({ min: -0.3, max: 0.3, noNaN: true })) }), { minLength: 0, maxLength: 300 }),
  })
  .map(({ start, steps }) => {
    const ts = [start];
    const equity = [100];
    for (const s of steps) {
      ts.push(ts[ts.length - 1] + s.gap);
      equity.push(equity[equity.length - 1] * (1 + s.move));
    }
    return { ts, equity, length: ts.length };
  });

describe('metrics in one pass', () => {
  it('daily returns, drawdown and turnover match the plain definitions on random curves', () => {
    fc.assert(
      fc.property(curves, (c) => {
        const daily = dailyEquity(c).equity;
        const returns = daily.slice(1).map((e, i) => e / daily[i] - 1);
        expect(dailyReturns(c)).toEqual(returns);
        expect(maxDrawdown(c)).toEqual(plainDrawdown(c.ts, c.equity));
        let sum = 0;
        for (const e of c.equity) sum += e;
        const m = computeMetrics({ curve: c, trades: [], initialCash: 100, fees: 0, tradedNotional: 1_000, exposure: 0 });
        // (the sum is taken in four lanes, so it may differ from the plain one in the last bits)
        expect(Math.abs(m.turnover - 1_000 / (sum / c.length))).toBeLessThanOrEqual(1e-12 * Math.abs(m.turnover));
        expect(m.max_drawdown).toBe(plainDrawdown(c.ts, c.equity).maxDrawdown);
      }),
      { numRuns: 300 },
    );
  });

  it('finds the recovery of the deepest drawdown, not of an earlier shallower one', () => {
    // a 10% fall recovered at 3h, then a 50% fall from a higher peak recovered at 7h
    const c = { ts: [0, H, 2 * H, 3 * H, 4 * H, 5 * H, 6 * H, 7 * H], equity: [100, 90, 95, 100, 120, 60, 100, 120], length: 8 };
    expect(maxDrawdown(c)).toEqual({ maxDrawdown: 0.5, peakTs: 4 * H, troughTs: 5 * H, recoveryTs: 7 * H, durationMs: 3 * H });
  });
});
