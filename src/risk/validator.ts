/**
 * The trade validator: which limits an entry of a given size would break, and which measures come within
 * `warnAt` of their limit. Exits are never validated (see the orchestrator).
 *
 * Halts (no new entries; exits always allowed):
 * - max_drawdown: equity below peakEquity x (1 - maxDrawdown).
 * - daily_loss: the day's lowest equity (dayLowEquity, else the current equity) below dayStartEquity x
 *   (1 - dailyLossLimit); both are renewed at 00:00 UTC (marks.ts), which is when the halt lifts.
 * Limits on the entry itself (sizes are fractions of equity, d = distance to stop as a share of price):
 * - max_position: size <= maxPosition.
 * - max_per_asset: held in the symbol (same side) + size <= maxPerAsset.
 * - max_per_sector: held in the sector (gross) + size <= maxPerSector.
 * - risk_per_trade: size x d <= riskPerTrade (d = noStopDistance when there is no stop).
 * - max_heat: heat of the book + size x d <= maxHeat.
 * - liquidity: size x equity <= maxShareOfVolume x average daily volume.
 * - max_correlation: direction-adjusted correlation with any held symbol <= maxCorrelation.
 * - min_reward_risk: |target - price| / |price - stop| >= minRewardRisk (when both are known).
 * A limit of 0 on a warning (minRewardRisk 0) never warns.
 */
import type { PortfolioSnapshot } from '../core/types.js';
import type { BookExposure } from './exposure.js';
import type { LimitBreach, LimitName, RiskConfig, RiskPortfolio } from './types.js';

/** Everything about an entry the limits look at, apart from its size. */
export interface EntryContext {
  symbol: string;
  book: BookExposure;
  /** Distance to stop as a share of price, noStopDistance when there is no stop. */
  distance: number;
  rewardRisk: number | null;
  /** Whether the signal set the target: a target MTS put at the minimum reward/risk is not worth a warning. */
  signalTarget: boolean;
  /** Largest size the liquidity cap allows (Infinity without volume data). */
  liquidityCap: number;
}

export function pct(x: number): string {
  return Number.isFinite(x) ? `${(x * 100).toFixed(2)}%` : String(x);
}

/** value beyond bound, with room for float rounding so that a size fitted exactly to a limit passes it. */
export function exceeds(value: number, bound: number): boolean {
  return value > bound + 1e-12 * Math.max(Math.abs(bound), 1);
}

function breach(out: LimitBreach[], limit: LimitName, value: number, bound: number, text: string): void {
  out.push({ limit, value, bound, message: `${limit}: ${text}` });
}

export function drawdownOf(p: PortfolioSnapshot): number {
  return p.peakEquity > 0 ? Math.max(0, 1 - p.equity / p.peakEquity) : 0;
}

/** The day's low so far: the lowest marked equity since 00:00 UTC, or the current equity when not kept. */
export function dayLowOf(p: RiskPortfolio): number {
  return p.dayLowEquity !== undefined && p.dayLowEquity < p.equity ? p.dayLowEquity : p.equity;
}

/** The worst loss of the day so far, as a share of the equity at 00:00 UTC. */
export function dailyLossOf(p: RiskPortfolio): number {
  return p.dayStartEquity > 0 ? Math.max(0, 1 - dayLowOf(p) / p.dayStartEquity) : 0;
}

