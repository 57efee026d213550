/** The records the execution simulator keeps, and its whole state as plain JSON. */
import type { ExitReason, PositionSide } from '../core/types.js';
import type { CostModel } from './costs.js';

export interface TradeRecord {
  symbol: string;
  side: PositionSide;
  entryTs: number;
  entryPrice: number;
  /** null while open. */
  exitTs: number | null;
  exitPrice: number | null;
  quantity: number;
  /** Net of both fees; for an open trade, marked at the latest price with no exit cost. */
  pnl: number;
  fees: number;
  exitReason: ExitReason | null;
}

export interface ExecutionNote {
  ts: number;
  symbol: string;
  kind: 'rejected' | 'reduced' | 'ignored' | 'shortfall';
  reason: string;
}

/** The simulator's whole state, plain JSON. */
export interface SimulatorState {
  symbols: string[];
  initialCash: number;
  costs: CostModel;
  cash: number;
  fees: number;
  realizedPnl: number;
  tradedNotional: number;
  shortfall: number;
  side: number[];
  qty: number[];
  entryPrice: number[];
  entryTs: number[];
  entryFee: number[];
  stop: number[];
  target: number[];
  mark: number[];
  pendingKind: number[];
  pendingSize: number[];
  pendingStop: number[];
  pendingTarget: number[];
  trades: TradeRecord[];
  notes: ExecutionNote[];
}

