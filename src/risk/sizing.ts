/**
 * How much of equity an entry should commit, before the limits have their say.
 *
 * - fixed (default): `fixedFraction x confidence`; when the signal gives its own size (> 0) and
 *   `sizing.useSignalSize` is on, that size as it is — a strategy or the aggregator that sizes a signal has already
 *   weighed its confidence, so it is not scaled a second time.
 * - half_kelly: half the Kelly fraction W - (1 - W) / R from the strategy's closed trades (W = win rate,
 *   R = average win / average loss), capped at `kellyCap`, x confidence; fixed until `kellyMinTrades` trades.
 *   A strategy without an edge (Kelly <= 0) gets the minimum position and a warning.
 * - vol_target: `volTarget / annualized volatility x confidence`; fixed when the volatility is unknown.
 *
 * Every method's result is clamped to [minPosition, maxPosition]. The liquidity cap is separate (`liquidityCap`)
 * because it is a limit the validator reports, not a preference.
 */
import type { Signal } from '../core/types.js';
import type { MarketState, RiskConfig, TradeStats } from './types.js';

export type SizingMethod = 'fixed' | 'signal' | 'half_kelly' | 'vol_target';

export interface SizingResult {
  /** Fraction of equity, clamped to [minPosition, maxPosition]. */
  size: number;
  /** The method that actually set the size (after fallbacks). */
  method: SizingMethod;
  note: string | null;
}

/** Confidence within [0, 1]; a missing (NaN) confidence counts as none. */
function clampConfidence(c: number): number {
  return Number.isNaN(c) ? 0 : Math.min(Math.max(c, 0), 1);
}

/** The full Kelly fraction W - (1 - W) / R; -1 when there is no winning trade, W when there is no losing one. */
export function kellyFraction(stats: TradeStats): number {
  if (stats.trades <= 0 || stats.wins <= 0) return -1;
  const w = stats.wins / stats.trades;
  const losses = stats.trades - stats.wins;
  if (losses <= 0 || stats.grossLoss <= 0) return w;
  const payoff = stats.grossWin / stats.wins / (stats.grossLoss / losses);
  return w - (1 - w) / payoff;
}

/** Half-Kelly capped at kellyCap, never negative. */
export function halfKelly(stats: TradeStats, kellyCap: number): number {
  const half = kellyFraction(stats) / 2;
  return half <= 0 ? 0 : Math.min(half, kellyCap);
}

/** The largest size (fraction of equity) the liquidity cap allows; Infinity without volume data. */
export function liquidityCap(equity: number, market: MarketState, risk: RiskConfig): number {
  const adv = market.avgDailyVolume;
  if (adv === undefined || !Number.isFinite(adv) || adv < 0 || !(equity > 0)) return Number.POSITIVE_INFINITY;
  return (risk.sizing.maxShareOfVolume * adv) / equity;
}

/** Whether fixed sizing takes the signal's own size. */
function usesSignalSize(signal: Signal, risk: RiskConfig): boolean {
  return risk.sizing.useSignalSize && signal.size > 0 && Number.isFinite(signal.size);
}

function fixedSize(signal: Signal, risk: RiskConfig): number {
  return usesSignalSize(signal, risk) ? signal.size : risk.sizing.fixedFraction * clampConfidence(signal.confidence);
}

export function desiredSize(signal: Signal, market: MarketState, risk: RiskConfig, stats?: TradeStats): SizingResult {
  const s = risk.sizing;
  const confidence = clampConfidence(signal.confidence);
  const fixedMethod: SizingMethod = usesSignalSize(signal, risk) ? 'signal' : 'fixed';
  let raw = 0;
  let method: SizingMethod = fixedMethod;
  let note: string | null = null;
  if (s.method === 'half_kelly' && stats && stats.trades >= s.kellyMinTrades) {
    const k = halfKelly(stats, s.kellyCap);
    if (k === 0) note = `half-Kelly is 0 for ${signal.strategy} (${stats.wins}/${stats.trades} wins): no edge, sized at the minimum position`;
    raw = k * confidence;
    method = 'half_kelly';
  } else if (s.method === 'vol_target') {
    const vol = market.volatility;
    if (vol !== undefined && vol > 0 && Number.isFinite(vol)) {
      raw = (s.volTarget / vol) * confidence;
      method = 'vol_target';
    } else note = `no volatility for ${signal.symbol}: vol_target fell back to ${fixedMethod} sizing`;
  }
  if (method === 'fixed' || method === 'signal') raw = fixedSize(signal, risk);
  const size = raw < risk.minPosition ? risk.minPosition : Math.min(raw, risk.maxPosition);
  return { size, method, note };
}