/** The drawdown and daily-loss halts: no new entry while either is on. */
export function haltBreaches(p: RiskPortfolio, risk: RiskConfig, out: LimitBreach[]): void {
  if (!(p.equity > 0)) {
    breach(out, 'max_drawdown', 1, risk.maxDrawdown, `equity is ${p.equity}: nothing left to risk`);
    return;
  }
  if (p.equity < p.peakEquity * (1 - risk.maxDrawdown)) {
    breach(out, 'max_drawdown', drawdownOf(p), risk.maxDrawdown,
      `drawdown ${pct(drawdownOf(p))} (equity ${p.equity.toFixed(2)}, peak ${p.peakEquity.toFixed(2)}) is beyond the ${pct(risk.maxDrawdown)} limit; no new entries until equity recovers above ${(p.peakEquity * (1 - risk.maxDrawdown)).toFixed(2)}`);
  }
  const low = dayLowOf(p);
  if (low < p.dayStartEquity * (1 - risk.dailyLossLimit)) {
    breach(out, 'daily_loss', dailyLossOf(p), risk.dailyLossLimit,
      `today's loss reached ${pct(dailyLossOf(p))} (equity low ${low.toFixed(2)}, at 00:00 UTC ${p.dayStartEquity.toFixed(2)}), beyond the ${pct(risk.dailyLossLimit)} limit; no new entries until 00:00 UTC`);
  }
}

/** The limits that do not depend on size: correlation and reward/risk. */
export function entryBreaches(ctx: EntryContext, risk: RiskConfig, out: LimitBreach[]): void {
  const b = ctx.book;
  if (b.correlatedWith !== null && exceeds(b.maxCorrelation, risk.maxCorrelation)) {
    breach(out, 'max_correlation', b.maxCorrelation, risk.maxCorrelation,
      `${ctx.symbol} moves with the held ${b.correlatedWith} at ${b.maxCorrelation.toFixed(3)}, above the ${risk.maxCorrelation} limit`);
  }
  if (ctx.rewardRisk !== null && exceeds(risk.minRewardRisk, ctx.rewardRisk)) {
    breach(out, 'min_reward_risk', ctx.rewardRisk, risk.minRewardRisk,
      `reward/risk ${ctx.rewardRisk.toFixed(3)} is below the ${risk.minRewardRisk} minimum`);
  }
}

/** The largest size every size-dependent limit allows together (may be <= 0 when the book is already full). */
export function largestAllowedSize(ctx: EntryContext, risk: RiskConfig): number {
  const b = ctx.book;
  return Math.min(
    risk.maxPosition,
    risk.maxPerAsset - b.asset,
    risk.maxPerSector - b.sectorExposure,
    risk.riskPerTrade / ctx.distance,
    (risk.maxHeat - b.heat) / ctx.distance,
    ctx.liquidityCap,
  );
}

/** The size-dependent limits an entry of `size` would break. */
export function sizeBreaches(size: number, ctx: EntryContext, risk: RiskConfig, out: LimitBreach[]): void {
  const b = ctx.book;
  const d = ctx.distance;
  if (exceeds(size, risk.maxPosition)) breach(out, 'max_position', size, risk.maxPosition, `size ${pct(size)} is above the ${pct(risk.maxPosition)} limit`);
  if (exceeds(b.asset + size, risk.maxPerAsset)) {
    breach(out, 'max_per_asset', b.asset + size, risk.maxPerAsset,
      `${ctx.symbol} would be ${pct(b.asset + size)} of equity (held ${pct(b.asset)} + ${pct(size)}), above the ${pct(risk.maxPerAsset)} limit`);
  }
  if (exceeds(b.sectorExposure + size, risk.maxPerSector)) {
    breach(out, 'max_per_sector', b.sectorExposure + size, risk.maxPerSector,
      `sector ${b.sector} would be ${pct(b.sectorExposure + size)} of equity (held ${pct(b.sectorExposure)} + ${pct(size)}), above the ${pct(risk.maxPerSector)} limit`);
  }
  if (exceeds(size * d, risk.riskPerTrade)) {
    breach(out, 'risk_per_trade', size * d, risk.riskPerTrade,
      `${pct(size)} with the stop ${pct(d)} away risks ${pct(size * d)} of equity, above the ${pct(risk.riskPerTrade)} limit`);
  }
  if (exceeds(b.heat + size * d, risk.maxHeat)) {
    breach(out, 'max_heat', b.heat + size * d, risk.maxHeat,
      `portfolio heat would be ${pct(b.heat + size * d)} (open ${pct(b.heat)} + this ${pct(size * d)}), above the ${pct(risk.maxHeat)} limit`);
  }
  if (exceeds(size, ctx.liquidityCap)) {
    breach(out, 'liquidity', size, ctx.liquidityCap,
      `${pct(size)} of equity is above ${pct(risk.sizing.maxShareOfVolume)} of the average daily volume (at most ${pct(ctx.liquidityCap)} of equity)`);
  }
}

