/**
 * The risk level of a decision: score = sum of weight x component (weights `risk.levelWeights`, summing to 1), then
 * LOW when score <= levelThresholds.low, MEDIUM <= medium, HIGH <= high, else CRITICAL.
 *
 * The thresholds (0.08 / 0.12 / 0.18 by default, the original system's) are on the scale of raw shares of equity,
 * so each component is a plain fraction in [0, 1], not a ratio to its limit:
 * - position: what the portfolio would hold in the symbol after the trade, as a share of equity;
 * - heat: portfolio heat after the trade (share of equity lost if every stop is hit);
 * - drawdown: 1 - equity / peak equity;
 * - volatility: the symbol's daily volatility, annualized volatility / sqrt(365) (0 when unknown);
 * - correlation: the highest direction-adjusted correlation with a held symbol, floored at 0 (0 when none).
 * Each is clipped to [0, 1]. Example: holding 10% with 5% heat, 10% drawdown, 3% daily volatility and 0.5
 * correlation scores 0.3x0.1 + 0.25x0.05 + 0.25x0.1 + 0.1x0.03 + 0.1x0.5 = 0.1205, MEDIUM-to-HIGH border: HIGH.
 */
import type { RiskConfig, RiskLevel } from './types.js';

const SQRT_365 = Math.sqrt(365);

export interface LevelComponents {
  position: number;
  heat: number;
  drawdown: number;
  /** Annualized volatility as given by the market state (converted to daily here). */
  annualVolatility: number;
  correlation: number;
}

function unit(x: number): number {
  return Math.min(Math.max(x, 0), 1);
}

export function riskScore(c: LevelComponents, risk: RiskConfig): number {
  const w = risk.levelWeights;
  const vol = Number.isFinite(c.annualVolatility) ? c.annualVolatility / SQRT_365 : 0;
  return (
    w.position * unit(c.position) +
    w.heat * unit(c.heat) +
    w.drawdown * unit(c.drawdown) +
    w.volatility * unit(vol) +
    w.correlation * unit(Number.isFinite(c.correlation) ? c.correlation : 0)
  );
}

export function levelOf(score: number, risk: RiskConfig): RiskLevel {
  const t = risk.levelThresholds;
  return score <= t.low ? 'LOW' : score <= t.medium ? 'MEDIUM' : score <= t.high ? 'HIGH' : 'CRITICAL';
}
