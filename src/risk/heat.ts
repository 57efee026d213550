/**
 * Portfolio heat: what the book loses if every stop is hit, as a share of equity. Each open position contributes
 * its value (quantity x market price) times its distance to stop (|market price - stop| / market price); a stop
 * already on the profitable side of the entry still counts from the market price, since that is what is at risk now.
 * A position without a stop counts `noStopDistance` of its value (config, default 1 = the whole value; the original
 * system set heat to the position size, which is this default applied to every position).
 */
import type { MarkedPosition, PortfolioSnapshot, PositionSide } from '../core/types.js';

/** Distance from price to stop as a share of price; 0 when the stop is already through the price, `noStop` when null. */
export function stopDistance(side: PositionSide, price: number, stop: number | null, noStop: number): number {
  if (stop === null || !Number.isFinite(stop) || !(price > 0)) return noStop;
  const d = side === 'LONG' ? (price - stop) / price : (stop - price) / price;
  return Math.max(d, 0);
}

/** Money lost by one position if its stop is hit (at the stop price, no slippage). */
export function positionHeat(p: MarkedPosition, noStop: number): number {
  const value = Math.abs(p.quantity) * p.marketPrice;
  return value * stopDistance(p.side, p.marketPrice, p.stopLoss, noStop);
}

/** Sum of positionHeat over open positions, as a share of equity (Infinity when equity <= 0 and something is held). */
export function portfolioHeat(portfolio: PortfolioSnapshot, noStop: number): number {
  let money = 0;
  const ps = portfolio.positions;
  for (let i = 0; i < ps.length; i++) money += positionHeat(ps[i], noStop);
  if (money === 0) return 0;
  return portfolio.equity > 0 ? money / portfolio.equity : Number.POSITIVE_INFINITY;
}
