/**
 * The risk orchestrator: the one place a signal becomes a sized, bracketed, checked trade. The signal pipeline
 * (alerts carry the decision), the backtester and the paper trader all call `decide`.
 *
 *   decide(signal, portfolio, market, risk, stats?) -> RiskDecision
 *     {approved, size, quantity, stopLoss, takeProfit, level, score, reasons[], breaches[], warnings[]}
 *
 * - Pure and synchronous: the same inputs give the same decision; nothing is read or written elsewhere. Cheap
 *   enough to call per signal in a backtest (one pass over the open positions, a few small objects).
 * - `signal.side` CLOSE is always approved (size = the share of equity held in the symbol, quantity = the units
 *   held), whatever the limits say: exits are never blocked.
 * - LONG/SHORT entries:
 *   1. price = market.price, else signal.price; equity, price and confidence must be usable (else `invalid_input`).
 *   2. the bracket (stops.ts): the signal's stop/target when on the right side, else ATR x atrStopMultiple with
 *      the target at minRewardRisk.
 *   3. the size (sizing.ts): fixed / signal / half-Kelly (from `stats`, the strategy's closed trades) / vol target,
 *      x confidence, clamped to [minPosition, maxPosition].
 *   4. the size is reduced to the largest that the size limits allow together (max position, per asset, per sector,
 *      per-trade risk, heat, liquidity), with a warning saying so; if even minPosition does not fit, the entry is
 *      rejected naming each limit minPosition would break.
 *   5. halts (drawdown, daily loss), correlation and reward/risk reject outright.
 *   A rejected decision has size 0 and quantity 0 but still carries the bracket, level and score it was judged on.
 * - `portfolio` is what execution keeps: equity marked to market, peakEquity, dayStartEquity (equity at the last
 *   00:00 UTC) and, optionally, dayLowEquity (lowest mark since then) — `markEquity` (marks.ts) keeps all three;
 *   rolling them at 00:00 UTC is what lifts the daily-loss halt. Positions marked to market.
 * - `market` carries what the numbers need (types.ts MarketState; `marketStateAt` builds one from candles).
 *
 * `createRiskManager(risk)` wraps decide with the per-strategy closed-trade statistics half-Kelly needs.
 * `alertRisk(decision)` is the `risk` object an alert carries (SPEC §8: level, approved, reasons).
 */
import type { Signal } from '../core/types.js';
import { scanBook } from './exposure.js';
import { levelOf, riskScore } from './levels.js';
import { desiredSize, liquidityCap } from './sizing.js';
import { bracketFor } from './stops.js';
import type { LimitBreach, MarketState, RiskConfig, RiskDecision, RiskPortfolio, TradeStats } from './types.js';
import { positionHeat } from './heat.js';
import {
  drawdownOf,
  type EntryContext,
  entryBreaches,
  exceeds,
  haltBreaches,
  largestAllowedSize,
  pct,
  sizeBreaches,
  warningsFor,
} from './validator.js';

function decideClose(signal: Signal, portfolio: RiskPortfolio, market: MarketState, risk: RiskConfig): RiskDecision {
  let quantity = 0;
  let value = 0;
  let heatLeft = 0;
  for (const p of portfolio.positions) {
    if (p.symbol !== signal.symbol) {
      heatLeft += positionHeat(p, risk.noStopDistance);
      continue;
    }
    quantity += Math.abs(p.quantity);
    value += Math.abs(p.quantity) * p.marketPrice;
  }
  const equity = portfolio.equity;
  const warnings: string[] = [];
  warningsFor(0, null, portfolio, risk, warnings);
  // Judged on the book after the exit: no position in the symbol, the heat of what stays open.
  const score = riskScore(
    { position: 0, heat: equity > 0 ? heatLeft / equity : 1, drawdown: drawdownOf(portfolio), annualVolatility: market.volatility ?? 0, correlation: 0 },
    risk,
  );
  const size = value > 0 && equity > 0 ? value / equity : 0;
  return { approved: true, size, quantity, stopLoss: null, takeProfit: null, level: levelOf(score, risk), score, reasons: [], breaches: [], warnings };
}

function invalid(message: string, risk: RiskConfig): RiskDecision {
  const breaches: LimitBreach[] = [{ limit: 'invalid_input', value: Number.NaN, bound: Number.NaN, message: `invalid_input: ${message}` }];
  const score = 1;
  return { approved: false, size: 0, quantity: 0, stopLoss: null, takeProfit: null, level: levelOf(score, risk), score, reasons: [breaches[0].message], breaches, warnings: [] };
}

