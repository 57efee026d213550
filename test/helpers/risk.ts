/** Builders for risk tests: a validated risk config, signals, positions and portfolio snapshots. */
import { buildConfig, type ConfigInput } from '../../src/config/index.js';
import type { MarkedPosition, PortfolioSnapshot, PositionSide, Signal, SignalSide } from '../../src/core/types.js';
import type { RiskConfig } from '../../src/risk/types.js';

export function riskConfig(risk: NonNullable<ConfigInput['risk']> = {}): RiskConfig {
  return buildConfig({ risk }).risk;
}

export function signal(side: SignalSide, over: Partial<Signal> = {}): Signal {
  return {
    ts: Date.UTC(2024, 0, 1),
    strategy: 'test',
    symbol: 'BTC/USDT',
    side,
    confidence: 1,
    strength: 'STRONG',
    price: 100,
    size: 0,
    stopLoss: null,
    takeProfit: null,
    ...over,
  };
}

/** A position worth `value` at `price`, with an optional stop. */
export function position(symbol: string, side: PositionSide, value: number, price: number, stopLoss: number | null = null): MarkedPosition {
  return { symbol, side, quantity: value / price, avgPrice: price, entryTs: 0, stopLoss, takeProfit: null, marketPrice: price };
}

export function book(equity: number, positions: MarkedPosition[] = [], over: Partial<PortfolioSnapshot> = {}): PortfolioSnapshot {
  const held = positions.reduce((s, p) => s + p.quantity * p.marketPrice, 0);
  return { ts: Date.UTC(2024, 0, 1), cash: equity - held, equity, peakEquity: equity, dayStartEquity: equity, positions, ...over };
}
