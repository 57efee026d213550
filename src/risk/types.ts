/**
 * The shapes the risk module speaks in. Sizes are fractions of equity (0.02 = 2% of equity); distances to a stop
 * are fractions of the entry price; volatility is annualized.
 */
import type { Config } from '../config/schema.js';
import type { PortfolioSnapshot } from '../core/types.js';

export type RiskConfig = Config['risk'];

/**
 * The portfolio as risk reads it: a PortfolioSnapshot, plus the lowest equity marked since 00:00 UTC when the
 * caller keeps it (marks.ts). With it the daily-loss halt holds for the rest of the day once tripped; without it the
 * current equity stands in and the halt lifts as soon as equity is back within the limit.
 */
export interface RiskPortfolio extends PortfolioSnapshot {
  dayLowEquity?: number;
}

/** What the market says about the signal's symbol at decision time. Every field is optional; what is absent is not used. */
export interface MarketState {
  /** Latest price of the signal's symbol; the signal's own price when absent. */
  price?: number;
  /** Average true range in price units, on the bar size the stops are meant for. Sets stops when the signal gives none. */
  atr?: number;
  /** Annualized volatility of the symbol's returns (0.6 = 60%). Volatility targeting, the level score and stops without ATR. */
  volatility?: number;
  /** Average daily traded value in quote currency (price x volume per day). Without it there is no liquidity cap. */
  avgDailyVolume?: number;
  /** Correlation of the signal symbol's returns with each held symbol's, keyed by the held symbol. Missing = not checked. */
  correlations?: Readonly<Record<string, number>>;
}

/** A strategy's realized closed trades, summarized. Profits and losses in any one consistent unit (returns or money). */
export interface TradeStats {
  trades: number;
  wins: number;
  /** Sum of the winning trades' profits (positive). */
  grossWin: number;
  /** Sum of the losing trades' losses, as a positive number. */
  grossLoss: number;
}

export type RiskLevel = 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';

/** The rules a decision can break. */
export type LimitName =
  | 'max_drawdown'
  | 'daily_loss'
  | 'risk_per_trade'
  | 'max_position'
  | 'max_per_asset'
  | 'max_per_sector'
  | 'max_correlation'
  | 'max_heat'
  | 'min_reward_risk'
  | 'liquidity'
  | 'invalid_input';

/** One limit a trade would break: the measure it would reach and the bound, in the limit's own unit. */
export interface LimitBreach {
  limit: LimitName;
  value: number;
  bound: number;
  message: string;
}

export interface RiskDecision {
  approved: boolean;
  /** Fraction of equity to commit (0 when rejected). For CLOSE: the share of equity held in the symbol being closed. */
  size: number;
  /** Units of the base asset: size x equity / price (0 when rejected). */
  quantity: number;
  stopLoss: number | null;
  takeProfit: number | null;
  level: RiskLevel;
  /** The weighted risk score the level comes from. */
  score: number;
  /** Why it was rejected, one line per broken limit, each starting with the limit's name. Empty when approved. */
  reasons: string[];
  /** The broken limits with numbers, parallel to `reasons`. */
  breaches: LimitBreach[];
  /** Measures at or beyond `warnAt` of their limit, and adjustments made (size reduced to fit a limit). */
  warnings: string[];
}
