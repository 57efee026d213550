/**
 * Domain types shared by every module. Times are UTC epoch milliseconds; a candle's `ts` is its open time.
 * Money and quantities are float64 `number`s; rounding to market precision happens only at the order boundary.
 */
import type { Timeframe } from './time.js';

export interface Candle {
  ts: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** A candle series as columns, the shape hot loops (indicators, backtests) work on. */
export interface CandleColumns {
  readonly length: number;
  readonly ts: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

export interface SeriesKey {
  source: string;
  symbol: string;
  timeframe: Timeframe;
}

/** One observation of a macro series (FRED). `date` is 00:00 UTC of the observation day; `value` null = missing. */
export interface MacroObservation {
  series: string;
  date: number;
  value: number | null;
}

export interface FundingRate {
  symbol: string;
  ts: number;
  rate: number;
  markPrice?: number | null;
}

export interface OrderBookSnapshot {
  symbol: string;
  ts: number;
  bids: [price: number, quantity: number][];
  asks: [price: number, quantity: number][];
}

export type SignalSide = 'LONG' | 'SHORT' | 'CLOSE';
export type SignalStrength = 'WEAK' | 'MODERATE' | 'STRONG';

/** What a strategy says at the close of a bar (SPEC §7). */
export interface Signal {
  ts: number;
  strategy: string;
  symbol: string;
  side: SignalSide;
  /** 0..1 */
  confidence: number;
  strength: SignalStrength;
  price: number;
  /** Fraction of equity. */
  size: number;
  stopLoss: number | null;
  takeProfit: number | null;
  meta?: Record<string, unknown>;
}

export type OrderSide = 'BUY' | 'SELL';
export type PositionSide = 'LONG' | 'SHORT';
export type ExitReason = 'signal' | 'stop_loss' | 'take_profit' | 'end_of_data' | 'liquidation';

export interface Order {
  id: string;
  ts: number;
  symbol: string;
  side: OrderSide;
  quantity: number;
  type: 'market' | 'stop' | 'limit';
  /** Trigger or limit price for stop/limit orders. */
  price?: number;
  reason: ExitReason | 'entry';
}

export interface Fill {
  orderId: string;
  ts: number;
  symbol: string;
  side: OrderSide;
  quantity: number;
  price: number;
  fee: number;
}

export interface Position {
  symbol: string;
  side: PositionSide;
  quantity: number;
  avgPrice: number;
  entryTs: number;
  stopLoss: number | null;
  takeProfit: number | null;
  strategy?: string;
}

export function strengthFromConfidence(confidence: number, strong = 0.75, moderate = 0.5): SignalStrength {
  return confidence > strong ? 'STRONG' : confidence > moderate ? 'MODERATE' : 'WEAK';
}

/** A position as the risk module and strategies see it: marked to the latest price. */
export interface MarkedPosition extends Position {
  marketPrice: number;
}

/** The portfolio as of a moment, read-only: what risk decisions and reports are made from. */
export interface PortfolioSnapshot {
  ts: number;
  cash: number;
  /** Cash plus positions marked to market. */
  equity: number;
  /** Highest equity seen so far (for drawdown). */
  peakEquity: number;
  /** Equity at 00:00 UTC of the current day (for the daily loss limit). */
  dayStartEquity: number;
  positions: MarkedPosition[];
}
