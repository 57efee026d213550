/**
 * One pass over the open positions to measure what an entry adds to: heat, exposure in the symbol and its sector,
 * and the highest correlation with what is held. Positions in the same symbol on the opposite side are left out:
 * an entry against them reverses them, so they are closed before the new one opens.
 *
 * Correlation is direction-adjusted: holding LONG ETH while going SHORT BTC with a 0.9 correlation is a hedge
 * (-0.9), not a concentration, so only same-direction co-movement counts against `maxCorrelation`.
 */
import { DEFAULT_ASSETS } from '../core/assets.js';
import type { PortfolioSnapshot, PositionSide } from '../core/types.js';
import { positionHeat } from './heat.js';
import type { MarketState, RiskConfig } from './types.js';

export interface BookExposure {
  /** Heat of the positions that stay open, as a share of equity. */
  heat: number;
  /** Value already held in the symbol on the entry's side, as a share of equity. */
  asset: number;
  sector: string;
  /** Value held in the symbol's sector (any side, gross), as a share of equity. */
  sectorExposure: number;
  /** Highest direction-adjusted correlation with a held position in another symbol; -Infinity when none is known. */
  maxCorrelation: number;
  correlatedWith: string | null;
}

const defaultSectorByBase = new Map<string, string>(DEFAULT_ASSETS.map((a) => [a.base, a.sector as string]));
const sectorCache = new WeakMap<object, Map<string, string>>();

/**
 * The sector a symbol counts in: `risk.sectors` (keyed by symbol `BTC/USDT` or by base `BTC`) over the defaults
 * (L1, exchange, payments, meme, defi); an asset nobody classified is a sector of its own (its base).
 */
export function sectorOf(symbol: string, risk: RiskConfig): string {
  let cache = sectorCache.get(risk);
  if (!cache) {
    cache = new Map();
    sectorCache.set(risk, cache);
  }
  let sector = cache.get(symbol);
  if (sector === undefined) {
    const base = symbol.split('/')[0].toUpperCase();
    sector = risk.sectors[symbol] ?? risk.sectors[base] ?? defaultSectorByBase.get(base) ?? base;
    cache.set(symbol, sector);
  }
  return sector;
}

export function scanBook(symbol: string, side: PositionSide, portfolio: PortfolioSnapshot, market: MarketState, risk: RiskConfig): BookExposure {
  const sector = sectorOf(symbol, risk);
  const correlations = market.correlations;
  let heatMoney = 0;
  let assetMoney = 0;
  let sectorMoney = 0;
  let maxCorrelation = Number.NEGATIVE_INFINITY;
  let correlatedWith: string | null = null;
  const ps = portfolio.positions;
  for (let i = 0; i < ps.length; i++) {
    const p = ps[i];
    const sameSymbol = p.symbol === symbol;
    if (sameSymbol && p.side !== side) continue;
    const value = Math.abs(p.quantity) * p.marketPrice;
    heatMoney += positionHeat(p, risk.noStopDistance);
    if (sameSymbol) {
      assetMoney += value;
      sectorMoney += value;
      continue;
    }
    if (sectorOf(p.symbol, risk) === sector) sectorMoney += value;
    if (correlations !== undefined) {
      const c = correlations[p.symbol];
      if (c !== undefined && Number.isFinite(c)) {
        const adjusted = p.side === side ? c : -c;
        if (adjusted > maxCorrelation) {
          maxCorrelation = adjusted;
          correlatedWith = p.symbol;
        }
      }
    }
  }
  const equity = portfolio.equity;
  const share = (money: number) => (money === 0 ? 0 : equity > 0 ? money / equity : Number.POSITIVE_INFINITY);
  return { heat: share(heatMoney), asset: share(assetMoney), sector, sectorExposure: share(sectorMoney), maxCorrelation, correlatedWith };
}
