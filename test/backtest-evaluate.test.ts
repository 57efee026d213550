/**
 * evaluateBacktest (the optimizer's metrics-only path) reuses its equity-curve memory from one call to the next.
 * Whatever ran before, and even a run started inside another, it must give the metrics of the run itself: the
 * metrics computed from runBacktest's own outcome (fresh arrays) for the same request.
 */
import { describe, expect, it } from 'vitest';
import { computeMetrics } from '../src/analytics/metrics.js';
import { type BacktestRequest, evaluateBacktest, runBacktest } from '../src/backtest/run.js';
import type { CandleColumns } from '../src/core/types.js';
import { smaCross } from '../src/strategies/builtin/index.js';
import { defineStrategy } from '../src/strategies/define.js';

const H = 3_600_000;
const T0 = Date.UTC(2023, 0, 1);

/** A wavy series of n hourly bars (so the averages cross now and then), phase-shifted by seed. */
function wave(n: number, seed: number): CandleColumns {
  const c = { length: n, ts: new Float64Array(n), open: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n), close: new Float64Array(n), volume: new Float64Array(n) };
  let p = 100;
  for (let i = 0; i < n; i++) {
    const o = p;
    p = 100 + 10 * Math.sin((i + seed * 7) / 17) + 3 * Math.sin((i * seed) / 5);
    c.ts[i] = T0 + i * H;
    c.open[i] = o;
    c.close[i] = p;
    c.high[i] = Math.max(o, p) + 0.5;
    c.low[i] = Math.min(o, p) - 0.5;
    c.volume[i] = 1_000;
  }
  return c;
}

const request = (cols: CandleColumns, over: Partial<BacktestRequest> = {}): BacktestRequest => ({ strategy: smaCross, base: new Map([['X/USDT', cols]]), baseTimeframe: '1h', cash: 10_000, feeBps: 10, slippageBps: 5, sizeOverride: 1, risk: null, ...over });

/** The metrics of the run computed from runBacktest's own outcome. */
function reference(req: BacktestRequest) {
  const { outcome } = runBacktest(req);
  const curve = { ts: outcome.curveTs, equity: outcome.curveEquity, length: outcome.curveTs.length };
  return computeMetrics({ curve, fees: outcome.sim.fees, tradedNotional: outcome.sim.tradedNotional, exposure: outcome.stepsInMarket / outcome.steps, trades: outcome.sim.trades, initialCash: req.cash });
}

describe('evaluateBacktest reuses its curve memory without it showing', () => {
  it('longer, shorter, equal and longer runs in a row each give their own metrics', () => {
    const sizes = [900, 150, 150, 1_200, 120, 900];
    for (const [k, n] of sizes.entries()) {
      const req = request(wave(n, k + 1), { from: k % 2 ? T0 + 35 * H : undefined });
      const got = evaluateBacktest(req);
      expect(got.trades).toBeGreaterThan(0);
      expect(got).toEqual(reference(req));
    }
  });

  it('a run started inside another (from a strategy) does not write into the outer run curve', () => {
    const inner = request(wave(700, 9), { cash: 5_000 });
    let innerMetrics: unknown = null;
    let calls = 0;
    const nesting = defineStrategy({
      name: 'nesting',
      description: 'test: evaluates another backtest while deciding, then acts like sma_cross',
      timeframe: '1h',
      params: {},
      warmupBars: () => 2,
      onBar: ({ bar, position }) => {
        // well into the outer run, so that its curve so far could be overwritten
        if (++calls === 400) innerMetrics = evaluateBacktest(inner);
        const up = bar.close() > bar.close(1) && bar.close(1) > bar.close(2);
        if (position() === null && up) return { side: 'LONG', size: 1 };
        if (position() === 'LONG' && !up) return { side: 'CLOSE' };
        return null;
      },
    });
    evaluateBacktest(request(wave(1_000, 3))); // leaves memory to reuse
    const outerReq = request(wave(800, 4), { strategy: nesting });
    const outer = evaluateBacktest(outerReq);
    expect(innerMetrics).toEqual(reference(inner));
    innerMetrics = null;
    calls = 0;
    expect(outer).toEqual(reference(outerReq));
  });
});
