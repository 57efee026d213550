/**
 * The risk orchestrator (src/risk) plugged into the backtest loop: the market state is measured from the base
 * candles up to the decision bar (never later), correlations against every held symbol over the last 30 days, and
 * the strategy's closed trades feed half-Kelly sizing as returns on the capital committed.
 */
import { timeframeMs, type Timeframe } from '../core/time.js';
import type { CandleColumns } from '../core/types.js';
import { createRiskManager, marketStateAt, returnCorrelation, type RiskConfig } from '../risk/index.js';
import type { RiskGate } from './engine.js';

const CORRELATION_DAYS = 30;

/** Index of the last bar of c opening at or before ts (−1 if none). */
function lastAtOrBefore(c: CandleColumns, ts: number): number {
  let lo = 0;
  let hi = c.length - 1;
  let ans = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (c.ts[mid] <= ts) {
      ans = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return ans;
}

export function backtestRiskGate(strategy: string, risk: RiskConfig, base: ReadonlyMap<string, CandleColumns>, baseTimeframe: Timeframe): RiskGate {
  const manager = createRiskManager(risk);
  const corrBars = Math.round((CORRELATION_DAYS * 86_400_000) / timeframeMs(baseTimeframe));
  return {
    decide(signal, portfolio, w) {
      const market = w.index >= 0 ? marketStateAt(w.candles, w.index, { timeframe: baseTimeframe }) : {};
      const correlations: Record<string, number> = {};
      for (const p of portfolio.positions) {
        if (p.symbol === signal.symbol || w.index < 0) continue;
        const other = base.get(p.symbol);
        if (!other) continue;
        const j = lastAtOrBefore(other, w.candles.ts[w.index]);
        const rho = j > 0 ? returnCorrelation(w.candles, w.index, other, j, corrBars) : Number.NaN;
        if (Number.isFinite(rho)) correlations[p.symbol] = rho;
      }
      if (Object.keys(correlations).length > 0) market.correlations = correlations;
      return manager.decide(signal, portfolio, market);
    },
    tradeClosed(t) {
      const committed = t.entryPrice * t.quantity;
      if (committed > 0) manager.recordTrade(strategy, t.pnl / committed);
    },
  };
}
