/**
 * Stops and targets for an entry. The signal's own stop and target win when they sit on the right side of the
 * price (below it for a LONG stop, above it for a SHORT stop; the other way round for targets). Otherwise the stop is
 * `atrStopMultiple` x ATR away from the price; without ATR, `atrStopMultiple` x the daily move implied by the
 * annualized volatility (price x volatility / sqrt(365)); with neither, there is no stop. A missing target is put at
 * `minRewardRisk` times the stop distance beyond the price, so a volatility bracket meets the reward/risk minimum.
 */
import type { PositionSide } from '../core/types.js';
import type { MarketState, RiskConfig } from './types.js';

const SQRT_365 = Math.sqrt(365);

export interface Bracket {
  stopLoss: number | null;
  takeProfit: number | null;
  /** Distance to the stop as a share of price; null when there is no stop. */
  distance: number | null;
  /** |target - price| / |price - stop|; null without both. */
  rewardRisk: number | null;
  /** Why the signal's own stop or target was not used, for the decision's warnings. */
  note: string | null;
}

function onStopSide(side: PositionSide, price: number, level: number): boolean {
  return side === 'LONG' ? level < price : level > price;
}

/** Stop distance in price units from the market's volatility, or NaN when it gives none. */
export function volatilityStopDistance(price: number, market: MarketState, multiple: number): number {
  if (market.atr !== undefined && market.atr > 0 && Number.isFinite(market.atr)) return multiple * market.atr;
  const vol = market.volatility;
  if (vol !== undefined && vol > 0 && Number.isFinite(vol)) return (multiple * price * vol) / SQRT_365;
  return Number.NaN;
}

export function bracketFor(
  side: PositionSide,
  price: number,
  signalStop: number | null,
  signalTarget: number | null,
  market: MarketState,
  risk: RiskConfig,
): Bracket {
  let note: string | null = null;
  let stop: number | null = null;
  if (signalStop !== null && Number.isFinite(signalStop) && signalStop > 0) {
    if (onStopSide(side, price, signalStop)) stop = signalStop;
    else note = `the signal's stop ${signalStop} is on the wrong side of price ${price} for ${side}; using the volatility stop`;
  }
  if (stop === null) {
    const away = volatilityStopDistance(price, market, risk.atrStopMultiple);
    // A LONG stop cannot go below zero: past that the whole price is at risk.
    if (away > 0) stop = side === 'LONG' ? Math.max(0, price - away) : price + away;
  }
  const risked = stop === null ? Number.NaN : Math.abs(price - stop);

  let target: number | null = null;
  if (signalTarget !== null && Number.isFinite(signalTarget) && signalTarget > 0) {
    if (!onStopSide(side, price, signalTarget)) target = signalTarget;
    else note = `the signal's target ${signalTarget} is on the wrong side of price ${price} for ${side}; using the minimum reward/risk`;
  }
  if (target === null && risked > 0) {
    const reward = risk.minRewardRisk * risked;
    target = side === 'LONG' ? price + reward : Math.max(0, price - reward);
  }
  return {
    stopLoss: stop,
    takeProfit: target,
    distance: risked > 0 ? risked / price : null,
    rewardRisk: target !== null && risked > 0 ? Math.abs(target - price) / risked : null,
    note,
  };
}