export function decide(signal: Signal, portfolio: RiskPortfolio, market: MarketState, risk: RiskConfig, stats?: TradeStats): RiskDecision {
  if (signal.side === 'CLOSE') return decideClose(signal, portfolio, market, risk);
  const price = market.price !== undefined && market.price > 0 && Number.isFinite(market.price) ? market.price : signal.price;
  if (!(price > 0) || !Number.isFinite(price)) return invalid(`price ${price} for ${signal.symbol} is not a positive number`, risk);
  if (!Number.isFinite(portfolio.equity)) return invalid(`equity ${portfolio.equity} is not a number`, risk);
  if (!Number.isFinite(signal.confidence)) return invalid(`confidence ${signal.confidence} is not a number`, risk);

  const side = signal.side;
  const bracket = bracketFor(side, price, signal.stopLoss, signal.takeProfit, market, risk);
  const book = scanBook(signal.symbol, side, portfolio, market, risk);
  const ctx: EntryContext = {
    symbol: signal.symbol,
    book,
    distance: bracket.distance ?? risk.noStopDistance,
    rewardRisk: bracket.rewardRisk,
    signalTarget: bracket.takeProfit !== null && bracket.takeProfit === signal.takeProfit,
    liquidityCap: liquidityCap(portfolio.equity, market, risk),
  };
  const warnings: string[] = [];
  if (bracket.note !== null) warnings.push(bracket.note);
  if (bracket.stopLoss === null) warnings.push(`no stop for ${signal.symbol}: neither the signal nor ATR/volatility gives one; risk counts ${pct(risk.noStopDistance)} of the position`);

  const breaches: LimitBreach[] = [];
  haltBreaches(portfolio, risk, breaches);
  entryBreaches(ctx, risk, breaches);

  const sizing = desiredSize(signal, market, risk, stats);
  if (sizing.note !== null) warnings.push(sizing.note);
  const allowed = largestAllowedSize(ctx, risk);
  let size = Math.min(sizing.size, allowed);
  if (size < risk.minPosition) {
    // Does even the smallest position break something? If not (rounding at the edge), take the fitted size.
    const before = breaches.length;
    sizeBreaches(risk.minPosition, ctx, risk, breaches);
    if (breaches.length > before) size = risk.minPosition;
  } else if (size < sizing.size && exceeds(sizing.size, size)) {
    warnings.push(`size reduced from ${pct(sizing.size)} to ${pct(size)} to stay within the limits`);
  }
  if (!(size > 0)) size = 0;

  warningsFor(size, ctx, portfolio, risk, warnings);
  const score = riskScore(
    {
      position: book.asset + size,
      heat: book.heat + size * ctx.distance,
      drawdown: drawdownOf(portfolio),
      annualVolatility: market.volatility ?? 0,
      correlation: book.correlatedWith === null ? 0 : book.maxCorrelation,
    },
    risk,
  );
  const approved = breaches.length === 0;
  const reasons: string[] = [];
  for (let i = 0; i < breaches.length; i++) reasons.push(breaches[i].message);
  return {
    approved,
    size: approved ? size : 0,
    quantity: approved && portfolio.equity > 0 ? (size * portfolio.equity) / price : 0,
    stopLoss: bracket.stopLoss,
    takeProfit: bracket.takeProfit,
    level: levelOf(score, risk),
    score,
    reasons,
    breaches,
    warnings,
  };
}

/** The decision as an alert carries it (`risk` in mts.alert/v1): the SPEC's level, approved and reasons, plus score and warnings. */
export interface AlertRisk {
  level: RiskDecision['level'];
  approved: boolean;
  reasons: string[];
  score: number;
  warnings: string[];
}

export function alertRisk(d: RiskDecision): AlertRisk {
  return { level: d.level, approved: d.approved, reasons: d.reasons, score: d.score, warnings: d.warnings };
}

/** A stateful wrapper: keeps each strategy's closed-trade statistics for half-Kelly sizing. */
export interface RiskManager {
  readonly config: RiskConfig;
  decide(signal: Signal, portfolio: RiskPortfolio, market: MarketState): RiskDecision;
  /** Records a closed trade's profit or loss (a return or money, consistently) for a strategy. */
  recordTrade(strategy: string, pnl: number): void;
  stats(strategy: string): TradeStats;
}

export function createRiskManager(risk: RiskConfig): RiskManager {
  const byStrategy = new Map<string, TradeStats>();
  const statsOf = (strategy: string): TradeStats => {
    let s = byStrategy.get(strategy);
    if (!s) {
      s = { trades: 0, wins: 0, grossWin: 0, grossLoss: 0 };
      byStrategy.set(strategy, s);
    }
    return s;
  };
  return {
    config: risk,
    decide: (signal, portfolio, market) => decide(signal, portfolio, market, risk, byStrategy.get(signal.strategy)),
    recordTrade(strategy, pnl) {
      if (!Number.isFinite(pnl)) return;
      const s = statsOf(strategy);
      s.trades++;
      if (pnl > 0) {
        s.wins++;
        s.grossWin += pnl;
      } else s.grossLoss -= pnl;
    },
    stats: (strategy) => ({ ...statsOf(strategy) }),
  };
}