function near(value: number, limit: number, risk: RiskConfig): boolean {
  return limit > 0 && value >= risk.warnAt * limit && !exceeds(value, limit);
}

/** Measures at or beyond warnAt of their limit (and within it), after an entry of `size` (0 for an exit). */
export function warningsFor(size: number, ctx: EntryContext | null, p: RiskPortfolio, risk: RiskConfig, out: string[]): void {
  const dd = drawdownOf(p);
  const loss = dailyLossOf(p);
  if (near(dd, risk.maxDrawdown, risk)) out.push(`max_drawdown: drawdown ${pct(dd)} is past ${pct(risk.warnAt)} of the ${pct(risk.maxDrawdown)} limit`);
  if (near(loss, risk.dailyLossLimit, risk)) out.push(`daily_loss: today's loss reached ${pct(loss)}, past ${pct(risk.warnAt)} of the ${pct(risk.dailyLossLimit)} limit`);
  if (ctx === null) return;
  const b = ctx.book;
  const r = size * ctx.distance;
  if (near(size, risk.maxPosition, risk)) out.push(`max_position: size ${pct(size)} is past ${pct(risk.warnAt)} of the ${pct(risk.maxPosition)} limit`);
  if (near(b.asset + size, risk.maxPerAsset, risk)) out.push(`max_per_asset: ${ctx.symbol} at ${pct(b.asset + size)} is past ${pct(risk.warnAt)} of the ${pct(risk.maxPerAsset)} limit`);
  if (near(b.sectorExposure + size, risk.maxPerSector, risk)) out.push(`max_per_sector: sector ${b.sector} at ${pct(b.sectorExposure + size)} is past ${pct(risk.warnAt)} of the ${pct(risk.maxPerSector)} limit`);
  if (near(r, risk.riskPerTrade, risk)) out.push(`risk_per_trade: ${pct(r)} at risk is past ${pct(risk.warnAt)} of the ${pct(risk.riskPerTrade)} limit`);
  if (near(b.heat + r, risk.maxHeat, risk)) out.push(`max_heat: heat ${pct(b.heat + r)} is past ${pct(risk.warnAt)} of the ${pct(risk.maxHeat)} limit`);
  if (Number.isFinite(ctx.liquidityCap) && near(size, ctx.liquidityCap, risk)) out.push(`liquidity: ${pct(size)} is past ${pct(risk.warnAt)} of the ${pct(ctx.liquidityCap)} the volume allows`);
  if (b.correlatedWith !== null && near(b.maxCorrelation, risk.maxCorrelation, risk)) {
    out.push(`max_correlation: ${b.maxCorrelation.toFixed(3)} with ${b.correlatedWith} is past ${pct(risk.warnAt)} of the ${risk.maxCorrelation} limit`);
  }
  // A minimum warns on the other side: reward/risk within minRewardRisk / warnAt.
  if (ctx.signalTarget && ctx.rewardRisk !== null && risk.minRewardRisk > 0 && risk.warnAt > 0 && ctx.rewardRisk <= risk.minRewardRisk / risk.warnAt && !exceeds(risk.minRewardRisk, ctx.rewardRisk)) {
    out.push(`min_reward_risk: ${ctx.rewardRisk.toFixed(3)} is within ${(risk.minRewardRisk / risk.warnAt).toFixed(3)} (the ${risk.minRewardRisk} minimum / ${risk.warnAt})`);
  }
}
