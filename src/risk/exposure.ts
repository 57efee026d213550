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
import { stopDistance } from './heat.js';
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
// The config in use is almost always the same object call after call: skip the WeakMap for it.
let lastRisk: object | null = null;
let lastCache = new Map<string, string>();

/**
 * The sector a symbol counts in: `risk.sectors` (keyed by symbol `BTC/USDT` or by base `BTC`) over the defaults
 * (L1, exchange, payments, meme, defi); an asset nobody classified is a sector of its own (its base).
 */
export function sectorOf(symbol: string, risk: RiskConfig): string {
  const cache = sectorCacheFor(risk);
  return cache.get(symbol) ?? classify(symbol, risk, cache);
}

function sectorCacheFor(risk: RiskConfig): Map<string, string> {
  if (lastRisk !== risk) {
    lastCache = sectorCache.get(risk) ?? new Map<string, string>();
    sectorCache.set(risk, lastCache);
    lastRisk = risk;
  }
  return lastCache;
}

function classify(symbol: string, risk: RiskConfig, cache: Map<string, string>): string {
  const base = symbol.split('/')[0].toUpperCase();
  const sector = risk.sectors[symbol] ?? risk.sectors[base] ?? defaultSectorByBase.get(base) ?? base;
  cache.set(symbol, sector);
  return sector;
}

export function scanBook(symbol: string, side: PositionSide, portfolio: PortfolioSnapshot, market: MarketState, risk: RiskConfig): BookExposure {
  const sectors = sectorCacheFor(risk);
  const sector = sectors.get(symbol) ?? classify(symbol, risk, sectors);
  const noStop = risk.noStopDistance;
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
    heatMoney += value * stopDistance(p.side, p.marketPrice, p.stopLoss, noStop);
    if (sameSymbol) {
      assetMoney += value;
      sectorMoney += value;
      continue;
    }
    if ((sectors.get(p.symbol) ?? classify(p.symbol, risk, sectors)) === sector) sectorMoney += value;
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
  return {
    heat: shareOf(heatMoney, equity),
    asset: shareOf(assetMoney, equity),
    sector,
    sectorExposure: shareOf(sectorMoney, equity),
    maxCorrelation,
    correlatedWith,
  };
}

/** Money as a share of equity; anything held with no equity left is infinitely much. */
function shareOf(money: number, equity: number): number {
  return money === 0 ? 0 : equity > 0 ? money / equity : Number.POSITIVE_INFINITY;
}
